"""Step 4: SAM decode (ONNX by default) and mask -> polygons, in this process or on the ``gpu`` queue."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import numpy as np
from affine import Affine
from django.conf import settings

from inference.corrections import ClickDisk, logits_with_disks, mask_with_disks
from inference.models import ModelVersion
from inference.services.embeddings import EmbeddingKey, embedding_load, redis_client
from inference.services.errors import EncodingFailed
from inference.services.proposals.candidates import candidate_list, uncertainty_map
from inference.services.proposals.logits import _previous
from inference.services.proposals.prepare import PreparedPrompt
from inference.services.proposals.runtime import _as_f32, _InFlight, _intra_threads
from inference.services.proposals.timing import _ms
from inference.services.registry import model_load

DECODE_MODES = ("web", "worker")


def decode_mode() -> str:
    mode = str(getattr(settings, "GEOLOOP_DECODE_IN", "web")).strip().lower() or "web"
    if mode not in DECODE_MODES:
        raise ValueError(f"GEOLOOP_DECODE_IN={mode!r}; expected one of {', '.join(DECODE_MODES)}")
    return mode


@dataclass
class DecodeResult:
    geometry: dict | None  # GeoJSON MultiPolygon, EPSG:4326
    scene_geometry: dict | None
    predicted_iou: float  # the model's own figure (kept for compatibility; unbounded, uncalibrated)
    token: int
    logits: np.ndarray | None  # float16 (256, 256), web mode
    logits_tmp_key: str | None  # Redis key holding them, worker mode
    decode_ms: float
    polygon_ms: float
    quality: float | None = None  # calibrated expected IoU with what the annotator keeps, in [0, 1]
    parts: int = 0  # connected parts of the mask after post-processing
    features: dict | None = None  # the chosen candidate's scoring features (for refitting the calibrator)
    candidates: list | None = None  # the answer and SAM's other multimask outputs (:mod:`.candidates`)
    uncertainty: np.ndarray | None = None  # uint8 (256, 256) on the window's low-res grid (:mod:`.candidates`)


def _upscale_crop(low: np.ndarray, size: int) -> tuple[np.ndarray, int, int]:
    """SAM's upscaling (bilinear, ``align_corners=False``, 256 -> ``size``, threshold 0) of only the part of the
    low-res logits that can turn positive: the box of positive logits padded by 2 low-res pixels. Identical to the
    full-window result (a bilinear value is positive only if a neighbour within one low-res pixel is), at a
    fraction of the cost. Returns (mask crop, row offset, column offset) in window pixels."""
    import torch
    import torch.nn.functional as F

    positive = low > 0
    rows = np.flatnonzero(positive.any(axis=1))
    if rows.size == 0:
        return np.zeros((0, 0), bool), 0, 0
    cols = np.flatnonzero(positive.any(axis=0))
    n = low.shape[0]
    r0, r1 = max(0, int(rows[0]) - 2), min(n, int(rows[-1]) + 3)
    c0, c1 = max(0, int(cols[0]) - 2), min(n, int(cols[-1]) + 3)
    factor = size // n
    crop = torch.from_numpy(np.ascontiguousarray(low[r0:r1, c0:c1], dtype=np.float32))
    with torch.inference_mode():
        up = F.interpolate(crop[None, None], ((r1 - r0) * factor, (c1 - c0) * factor), mode="bilinear",
                           align_corners=False)[0, 0]
    return (up > 0).numpy(), r0 * factor, c0 * factor


def _decode(model, embedding, *, points_px, labels, box_px, mask_logits, transform, crs, project_id=None,
            version_id=None, window=None, embedding_for=None, label_class_id=None, disks=()) -> DecodeResult:
    """Decode (ONNX or torch, as :func:`inference.sam.decode`), choose the candidate of highest calibrated quality
    (:mod:`inference.scoring`), keep the corrections' claims on it (``disks``, :mod:`inference.corrections`),
    upscale only around it, keep the parts holding positive clicks, polygonise.

    Scale search: when a lone positive click's answer fills ``window`` and ``embedding_for`` has the next finer
    window's embedding at hand, the click is asked there too and the better of the two answers is kept (both
    expressed on ``window``'s grid, so the next click feeds back the right logits)."""
    from inference.masks import mask_keep_clicked, mask_to_geometry
    from inference.sam.predict import (
        choose_scored,
        decode_all_torch,
        default_decoder_backend,
        prepare_prompt,
        scale_search,
    )
    from inference.scoring import fills_window
    from inference.services.quality import pixel_area_m2, quality_context

    started = time.perf_counter()
    prompt = prepare_prompt(points_px or None, labels or None, box=box_px, mask_logits=mask_logits)
    if default_decoder_backend() == "onnx":
        from inference.sam.onnx_decoder import get_onnx_decoder

        with _InFlight() as busy:
            threads = _intra_threads(busy)
            low, ious = get_onnx_decoder(model, intra_op_threads=threads).run(_as_f32(embedding), prompt)
    else:
        low_t, ious_t = decode_all_torch(model, embedding, prompt)
        low, ious = low_t.float().cpu().numpy(), ious_t.float().cpu().numpy()
    ious = np.asarray(ious, dtype=np.float32)
    calibrator, prior = (quality_context(project_id=project_id, version_id=version_id, label_class_id=label_class_id)
                         if project_id is not None and version_id is not None else (None, None))
    pts = np.asarray(points_px, np.float64).reshape(-1, 2) if points_px else None
    area = pixel_area_m2(transform, crs)
    choice = choose_scored(low, ious, prompt, points_px=pts, labels=labels or None, size=model.image_size,
                           calibrator=calibrator, pixel_area_m2=area, size_prior=prior)
    token = choice.token
    chosen = np.asarray(low[token], dtype=np.float32)
    first = choice
    if (window is not None and embedding_for is not None and pts is not None and len(pts) == 1 and box_px is None
            and list(labels) == [1] and fills_window(choice.features)):
        found = scale_search(model, window=window, point_px=pts[0], embedding_for=embedding_for,
                             calibrator=calibrator, pixel_area_m2=area, size_prior=prior)
        if found is not None and found[1].quality > choice.quality:
            chosen, choice = found[0], found[1]
    if disks:
        chosen = logits_with_disks(chosen, disks, size=model.image_size)
    decoded = time.perf_counter()
    candidates = candidate_list(low, ious, choice, scaled=choice is not first, points_px=pts, labels=labels,
                                size=model.image_size, calibrator=calibrator, pixel_area_m2=area,
                                size_prior=prior, transform=transform, crs=crs, disks=disks)
    uncertainty = uncertainty_map(chosen, low)
    mask, row0, col0 = _upscale_crop(chosen, model.image_size)
    if disks and mask.size:
        mask = mask_with_disks(mask, disks, origin=(col0, row0))
    parts = 0
    if mask.size and mask.any():
        if pts is not None and len(pts):
            mask, parts = mask_keep_clicked(mask, pts - np.array([col0, row0], np.float64), labels)
        else:
            parts = 1
    geom = None
    if mask.size and mask.any():
        geom = mask_to_geometry(mask, transform=transform * Affine.translation(col0, row0), crs=crs)
    if geom is not None:
        parts = len(geom.pixel.geoms)
    return DecodeResult(
        geometry=geom.wgs84 if geom is not None else None, scene_geometry=geom.scene if geom is not None else None,
        predicted_iou=float(ious[token]), token=int(token), logits=chosen.astype(np.float16),
        logits_tmp_key=None, decode_ms=round((decoded - started) * 1000, 2), polygon_ms=_ms(decoded),
        quality=round(choice.quality, 4) if geom is not None else 0.0, parts=parts if geom is not None else 0,
        features=choice.features_dict(), candidates=candidates, uncertainty=uncertainty,
    )


