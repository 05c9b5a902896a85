"""Find similar (issue 16 item 4) on the Atlanta sample with the real model, a real Celery worker, PostGIS and Redis:
from exemplar buildings, the batch proposes other buildings of the ground truth; accepting and rejecting them goes
through the usual proposal paths and the feedback knows the batch; the API checks who may do what."""

from __future__ import annotations

import time

import numpy as np
import pytest
import shapely
from affine import Affine
from rest_framework.test import APIClient
from shapely.geometry import mapping

from annotator.models import Annotation
from annotator.services.annotations import annotation_create
from core.geo import reproject
from feedback.models import Correction, Outcome
from feedback.services import proposal_accept, proposal_reject
from inference import similar
from inference.models import MaskProposal, SimilarBatch, SimilarStatus
from inference.services.similar import affine_xy, to_pixels
from inference.tests.django_fixtures import buildings, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _client(world, who: str | None = "ann") -> APIClient:  # noqa: F811
    client = APIClient()
    if who is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[who]}")
    return client


def _pixels(world, geom):  # noqa: F811
    return to_pixels(geom, world.scene, ~Affine.from_gdal(*world.scene.transform))


def _lonlat_box(world, x0, y0, x1, y1) -> list[float]:  # noqa: F811
    t = Affine.from_gdal(*world.scene.transform)
    corners = shapely.MultiPoint(affine_xy(t, np.array([[x0, y0], [x1, y1]], float)))
    return list(reproject(corners, world.scene.crs, "EPSG:4326").bounds)


def _exemplars(world, n: int) -> list[Annotation]:  # noqa: F811
    """The first n ground-truth buildings inside the test area, annotated as accepted."""
    out = []
    for b in _area_buildings(world)[:n]:
        ann, _ = annotation_create(project=world.project, scene=world.scene, geometry=mapping(b),
                                   user=world.users["ann"])
        out.append(ann)
    return out


AREA_PX = (390, 150, 570, 340)  # scene pixels: six buildings of the sample, nine windows to encode (a loaded CPU)


def _area_buildings(world) -> list:  # noqa: F811
    area = shapely.box(*AREA_PX)
    return sorted((b for b in buildings() if area.contains(_pixels(world, b).centroid)),
                  key=lambda b: _pixels(world, b).centroid.y)


def _wait(batch_id: int, timeout_s: float = 900) -> SimilarBatch:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        batch = SimilarBatch.objects.get(pk=batch_id)
        if batch.status in (SimilarStatus.DONE, SimilarStatus.FAILED):
            return batch
        time.sleep(1.0)
    raise AssertionError(f"batch {batch_id} not done within {timeout_s} s: {batch.status} {batch.stage} "
                         f"{batch.progress}")


def test_find_similar_on_atlanta_finds_other_buildings(world, celery_worker):  # noqa: F811
    truth = _area_buildings(world)
    assert len(truth) == 6
    exemplars = _exemplars(world, 2)
    client = _client(world)
    res = client.post("/api/similar/", {"exemplars": [a.pk for a in exemplars],
                                        "bbox": _lonlat_box(world, *AREA_PX)}, format="json")
    assert res.status_code == 202, res.content
    batch_id = res.json()["id"]
    seen_progress = set()
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        state = client.get(f"/api/similar/{batch_id}/").json()
        seen_progress.add((state["status"], state["stage"]))
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert state["status"] == "done", (state["error"], state["stats"])
    assert ("running", "encode") in seen_progress, seen_progress  # the worker reports its progress
    stats = state["stats"]
    assert stats["windows"] >= 1, stats
    assert stats["peaks"] >= 1, stats
    assert stats["kept"] >= 1, stats
    # a cold cache (the fixture's salted recipe): every window encoded once, in the batched path, none twice
    assert stats["windows"] <= stats["encoded"] <= stats["windows"] + len(exemplars), stats
    assert stats["kept"] == state["proposals"]

    listed = client.get(f"/api/similar/{batch_id}/proposals/").json()
    assert len(listed) == stats["kept"]
    assert [p["quality"] for p in listed] == sorted((p["quality"] for p in listed), reverse=True)
    assert all(p["quality"] >= similar.SAME_OBJECT_IOU and p["outcome"] is None for p in listed)

    # the batch finds at least one true building other than the exemplars, and repeats no exemplar
    others = [b for b in truth if not any(_pixels(world, b).equals_exact(_pixels(world, shapely.from_wkb(
        bytes(e.geometry.wkb))), 1e-6) for e in exemplars)]
    exemplar_px = [_pixels(world, shapely.from_wkb(bytes(e.geometry.wkb))) for e in exemplars]
    hits = []
    for p in listed:
        g = _pixels(world, shapely.geometry.shape(p["geometry"]))
        assert all(similar.iou(g, e) < similar.SAME_OBJECT_IOU for e in exemplar_px)
        best = max(similar.iou(g, _pixels(world, b)) for b in others)
        if best >= 0.5:
            hits.append(p["id"])
    assert hits, f"no proposal matches a ground-truth building other than the exemplars: {stats}"

    # review: accept a hit, reject another proposal, through the usual paths (the REST routes the screen uses)
    res = client.post(f"/api/proposals/{hits[0]}/accept/", {}, format="json")
    assert res.status_code == 201, res.content
    assert res.json()["correction"]["similar_batch"] == batch_id
    misses = [p["id"] for p in listed if p["id"] != hits[0]]
    if misses:
        res = client.post(f"/api/proposals/{misses[0]}/reject/", {}, format="json")
        assert res.status_code == 201, res.content
        assert res.json()["correction"]["similar_batch"] == batch_id
    outcomes = {p["id"]: p["outcome"] for p in client.get(f"/api/similar/{batch_id}/proposals/").json()}
    assert outcomes[hits[0]] == "accepted"
    if misses:
        assert outcomes[misses[0]] == "rejected"
    corrections = Correction.objects.filter(proposal__similar_batch_id=batch_id)
    assert corrections.filter(outcome=Outcome.ACCEPTED).count() == 1
    assert all(c.proposal.similar_batch_id == batch_id for c in corrections)


