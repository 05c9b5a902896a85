"""Tags on scenes and tasks: the vocabulary (admins), the single-label rule (service and database), permissions per
role, versions, review, history and the feedback records of changes."""

import pytest
from django.db import IntegrityError, transaction

from annotator.models import AuditEvent, Tag, TagGroup, TagRevision, Task
from annotator.services.tags import tag_group_create, tag_review, tag_set
from annotator.tests.annotation_fixtures import scene_make
from core.errors import Conflict, PermissionDenied, ValidationFailed
from feedback.models import TagCorrection

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


@pytest.fixture
def groups(actors):
    admin = actors.users["admin"]
    return (tag_group_create(project=actors.project, user=admin, name="cloud", values=["clear", "partly", "overcast"]),
            tag_group_create(project=actors.project, user=admin, name="land use", multi=True,
                             values=["urban", "forest", "water"]))


def held_task(actors, scene, user="annotator"):
    return Task.objects.create(project=actors.project, scene=scene, area=scene.footprint, status="in_progress",
                               lease_holder=actors.users[user])


# -- services -------------------------------------------------------------------------------------------------------

def test_single_label_takes_one_value_multi_label_any_subset(actors, scene, groups):
    single, multi = groups
    admin = actors.users["admin"]
    with pytest.raises(ValidationFailed) as refused:
        tag_set(group=single, user=admin, scene=scene, values=["clear", "overcast"])
    assert refused.value.extra["reason"] == "single_label"
    tag = tag_set(group=single, user=admin, scene=scene, values=["clear"])
    assert tag.values == ["clear"]
    assert tag.version == 1
    tags = tag_set(group=multi, user=admin, scene=scene, values=["water", "urban"])
    assert tags.values == ["urban", "water"]  # the group's order
    with pytest.raises(ValidationFailed) as unknown:
        tag_set(group=multi, user=admin, scene=scene, values=["desert"], expected_version=1)
    assert unknown.value.extra["reason"] == "unknown_value"


def test_database_holds_single_label_tags_to_one_value(actors, scene, groups):
    single, _ = groups
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(project=actors.project, group=single, scene=scene, multi=False, values=["clear", "partly"])
    Tag.objects.create(project=actors.project, group=single, scene=scene, multi=False, values=["clear"])
    with pytest.raises(IntegrityError), transaction.atomic():  # one row per group and target
        Tag.objects.create(project=actors.project, group=single, scene=scene, multi=False, values=["partly"])


def test_changes_are_versioned_audited_and_corrections_recorded(actors, scene, groups):
    single, _ = groups
    annotator = actors.users["annotator"]
    task = held_task(actors, scene)
    tag = tag_set(group=single, user=annotator, task=task, values=["clear"])
    assert TagCorrection.objects.count() == 0  # setting the first time is not a correction
    with pytest.raises(Conflict):
        tag_set(group=single, user=annotator, task=task, values=["partly"], expected_version=7)
    tag = tag_set(group=single, user=annotator, task=task, values=["partly"], expected_version=1)
    tag = tag_set(group=single, user=annotator, task=task, values=[], expected_version=2)
    assert tag.values == []
    assert tag.version == 3
    assert list(TagRevision.objects.filter(tag=tag).values_list("version", "values")) == [
        (1, ["clear"]), (2, ["partly"]), (3, [])]
    assert list(TagCorrection.objects.values_list("outcome", "source", "values_before", "values_after", "user")) == [
        ("edited", "edit", ["clear"], ["partly"], annotator.pk), ("deleted", "clear", ["partly"], [], annotator.pk)]
    assert AuditEvent.objects.filter(action__startswith="tag.", object_id=tag.pk).count() == 3


def test_review_accept_reject_fix(actors, scene, groups):
    _, multi = groups
    reviewer = actors.users["reviewer"]
    held_task(actors, scene)
    tag = tag_set(group=multi, user=actors.users["annotator"], scene=scene, values=["urban"])
    with pytest.raises(PermissionDenied):
        tag_review(tag=tag, user=actors.users["annotator"], action="accept", expected_version=1)
    with pytest.raises(ValidationFailed):
        tag_review(tag=tag, user=reviewer, action="reject", expected_version=1, reason=" ")
    tag = tag_review(tag=tag, user=reviewer, action="reject", expected_version=1, reason="there is a river")
    assert tag.review_state == "rejected"
    tag = tag_review(tag=tag, user=reviewer, action="fix", expected_version=2, values=["urban", "water"])
    assert (tag.review_state, tag.values) == ("approved", ["urban", "water"])
    assert list(TagCorrection.objects.values_list("outcome", "source", "values_before", "values_after", "reason")) == [
        ("rejected", "review", ["urban"], ["urban"], "there is a river"),
        ("edited", "review", ["urban"], ["urban", "water"], "")]
    # approved: the annotator may no longer change it, the reviewer may
    with pytest.raises(PermissionDenied):
        tag_set(group=multi, user=actors.users["annotator"], scene=scene, values=["forest"], expected_version=3)
    tag = tag_set(group=multi, user=reviewer, scene=scene, values=["forest"], expected_version=3)
    assert tag.review_state == "pending"


