"""The review policy setting: "all" queues everything; "uncertain" queues every model-made annotation below the
quality threshold plus a seeded random share above it, and marks the rest as not needing review, recording each
decision with its draw. Settings with bad values are refused and change nothing."""

import pytest

from annotator.models import Annotation, AuditEvent, ReviewState
from annotator.review_policy import review_decide, review_draw
from annotator.services.annotations import annotation_create
from annotator.tests.annotation_fixtures import inside, scene_make

pytestmark = pytest.mark.django_db

UNCERTAIN = {"review_policy": "uncertain", "review_quality_below": 0.8, "review_share_above": 0.25, "review_seed": 7}


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


def make(actors, scene, i, quality, source="model"):
    annotation, _ = annotation_create(project=actors.project, scene=scene, geometry=inside(i % 10),
                                      user=actors.users["annotator"], source=source, predicted_quality=quality)
    return Annotation.objects.get(pk=annotation.pk)


def queue_ids(client, project_id):
    body = client.get(f"/api/projects/{project_id}/review/queue/?limit=500").json()
    return {f["id"] for f in body["results"]}


def settings_patch(actors, values):
    return actors.client("admin").patch(f"/api/projects/{actors.project.id}/", {"settings": values}, format="json")


def test_decision_rule_on_its_own():
    assert review_decide(settings={}, quality=0.99, key="1")[0]  # default policy: everything
    assert review_decide(settings=UNCERTAIN, quality=None, key="1") == (True, {
        "policy": "uncertain", "quality": None, "threshold": 0.8, "share": 0.25, "seed": 7, "draw": None,
        "reason": "no_quality"})
    assert review_decide(settings=UNCERTAIN, quality=0.79, key="1")[1]["reason"] == "below_threshold"
    above = [review_decide(settings=UNCERTAIN, quality=0.9, key=str(k)) for k in range(2000)]
    sampled = [rec for needs, rec in above if needs]
    assert all(rec["reason"] == "sampled" and rec["draw"] < 0.25 for rec in sampled)
    assert all(rec["reason"] == "above_threshold" for needs, rec in above if not needs)
    assert 420 <= len(sampled) <= 580  # 2000 x 0.25 = 500, binomial sd ~19
    # seeded: the same seed and key give the same draw, another seed another one
    assert review_draw(7, "42") == review_draw(7, "42") != review_draw(8, "42")


def test_uncertain_policy_queues_the_doubtful_and_a_seeded_share(actors, scene):
    assert settings_patch(actors, UNCERTAIN).status_code == 200
    actors.project.refresh_from_db()
    low = [make(actors, scene, i, 0.3) for i in range(5)]
    high = [make(actors, scene, i, 0.95) for i in range(40)]
    human = make(actors, scene, 0, None, source="human")
    sampled = {a.id for a in high if review_draw(7, str(a.id)) < 0.25}
    assert 0 < len(sampled) < len(high)  # both branches taken on this draw
    for a in [*low, human]:
        assert a.review_state == ReviewState.PENDING
    for a in high:
        assert a.review_state == (ReviewState.PENDING if a.id in sampled else ReviewState.NOT_NEEDED)
    expected = {a.id for a in low} | sampled | {human.id}
    assert queue_ids(actors.client("reviewer"), actors.project.id) == expected
    # each model-made annotation's decision is recorded with its figures
    records = {e.object_id: e.details for e in AuditEvent.objects.filter(action="review.policy")}
    assert len(records) == len(low) + len(high)
    some_high = high[0]
    rec = records[some_high.id]
    assert (rec["seed"], rec["share"], rec["threshold"]) == (7, 0.25, 0.8)
    assert rec["draw"] == pytest.approx(review_draw(7, str(some_high.id)), abs=1e-6)
    assert rec["review"] == (some_high.id in sampled)


def test_all_policy_queues_everything(actors, scene):
    made = [make(actors, scene, i, q) for i, q in enumerate((0.1, 0.5, 0.99, 1.0))]
    assert {a.review_state for a in made} == {ReviewState.PENDING}
    assert queue_ids(actors.client("reviewer"), actors.project.id) == {a.id for a in made}


@pytest.mark.parametrize("values", [
    {"review_policy": "some"}, {"review_policy": {"a": 1}}, {"review_quality_below": 1.5},
    {"review_share_above": -0.1}, {"review_share_above": "x"}, {"review_seed": 1.5}, {"review_seed": True},
    {"task_order": "random"},
])
def test_bad_settings_are_refused_and_change_nothing(actors, values):
    before = dict(actors.project.settings)
    response = settings_patch(actors, values)
    assert response.status_code == 400, response.json()
    assert next(iter(values)) in response.json()["detail"]
    actors.project.refresh_from_db()
    assert actors.project.settings == before
