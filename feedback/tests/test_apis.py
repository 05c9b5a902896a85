"""Permissions and answers of the feedback endpoints."""

import pytest

from feedback.models import TrainingJob
from feedback.tests.fixtures import crowded_objects, proposal_for
from inference.models import ModelState, ModelVersion


@pytest.fixture
def no_enqueue(monkeypatch):
    monkeypatch.setattr("feedback.services.jobs._enqueue", lambda job: None)


def test_accept_and_reject_need_the_annotator_role(project_env, client_for):
    env = project_env
    p1, final = proposal_for(env["project"], env["scene"], crowded_objects(1)[0], model_version=env["base"])
    assert client_for(None).post(f"/api/proposals/{p1.id}/accept/", {}, format="json").status_code in (401, 403)
    assert client_for(env["users"]["outsider"]).post(f"/api/proposals/{p1.id}/accept/", {},
                                                     format="json").status_code == 403
    annotator = client_for(env["users"]["annotator"])
    res = annotator.post(f"/api/proposals/{p1.id}/accept/", {"geometry": final, "clicks_added": 2,
                                                             "seconds_spent": 3.5}, format="json")
    assert res.status_code == 201, res.json()
    assert res.json()["correction"]["outcome"] == "edited"
    assert res.json()["annotation"]["id"]
    assert annotator.post(f"/api/proposals/{p1.id}/reject/", {}, format="json").status_code == 409
    assert annotator.post("/api/proposals/999999/reject/", {}, format="json").status_code == 404


def test_training_jobs_versions_promote_rollback_are_admin_only(project_env, client_for, no_enqueue, tmp_path):
    env = project_env
    pid = env["project"].id
    annotator, admin = client_for(env["users"]["annotator"]), client_for(env["users"]["admin"])
    assert annotator.post(f"/api/projects/{pid}/training-jobs/", {}, format="json").status_code == 403
    assert annotator.get(f"/api/projects/{pid}/training-jobs/").status_code == 403
    res = admin.post(f"/api/projects/{pid}/training-jobs/", {"parameters": {"steps": 5}}, format="json")
    assert res.status_code == 201
    assert res.json()["status"] == "queued"
    assert res.json()["trigger"] == "manual"
    second = admin.post(f"/api/projects/{pid}/training-jobs/", {}, format="json")
    assert second.status_code == 409
    assert second.json()["job"] == res.json()["id"]
    job_id = res.json()["id"]
    assert annotator.post(f"/api/training-jobs/{job_id}/cancel/").status_code == 403
    assert admin.post(f"/api/training-jobs/{job_id}/cancel/").json()["status"] == "cancelled"
    assert TrainingJob.objects.get(pk=job_id).status == "cancelled"

    candidate = ModelVersion.objects.create(
        name="cand", architecture="vit_t", checkpoint_path=env["base"].checkpoint_path,
        checkpoint_sha256=env["base"].checkpoint_sha256, parent=env["base"], project=env["project"],
        state=ModelState.CANDIDATE, metrics={"held_out": {"NoC@85": 4.0, "mIoU@1": 0.7, "n_objects": 3},
                                             "gate": {"promote": True, "reasons": ["better"]}},
    )
    assert annotator.get(f"/api/projects/{pid}/model-versions/compare/").status_code == 403
    rows = admin.get(f"/api/projects/{pid}/model-versions/compare/").json()["versions"]
    by_id = {r["id"]: r for r in rows}
    assert by_id[candidate.id]["held_out"]["NoC@85"] == 4.0
    assert by_id[env["base"].id]["in_use"]
    assert annotator.post(f"/api/model-versions/{candidate.id}/promote/").status_code == 403
    res = admin.post(f"/api/model-versions/{candidate.id}/promote/")
    assert res.status_code == 200
    assert res.json()["in_use"]["id"] == candidate.id
    assert admin.post(f"/api/model-versions/{candidate.id}/promote/").status_code == 409
    assert admin.post(f"/api/model-versions/{env['base'].id}/rollback/", {}, format="json").status_code == 400
    res = admin.post(f"/api/model-versions/{env['base'].id}/rollback/", {"project": pid}, format="json")
    assert res.status_code == 200
    assert res.json()["in_use"]["id"] == env["base"].id
    assert client_for(env["users"]["outsider"]).post(f"/api/model-versions/{candidate.id}/rollback/",
                                                     {}, format="json").status_code == 403