def prompt_decode(prepared: PreparedPrompt, embedding: np.ndarray) -> DecodeResult:
    """Step 4 in this process (no database access: safe on any thread)."""
    model = model_load(prepared.version)
    logits = prepared.mask_logits
    return _decode(model, embedding, points_px=prepared.points_px, labels=prepared.labels, box_px=prepared.box_px,
                   mask_logits=None if logits is None else logits.astype(np.float32),
                   transform=prepared.geo_transform, crs=prepared.crs, project_id=prepared.project_id,
                   version_id=prepared.version.pk, window=prepared.window, embedding_for=_hot_finer(prepared),
                   label_class_id=prepared.inp.label_class_id, disks=prepared.disks)


def _hot_finer(prepared: PreparedPrompt):
    """Scale search's embedding source in the web process: a finer window's embedding only when it is already in
    this process's memory (the decode never waits for an encode nor reads the database)."""
    from inference.services.embeddings import embedding_hot
    from inference.windows import DEFAULT_MIN_LEVEL

    k = prepared.key

    def embedding_for(window):
        if window.level < DEFAULT_MIN_LEVEL:
            return None
        return embedding_hot(EmbeddingKey(k.encoder, k.scene, k.recipe, window.key))

    return embedding_for


def decode_payload(prepared: PreparedPrompt) -> dict:
    """What ``inference.decode_prompt`` needs (JSON)."""
    k = prepared.key
    return {
        "version_id": prepared.version.pk, "key": [k.encoder, k.scene, k.recipe, k.window],
        "points_px": prepared.points_px, "labels": prepared.labels, "box_px": prepared.box_px,
        "previous_proposal_id": (prepared.previous.proposal_id
                                 if prepared.previous is not None and prepared.mask_logits is not None else None),
        "transform": list(prepared.geo_transform)[:6], "crs": prepared.crs, "project_id": prepared.project_id,
        "label_class_id": prepared.inp.label_class_id, "disks": [d.as_list() for d in prepared.disks],
    }


