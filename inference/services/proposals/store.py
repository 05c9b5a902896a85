"""Step 5: the ``MaskProposal`` row (built, then saved: write-behind), its logits, the ``mask`` message."""

from __future__ import annotations

import json
import time
from typing import cast

import numpy as np
from affine import Affine
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon

from core.geo import transformer
from inference.models import MaskProposal
from inference.services.embeddings import redis_client
from inference.services.proposals.decode import DecodeResult
from inference.services.proposals.logits import LOGITS, LOGITS_TTL_S
from inference.services.proposals.prepare import PreparedPrompt, disks_in_scene
from inference.services.proposals.timing import _ms
from inference.windows import Window


def proposal_build(prepared: PreparedPrompt, result: DecodeResult, *, user, total_ms: float,
                   proposal_id: int | None = None) -> MaskProposal:
    """The ``MaskProposal`` of an answer, not saved yet (``proposal_id``: an id reserved by
    :func:`prompt_context`, so that the mask message can name it before the row is written)."""
    inp = prepared.inp
    geometry = None
    if result.geometry is not None:
        geometry = cast(MultiPolygon, GEOSGeometry(json.dumps(result.geometry), srid=4326))  # always a MultiPolygon
    timings = {k: v for k, v in prepared.timings.items()}
    timings.update(decode_ms=result.decode_ms, polygon_ms=result.polygon_ms)
    return MaskProposal(
        pk=proposal_id,
        project_id=prepared.project_id, scene_id=prepared.scene_id, model_version=prepared.version,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        prompt={
            "points_lonlat": [list(p) for p in inp.points], "labels": prepared.labels,
            "box_lonlat": list(inp.box) if inp.box is not None else None,
            "points_px": [[round(u, 3), round(v, 3)] for u, v in prepared.points_px],
            "points_scene_px": [[round(x, 3), round(y, 3)] for x, y in prepared.points_scene],
            "box_px": [round(v, 3) for v in prepared.box_px] if prepared.box_px is not None else None,
            "map_resolution": inp.map_resolution, "object_size_m": inp.object_size_m, "level": inp.level,
            "previous_proposal_id": inp.previous_proposal_id,
            "previous_logits_used": prepared.mask_logits is not None,
            "click_disks": [d.as_list() for d in prepared.disks],
        },
        window={**prepared.window_json(), "transform": list(prepared.geo_transform)[:6], "crs": prepared.crs,
                "embedding_key": prepared.key.cache_key},
        geometry=geometry, predicted_iou=result.predicted_iou, latency_ms=total_ms, timings=timings,
        quality=result.quality, features={**(result.features or {}), "parts": result.parts},
        candidates=result.candidates or [],
    )


def proposal_save(proposal: MaskProposal, prepared: PreparedPrompt, result: DecodeResult) -> MaskProposal:
    """Insert a built proposal, then keep its logits: in this process's memory and in Redis
    (``geoloop:logits:<id>``, TTL LOGITS_TTL_S)."""
    started = time.perf_counter()
    timings = proposal.timings
    proposal.save(force_insert=True)
    meta = {"key": prepared.key.cache_key, "window": prepared.window.key, "scene": prepared.scene_id,
            "version": prepared.version.pk}
    focus = _focus(prepared, result)
    if focus is not None:
        meta["focus"] = focus.key
    if prepared.disks:
        meta["disks"] = disks_in_scene(prepared.disks, prepared.window)
    logits = None if result.logits is None else np.ascontiguousarray(result.logits, dtype=np.float16)
    if logits is not None:
        LOGITS.put(proposal.pk, meta, logits)
    name = f"geoloop:logits:{proposal.pk}"
    r = redis_client()
    pipe = r.pipeline(transaction=False)
    if result.logits_tmp_key is not None:
        pipe.rename(result.logits_tmp_key, name)
    elif logits is not None:
        pipe.hset(name, "logits", logits.tobytes())
    if result.logits_tmp_key is None and result.uncertainty is not None:
        pipe.hset(name, "uncertainty", np.ascontiguousarray(result.uncertainty, dtype=np.uint8).tobytes())
    pipe.hset(name, "meta", json.dumps(meta))
    pipe.expire(name, LOGITS_TTL_S)
    try:
        pipe.execute()
    except Exception:  # noqa: BLE001 - the logits only speed up the next click; the proposal stands
        pass
    timings["store_ms"] = _ms(started)
    return proposal


