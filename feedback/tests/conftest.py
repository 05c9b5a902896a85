import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotator.models import Membership, Project


@pytest.fixture
def project_env(db, django_user_model):
    from feedback.tests.fixtures import atlanta_scene, base_version

    project = Project.objects.create(slug="fb", name="Feedback")
    users = {}
    for role in ("admin", "annotator"):
        users[role] = django_user_model.objects.create_user(f"fb-{role}", password="pw")
        Membership.objects.create(project=project, user=users[role], role=role)
    users["outsider"] = django_user_model.objects.create_user("fb-outsider", password="pw")
    return {"project": project, "scene": atlanta_scene(project), "base": base_version(), "users": users}


@pytest.fixture
def client_for():
    def make(user):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
