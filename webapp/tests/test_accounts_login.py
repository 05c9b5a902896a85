"""Login throttling (real Redis), login CSRF, token login for scripts, and password validation."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.ratelimit import Refused, Rule, SlidingWindowLimiter
from webapp.auth_services import client_address

pytestmark = pytest.mark.usefixtures("clean_redis")

PASSWORD = "correct horse battery"


@pytest.fixture
def limits(settings):
    settings.GEOLOOP_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.GEOLOOP_LOGIN_FAILURES_PER_CLIENT = 5
    settings.GEOLOOP_LOGIN_WINDOW_S = 60
    settings.GEOLOOP_CLIENT_IP_HEADER = ""
    return settings


@pytest.fixture
def users(db):
    make = get_user_model().objects.create_user
    return {name: make(name, password=PASSWORD) for name in ("ann", "bob", "cid")}


def login(username, password, *, address="10.0.0.1", client=None, **extra):
    client = client or Client()
    return client.post("/api/auth/login/", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=address, **extra)


def test_failures_per_account_are_throttled_from_any_address_with_429_and_retry_after(limits, users):
    for i in range(3):
        assert login("ann", "wrong", address=f"10.1.0.{i}").status_code == 400
    refused = login("ann", PASSWORD, address="10.1.0.99")  # even the right password, from a fresh address
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert "Too many failed logins" in body["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert body["retry_after"] == int(refused["Retry-After"])
    # other accounts are not affected
    assert login("bob", PASSWORD, address="10.1.0.99").status_code == 200


def test_successful_logins_do_not_count_and_clear_the_accounts_failures(limits, users):
    for _ in range(10):
        assert login("ann", PASSWORD).status_code == 200
    for _ in range(2):
        assert login("ann", "wrong").status_code == 400
    assert login("ann", PASSWORD).status_code == 200
    for _ in range(2):  # the two earlier failures were cleared by the success: two more are still allowed
        assert login("ann", "wrong").status_code == 400
    assert login("ann", PASSWORD).status_code == 200


def test_failures_per_client_address_are_throttled_across_accounts(limits, users):
    for i in range(5):
        assert login(f"nobody-{i}", "wrong", address="10.2.0.1").status_code == 400
    assert login("cid", PASSWORD, address="10.2.0.1").status_code == 429
    assert login("cid", PASSWORD, address="10.2.0.2").status_code == 200


def test_ipv6_clients_count_per_network(limits, users):
    for i in range(5):
        assert login(f"nobody-{i}", "wrong", address=f"2001:db8:1:2::{i + 1}").status_code == 400
    assert login("cid", PASSWORD, address="2001:db8:1:2:ffff::9").status_code == 429
    assert login("cid", PASSWORD, address="2001:db8:1:3::1").status_code == 200


def test_forwarded_header_is_ignored_unless_trusted_by_setting(limits, users):
    for i in range(5):  # a client rotating X-Forwarded-For does not escape its own address's limit
        assert login(f"n{i}", "wrong", address="10.3.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code == 400
    assert login("cid", PASSWORD, address="10.3.0.1", HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429

    limits.GEOLOOP_CLIENT_IP_HEADER = "X-Forwarded-For"
    limits.GEOLOOP_TRUSTED_PROXY_COUNT = 1
    proxy = "10.3.0.250"
    for i in range(5):  # the client-written entries on the left are ignored; the proxy's entry counts
        forwarded = f"198.51.100.{i}, 203.0.113.7"
        assert login(f"m{i}", "wrong", address=proxy, HTTP_X_FORWARDED_FOR=forwarded).status_code == 400
    assert login("cid", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7").status_code == 429
    assert login("cid", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 200


def test_the_admin_sites_login_form_shares_the_limits(limits, users):
    staff = users["ann"]
    staff.is_staff = True
    staff.save()

    def admin_login(password):
        return Client().post("/admin/login/?next=/admin/", {"username": "ann", "password": password},
                             REMOTE_ADDR="10.5.0.1")

    assert admin_login(PASSWORD).status_code == 302  # logged in
    for _ in range(3):
        assert admin_login("wrong").status_code == 200  # the form again, with its error
    assert admin_login(PASSWORD).status_code == 200  # refused while the account is throttled
    assert login("ann", PASSWORD, address="10.5.0.2").status_code == 429


def test_client_address_parsing(settings):
    settings.GEOLOOP_CLIENT_IP_HEADER = "X-Real-IP"
    settings.GEOLOOP_TRUSTED_PROXY_COUNT = 1
    settings.GEOLOOP_CLIENT_IPV6_PREFIX = 64
    assert client_address({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_REAL_IP": "203.0.113.5:4431"}) == "203.0.113.5"
    assert client_address({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_REAL_IP": "[2001:db8::1]:80"}) == "2001:db8::/64"
    assert client_address({"REMOTE_ADDR": "10.0.0.9"}) == "10.0.0.9"  # header missing: the peer
    assert client_address({"REMOTE_ADDR": "::ffff:192.0.2.1"}) == "192.0.2.1"
    assert client_address({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_REAL_IP": "garbage"}) == "unknown"


def test_limiter_is_atomic_under_concurrent_attempts_and_slides(clean_redis):
    limiter = SlidingWindowLimiter(clean_redis)
    rule = Rule("geoloop:login:test:atomic", limit=5, window_s=1)
    granted, refused = [], []

    def attempt():
        try:
            granted.append(limiter.reserve([rule]))
        except Refused as r:
            refused.append(r.retry_after_s)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(granted) == 5
    assert len(refused) == 15
    assert all(r == 1 for r in refused)
    limiter.release(granted[0])
    limiter.reserve([rule])  # a released attempt frees its slot
    with pytest.raises(Refused):
        limiter.reserve([rule])
    time.sleep(1.1)  # the window slides past every attempt
    limiter.reserve([rule])


@pytest.mark.django_db(transaction=True)
def test_throttling_holds_across_processes(limits, app_server, clean_redis):
    """Failures against the uvicorn process count in this process too (the counter is in Redis)."""
    import requests

    get_user_model().objects.create_user("dan", password=PASSWORD)
    for _ in range(5):  # the server's own defaults (5 per account) apply in its process
        r = requests.post(f"{app_server.url}/api/auth/token/", json={"username": "dan", "password": "x"}, timeout=30)
        assert r.status_code == 400
    r = requests.post(f"{app_server.url}/api/auth/token/", json={"username": "dan", "password": PASSWORD}, timeout=30)
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert login("dan", PASSWORD, address="10.4.0.1").status_code == 429  # this process, another address


def test_login_enforces_csrf_and_the_spa_flow_passes(users):
    browser = Client(enforce_csrf_checks=True)
    refused = login("ann", PASSWORD, client=browser)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    csrf = browser.get("/api/auth/csrf/")
    assert csrf.status_code == 200
    assert browser.cookies["csrftoken"].value
    ok = login("ann", PASSWORD, client=browser, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert ok.status_code == 200
    assert ok.json()["user"]["username"] == "ann"
    assert browser.get("/api/auth/me/").json()["username"] == "ann"


def test_token_login_for_scripts_needs_no_csrf_and_sets_no_cookie(users):
    script = Client(enforce_csrf_checks=True)
    response = script.post("/api/auth/token/", {"username": "ann", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) == 40
    assert body["expires_at"]
    assert not response.cookies  # no session, no CSRF cookie
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/auth/me/").json()["username"] == "ann"
    bad = script.post("/api/auth/token/", {"username": "ann", "password": "nope"}, content_type="application/json")
    assert bad.status_code == 400
    assert "Wrong username or password" in bad.json()["detail"]


def test_overlong_credentials_are_refused_before_hashing(users):
    response = login("ann", "x" * 5000)
    assert response.status_code == 400
    assert "password" in response.json()


def _change(api, old, new):
    return api.post("/api/auth/password/", {"old_password": old, "new_password": new}, format="json")


def test_password_change_applies_the_validators_with_clear_messages(users):
    api = APIClient()
    token = Token.objects.create(user=users["ann"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for weak, words in [("short", "too short"), ("1234567890123", "entirely numeric"), ("password123", "too common")]:
        response = _change(api, PASSWORD, weak)
        assert response.status_code == 400, weak
        body = response.json()
        assert body["code"] == "invalid"
        assert words in body["detail"]
        assert body["errors"]
    wrong = _change(api, "not-it", "a much better passphrase")
    assert wrong.status_code == 400
    assert "current password is wrong" in wrong.json()["detail"]
    assert _change(api, PASSWORD, "a much better passphrase").status_code == 204
    users["ann"].refresh_from_db()
    assert users["ann"].check_password("a much better passphrase")
    assert api.get("/api/auth/me/").status_code == 401  # the token was revoked with the old password


def test_password_change_keeps_the_browser_session(users):
    browser = Client()
    assert login("ann", PASSWORD, client=browser).status_code == 200
    response = browser.post("/api/auth/password/", {"old_password": PASSWORD, "new_password": "another fine phrase"},
                            content_type="application/json")
    assert response.status_code == 204
    assert browser.get("/api/auth/me/").json()["username"] == "ann"


def test_bootstrap_demo_refuses_a_weak_password(db, tmp_path, monkeypatch):
    from annotator.management.commands import bootstrap_demo

    weak = tmp_path / "admin-password"
    weak.write_text("admin\n")
    monkeypatch.setattr(bootstrap_demo, "password_file", lambda: weak)
    with pytest.raises(CommandError, match=r"refused: .*too short"):
        call_command("bootstrap_demo", "--url", "http://127.0.0.1:9999/")
    assert not get_user_model().objects.filter(username="admin").exists()
