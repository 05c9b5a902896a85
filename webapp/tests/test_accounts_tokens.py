"""API tokens expire and are revoked on logout (API, cached tile and socket paths); WebSockets authenticate with the
session cookie or a single-use ticket, never a token in the URL."""

import asyncio
import json
import time
from datetime import timedelta

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from annotator import authentication
from webapp.auth_services import ws_ticket_issue

pytestmark = pytest.mark.usefixtures("clean_redis")

PASSWORD = "correct horse battery"
# A tile of a scene that does not exist: an authenticated caller gets 404, an unauthenticated one 401. The tile view
# authenticates through the cached classes (settings.GEOLOOP_CACHED_AUTHENTICATION).
TILE = "/api/scenes/999999/tiles/0/0/0.png"


@pytest.fixture(autouse=True)
def _fresh_auth_caches():
    authentication.token_users.clear()
    authentication.session_users.clear()


def _token_client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _age(token: Token, hours: float) -> None:
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(hours=hours))


@pytest.fixture
def ann(db):
    return get_user_model().objects.create_user("ann", password=PASSWORD)


def test_expired_token_is_refused_on_the_api_and_login_issues_a_new_one(settings, ann):
    settings.GEOLOOP_TOKEN_TTL_HOURS = 24
    token = Token.objects.create(user=ann)
    api = _token_client(token.key)
    assert api.get("/api/auth/me/").status_code == 200
    _age(token, 25)
    refused = api.get("/api/auth/me/")
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    body = Client().post("/api/auth/token/", {"username": "ann", "password": PASSWORD},
                         content_type="application/json").json()
    assert body["token"] != token.key
    assert not Token.objects.filter(key=token.key).exists()
    assert _token_client(body["token"]).get("/api/auth/me/").status_code == 200


def test_expired_token_is_refused_on_the_cached_tile_path(settings, ann):
    settings.GEOLOOP_TOKEN_TTL_HOURS = 3
    token = Token.objects.create(user=ann)
    _age(token, 2)
    api = _token_client(token.key)
    assert api.get(TILE).status_code == 404  # authenticated, and now remembered by the cache
    assert authentication.token_users.get(token.key) is not None
    settings.GEOLOOP_TOKEN_TTL_HOURS = 1  # the same token is now past its lifetime: the cached entry must not serve
    refused = api.get(TILE)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def test_logout_revokes_the_token_on_api_and_cached_tile_path(ann):
    key = Client().post("/api/auth/token/", {"username": "ann", "password": PASSWORD},
                        content_type="application/json").json()["token"]
    api = _token_client(key)
    assert api.get(TILE).status_code == 404  # cached
    assert api.post("/api/auth/logout/").status_code == 204
    assert not Token.objects.filter(key=key).exists()
    assert api.get(TILE).status_code == 401
    assert api.get("/api/auth/me/").status_code == 401


def test_browser_logout_ends_the_session_and_the_token_even_where_cached(ann):
    browser = Client()
    login = browser.post("/api/auth/login/", {"username": "ann", "password": PASSWORD}, content_type="application/json")
    key, session = login.json()["token"], browser.cookies["sessionid"].value
    assert browser.get(TILE).status_code == 404  # the session's user is cached
    assert browser.post("/api/auth/logout/").status_code == 204
    stale = Client()
    stale.cookies["sessionid"] = session  # someone who kept the old cookie
    assert stale.get(TILE).status_code in (401, 403)
    assert stale.get("/api/auth/me/").status_code in (401, 403)
    assert _token_client(key).get("/api/auth/me/").status_code == 401


# --- WebSockets against the real server ------------------------------------------------------------------------------

async def _open(url: str, origin: str, headers: dict | None = None):
    """'open' when the socket answers a ping, else the handshake's HTTP status."""
    try:
        async with connect(url, origin=origin, open_timeout=10, additional_headers=headers) as socket:
            await socket.send(json.dumps({"type": "ping"}))
            assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "pong"}
            return "open"
    except InvalidStatus as refused:
        return refused.response.status_code


