"""Prompt -> mask -> proposal with the real MobileSAM (CPU) and a real Celery worker encoding the windows."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import shapely
from affine import Affine
from django.conf import settings
from shapely.geometry import shape

from annotator.models import SceneStatus
from inference.masks import mask_iou, rasterize_geometry
from inference.models import EmbeddingEntry, MaskProposal
from inference.sam.predict import decode_scored
from inference.services import (
    model_load,
    prompt_input_parse,
    prompt_prepare,
    proposal_create,
)
from inference.services.errors import (
    OutsideScene,
    PromptInvalid,
    SceneNotReady,
    TooManyPoints,
    UnknownModelVersion,
)
from inference.services.proposals import _upscale_crop
from inference.services.quality import pixel_area_m2, quality_context
from inference.tests.django_fixtures import buildings, click_in, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)

# Measured (MobileSAM, ONNX decoder, CPU) on the five largest Atlanta buildings, one positive click at the polygon's
# representative point, zoomed in (0.125 m per screen px -> level -2): IoU 0.34, 0.27, 0.25, 0.64, 0.04 — the
# same figures as inference.sam.decode on the bench's own window grid, so they are the model's, not this code's
# (on this single-band 0.5 m chip a first click often takes one roof facet, or for the fifth building the whole
# block; DESIGN.md's NoC@85 of ~14 says the same). The test uses the buildings 0, 1 and 3 (0.27-0.64) with a floor
# of 0.2: a georeferencing slip (CRS, axis order, half-pixel, wrong window) lands the polygon off the building and
# gives IoU ~0, and the rasterise-back check below pins the polygon to the model's own mask at IoU >= 0.99.
FIRST_CLICK_BUILDINGS = (0, 1, 3)
FIRST_CLICK_IOU_FLOOR = 0.2


def _prompt(scene, user, points, labels=None, **kw):
    return proposal_create(scene=scene, user=user, points_lonlat=points, labels=labels or [1] * len(points),
                           box_lonlat=kw.pop("box", None), map_resolution=kw.pop("map_resolution", 0.125), **kw)


def test_window_choice_follows_the_zoom(world):  # noqa: F811
    point = click_in(buildings()[0])
    levels = {}
    for resolution in (0.1, 0.125, 0.25, 0.5, 1.0, 4.0):
        inp = prompt_input_parse({"points": [point], "labels": [1], "map_resolution": resolution})
        prepared = prompt_prepare(scene=world.scene, inp=inp)
        levels[resolution] = prepared.window.level
        x, y = prepared.points_scene[0]
        assert prepared.window.contains(x, y, margin=prepared.window.size / 4 - 1)  # the click is well inside
    # gsd 0.5 m: one window pixel per screen pixel; never finer than -2, never coarser than one window per scene
    assert levels == {0.1: -2, 0.125: -2, 0.25: -1, 0.5: 0, 1.0: 0, 4.0: 0}
    # points too far apart for a level -2 window make the window coarser, not clipped
    far = [click_in(buildings()[0]), click_in(buildings()[1])]
    inp = prompt_input_parse({"points": far, "labels": [1, 1], "map_resolution": 0.125})
    prepared = prompt_prepare(scene=world.scene, inp=inp)
    assert prepared.window.level > -2
    assert all(prepared.window.contains(x, y) for x, y in prepared.points_scene)


def test_click_in_building_overlaps_ground_truth_and_rasterises_back(world, celery_worker):  # noqa: F811
    ious = []
    for index in FIRST_CLICK_BUILDINGS:
        poly = buildings()[index]
        proposal, timings = _prompt(world.scene, world.users["ann"], [click_in(poly)])
        assert proposal.geometry is not None
        assert proposal.geometry.geom_type == "MultiPolygon"
        got = shape(json_of(proposal))
        ious.append(got.intersection(poly).area / got.union(poly).area)
        assert {"embedding_ms", "decode_ms", "polygon_ms", "total_ms"} <= set(timings)
        assert proposal.model_version_id == world.version.pk
        assert 0 < proposal.predicted_iou <= 1.2
        assert proposal.prompt["points_lonlat"] == [click_in(poly)]
        assert len(proposal.prompt["points_px"]) == 1
    print("first-click IoU vs ground truth:", [round(v, 3) for v in ious])
    assert min(ious) >= FIRST_CLICK_IOU_FLOOR, ious

    # the stored polygon, burnt back on the window grid, reproduces the model's own mask (geometry contract)
    window = proposal.window
    entry = EmbeddingEntry.objects.get(key=window["embedding_key"])
    embedding = np.load(Path(settings.MEDIA_ROOT) / entry.path)
    transform = Affine(*window["transform"])
    # the pipeline chooses by calibrated quality (inference.scoring) and keeps the clicked parts: decode the same way
    calibrator, prior = quality_context(project_id=world.project.pk, version_id=world.version.pk)
    out = decode_scored(model_load(world.version), embedding, proposal.prompt["points_px"], [1],
                        calibrator=calibrator, size_prior=prior,
                        pixel_area_m2=pixel_area_m2(transform, world.scene.crs))
    burnt = rasterize_geometry(json_of(proposal), transform=transform, shape=out.mask.shape, crs=world.scene.crs)
    assert mask_iou(burnt, out.mask) >= 0.99


def json_of(proposal) -> dict:
    import json

    return json.loads(proposal.geometry.json)


def test_upscale_crop_equals_sams_full_upscale():
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    low = rng.normal(-4, 1, (256, 256)).astype(np.float32)
    low[100:140, 60:90] += 8
    low[3, 250] = 5  # a speck at the edge
    full = F.interpolate(torch.from_numpy(low)[None, None], (1024, 1024), mode="bilinear",
                         align_corners=False)[0, 0].numpy() > 0
    crop, r0, c0 = _upscale_crop(low, 1024)
    rebuilt = np.zeros_like(full)
    rebuilt[r0:r0 + crop.shape[0], c0:c0 + crop.shape[1]] = crop
    assert np.array_equal(rebuilt, full)


def test_second_click_reuses_window_and_logits(world, celery_worker):  # noqa: F811
    poly = buildings()[2]
    first, t1 = _prompt(world.scene, world.users["ann"], [click_in(poly)])
    assert t1["encoded"] is True
    outside = poly.buffer(0.00002).exterior.coords[0]  # just outside the building: a negative click
    second, t2 = _prompt(world.scene, world.users["ann"], [click_in(poly), list(outside)], labels=[1, 0],
                         previous_proposal_id=first.pk)
    assert t2["encoded"] is False
    assert second.window["key"] == first.window["key"]
    assert "focus" not in _meta(first)  # focus windows are off by default (GEOLOOP_FOCUS_WINDOWS)
    assert second.prompt["previous_logits_used"] is True
    # a previous id that is unknown (or expired) is no error: the click is answered without logits
    third, _ = _prompt(world.scene, world.users["ann"], [click_in(poly)], previous_proposal_id=999_999_999)
    assert third.prompt["previous_logits_used"] is False
    # a box alone is a prompt too
    minx, miny, maxx, maxy = poly.bounds
    boxed, _ = _prompt(world.scene, world.users["ann"], [], labels=[], box=[minx, miny, maxx, maxy])
    got = shapely.geometry.shape(json_of(boxed))
    assert got.intersection(poly).area / got.union(poly).area > 0.5


def _meta(proposal) -> dict:
    from inference.services.proposals.logits import _previous

    return _previous(proposal.pk)[0]


def test_later_clicks_move_to_the_objects_focus_window_once_it_is_encoded(world, celery_worker,  # noqa: F811
                                                                         settings):
    """FocalClick's coarse-then-focus: the first answer on the annotator's window picks a finer window that holds
    it (its encode asked for at once); a later click goes there only once it is encoded (never waits for it), with
    the previous logits carried onto its grid."""
    from inference.services.embeddings import embedding_key
    from inference.services.proposals.logits import LOGITS
    from inference.windows import Window

    settings.GEOLOOP_FOCUS_WINDOWS = True
    poly = buildings()[3]
    first, _t1 = _prompt(world.scene, world.users["ann"], [click_in(poly)])
    meta = _meta(first)
    focus = Window.from_key(meta["focus"])
    coarse = Window.from_key(first.window["key"])
    assert focus.level < coarse.level  # a ~25 m building on a 128 m window: a finer one holds it
    x, y = first.prompt["points_scene_px"][0]
    assert focus.contains(x, y)
    outside = poly.buffer(0.00002).exterior.coords[0]
    later = {"points": [click_in(poly), list(outside)], "labels": [1, 0], "map_resolution": 0.125,
             "previous_proposal_id": first.pk}
    # not encoded yet (a focus window nobody asked for, put in the previous answer's place): the click stays
    logits = LOGITS.get(first.pk)[1]
    elsewhere = Window(focus.level, focus.col + 7, focus.row + 7, focus.size)
    LOGITS.put(first.pk, {**meta, "focus": elsewhere.key}, logits)
    stay = prompt_prepare(scene=world.scene, inp=prompt_input_parse(later))
    assert stay.window == coarse
    assert stay.mask_logits is not None
    # the real focus, once the worker has encoded it: the click goes there, logits carried onto its grid
    LOGITS.put(first.pk, meta, logits)
    key = embedding_key(encoder_sha256=stay.key.encoder, scene=world.scene, window=focus)
    deadline = time.monotonic() + 120
    while not EmbeddingEntry.objects.filter(key=key.cache_key).exists():
        assert time.monotonic() < deadline, "the focus window was never encoded"
        time.sleep(0.2)
    moved = prompt_prepare(scene=world.scene, inp=prompt_input_parse(later))
    assert moved.window == focus
    assert moved.focus == focus
    carried = moved.mask_logits
    assert carried is not None
    assert carried.shape == (256, 256)
    u, v = moved.points_px[0]
    assert carried[int(v / 4), int(u / 4)] > 0  # the first answer, under the positive click, on the focus grid
    second, t2 = _prompt(world.scene, world.users["ann"], later["points"], labels=[1, 0],
                         previous_proposal_id=first.pk)
    assert t2["encoded"] is False
    assert second.window["key"] == focus.key
    assert second.prompt["previous_logits_used"] is True
    assert _meta(second)["focus"] == focus.key  # carried on to the next click
    got = shapely.geometry.shape(json_of(second))
    assert got.intersection(poly).area > 0


@pytest.mark.parametrize(
    ("body", "error", "match"),
    [
        ({"points": [[-84.4, 33.7]] * 65, "labels": [1] * 65}, TooManyPoints, "at most 64"),
        ({"points": [[-84.4, 33.7]], "labels": [2]}, PromptInvalid, "labels"),
        ({"points": [[-84.4, 33.7]], "labels": []}, PromptInvalid, "one entry per point"),
        ({"points": [["a", 33.7]], "labels": [1]}, PromptInvalid, "finite number"),
        ({"points": [[-84.4]], "labels": [1]}, PromptInvalid, "lon, lat"),
        ({"points": [], "labels": []}, PromptInvalid, "at least one point or a box"),
        ({"points": [], "labels": [], "box": [1, 1, 0, 2]}, PromptInvalid, "min < max"),
        ({"points": [[-84.4, 33.7]], "labels": [1], "map_resolution": 0}, PromptInvalid, "map_resolution"),
        ({"points": [[-84.4, 33.7]], "labels": [1], "previous_proposal_id": "x"}, PromptInvalid, "previous"),
    ],
)
def test_malformed_prompts_are_refused(body, error, match):
    with pytest.raises(error, match=match):
        prompt_input_parse({"map_resolution": 0.5, **body})


def test_refusals_that_need_the_scene(world):  # noqa: F811
    inside = click_in(buildings()[0])
    with pytest.raises(OutsideScene, match="outside scene"):
        _prompt(world.scene, world.users["ann"], [[inside[0] + 0.01, inside[1]]])
    with pytest.raises(OutsideScene, match="does not overlap"):
        _prompt(world.scene, world.users["ann"], [], labels=[], box=[-80.0, 30.0, -79.9, 30.1])
    with pytest.raises(UnknownModelVersion):
        _prompt(world.scene, world.users["ann"], [inside], model_version=987654)
    world.scene.status = SceneStatus.INGESTING
    world.scene.save(update_fields=["status"])
    with pytest.raises(SceneNotReady, match="not ready"):
        _prompt(world.scene, world.users["ann"], [inside])
    assert MaskProposal.objects.count() == 0


def _ignored_by_sam(world, first, candidates):  # noqa: F811 - world is the fixture's value
    """The first of ``candidates`` (lon/lat) that SAM alone, fed ``first``'s logits, leaves out of its answer to
    ``[point, candidate]`` (both positive): there, only the correction's claim can put it in."""
    from core.geo import transformer
    from inference.services.proposals.logits import _previous

    window = first.window
    transform = Affine(*window["transform"])
    entry = EmbeddingEntry.objects.get(key=window["embedding_key"])
    embedding = np.load(Path(settings.MEDIA_ROOT) / entry.path)
    prev = _previous(first.pk)[1].astype(np.float32)
    calibrator, prior = quality_context(project_id=world.project.pk, version_id=world.version.pk)
    to_crs = transformer("EPSG:4326", world.scene.crs)
    first_px = first.prompt["points_px"][0]
    for lonlat in candidates:
        u, v = ~transform * to_crs.transform(*lonlat)
        out = decode_scored(model_load(world.version), embedding, [first_px, (u, v)], [1, 1], mask_logits=prev,
                            calibrator=calibrator, size_prior=prior,
                            pixel_area_m2=pixel_area_m2(transform, world.scene.crs))
        if not out.mask[int(v), int(u)]:
            return lonlat
    return None