def test_vocabulary_edits_keep_tags_consistent(actors, scene, groups):
    _single, multi = groups
    admin = actors.users["admin"]
    tag_set(group=multi, user=admin, scene=scene, values=["urban", "forest"])
    from annotator.services.tags import tag_group_update

    with pytest.raises(Conflict) as in_use:
        tag_group_update(group=multi, user=admin, values=["urban", "water"])
    assert in_use.value.extra["values"] == ["forest"]
    with pytest.raises(Conflict) as several:
        tag_group_update(group=multi, user=admin, multi=False)
    assert several.value.extra["count"] == 1
    tag_set(group=multi, user=admin, scene=scene, values=["urban"], expected_version=1)
    group = tag_group_update(group=multi, user=admin, multi=False, values=["urban", "forest", "water", "ice"])
    assert not group.multi
    assert Tag.objects.get(group=group).multi is False
    with pytest.raises(ValidationFailed):
        tag_group_create(project=actors.project, user=admin, name="bad", values=["a;b"])
    with pytest.raises(Conflict):
        tag_group_create(project=actors.project, user=admin, name="cloud", values=["x"])


# -- API ------------------------------------------------------------------------------------------------------------

def test_vocabulary_api_roles(actors):
    url = f"/api/projects/{actors.project.id}/tag-groups/"
    body = {"name": "season", "multi": False, "values": ["winter", "summer"]}
    assert actors.client(None).post(url, body, format="json").status_code == 401
    assert actors.client("outsider").post(url, body, format="json").status_code == 403
    for role in ("annotator", "reviewer"):
        assert actors.client(role).post(url, body, format="json").status_code == 403
    created = actors.client("admin").post(url, body, format="json")
    assert created.status_code == 201, created.content
    group = created.json()
    assert group["values"] == ["winter", "summer"]
    assert group["multi"] is False
    assert actors.client("admin").post(url, {"name": "x", "values": []}, format="json").status_code == 400
    assert actors.client("admin").post(url, {"name": "x", "values": ["a", "a"]}, format="json").status_code == 400
    assert actors.client("annotator").get(url).json()[0]["name"] == "season"
    assert actors.client("outsider").get(url).status_code == 403
    detail = f"/api/tag-groups/{group['id']}/"
    assert actors.client("annotator").patch(detail, {"multi": True}, format="json").status_code == 403
    patched = actors.client("staff").patch(detail, {"multi": True, "values": ["winter", "summer", "spring"]},
                                           format="json")
    assert patched.status_code == 200
    assert patched.json()["multi"] is True
    assert actors.client("admin").delete(detail).status_code == 204
    assert TagGroup.objects.get(pk=group["id"]).archived
    assert actors.client("annotator").get(url).json() == []  # archived groups are not offered
    assert actors.client("admin").get(url + "?archived=1").json()[0]["archived"] is True


