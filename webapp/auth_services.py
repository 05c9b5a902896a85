"""Accounts: throttled login, API tokens with a lifetime, logout that revokes, single-use WebSocket tickets.

Login failures are counted in Redis (:mod:`core.ratelimit`) per account and per client address, so the limits hold
across every web process. Tokens are DRF's (one per user); their lifetime is checked by
:mod:`annotator.authentication`. A WebSocket ticket is a random string stored in Redis for GEOLOOP_WS_TICKET_TTL_S
seconds and deleted by the connection that uses it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import secrets

import redis
from django.conf import settings
from django.contrib.auth import authenticate, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from annotator.authentication import forget, token_expired
from core.errors import RateLimited, Unavailable, ValidationFailed
from core.ratelimit import Refused, Reservation, Rule, SlidingWindowLimiter

log = logging.getLogger(__name__)

LOGIN_PREFIX = "geoloop:login:"
TICKET_PREFIX = "geoloop:ws-ticket:"
TICKET_MAX_LEN = 128

_client: tuple[int, redis.Redis, SlidingWindowLimiter] | None = None


def _redis() -> tuple[redis.Redis, SlidingWindowLimiter]:
    """One client per process (re-made after a fork), with short timeouts: a login must not hang on Redis."""
    global _client
    if _client is None or _client[0] != os.getpid():
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2,
                                      health_check_interval=30)
        _client = (os.getpid(), client, SlidingWindowLimiter(client))
    return _client[1], _client[2]


# --- client address -------------------------------------------------------------------------------------------------

def _parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(meta: dict) -> str:
    """The client's address as login throttling counts it: REMOTE_ADDR, or, when GEOLOOP_CLIENT_IP_HEADER names the
    header a trusted proxy sets, the entry GEOLOOP_TRUSTED_PROXY_COUNT places from its right (entries further left
    were written by the client and are ignored). IPv6 addresses count per /GEOLOOP_CLIENT_IPV6_PREFIX network."""
    text = meta.get("REMOTE_ADDR") or ""
    header = settings.GEOLOOP_CLIENT_IP_HEADER.strip()
    if header:
        value = meta.get("HTTP_" + header.upper().replace("-", "_"), "")
        entries = [e for e in (part.strip() for part in value.split(",")) if e]
        depth = max(1, settings.GEOLOOP_TRUSTED_PROXY_COUNT)
        if len(entries) >= depth:
            text = entries[-depth]
    address = _parse_address(text)
    if address is None:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        prefix = min(128, max(0, settings.GEOLOOP_CLIENT_IPV6_PREFIX))
        return str(ipaddress.IPv6Network((address, prefix), strict=False))
    return str(address)


# --- login ------------------------------------------------------------------------------------------------------------

def _account_key(username: str) -> str:
    return LOGIN_PREFIX + "account:" + hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def _client_key(address: str) -> str:
    return LOGIN_PREFIX + "client:" + address


def _rules(*, username: str, address: str) -> list[Rule]:
    window = settings.GEOLOOP_LOGIN_WINDOW_S
    return [Rule(_account_key(username), settings.GEOLOOP_LOGIN_FAILURES_PER_ACCOUNT, window),
            Rule(_client_key(address), settings.GEOLOOP_LOGIN_FAILURES_PER_CLIENT, window)]


def _unavailable(exc: Exception) -> Unavailable:
    log.warning("login throttle store unreachable: %s", exc)
    return Unavailable("Login is unavailable for a moment (its attempt counter cannot be reached); try again soon.")


def login_throttle_reserve(*, request, username: str) -> tuple[Reservation, list[Rule]]:
    """Count one login attempt against the account and the client address, or raise RateLimited (with
    ``retry_after``) when either is over its limit; Unavailable when Redis cannot be reached (fail closed)."""
    _, limiter = _redis()
    rules = _rules(username=username, address=client_address(request.META))
    try:
        return limiter.reserve(rules), rules
    except Refused as refused:
        raise RateLimited(
            f"Too many failed logins for this account or from this address. Try again in {refused.retry_after_s} s.",
            extra={"retry_after": refused.retry_after_s},
        ) from None
    except redis.RedisError as exc:
        raise _unavailable(exc) from exc


def login_throttle_succeeded(held: tuple[Reservation, list[Rule]]) -> None:
    """A success does not count: take the attempt back from the client address and clear the account's failures."""
    reservation, rules = held
    _, limiter = _redis()
    try:
        limiter.release(reservation, keys=(rules[1].key,))
        limiter.reset(rules[0].key)
    except redis.RedisError as exc:  # the login stands; the stray attempt ages out with its window
        log.warning("could not clear login attempts: %s", exc)