def _just_outside(answer) -> list[list[float]]:
    """Points 1 to 3 m (1e-5 to 3e-5 degrees) beyond ``answer``'s outline, along rays from its centre: where late
    corrections land."""
    import math

    c = answer.centroid
    out = []
    for step in (1e-5, 2e-5, 3e-5):
        for k in range(8):
            dx, dy = math.cos(k * math.pi / 4), math.sin(k * math.pi / 4)
            ray = shapely.LineString([(c.x, c.y), (c.x + dx * 1e-3, c.y + dy * 1e-3)])
            hit = ray.intersection(answer.boundary)
            if hit.is_empty:
                continue
            far = max(shapely.get_coordinates(hit), key=lambda p: (p[0] - c.x) ** 2 + (p[1] - c.y) ** 2)
            out.append([float(far[0] + dx * step), float(far[1] + dy * step)])
    return [p for p in out if not answer.contains(shapely.Point(p))]


@pytest.mark.parametrize("decode_in", ["web", "worker"])
def test_corrections_are_kept_on_every_later_answer(world, celery_worker, settings, decode_in):  # noqa: F811
    """A positive click beyond the first answer, where SAM alone would leave it out, claims the gap to it
    (:mod:`inference.corrections`); the claim is kept, through Redis, on the next answer of the object, and a click
    undone drops its claim. Decoded in the web process and on the ``gpu`` worker (the claims travel in the task's
    payload)."""
    settings.GEOLOOP_DECODE_IN = decode_in
    poly = buildings()[2]
    first, _ = _prompt(world.scene, world.users["ann"], [click_in(poly)])
    beyond = _ignored_by_sam(world, first, _just_outside(shape(json_of(first))))
    assert beyond is not None, "SAM took every nearby click in: no correction to test"
    second, _ = _prompt(world.scene, world.users["ann"], [click_in(poly), beyond], labels=[1, 1],
                        previous_proposal_id=first.pk)
    disks = second.prompt["click_disks"]
    assert len(disks) == 1
    assert disks[0][2] == 1
    assert disks[0][3] > 0
    assert shape(json_of(second)).contains(shapely.Point(beyond))
    assert len(_meta(second)["disks"]) == 1
    # SAM's other candidates, shown with Tab, keep the claim too: switching never drops a correction.
    alternatives = [c["geometry"] for c in second.candidates[1:] if c["geometry"] is not None]
    assert alternatives
    assert all(shape(g).contains(shapely.Point(beyond)) for g in alternatives)
    # A negative click far from the claim: the claim stays on the third answer.
    inner = shape(json_of(second)).representative_point()
    third, _ = _prompt(world.scene, world.users["ann"], [click_in(poly), beyond, [inner.x, inner.y]],
                       labels=[1, 1, 0], previous_proposal_id=second.pk)
    kept = third.prompt["click_disks"]
    assert kept[0] == pytest.approx(disks[0], abs=1e-2)
    assert shape(json_of(third)).contains(shapely.Point(beyond))
    # The second click undone (the prompt no longer holds it): its claim goes with it.
    undone, _ = _prompt(world.scene, world.users["ann"], [click_in(poly), [inner.x, inner.y]], labels=[1, 0],
                        previous_proposal_id=third.pk)
    assert all(d[2] == 0 for d in undone.prompt["click_disks"])