def prompt_decode_remote(payload: dict) -> dict:
    """The ``inference.decode_prompt`` task's work (gpu worker): decode, keep the logits in Redis for a moment
    under a temporary key that :func:`proposal_store` renames to the proposal's."""
    version = ModelVersion.objects.get(pk=payload["version_id"])
    key = EmbeddingKey(*payload["key"])
    embedding = embedding_load(key)
    if embedding is None:
        raise EncodingFailed(f"embedding {key.cache_key} is not in the cache")
    logits = None
    if payload.get("previous_proposal_id"):
        prev = _previous(payload["previous_proposal_id"])
        logits = prev[1].astype(np.float32) if prev is not None and prev[1] is not None else None
    result = _decode(model_load(version), embedding, points_px=[tuple(p) for p in payload["points_px"]],
                     labels=payload["labels"], box_px=payload["box_px"], mask_logits=logits,
                     transform=Affine(*payload["transform"]), crs=payload["crs"],
                     project_id=payload.get("project_id"), version_id=version.pk,
                     label_class_id=payload.get("label_class_id"),
                     disks=[ClickDisk.from_list(d) for d in payload.get("disks") or []])
    tmp = None
    if result.logits is not None:
        tmp = f"geoloop:logits:tmp:{uuid.uuid4().hex}"
        redis_client().hset(tmp, "logits", result.logits.tobytes())
        if result.uncertainty is not None:
            redis_client().hset(tmp, "uncertainty", result.uncertainty.tobytes())
        redis_client().expire(tmp, 120)
    return {"geometry": result.geometry, "scene_geometry": result.scene_geometry,
            "predicted_iou": result.predicted_iou, "token": result.token, "logits_tmp_key": tmp,
            "decode_ms": result.decode_ms, "polygon_ms": result.polygon_ms, "quality": result.quality,
            "parts": result.parts, "features": result.features, "candidates": result.candidates}


def prompt_decode_in_worker(prepared: PreparedPrompt, *, timeout: float = 30.0) -> DecodeResult:
    """Step 4 as a task round trip to the ``gpu`` queue (``GEOLOOP_DECODE_IN=worker``)."""
    from celery import current_app

    out = current_app.send_task("inference.decode_prompt", args=(decode_payload(prepared),)).get(
        timeout=timeout, propagate=True)
    return DecodeResult(geometry=out["geometry"], scene_geometry=out["scene_geometry"],
                        predicted_iou=out["predicted_iou"], token=out["token"], logits=None,
                        logits_tmp_key=out["logits_tmp_key"], decode_ms=out["decode_ms"],
                        polygon_ms=out["polygon_ms"], quality=out.get("quality"), parts=out.get("parts", 0),
                        features=out.get("features"), candidates=out.get("candidates"))
