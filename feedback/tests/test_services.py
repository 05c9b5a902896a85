"""Corrections, the every-N trigger, the training set split, promotion and rollback (database, no worker)."""

import threading

import numpy as np
import pytest
import torch
from django.db import connection

from annotator.services.review import annotation_review
from core.errors import Conflict
from feedback import services
from feedback.dataset import training_set_build
from feedback.models import Correction, Outcome, TrainingJob, Trigger
from feedback.selectors import active_model_version
from feedback.tests.fixtures import crowded_objects, proposal_for
from feedback.training import full_state_with_decoder, save_checkpoint
from inference.models import ModelState, ModelVersion
from inference.sam import decode, get_model


@pytest.fixture
def enqueued(monkeypatch):
    """Record enqueues instead of sending them to the broker (no worker in these tests)."""
    sent = []
    monkeypatch.setattr("feedback.services.jobs._enqueue", lambda job: sent.append(job.id))
    return sent


def test_accept_edit_reject_and_review_fix_become_corrections(project_env):
    env = project_env
    user = env["users"]["annotator"]
    objs = crowded_objects(3)
    p1, final1 = proposal_for(env["project"], env["scene"], objs[0], model_version=env["base"])
    annotation, corr = services.proposal_accept(proposal=p1, label_class=None, user=user, final_geometry=final1,
                                                clicks_added=2, vertices_moved=3, seconds_spent=4.5)
    assert corr.outcome == Outcome.EDITED
    assert corr.annotation_id == annotation.id
    assert 0.2 < corr.iou < 0.5  # scaled by 0.6 each way: IoU ~0.36
    assert annotation.proposal_id == p1.id
    assert annotation.source == "model"
    with pytest.raises(Conflict):
        services.proposal_accept(proposal=p1, label_class=None, user=user)
    p2, _ = proposal_for(env["project"], env["scene"], objs[1], model_version=env["base"])
    _, corr2 = services.proposal_accept(proposal=p2, label_class=None, user=user)
    assert corr2.outcome == Outcome.ACCEPTED
    assert corr2.iou > 0.99
    p3, _ = proposal_for(env["project"], env["scene"], objs[2], model_version=env["base"])
    corr3 = services.proposal_reject(proposal=p3, user=user, seconds_spent=1.0)
    assert corr3.outcome == Outcome.REJECTED
    assert corr3.final_geometry is None
    # a reviewer fixes the accepted-as-is annotation: a review correction with the fixed geometry
    ann2 = corr2.annotation
    annotation_review(annotation=ann2, user=env["users"]["admin"], action="fix", expected_version=ann2.version,
                      geometry=final1)
    fix = Correction.objects.filter(proposal=p2, source="review").get()
    assert fix.outcome == Outcome.EDITED
    assert fix.final_geometry is not None


def test_every_n_corrections_enqueues_exactly_one_job_under_concurrency(transactional_db, project_env, enqueued):
    env = project_env
    project = env["project"]
    project.settings = {**project.settings, "retrain_every_n": 3}
    project.save()
    objs = crowded_objects(6)
    proposals = [proposal_for(project, env["scene"], o, model_version=env["base"])[0] for o in objs]
    barrier = threading.Barrier(len(proposals))
    errors = []

    def reject(p):
        try:
            barrier.wait()
            services.proposal_reject(proposal=p, user=env["users"]["annotator"])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reject, args=(p,)) for p in proposals]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    jobs = TrainingJob.objects.filter(project=project)
    assert jobs.count() == 1
    assert jobs.get().trigger == Trigger.EVERY_N
    assert enqueued == [jobs.get().id]
    with pytest.raises(Conflict):
        services.training_job_create(project=project, trigger=Trigger.MANUAL)


