"""Annotations through the API: create (repair, clip, refuse), list by bbox, optimistic versions (409),
soft delete and restore, history, audit, scene version, signal; and the role matrix."""

import pytest

from annotator.models import Annotation, AnnotationRevision, AuditEvent, Scene
from annotator.signals import annotation_changed
from annotator.tests.annotation_fixtures import inside, label_class_make, scene_make, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(actors):
    return scene_make(actors.project)


@pytest.fixture
def building(actors):
    return label_class_make(actors.project)


def create(client, scene, geometry, **extra):
    return client.post(f"/api/scenes/{scene.id}/annotations/", {"geometry": geometry, **extra}, format="json")


def test_create_returns_a_feature_with_version_1_and_records_everything(actors, scene, building):
    heard = []
    annotation_changed.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t-create")
    try:
        response = create(actors.client("annotator"), scene, inside(), label_class=building.id)
    finally:
        annotation_changed.disconnect(dispatch_uid="t-create")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "Feature"
    assert body["geometry"]["type"] == "MultiPolygon"
    assert body["properties"]["version"] == 1
    assert body["properties"]["class"] == {"id": building.id, "name": "building", "color": "#112233"}
    assert body["info"]["clipped"] is False
    annotation = Annotation.objects.get(pk=body["id"])
    assert annotation.author == actors.users["annotator"]
    assert annotation.source == "human"
    assert AnnotationRevision.objects.filter(annotation=annotation, version=1).exists()
    event = AuditEvent.objects.get(action="annotation.created", object_id=annotation.id)
    assert event.user == actors.users["annotator"]
    assert Scene.objects.get(pk=scene.id).annotations_version == 1
    assert [h["kind"] for h in heard] == ["created"]


def test_outside_part_is_clipped_and_the_response_says_so(actors, scene):
    response = create(actors.client("annotator"), scene, square(-84.3905, 33.755, 0.001))
    assert response.status_code == 201
    assert response.json()["info"]["clipped"] is True
    xs = [pt[0] for pt in response.json()["geometry"]["coordinates"][0][0]]
    assert max(xs) == pytest.approx(-84.39)


def test_self_intersecting_geometry_is_repaired(actors, scene):
    bow = {"type": "Polygon", "coordinates": [[[-84.399, 33.751], [-84.398, 33.752], [-84.398, 33.751],
                                               [-84.399, 33.752], [-84.399, 33.751]]]}
    response = create(actors.client("annotator"), scene, bow)
    assert response.status_code == 201
    assert response.json()["info"]["repaired"] is True
    assert len(response.json()["geometry"]["coordinates"]) == 2


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        ({"type": "Polygon", "coordinates": [[[-84.399, 33.751], [-84.398, 33.752], [-84.397, 33.753],
                                              [-84.399, 33.751]]]}, "zero_area"),
        ({"type": "Point", "coordinates": [-84.395, 33.755]}, "not_polygonal"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        (square(10.0, 10.0), "outside_scene"),
    ],
)
def test_refused_geometry_is_400_with_a_reason_and_stores_nothing(actors, scene, geometry, reason):
    response = create(actors.client("annotator"), scene, geometry)
    assert response.status_code == 400
    assert response.json()["reason"] == reason
    assert not Annotation.objects.exists()
    assert not AuditEvent.objects.filter(action="annotation.created").exists()
    assert Scene.objects.get(pk=scene.id).annotations_version == 0


def test_class_of_another_project_is_refused(actors, scene):
    from annotator.models import Project

    other = Project.objects.create(slug="other", name="Other")
    response = create(actors.client("annotator"), scene, inside(), label_class=label_class_make(other).id)
    assert response.status_code == 400
    assert response.json()["reason"] == "unknown_class"


def test_list_by_bbox_is_a_feature_collection_with_paging(actors, scene):
    client = actors.client("annotator")
    ids = [create(client, scene, inside(i)).json()["id"] for i in range(6)]
    everything = client.get(f"/api/scenes/{scene.id}/annotations/").json()
    assert everything["type"] == "FeatureCollection"
    assert [f["id"] for f in everything["features"]] == ids
    # inside(0..5) are 0.001 deg apart along x starting at -84.399: this box holds the first two only.
    some = client.get(f"/api/scenes/{scene.id}/annotations/?bbox=-84.3995,33.7505,-84.3978,33.7520").json()
    assert [f["id"] for f in some["features"]] == ids[:2]
    page = client.get(f"/api/scenes/{scene.id}/annotations/?limit=4").json()
    assert len(page["features"]) == 4
    assert page["next_offset"] == 4
    rest = client.get(f"/api/scenes/{scene.id}/annotations/?limit=4&offset=4").json()
    assert [f["id"] for f in rest["features"]] == ids[4:]
    assert rest["next_offset"] is None
    assert client.get(f"/api/scenes/{scene.id}/annotations/?bbox=1,2,3").status_code == 400


