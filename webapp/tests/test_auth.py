import pytest
from django.contrib.auth import get_user_model


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("ann", password="secret-pw")


def test_session_login_returns_a_token_and_logs_the_browser_in(client, user):
    response = client.post("/api/auth/login/", {"username": "ann", "password": "secret-pw"},
                           content_type="application/json")
    assert response.status_code == 200
    assert len(response.json()["token"]) == 40
    assert client.get("/api/auth/me/").json()["username"] == "ann"


def test_wrong_password_is_refused_with_a_reason(client, user):
    response = client.post("/api/auth/login/", {"username": "ann", "password": "nope"},
                           content_type="application/json")
    assert response.status_code == 400
    assert "Wrong username or password" in response.json()["detail"]


def test_token_authenticates_the_api(client, user):
    token = client.post("/api/auth/login/", {"username": "ann", "password": "secret-pw"},
                        content_type="application/json").json()["token"]
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.get("/api/auth/me/").status_code in (401, 403)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/auth/me/").json()["username"] == "ann"


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
