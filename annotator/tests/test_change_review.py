"""Review of change annotations: roles (401/403/200), a rejection needs a reason, a stale version is 409, fixes
with geometries, the pending list per pair, and the feedback recorded for the sides a model made."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry

from annotator.models import ChangeAnnotation, LabelClass
from annotator.services import pairs as pair_services
from annotator.tests.test_pairs import ready_pair, scenes, square, storage  # noqa: F401  (fixtures)
from feedback.models import Correction, Outcome
from feedback.tests.fixtures import base_version
from inference.models import MaskProposal

pytestmark = pytest.mark.django_db


def made(actors, pair, **sides):
    change, _ = pair_services.change_create(pair=pair, user=actors.users["annotator"], **sides)
    return change


def test_review_per_role_reason_and_version(actors, ready_pair):  # noqa: F811
    change = made(actors, ready_pair, after_geometry=square(60, 60))
    url = f"/api/changes/{change.id}/review/"
    accept = {"action": "accept", "version": 1}
    assert actors.client(None).post(url, accept, format="json").status_code == 401
    assert actors.client("outsider").post(url, accept, format="json").status_code == 403
    refused = actors.client("annotator").post(url, accept, format="json")
    assert refused.status_code == 403
    assert ChangeAnnotation.objects.get(pk=change.id).review_state == "pending"  # nothing changed

    # the review screen's list: reviewers see the pair with one pending change; annotators may not ask
    to_review = f"/api/projects/{actors.project.id}/changes/to-review/"
    assert actors.client("annotator").get(to_review).status_code == 403
    assert actors.client(None).get(to_review).status_code == 401
    listed = actors.client("reviewer").get(to_review).json()
    assert [(p["pair"], p["pending"]) for p in listed] == [(ready_pair.id, 1)]

    reviewer = actors.client("reviewer")
    no_reason = reviewer.post(url, {"action": "reject", "version": 1, "reason": "  "}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["reason"] == "reason_required"
    assert reviewer.post(url, {"action": "maybe", "version": 1}, format="json").status_code == 400

    rejected = reviewer.post(url, {"action": "reject", "version": 1, "reason": "a shadow, not a building"},
                             format="json")
    assert rejected.status_code == 200, rejected.content
    body = rejected.json()
    assert (body["review_state"], body["review_reason"], body["version"]) == \
        ("rejected", "a shadow, not a building", 2)
    assert actors.client("reviewer").get(to_review).json() == []

    stale = actors.client("admin").post(url, accept, format="json")
    assert stale.status_code == 409
    assert stale.json()["reason"] == "stale_version"
    accepted = actors.client("admin").post(url, {"action": "accept", "version": 2}, format="json")
    assert accepted.status_code == 200
    assert (accepted.json()["review_state"], accepted.json()["version"]) == ("approved", 3)
    # approved: the annotator who made it may no longer edit it
    assert actors.client("annotator").patch(f"/api/changes/{change.id}/", {"version": 3, "after_geometry": None},
                                            format="json").status_code == 403


def test_fix_replaces_geometries_and_class(actors, ready_pair):  # noqa: F811
    built = LabelClass.objects.create(project=actors.project, name="built", order=1)
    change = made(actors, ready_pair, before_geometry=square(60, 60), after_geometry=square(60, 60))
    url = f"/api/changes/{change.id}/review/"
    reviewer = actors.client("reviewer")
    nothing = reviewer.post(url, {"action": "fix", "version": 1}, format="json")
    assert nothing.json()["reason"] == "nothing_to_fix"
    both = reviewer.post(url, {"action": "fix", "version": 1, "before_geometry": None, "after_geometry": None},
                         format="json")
    assert both.json()["reason"] == "no_geometry"
    fixed = reviewer.post(url, {"action": "fix", "version": 1, "before_geometry": None,
                                "after_geometry": square(60, 60, 20), "label_class": built.id}, format="json")
    assert fixed.status_code == 200, fixed.content
    body = fixed.json()
    assert body["before_geometry"] is None
    assert body["class_name"] == "built"
    assert body["review_state"] == "approved"
    stored = ChangeAnnotation.objects.get(pk=change.id)
    assert stored.after_geometry.area > 3.5 * GEOSGeometry(json.dumps(square(60, 60))).area


def answer_on(actors, scene, geometry):
    return MaskProposal.objects.create(
        project=actors.project, scene=scene, model_version=base_version(), prompt={}, window={},
        geometry=GEOSGeometry(json.dumps({"type": "MultiPolygon", "coordinates": [geometry["coordinates"]]}),
                              srid=4326),
        predicted_iou=0.9, latency_ms=1.0)


def test_review_outcomes_become_feedback_on_model_made_sides(actors, ready_pair):  # noqa: F811
    before, after = ready_pair.before, ready_pair.after
    after_answer = answer_on(actors, after, square(60, 60))
    change = made(actors, ready_pair, after_geometry=square(60, 60), after_proposal_id=after_answer.pk,
                  before_geometry=square(100, 100))  # before drawn by hand
    assert Correction.objects.filter(proposal=after_answer, source="review").count() == 0
    reviewer = actors.client("reviewer")
    response = reviewer.post(f"/api/changes/{change.id}/review/",
                             {"action": "reject", "version": 1, "reason": "cloud edge"}, format="json")
    assert response.status_code == 200
    rejected = Correction.objects.filter(source="review")
    assert [(c.proposal_id, c.outcome, c.reason, c.user_id) for c in rejected] == \
        [(after_answer.pk, Outcome.REJECTED, "cloud edge", actors.users["reviewer"].pk)]

    # a fix moving a model-made side is an edit of that answer; emptying one is its rejection
    before_answer = answer_on(actors, before, square(100, 100))
    other = made(actors, ready_pair, before_geometry=square(100, 100), before_proposal_id=before_answer.pk,
                 after_geometry=square(60, 60), after_proposal_id=after_answer.pk)
    Correction.objects.all().delete()
    fixed = reviewer.post(f"/api/changes/{other.id}/review/",
                          {"action": "fix", "version": 1, "before_geometry": None,
                           "after_geometry": square(60, 60, 16)}, format="json")
    assert fixed.status_code == 200, fixed.content
    outcomes = {(c.proposal_id, c.outcome, c.source) for c in Correction.objects.all()}
    assert outcomes == {(before_answer.pk, Outcome.REJECTED, "review"), (after_answer.pk, Outcome.EDITED, "review")}
    edited = Correction.objects.get(proposal=after_answer)
    assert 0 < edited.iou < 1

    # accepting records nothing new
    third = made(actors, ready_pair, after_geometry=square(60, 60), after_proposal_id=after_answer.pk)
    count = Correction.objects.count()
    assert reviewer.post(f"/api/changes/{third.id}/review/", {"action": "accept", "version": 1},
                         format="json").status_code == 200
    assert Correction.objects.count() == count