def test_set_tags_api_roles_and_bad_values(actors, scene, groups):
    single, multi = groups
    task = Task.objects.create(project=actors.project, scene=scene, area=scene.footprint, status="new")
    scene_url = f"/api/scenes/{scene.id}/tags/{single.id}/"
    task_url = f"/api/tasks/{task.id}/tags/{multi.id}/"
    assert actors.client(None).put(scene_url, {"values": ["clear"]}, format="json").status_code == 401
    assert actors.client("outsider").put(scene_url, {"values": ["clear"]}, format="json").status_code == 403
    # an annotator without the task's lease may not tag the task or its scene
    refused = actors.client("annotator").put(task_url, {"values": ["urban"]}, format="json")
    assert refused.status_code == 403
    assert refused.json()["reason"] == "edit_not_allowed"
    assert actors.client("annotator").put(scene_url, {"values": ["clear"]}, format="json").status_code == 403
    Task.objects.filter(pk=task.pk).update(status="in_progress", lease_holder=actors.users["annotator"])
    client = actors.client("annotator")
    bad = client.put(scene_url, {"values": ["clear", "partly"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["reason"] == "single_label"
    bad = client.put(task_url, {"values": ["desert"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["reason"] == "unknown_value"
    assert client.put(task_url, {"values": "urban"}, format="json").status_code == 400
    assert not Tag.objects.exists()  # nothing stored by the refusals
    ok = client.put(task_url, {"values": ["water", "urban"]}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["values"] == ["urban", "water"]
    assert ok.json()["target"] == "task"
    ok = client.put(scene_url, {"values": ["clear"]}, format="json")
    assert ok.status_code == 200
    assert ok.json()["target"] == "scene"
    stale = client.put(scene_url, {"values": ["partly"]}, format="json")  # no version: 409 with the current one
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1
    listed = client.get(f"/api/scenes/{scene.id}/tags/").json()
    assert sorted((t["target"], t["group_name"], tuple(t["values"])) for t in listed) == [
        ("scene", "cloud", ("clear",)), ("task", "land use", ("urban", "water"))]
    assert [t["group_name"] for t in client.get(f"/api/tasks/{task.id}/tags/").json()] == ["land use"]
    assert actors.client("outsider").get(f"/api/scenes/{scene.id}/tags/").status_code == 403
    # a group of another project
    from annotator.models import Project

    other = Project.objects.create(slug="other", name="Other")
    foreign = TagGroup.objects.create(project=other, name="x", values=["a"])
    assert actors.client("admin").put(f"/api/scenes/{scene.id}/tags/{foreign.id}/", {"values": ["a"]},
                                      format="json").status_code in (400, 403)


def test_review_api_and_queue(actors, scene, groups):
    single, _ = groups
    held_task(actors, scene)
    tag = actors.client("annotator").put(f"/api/scenes/{scene.id}/tags/{single.id}/", {"values": ["partly"]},
                                         format="json").json()
    queue_url = f"/api/projects/{actors.project.id}/review/tags/"
    assert actors.client("annotator").get(queue_url).status_code == 403
    assert [t["id"] for t in actors.client("reviewer").get(queue_url).json()] == [tag["id"]]
    review_url = f"/api/tags/{tag['id']}/review/"
    assert actors.client("annotator").post(review_url, {"action": "accept", "version": 1},
                                           format="json").status_code == 403
    assert actors.client("reviewer").post(review_url, {"action": "reject", "version": 1},
                                          format="json").status_code == 400
    rejected = actors.client("reviewer").post(review_url, {"action": "reject", "version": 1, "reason": "cloudy"},
                                              format="json")
    assert rejected.status_code == 200
    assert rejected.json()["review_state"] == "rejected"
    assert rejected.json()["review_reason"] == "cloudy"
    assert actors.client("reviewer").get(queue_url).json() == []
    bad_fix = actors.client("reviewer").post(review_url, {"action": "fix", "version": 2, "values": ["snow"]},
                                             format="json")
    assert bad_fix.status_code == 400
    assert TagCorrection.objects.filter(tag_id=tag["id"], outcome="rejected", reason="cloudy").count() == 1


def test_who_may_set_a_tag_follows_the_annotation_rules(actors, scene, groups):
    single, _ = groups
    annotator, reviewer = actors.users["annotator"], actors.users["reviewer"]
    # reviewers and admins tag any scene, no task needed; a non-member never
    tag_set(group=single, user=reviewer, scene=scene, values=["clear"])
    with pytest.raises(PermissionDenied):
        tag_set(group=single, user=actors.users["outsider"], scene=scene, values=["partly"], expected_version=1)
    # an annotator who set a task's tag may change it after the lease is gone, unless it was approved
    task = held_task(actors, scene)
    tag = tag_set(group=single, user=annotator, task=task, values=["clear"])
    Task.objects.filter(pk=task.pk).update(status="submitted", lease_holder=None)
    tag = tag_set(group=single, user=annotator, task=task, values=["overcast"], expected_version=1)
    tag = tag_review(tag=tag, user=reviewer, action="accept", expected_version=2)
    with pytest.raises(PermissionDenied) as refused:
        tag_set(group=single, user=annotator, task=task, values=["clear"], expected_version=3)
    assert "approved" in refused.value.message
    # someone else's tag on a task the annotator does not hold
    other = Task.objects.create(project=actors.project, scene=scene, area=scene.footprint, status="new")
    tag_set(group=single, user=reviewer, task=other, values=["clear"])
    with pytest.raises(PermissionDenied):
        tag_set(group=single, user=annotator, task=other, values=["partly"], expected_version=1)


def test_lookups_answer_404_for_missing_tags_and_groups(actors):
    client = actors.client("admin")
    assert client.get("/api/tags/999999/").status_code == 404
    assert client.get("/api/tag-groups/999999/").status_code == 404
    assert client.put("/api/scenes/999999/tags/1/", {"values": []}, format="json").status_code == 404
    assert client.post("/api/tags/999999/review/", {"action": "accept", "version": 1},
                       format="json").status_code == 404


def test_back_office_lists_tags_read_only(actors, scene, groups):
    from django.test import Client

    single, _ = groups
    tag = tag_set(group=single, user=actors.users["admin"], scene=scene, values=["clear"])
    tag_set(group=single, user=actors.users["admin"], scene=scene, values=["partly"], expected_version=1)
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="pw"))
    for path in ("annotator/taggroup/", "annotator/tag/", "annotator/tagrevision/", "feedback/tagcorrection/",
                 f"annotator/tag/{tag.pk}/change/"):
        response = client.get(f"/admin/{path}")
        assert response.status_code == 200, path
    assert b"partly" in client.get("/admin/feedback/tagcorrection/").content