def test_find_similar_api_refuses_bad_input_and_strangers(world):  # noqa: F811
    exemplars = _exemplars(world, 2)
    ids = [a.pk for a in exemplars]
    box = _lonlat_box(world, *AREA_PX)
    assert _client(world, None).post("/api/similar/", {"exemplars": ids, "bbox": box},
                                     format="json").status_code == 401
    res = _client(world, "out").post("/api/similar/", {"exemplars": ids, "bbox": box}, format="json")
    assert res.status_code == 403, res.content
    ann = _client(world)
    for body, status, words in (
        ({"exemplars": [], "bbox": box}, 400, "exemplars"),
        ({"exemplars": [2**70], "bbox": box}, 400, "safe range"),
        ({"exemplars": ids, "task": 2**70}, 400, "safe range"),
        ({"exemplars": ids}, 400, "exactly one of task or bbox"),
        ({"exemplars": ids, "bbox": box, "task": 1}, 400, "exactly one of task or bbox"),
        ({"exemplars": ids, "bbox": [10, 10, 5, 5]}, 400, "bbox"),
        ({"exemplars": ids, "bbox": [10.0, 10.0, 10.1, 10.1]}, 400, "does not overlap"),
        ({"exemplars": [*ids, 999999], "bbox": box}, 404, "999999"),
        ({"exemplars": ids, "task": 999999}, 404, "Task 999999"),
    ):
        res = ann.post("/api/similar/", body, format="json")
        assert res.status_code == status, (body, res.content)
        assert words in res.content.decode(), (body, res.content)
    Annotation.objects.filter(pk=ids[1]).update(deleted=True)
    res = ann.post("/api/similar/", {"exemplars": ids, "bbox": box}, format="json")
    assert res.status_code == 400
    assert "accepted annotations" in res.json()["detail"]
    assert SimilarBatch.objects.count() == 0  # nothing refused was queued

    batch = SimilarBatch.objects.create(project=world.project, scene=world.scene, user=world.users["ann"],
                                        exemplars=ids[:1], area=world.scene.footprint)
    assert _client(world, None).get(f"/api/similar/{batch.pk}/").status_code == 401
    assert _client(world, "out").get(f"/api/similar/{batch.pk}/").status_code == 403
    assert _client(world, "out").get(f"/api/similar/{batch.pk}/proposals/").status_code == 403
    assert ann.get("/api/similar/999999/").status_code == 404
    assert ann.get(f"/api/similar/{batch.pk}/").json()["status"] == "queued"
    assert ann.get(f"/api/similar/{batch.pk}/proposals/").json() == []
    assert _client(world, "rev").get(f"/api/similar/{batch.pk}/").status_code == 200


def test_proposal_from_a_batch_tags_its_feedback(world):  # noqa: F811
    """Accept and reject of a batch's proposals are the usual ones; the correction reaches its batch."""
    from django.contrib.gis.geos import GEOSGeometry

    from inference.services import model_version_ensure_default

    batch = SimilarBatch.objects.create(project=world.project, scene=world.scene, user=world.users["ann"],
                                        exemplars=[], area=world.scene.footprint)
    made = []
    for b in buildings()[:2]:
        made.append(MaskProposal.objects.create(
            project=world.project, scene=world.scene, model_version=model_version_ensure_default(), prompt={},
            window={}, geometry=GEOSGeometry(shapely.MultiPolygon([b]).wkt, srid=4326), predicted_iou=0.9,
            quality=0.8, latency_ms=1.0, similar_batch=batch))
    proposal_accept(proposal=made[0], label_class=None, user=world.users["ann"])
    proposal_reject(proposal=made[1], user=world.users["ann"])
    assert sorted(Correction.objects.filter(proposal__similar_batch=batch).values_list("outcome", flat=True)) == \
        [Outcome.ACCEPTED, Outcome.REJECTED]