def _focus(prepared: PreparedPrompt, result: DecodeResult):
    """The object's focus window: carried from the previous answer, or chosen after a first answer
    (:func:`inference.scoring.focus_window_after`) and its encode asked for at once, so that the next click on the
    object finds it ready (that click uses it only once it is; it never waits for it). Only with
    ``GEOLOOP_FOCUS_WINDOWS`` (off by default: see webapp/settings/inference.py)."""
    from inference.scoring import focus_window_after
    from inference.services.embeddings import EmbeddingKey, embedding_request

    if prepared.previous is not None:
        return prepared.focus
    if not getattr(settings, "GEOLOOP_FOCUS_WINDOWS", False) or result.logits is None or result.geometry is None:
        return None
    focus = focus_window_after(np.asarray(result.logits, np.float32), prepared.window)
    if focus is None:
        return None
    try:
        k = prepared.key
        embedding_request(key=EmbeddingKey(k.encoder, k.scene, k.recipe, focus.key), version_id=prepared.version.pk,
                          scene_id=prepared.scene_id)
    except Exception:  # noqa: BLE001 - the focus only sharpens later clicks; the answer stands without it
        return None
    return focus


def proposal_store(prepared: PreparedPrompt, result: DecodeResult, *, user, total_ms: float) -> MaskProposal:
    """Step 5: the proposal row, then its logits (memory and Redis)."""
    return proposal_save(proposal_build(prepared, result, user=user, total_ms=total_ms), prepared, result)


def mask_message(proposal: MaskProposal, timings: dict, *, request_id=None) -> dict:
    """The ``mask`` message (and the REST twin's body)."""
    w = proposal.window
    geometry = json.loads(proposal.geometry.geojson) if proposal.geometry is not None else None
    return {
        "type": "mask", "request_id": request_id, "proposal_id": proposal.pk, "geometry": geometry,
        "predicted_iou": round(proposal.predicted_iou, 4), "model_version": proposal.model_version_id,
        "quality": None if proposal.quality is None else round(proposal.quality, 4),
        "parts": (proposal.features or {}).get("parts", 0),
        "window": window_out(w),
        "candidates": proposal.candidates or [],
        "used_previous_logits": bool((proposal.prompt or {}).get("previous_logits_used")),
        "timings": timings,
    }


def window_out(window: dict) -> dict:
    """The window an answer used, as a client can check it: level, grid column/row, key, size (model pixels),
    scale (source pixels per model pixel, ``2**level``), ``bounds_px`` (scene pixels: x min, y min, x max, y max;
    may reach past the scene, which is read as 0) and ``bounds`` (the same box in EPSG:4326: min lon, min lat,
    max lon, max lat); ``outline``: the window's four corners in EPSG:4326 (top left, top right, bottom right,
    bottom left: the square the model saw, as drawn on the map; ``bounds`` is the box around it)."""
    grid = Window.from_key(window["key"])
    out = {"level": grid.level, "col": grid.col, "row": grid.row, "key": grid.key, "size": grid.size,
           "scale": grid.scale, "bounds_px": list(grid.bounds), "bounds": None, "outline": None}
    if window.get("transform") and window.get("crs"):
        geo = Affine(*window["transform"][:6])  # window px -> scene CRS
        corners = ((0, 0), (grid.size, 0), (grid.size, grid.size), (0, grid.size))
        xs, ys = zip(*(geo @ corner for corner in corners), strict=True)
        lons, lats = transformer(window["crs"], "EPSG:4326").transform(list(xs), list(ys))
        out["bounds"] = [round(min(lons), 9), round(min(lats), 9), round(max(lons), 9), round(max(lats), 9)]
        out["outline"] = [[round(x, 9), round(y, 9)] for x, y in zip(lons, lats, strict=True)]
    return out