def _ticket(app_server, key: str) -> requests.Response:
    return requests.post(f"{app_server.url}/api/auth/ws-ticket/", headers={"Authorization": f"Token {key}"},
                         timeout=30)


@pytest.mark.django_db(transaction=True)
def test_socket_tickets_are_single_use_and_expire(settings, app_server, actors):
    path = f"{app_server.ws_url}/ws/projects/{actors.project.id}/training/"
    key = Token.objects.create(user=actors.users["admin"]).key
    issued = _ticket(app_server, key)
    assert issued.status_code == 200
    assert issued.json()["expires_in"] == 30
    ticket = issued.json()["ticket"]
    assert asyncio.run(_open(f"{path}?ticket={ticket}", app_server.url)) == "open"
    assert asyncio.run(_open(f"{path}?ticket={ticket}", app_server.url)) == 403  # used up
    assert asyncio.run(_open(f"{path}?ticket=made-up", app_server.url)) == 403

    settings.GEOLOOP_WS_TICKET_TTL_S = 1  # issued here, in the test process, into the same Redis
    short = ws_ticket_issue(user=actors.users["admin"])
    time.sleep(1.5)
    assert asyncio.run(_open(f"{path}?ticket={short}", app_server.url)) == 403


@pytest.mark.django_db(transaction=True)
def test_socket_with_a_token_in_the_url_is_refused(app_server, actors):
    path = f"{app_server.ws_url}/ws/projects/{actors.project.id}/training/"
    key = Token.objects.create(user=actors.users["admin"]).key
    assert asyncio.run(_open(f"{path}?token={key}", app_server.url)) == 403
    ticket = _ticket(app_server, key).json()["ticket"]  # a ticket beside a token does not rescue it
    assert asyncio.run(_open(f"{path}?ticket={ticket}&token={key}", app_server.url)) == 403


@pytest.mark.django_db(transaction=True)
def test_expired_or_revoked_token_cannot_open_a_socket(app_server, actors):
    admin = actors.users["admin"]
    token = Token.objects.create(user=admin)
    _age(token, 24 * 365)  # past any configured lifetime
    refused = _ticket(app_server, token.key)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]

    Token.objects.filter(pk=token.pk).update(created=timezone.now())
    assert _ticket(app_server, token.key).status_code == 200
    logout = requests.post(f"{app_server.url}/api/auth/logout/", headers={"Authorization": f"Token {token.key}"},
                           timeout=30)
    assert logout.status_code == 204
    assert _ticket(app_server, token.key).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_browser_session_opens_sockets_until_logout(app_server, actors):
    admin = actors.users["admin"]
    admin.set_password(PASSWORD)
    admin.save()
    path = f"{app_server.ws_url}/ws/projects/{actors.project.id}/training/"
    browser = requests.Session()
    credentials = {"username": admin.username, "password": PASSWORD}
    without_csrf = browser.post(f"{app_server.url}/api/auth/login/", json=credentials, timeout=30)
    assert without_csrf.status_code == 403
    csrf = browser.get(f"{app_server.url}/api/auth/csrf/", timeout=30).json()["csrftoken"]
    login = browser.post(f"{app_server.url}/api/auth/login/", json=credentials, timeout=30,
                         headers={"X-CSRFToken": csrf, "Referer": app_server.url + "/"})
    assert login.status_code == 200
    cookie = {"Cookie": f"sessionid={browser.cookies['sessionid']}"}
    assert asyncio.run(_open(path, app_server.url, cookie)) == "open"
    logout = browser.post(f"{app_server.url}/api/auth/logout/", timeout=30,
                          headers={"X-CSRFToken": browser.cookies["csrftoken"], "Referer": app_server.url + "/"})
    assert logout.status_code == 204
    assert asyncio.run(_open(path, app_server.url, cookie)) == 403