def test_training_set_split_is_spatial_and_deterministic(project_env):
    env = project_env
    project = env["project"]
    objs = crowded_objects(4)
    for o in objs:
        p, final = proposal_for(project, env["scene"], o, model_version=env["base"])
        services.proposal_accept(proposal=p, label_class=None, user=env["users"]["annotator"], final_geometry=final)
    model = get_model("vit_t", device="cpu")
    data = training_set_build(project=project, model=model, encoder_key="test", held_out_share=0.5)
    counts = data.counts
    assert counts["objects"] == 4
    assert counts["train_objects"] + counts["held_out_objects"] + counts["buffer_objects"] == 4
    assert (len(data.train), len(data.held_out)) == (counts["train_objects"], counts["held_out_objects"])
    assert len(data.train) >= 1
    assert len(data.held_out) >= 1
    for sample in data.train:
        assert sample.target.shape == (1024, 1024)
        assert sample.target.any()
    again = training_set_build(project=project, model=model, encoder_key="test", held_out_share=0.5)
    assert [o.label for o in again.held_out] == [o.label for o in data.held_out]
    # four objects cannot feed a paired test at alpha 0.05 (it needs five): the verdict says how many more, where
    shortfall = data.split["shortfall"]
    assert shortfall["needed"] == 5
    assert shortfall["more"] == 5 - len(data.held_out)
    assert "Too little to judge" in shortfall["message"]
    assert f"Add {shortfall['more']} more correction(s) inside the held-out areas" in shortfall["message"]
    area = data.split["held_out_areas"][0]
    assert "\u00b0N" in area["where"]
    assert area["where"] in shortfall["message"]
    w, s, e, n = area["bbox"]
    assert -84.5 < w < e < -84.3
    assert 33.6 < s < n < 33.9


def _tweaked_version(base, project, tmp_path) -> ModelVersion:
    model = get_model("vit_t", device="cpu")
    state = {k: v.clone() for k, v in model.sam.mask_decoder.state_dict().items()}
    for key in state:
        if key.startswith("iou_prediction_head") and key.endswith("bias"):
            state[key] = state[key] + 0.5
    path, sha = save_checkpoint(full_state_with_decoder(model, state), tmp_path)
    return ModelVersion.objects.create(name="tweaked", architecture="vit_t", checkpoint_path=str(path),
                                       checkpoint_sha256=sha, encoder_sha256=base.encoder_sha256, parent=base,
                                       project=project, state=ModelState.CANDIDATE)


def _decode_with(mv, embedding, point):
    model = get_model(mv.architecture, mv.checkpoint_path, "cpu", expected_sha256=mv.checkpoint_sha256)
    return decode(model, embedding, [point], [1], backend="torch")


def test_promote_then_rollback_changes_what_prompts_use(project_env, tmp_path):
    env = project_env
    project, base = env["project"], env["base"]
    candidate = _tweaked_version(base, project, tmp_path)
    emb = torch.zeros((1, 256, 64, 64), dtype=torch.float16).numpy()
    assert active_model_version(project=project) == base
    before = _decode_with(active_model_version(project=project), emb, [512.5, 512.5])

    services.model_version_promote(version=candidate, user=env["users"]["admin"],
                                   override_reason="testing the decoder swap end to end")
    assert active_model_version(project=project) == candidate
    promoted = _decode_with(active_model_version(project=project), emb, [512.5, 512.5])
    assert not np.allclose(promoted.ious, before.ious)

    in_use = services.model_version_rollback(project=project, to_version=base, user=env["users"]["admin"])
    assert in_use == base
    candidate.refresh_from_db()
    assert candidate.state == ModelState.RETIRED
    base.refresh_from_db()
    assert base.state == ModelState.ACTIVE  # the global base is never retired by a project
    after = _decode_with(active_model_version(project=project), emb, [512.5, 512.5])
    np.testing.assert_allclose(after.ious, before.ious)

    # and forward again to the retired candidate: rollback works to any earlier version
    assert services.model_version_rollback(project=project, to_version=candidate) == candidate
