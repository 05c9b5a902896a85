"""Accounts: password rules, login throttling, API token lifetime, WebSocket tickets, and the authentication classes
that enforce them (the REST_FRAMEWORK defaults from base are updated here, in place)."""

from django.core.exceptions import ImproperlyConfigured

from webapp.settings.base import REST_FRAMEWORK
from webapp.settings.env import env_int, env_str

# Applied wherever the app sets a password (the admin site, createsuperuser/changepassword, bootstrap_demo, the
# password-change API). Users created directly through the ORM (tests, fixtures) are not checked.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("GEOLOOP_PASSWORD_MIN_LENGTH", 10)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every password check goes through this backend, which applies the login limits below (API logins, admin site).
AUTHENTICATION_BACKENDS = ["webapp.auth_backends.ThrottledModelBackend"]

# Login throttling (kept in Redis, shared by every web process): failed logins per account and per client address
# within a sliding window; a successful login does not count (and clears its account's failures).
GEOLOOP_LOGIN_WINDOW_S = env_int("GEOLOOP_LOGIN_WINDOW_S", 300)
GEOLOOP_LOGIN_FAILURES_PER_ACCOUNT = env_int("GEOLOOP_LOGIN_FAILURES_PER_ACCOUNT", 5)
GEOLOOP_LOGIN_FAILURES_PER_CLIENT = env_int("GEOLOOP_LOGIN_FAILURES_PER_CLIENT", 20)
# The client address is REMOTE_ADDR unless the app runs behind a proxy you control: then name the header that proxy
# sets (e.g. "X-Forwarded-For" or "X-Real-IP") and how many proxies of yours append to it; the address is read that
# many entries from the right, so a client cannot choose it by sending the header itself.
GEOLOOP_CLIENT_IP_HEADER = env_str("GEOLOOP_CLIENT_IP_HEADER", "")
GEOLOOP_TRUSTED_PROXY_COUNT = env_int("GEOLOOP_TRUSTED_PROXY_COUNT", 1)
# IPv6 clients are counted per network of this prefix length (one host usually holds a whole /64).
GEOLOOP_CLIENT_IPV6_PREFIX = env_int("GEOLOOP_CLIENT_IPV6_PREFIX", 64)

# API tokens expire this many hours after they were issued (login issues a fresh one once the old one expired);
# logout deletes the token.
GEOLOOP_TOKEN_TTL_HOURS = env_int("GEOLOOP_TOKEN_TTL_HOURS", 24)

# Scripts open WebSockets with a single-use ticket (POST /api/auth/ws-ticket/) that lives this many seconds.
GEOLOOP_WS_TICKET_TTL_S = env_int("GEOLOOP_WS_TICKET_TTL_S", 30)

REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    # Token first, so an anonymous API call gets 401 with WWW-Authenticate rather than 403.
    "annotator.authentication.ExpiringTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]

for _name in ("GEOLOOP_LOGIN_WINDOW_S", "GEOLOOP_LOGIN_FAILURES_PER_ACCOUNT", "GEOLOOP_LOGIN_FAILURES_PER_CLIENT",
              "GEOLOOP_TRUSTED_PROXY_COUNT", "GEOLOOP_TOKEN_TTL_HOURS", "GEOLOOP_WS_TICKET_TTL_S"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a whole number of at least 1")
