"""Projects, classes and members: each role against each endpoint, 401 and 403 included."""

import pytest

from annotator.models import AuditEvent, LabelClass, Project

pytestmark = pytest.mark.django_db

ANON_STATUSES = (401, 403)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("staff", 201), ("admin", 403), ("reviewer", 403), ("annotator", 403), ("outsider", 403), (None, ANON_STATUSES)],
)
def test_only_site_admins_create_projects(actors, who, expected):
    response = actors.client(who).post("/api/projects/", {"slug": "new", "name": "New", "classes": ["a", "b"]},
                                       format="json")
    assert response.status_code in (expected if isinstance(expected, tuple) else (expected,))
    if response.status_code == 201:
        project = Project.objects.get(slug="new")
        assert list(project.label_classes.values_list("name", flat=True)) == ["a", "b"]
        assert AuditEvent.objects.filter(action="project.create", object_id=project.id).exists()


@pytest.mark.parametrize(
    ("who", "sees"), [("staff", True), ("admin", True), ("reviewer", True), ("annotator", True), ("outsider", False)]
)
def test_project_list_shows_member_projects_with_the_role(actors, who, sees):
    body = actors.client(who).get("/api/projects/").json()
    assert (actors.project.id in [p["id"] for p in body]) is sees


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("staff", 200, 200), ("admin", 200, 200), ("reviewer", 200, 403), ("annotator", 200, 403),
     ("outsider", 403, 403), (None, 401, 401)],
)
def test_project_detail_read_and_edit_by_role(actors, who, read, write):
    client, pid = actors.client(who), actors.project.id
    assert client.get(f"/api/projects/{pid}/").status_code == read
    assert client.patch(f"/api/projects/{pid}/", {"name": "Renamed"}, format="json").status_code == write
    assert client.post(f"/api/projects/{pid}/archive/").status_code == write
    assert client.get(f"/api/projects/{pid}/classes/").status_code == read
    assert client.post(f"/api/projects/{pid}/classes/", {"name": f"c-{who}"}, format="json").status_code in (
        (201,) if write == 200 else (write,)
    )
    assert client.get(f"/api/projects/{pid}/members/").status_code == write


def test_unknown_project_is_404(actors):
    assert actors.client("admin").get("/api/projects/999999/").status_code == 404


def test_archived_projects_are_hidden_unless_asked(actors):
    client = actors.client("admin")
    client.post(f"/api/projects/{actors.project.id}/archive/")
    assert actors.project.id not in [p["id"] for p in client.get("/api/projects/").json()]
    assert actors.project.id in [p["id"] for p in client.get("/api/projects/?archived=1").json()]


def test_label_class_edit_and_archive(actors):
    client = actors.client("admin")
    created = client.post(f"/api/projects/{actors.project.id}/classes/", {"name": "building", "color": "#112233"},
                          format="json").json()
    assert client.patch(f"/api/classes/{created['id']}/", {"color": "#445566"}, format="json").json()["color"] == (
        "#445566"
    )
    assert client.delete(f"/api/classes/{created['id']}/").status_code == 204
    assert LabelClass.objects.get(pk=created["id"]).archived
    denied = actors.client("annotator").patch(f"/api/classes/{created['id']}/", {"name": "x"}, format="json")
    assert denied.status_code == 403


def test_duplicate_class_name_is_refused_with_a_reason(actors):
    client = actors.client("admin")
    client.post(f"/api/projects/{actors.project.id}/classes/", {"name": "road"}, format="json")
    response = client.post(f"/api/projects/{actors.project.id}/classes/", {"name": "road"}, format="json")
    assert response.status_code == 400
    assert "already has a class" in response.json()["detail"]


def test_admin_manages_members(actors):
    client, pid = actors.client("admin"), actors.project.id
    response = client.post(f"/api/projects/{pid}/members/", {"username": "outsider", "role": "reviewer"}, format="json")
    assert response.status_code == 201
    assert actors.client("outsider").get(f"/api/projects/{pid}/").json()["role"] == "reviewer"
    assert client.delete(f"/api/projects/{pid}/members/{actors.users['outsider'].id}/").status_code == 204
    assert actors.client("outsider").get(f"/api/projects/{pid}/").status_code == 403
    bad = client.post(f"/api/projects/{pid}/members/", {"username": "ghost", "role": "annotator"}, format="json")
    assert bad.status_code == 404
