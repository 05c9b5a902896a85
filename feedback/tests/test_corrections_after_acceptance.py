"""Every human outcome is feedback: edits and deletions after acceptance, a reviewer's rejection with its reason,
and review outcomes of annotations that no proposal made."""

from annotator.services.annotations import annotation_create, annotation_delete, annotation_update
from annotator.services.review import annotation_review
from feedback import services
from feedback.dataset import training_set_build
from feedback.models import Correction, Outcome
from feedback.tests.fixtures import crowded_objects, proposal_for
from inference.sam import get_model


def test_edit_then_delete_after_acceptance_become_corrections_of_the_proposal(project_env):
    env = project_env
    user = env["users"]["annotator"]
    objs = crowded_objects(2)
    proposal, final = proposal_for(env["project"], env["scene"], objs[0], model_version=env["base"])
    annotation, accepted = services.proposal_accept(proposal=proposal, label_class=None, user=user)
    assert accepted.outcome == Outcome.ACCEPTED

    edited = annotation_update(annotation=annotation, user=user, expected_version=annotation.version, geometry=final)
    edit = Correction.objects.filter(proposal=proposal, source="edit").get()
    assert edit.outcome == Outcome.EDITED
    assert edit.user == user
    assert edit.annotation_id == annotation.id
    assert edit.iou < 0.99
    assert edit.vertices_moved > 0

    # a change that leaves the geometry (here the status) says nothing about the mask
    annotation_update(annotation=edited, user=user, expected_version=edited.version, status="draft")
    assert Correction.objects.filter(proposal=proposal, source="edit").count() == 1

    edited.refresh_from_db()
    annotation_delete(annotation=edited, user=user, expected_version=edited.version)
    deleted = Correction.objects.filter(proposal=proposal, source="delete").get()
    assert deleted.outcome == Outcome.DELETED
    assert deleted.iou == 0.0
    assert deleted.final_geometry is None

    # for training, the deleted annotation is no object and its proposal is a negative
    data = training_set_build(project=env["project"], model=get_model("vit_t", device="cpu"), encoder_key="test",
                              held_out_share=0.0)
    assert data.counts["objects"] == 0
    assert data.counts["negatives"] == 1


def test_a_reviewer_rejection_keeps_its_reason(project_env):
    env = project_env
    objs = crowded_objects(1)
    proposal, _ = proposal_for(env["project"], env["scene"], objs[0], model_version=env["base"])
    annotation, _ = services.proposal_accept(proposal=proposal, label_class=None, user=env["users"]["annotator"])
    annotation_review(annotation=annotation, user=env["users"]["admin"], action="reject",
                      expected_version=annotation.version, reason="shadow, not a roof")
    corr = Correction.objects.filter(proposal=proposal, source="review").get()
    assert corr.outcome == Outcome.REJECTED
    assert corr.reason == "shadow, not a roof"


def test_review_outcomes_of_drawn_annotations_are_kept_without_a_proposal(project_env):
    env = project_env
    objs = crowded_objects(2)
    _, first = proposal_for(env["project"], env["scene"], objs[0], model_version=env["base"])
    _, second = proposal_for(env["project"], env["scene"], objs[1], model_version=env["base"])
    drawn, _ = annotation_create(project=env["project"], scene=env["scene"], geometry=first,
                                 user=env["users"]["annotator"])
    annotation_review(annotation=drawn, user=env["users"]["admin"], action="fix", expected_version=drawn.version,
                      geometry=second)
    corr = Correction.objects.get(annotation=drawn)
    assert corr.proposal is None
    assert corr.outcome == Outcome.EDITED
    assert corr.source == "review"
    assert corr.iou is not None
    assert corr.iou < 0.5
    data = training_set_build(project=env["project"], model=get_model("vit_t", device="cpu"), encoder_key="test",
                              held_out_share=0.0)
    assert data.counts["negatives"] == 0  # a proposal-less correction is no model negative