def _base_request(request):
    return getattr(request, "_request", request)


def login_refusal_note(request, refusal: Exception) -> None:
    """Where the authentication backend leaves why it refused (Django's authenticate() only reports None)."""
    _base_request(request).geoloop_login_refused = refusal


def user_authenticate(*, request, username: str, password: str):
    """The user for these credentials, or RateLimited (with retry_after) / Unavailable / ValidationFailed. The limits
    are applied by the authentication backend (webapp.auth_backends), so every login path shares them."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        refusal = getattr(_base_request(request), "geoloop_login_refused", None)
        if refusal is not None:
            raise refusal
        raise ValidationFailed("Wrong username or password.")
    return user


def token_issue(*, user) -> Token:
    """The user's API token: the current one while it is valid, a new one once it expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token_expired(token):
        forget(token_key=token.key)
        Token.objects.filter(pk=token.pk).delete()
    token, _ = Token.objects.get_or_create(user=user)
    return token


def user_logout(*, request) -> None:
    """End the session and delete the user's API token; both are forgotten by this process's auth caches at once
    (other web processes' caches forget them within annotator.authentication.AUTH_TTL_S seconds)."""
    user = request.user
    session_key = request.session.session_key
    keys = list(Token.objects.filter(user=user).values_list("key", flat=True))
    Token.objects.filter(user=user).delete()
    logout(request)
    for key in keys:
        forget(token_key=key)
    forget(session_key=session_key)


def user_password_change(*, request, user, old_password: str, new_password: str) -> None:
    """Check the current password (throttled like a login), validate the new one with AUTH_PASSWORD_VALIDATORS, set
    it, revoke the API token, and keep this browser session logged in (other sessions end)."""
    held = login_throttle_reserve(request=request, username=user.get_username())
    if not user.check_password(old_password):
        raise ValidationFailed("The current password is wrong.", extra={"field": "old_password"})
    login_throttle_succeeded(held)
    password_validate(password=new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    keys = list(Token.objects.filter(user=user).values_list("key", flat=True))
    Token.objects.filter(user=user).delete()
    for key in keys:
        forget(token_key=key)
    if request.auth is None:  # a browser session: it stays logged in under the new password hash
        forget(session_key=request.session.session_key)
        update_session_auth_hash(request, user)


def password_validate(*, password: str, user=None) -> None:
    """AUTH_PASSWORD_VALIDATORS as a ValidationFailed whose message lists every rule the password breaks."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        messages = list(exc.messages)
        raise ValidationFailed("Password refused: " + " ".join(messages),
                               extra={"field": "new_password", "errors": messages}) from None


# --- WebSocket tickets ----------------------------------------------------------------------------------------------

def ws_ticket_issue(*, user) -> str:
    """A single-use ticket that opens one WebSocket as ``user`` within GEOLOOP_WS_TICKET_TTL_S seconds."""
    client, _ = _redis()
    ticket = secrets.token_urlsafe(32)
    try:
        client.set(TICKET_PREFIX + ticket, str(user.pk), ex=max(1, settings.GEOLOOP_WS_TICKET_TTL_S))
    except redis.RedisError as exc:
        log.warning("ticket store unreachable: %s", exc)
        raise Unavailable("Socket tickets are unavailable for a moment; try again soon.") from exc
    return ticket


def ws_ticket_consume(*, ticket: str) -> int | None:
    """The user id a ticket was issued to, deleting the ticket; None when unknown, used or expired."""
    if not ticket or len(ticket) > TICKET_MAX_LEN:
        return None
    client, _ = _redis()
    try:
        value = client.getdel(TICKET_PREFIX + ticket)
    except redis.RedisError as exc:
        log.warning("ticket store unreachable: %s", exc)
        return None
    return int(value) if value else None