def test_two_clients_same_version_one_gets_409_and_nothing_is_lost(actors, scene, building):
    first, second = actors.client("annotator"), actors.client("reviewer")
    created = create(first, scene, inside(0)).json()
    aid = created["id"]
    ok = first.patch(f"/api/annotations/{aid}/", {"version": 1, "geometry": inside(1)}, format="json")
    assert ok.status_code == 200
    assert ok.json()["properties"]["version"] == 2
    stale = second.patch(f"/api/annotations/{aid}/", {"version": 1, "label_class": building.id}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["current_version"] == 2
    assert body["geometry"] == ok.json()["geometry"]
    # The second client merges onto what it was shown and retries: both changes survive.
    retried = second.patch(f"/api/annotations/{aid}/", {"version": body["current_version"], "label_class": building.id},
                           format="json")
    assert retried.status_code == 200
    final = first.get(f"/api/annotations/{aid}/").json()
    assert final["properties"]["version"] == 3
    assert final["properties"]["class"]["id"] == building.id
    assert final["geometry"] == ok.json()["geometry"]
    assert [r["version"] for r in first.get(f"/api/annotations/{aid}/history/").json()] == [1, 2, 3]


def test_patch_and_delete_require_the_version(actors, scene):
    client = actors.client("annotator")
    aid = create(client, scene, inside()).json()["id"]
    assert client.patch(f"/api/annotations/{aid}/", {"geometry": inside(2)}, format="json").status_code == 400
    assert client.delete(f"/api/annotations/{aid}/").status_code == 400
    assert client.delete(f"/api/annotations/{aid}/?version=7").status_code == 409


def test_soft_delete_keeps_revisions_and_restore_brings_it_back(actors, scene):
    client = actors.client("annotator")
    aid = create(client, scene, inside(0)).json()["id"]
    client.patch(f"/api/annotations/{aid}/", {"version": 1, "geometry": inside(3)}, format="json")
    deleted = client.delete(f"/api/annotations/{aid}/", {"version": 2}, format="json")
    assert deleted.status_code == 200
    assert deleted.json()["properties"]["deleted"] is True
    assert Annotation.objects.filter(pk=aid, deleted=True).exists()
    assert aid not in [f["id"] for f in client.get(f"/api/scenes/{scene.id}/annotations/").json()["features"]]
    assert aid in [f["id"] for f in client.get(f"/api/scenes/{scene.id}/annotations/?deleted=1").json()["features"]]
    # Editing a deleted annotation is refused; restoring version 1 brings back the first geometry as version 4.
    assert client.patch(f"/api/annotations/{aid}/", {"version": 3, "geometry": inside(4)},
                        format="json").status_code == 409
    restored = client.post(f"/api/annotations/{aid}/restore/", {"version": 1}, format="json")
    assert restored.status_code == 200
    props = restored.json()["properties"]
    assert props["version"] == 4
    assert props["deleted"] is False
    assert restored.json()["geometry"] == client.get(f"/api/annotations/{aid}/history/").json()[0]["geometry"]
    history = client.get(f"/api/annotations/{aid}/history/").json()
    assert [(h["version"], h["deleted"]) for h in history] == [(1, False), (2, False), (3, True), (4, False)]
    assert history[3]["reason"] == "restored version 1"
    assert history[3]["author"] == "annotator"
    assert client.post(f"/api/annotations/{aid}/restore/", {"version": 3}, format="json").status_code == 400
    assert client.post(f"/api/annotations/{aid}/restore/", {"version": 99}, format="json").status_code == 404
    assert Scene.objects.get(pk=scene.id).annotations_version == 4


def test_failure_midway_leaves_nothing_half_written(actors, scene):
    client = actors.client("annotator")
    aid = create(client, scene, inside(0)).json()["id"]

    def boom(**kwargs):
        raise RuntimeError("listener failed")

    annotation_changed.connect(boom, weak=False, dispatch_uid="t-boom")
    try:
        with pytest.raises(RuntimeError):
            client.patch(f"/api/annotations/{aid}/", {"version": 1, "geometry": inside(5)}, format="json")
    finally:
        annotation_changed.disconnect(dispatch_uid="t-boom")
    annotation = Annotation.objects.get(pk=aid)
    assert annotation.version == 1
    assert annotation.revisions.count() == 1
    assert Scene.objects.get(pk=scene.id).annotations_version == 1
    assert not AuditEvent.objects.filter(action="annotation.updated").exists()


MATRIX = [("staff", True), ("admin", True), ("reviewer", True), ("annotator", True), ("outsider", False), (None, None)]


@pytest.mark.parametrize(("who", "allowed"), MATRIX)
def test_permission_matrix_on_annotation_endpoints(actors, scene, who, allowed):
    # A member works on an annotation of their own (who may change someone else's: test_annotation_edit_policy.py).
    owner = actors.client(who if allowed else "admin")
    aid = create(owner, scene, inside(0)).json()["id"]
    client = actors.client(who)
    denied = 401 if allowed is None else 403
    calls = [
        lambda: client.get(f"/api/scenes/{scene.id}/annotations/"),
        lambda: create(client, scene, inside(1)),
        lambda: client.get(f"/api/annotations/{aid}/"),
        lambda: client.patch(f"/api/annotations/{aid}/", {"version": 1, "geometry": inside(2)}, format="json"),
        lambda: client.get(f"/api/annotations/{aid}/history/"),
        lambda: client.post(f"/api/annotations/{aid}/restore/", {"version": 1}, format="json"),
        lambda: client.get(f"/api/scenes/{scene.id}/annotations/16/17000/26000.mvt"),
        lambda: client.delete(f"/api/annotations/{aid}/", {"version": 3}, format="json"),
    ]
    for call in calls:
        status = call().status_code
        assert (status < 300) if allowed else status == denied, (who, status)


def test_unknown_scene_and_annotation_are_404(actors):
    client = actors.client("admin")
    assert client.get("/api/scenes/999999/annotations/").status_code == 404
    assert client.get("/api/annotations/999999/").status_code == 404
