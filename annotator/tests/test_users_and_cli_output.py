"""Users created and added to a project with a role, through the API (project admins, staff) and the CLI
(`create_user`); and every management command prints only its result on stdout (logs, progress to stderr), checked
on real subprocesses against the test database."""

import json
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotator.models import Annotation, AuditEvent, Membership, Project, Scene
from tests.servers import ROOT

SAMPLE = ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
LABELS = ROOT / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"


@pytest.mark.django_db
def test_project_admins_and_staff_create_users_in_their_project(actors):
    url = f"/api/projects/{actors.project.id}/users/"
    made = actors.client("admin").post(url, {"username": "newbie", "role": "reviewer"}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["username"], body["role"]) == ("newbie", "reviewer")
    newbie = get_user_model().objects.get(pk=body["user_id"])
    assert len(body["password"]) >= 16
    assert newbie.check_password(body["password"])  # the generated password logs in, answered once
    assert Membership.objects.get(project=actors.project, user=newbie).role == "reviewer"
    assert AuditEvent.objects.filter(action="user.create", project=actors.project).count() == 1

    chosen = actors.client("staff").post(url, {"username": "chosen", "password": "a-long-pass-phrase-42"},
                                         format="json")
    assert chosen.status_code == 201, chosen.json()
    assert chosen.json()["password"] is None  # given, so not echoed
    assert chosen.json()["role"] == "annotator"  # the default role
    assert get_user_model().objects.get(username="chosen").check_password("a-long-pass-phrase-42")

    for who in ("reviewer", "annotator", "outsider"):
        refused = actors.client(who).post(url, {"username": f"by-{who}"}, format="json")
        assert refused.status_code in (403, 404), (who, refused.status_code)
    assert actors.client("admin").post(url, {"username": "NEWBIE"}, format="json").status_code == 409
    weak = actors.client("admin").post(url, {"username": "weak", "password": "123"}, format="json")
    assert weak.status_code == 400
    assert "password" in weak.json()["detail"].lower()
    bad_role = actors.client("admin").post(url, {"username": "x", "role": "owner"}, format="json")
    assert bad_role.status_code == 400
    bad_name = actors.client("admin").post(url, {"username": "a b/c"}, format="json")
    assert bad_name.status_code == 400
    assert "Username" in bad_name.json()["detail"]
    assert not get_user_model().objects.filter(username__in=["by-reviewer", "weak", "x", "a b/c"]).exists()


def _cli(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_create_user_cli_prints_one_json_line(tmp_path, monkeypatch):
    project = Project.objects.create(slug="cli-users", name="CLI")
    generated = json.loads(_cli("create_user", "alice", "--project", "cli-users", "--role", "reviewer"))
    alice = get_user_model().objects.get(username="alice")
    assert generated == {"user_id": alice.pk, "username": "alice", "project": "cli-users", "role": "reviewer",
                         "password": generated["password"]}
    assert alice.check_password(generated["password"])
    assert Membership.objects.get(project=project, user=alice).role == "reviewer"

    secret = tmp_path / "pw"
    secret.write_text("from-a-file-pass-9\n")
    from_file = json.loads(_cli("create_user", "bob", "--project", "cli-users", "--password-file", str(secret)))
    assert (from_file["role"], from_file["password"]) == ("annotator", None)
    assert get_user_model().objects.get(username="bob").check_password("from-a-file-pass-9")
    monkeypatch.setenv("GEOLOOP_USER_PASSWORD", "from-the-environment-7")
    json.loads(_cli("create_user", "carol"))  # no project: a login only
    assert get_user_model().objects.get(username="carol").check_password("from-the-environment-7")
    assert not Membership.objects.filter(user__username="carol").exists()

    with pytest.raises(CommandError, match="exists already"):
        _cli("create_user", "alice", "--project", "cli-users")
    with pytest.raises(CommandError, match="No project"):
        _cli("create_user", "dave", "--project", "nope")
    with pytest.raises(CommandError, match="Cannot read"):
        _cli("create_user", "erin", "--password-file", str(secret.with_name("short")))  # no such file yet
    secret.with_name("short").write_text("abc\n")
    with pytest.raises(CommandError, match="password is refused"):
        _cli("create_user", "erin", "--password-file", str(secret.with_name("short")))
    assert not get_user_model().objects.filter(username__in=["dave", "erin"]).exists()


def _manage(child_env, *args) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**child_env, "DJANGO_DEBUG": "1"},
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return run


def test_management_commands_print_only_their_result_on_stdout(transactional_db, child_env, tmp_path):
    """Each command as a process of its own, DEBUG logging on: stdout is the result, nothing else."""
    project_id = _manage(child_env, "create_project", "stdout", "--classes", "building").stdout
    assert project_id == f"{Project.objects.get(slug='stdout').pk}\n"
    user = json.loads(_manage(child_env, "create_user", "out", "--project", "stdout", "--role", "admin").stdout)
    assert user["username"] == "out"
    scene = _manage(child_env, "ingest_scene", str(SAMPLE), "--project", "stdout", "--inline")
    assert scene.stdout == f"{Scene.objects.get(project__slug='stdout').pk}\n"
    scene_id = scene.stdout.strip()
    imported = _manage(child_env, "import_annotations", str(LABELS), "--project", "stdout", "--scene", scene_id,
                       "--default-class", "building").stdout
    assert imported.count("\n") == 1
    assert imported.startswith(f"imported {Annotation.objects.filter(scene_id=scene_id).count()} annotations")
    exported = _manage(child_env, "export_dataset", "--project", "stdout", "--format", "geojson", "--out",
                       str(tmp_path / "out"), "-v", "2")  # progress asked for: on stderr
    assert exported.stdout.count("\n") == 1
    assert exported.stdout.startswith("exported 43 annotations")
    assert "%" in exported.stderr
