"""Prompt -> mask -> polygon -> ``MaskProposal``.

The work is cut into steps so that the WebSocket consumer can run each where it belongs (database steps on
Django's thread, the decode on a small executor, waits for an encode on their own threads) while the REST view and
scripts run :func:`proposal_create`, which chains them:

1. :func:`prompt_input_parse` — the message body -> :class:`PromptInput` (pure; every malformed field named);
2. :func:`prompt_prepare` — scene ready, model version, lon/lat -> scene CRS -> scene px, points inside the
   raster, window level from the map resolution, the window (the previous answer's window when the prompt still
   fits in it, so its low-res logits can be fed back), the previous logits from Redis;
3. the embedding (:mod:`inference.services.embeddings`: hot, media, or wait for ``inference.encode_window``);
4. :func:`prompt_decode` — SAM decode (ONNX by default) and mask -> polygons (window px, scene CRS, EPSG:4326);
5. :func:`proposal_store` — the ``MaskProposal`` row, then the logits to Redis (``geoloop:logits:<id>``, short TTL).

Decoding runs in this process (``GEOLOOP_DECODE_IN=web``, the measured faster choice) or as the task
``inference.decode_prompt`` on the ``gpu`` queue (``worker``); see README "Architecture notes".
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyproj
from affine import Affine
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry

from annotator.models import SceneStatus
from inference.models import MaskProposal, ModelVersion
from inference.sam import LOW_RES_SIZE
from inference.selectors import active_model_version, model_version_usable
from inference.services.embeddings import (
    EmbeddingKey,
    embedding_key,
    embedding_load,
    embedding_present,
    embedding_request,
    embedding_wait,
    redis_client,
)
from inference.services.errors import (
    EncodingFailed,
    OutsideScene,
    PromptInvalid,
    SceneNotReady,
    TooManyPoints,
    UnknownModelVersion,
)
from inference.services.registry import model_load, model_version_encoder, model_version_ensure_default
from inference.windows import DEFAULT_MIN_LEVEL, Window, choose_level, max_useful_level, window_for_prompt

MAX_POINTS = 64
LOGITS_TTL_S = 900
DECODE_MODES = ("web", "worker")


def decode_mode() -> str:
    mode = str(getattr(settings, "GEOLOOP_DECODE_IN", "web")).strip().lower() or "web"
    if mode not in DECODE_MODES:
        raise ValueError(f"GEOLOOP_DECODE_IN={mode!r}; expected one of {', '.join(DECODE_MODES)}")
    return mode


# ------------------------------------------------------------------------------------------------ 1. parse


@dataclass(frozen=True)
class PromptInput:
    points: list[tuple[float, float]]  # lon, lat
    labels: list[int]
    box: tuple[float, float, float, float] | None  # min lon, min lat, max lon, max lat
    map_resolution: float  # ground metres per screen pixel
    previous_proposal_id: int | None = None
    model_version_id: int | None = None


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PromptInvalid(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _optional_id(value, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PromptInvalid(f"{what} must be a positive integer or null, got {value!r}")
    return value


def prompt_input_parse(data: Mapping) -> PromptInput:
    """Validate a prompt body (the WebSocket message or the REST body); raises :class:`PromptInvalid` (or
    :class:`TooManyPoints`) naming the field."""
    if not isinstance(data, Mapping):
        raise PromptInvalid("a prompt must be a JSON object")
    raw_points = data.get("points") or []
    raw_labels = data.get("labels") or []
    if not isinstance(raw_points, list) or not isinstance(raw_labels, list):
        raise PromptInvalid("points must be a list of [lon, lat] and labels a list of 0/1")
    if len(raw_points) > MAX_POINTS:
        raise TooManyPoints(f"at most {MAX_POINTS} points per prompt, got {len(raw_points)}")
    points = []
    for i, p in enumerate(raw_points):
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise PromptInvalid(f"points[{i}] must be [lon, lat], got {p!r}")
        lon, lat = _number(p[0], f"points[{i}][0]"), _number(p[1], f"points[{i}][1]")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise PromptInvalid(f"points[{i}] = {p!r} is not a lon/lat position (EPSG:4326)")
        points.append((lon, lat))
    if len(raw_labels) != len(points):
        raise PromptInvalid(f"labels must have one entry per point ({len(points)}), got {len(raw_labels)}")
    labels = []
    for i, lab in enumerate(raw_labels):
        if isinstance(lab, bool) or lab not in (0, 1):
            raise PromptInvalid(f"labels[{i}] must be 1 (object) or 0 (background), got {lab!r}")
        labels.append(int(lab))
    box = data.get("box")
    if box is not None:
        if not isinstance(box, list | tuple) or len(box) != 4:
            raise PromptInvalid(f"box must be [min lon, min lat, max lon, max lat] or null, got {box!r}")
        box = tuple(_number(v, f"box[{i}]") for i, v in enumerate(box))
        if not (box[0] < box[2] and box[1] < box[3]):
            raise PromptInvalid(f"box must have min < max on both axes, got {list(box)}")
        if not (-180 <= box[0] and box[2] <= 180 and -90 <= box[1] and box[3] <= 90):
            raise PromptInvalid(f"box {list(box)} is not in lon/lat (EPSG:4326)")
    if not points and box is None:
        raise PromptInvalid("a prompt needs at least one point or a box")
    resolution = _number(data.get("map_resolution"), "map_resolution")
    if resolution <= 0:
        raise PromptInvalid(f"map_resolution must be positive (metres per screen pixel), got {resolution}")
    return PromptInput(
        points=points, labels=labels, box=box, map_resolution=resolution,
        previous_proposal_id=_optional_id(data.get("previous_proposal_id"), "previous_proposal_id"),
        model_version_id=_optional_id(data.get("model_version"), "model_version"),
    )


# ------------------------------------------------------------------------------------------------ 2. prepare

_local = threading.local()


def _to_scene_crs(crs: str) -> pyproj.Transformer:
    cache = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    if crs not in cache:
        cache[crs] = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return cache[crs]


@dataclass(frozen=True)
class Previous:
    proposal_id: int
    window: Window
    logits: np.ndarray | None  # (256, 256) float32 when usable with this prompt's embedding


@dataclass
class PreparedPrompt:
    scene_id: int
    project_id: int
    version: ModelVersion
    window: Window
    key: EmbeddingKey
    points_px: list[tuple[float, float]]  # window pixels
    labels: list[int]
    box_px: tuple[float, float, float, float] | None
    points_scene: list[tuple[float, float]]  # scene pixels
    inp: PromptInput
    geo_transform: Affine  # window px -> scene CRS
    crs: str
    previous: Previous | None = None
    timings: dict = field(default_factory=dict)

    @property
    def mask_logits(self) -> np.ndarray | None:
        return self.previous.logits if self.previous is not None else None

    def window_json(self) -> dict:
        w = self.window
        return {"level": w.level, "col": w.col, "row": w.row, "size": w.size, "key": w.key}


class LogitsMemory:
    """This process's recent answers' low-res logits and meta, keyed by proposal id (LRU, TTL LOGITS_TTL_S):
    the next click of a socket finds them without a Redis round trip; Redis holds them across processes."""

    def __init__(self, items: int = 256) -> None:
        self.items = items
        self._data: OrderedDict[int, tuple[float, dict, np.ndarray | None]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, proposal_id: int, meta: dict, logits: np.ndarray | None) -> None:
        with self._lock:
            self._data[proposal_id] = (time.monotonic() + LOGITS_TTL_S, meta, logits)
            self._data.move_to_end(proposal_id)
            while len(self._data) > self.items:
                self._data.popitem(last=False)

    def get(self, proposal_id: int) -> tuple[dict, np.ndarray | None] | None:
        with self._lock:
            entry = self._data.get(proposal_id)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                del self._data[proposal_id]
                return None
            return entry[1], entry[2]

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


LOGITS = LogitsMemory()


def _previous(proposal_id: int | None) -> tuple[dict, np.ndarray | None] | None:
    if proposal_id is None:
        return None
    hit = LOGITS.get(proposal_id)
    if hit is not None:
        return hit
    raw = redis_client().hgetall(f"geoloop:logits:{proposal_id}")
    if not raw or b"meta" not in raw:
        return None
    meta = json.loads(raw[b"meta"])
    logits = None
    if b"logits" in raw and len(raw[b"logits"]) == LOW_RES_SIZE * LOW_RES_SIZE * 2:
        logits = np.frombuffer(raw[b"logits"], dtype=np.float16).reshape(LOW_RES_SIZE, LOW_RES_SIZE)
    return meta, logits


def _fits(window: Window, pts: list[tuple[float, float]], box) -> bool:
    corners = list(pts) + ([(box[0], box[1]), (box[2], box[3])] if box is not None else [])
    return all(window.contains(x, y) for x, y in corners)


def scene_level_range(scene) -> tuple[int, int]:
    """(min, max) window level for a scene: -2 (256 source px upsampled to the model's 1024) up to the level at
    which one window covers the whole scene (GDAL reads a coarser level from the nearest overview)."""
    return DEFAULT_MIN_LEVEL, max_useful_level(width=scene.width, height=scene.height)


def scene_gsd(scene, transform: Affine) -> float:
    return float(scene.gsd) if scene.gsd else abs(transform.a)


def prompt_prepare(*, scene, inp: PromptInput, model_version: ModelVersion | int | None = None) -> PreparedPrompt:
    """Step 2 (database + Redis, no model): see the module docstring."""
    started = time.perf_counter()
    if scene.status != SceneStatus.READY:
        raise SceneNotReady(f"scene {scene.pk} is {scene.status}, not ready: {scene.status_reason or 'wait for it'}")
    if not scene.transform or not scene.crs or not scene.width:
        raise SceneNotReady(f"scene {scene.pk} has no georeferencing recorded")
    version = _version(scene, model_version if model_version is not None else inp.model_version_id)
    transform = Affine.from_gdal(*scene.transform)
    inverse = ~transform
    to_crs = _to_scene_crs(scene.crs)
    points_scene = []
    for lon, lat in inp.points:
        x, y = inverse * to_crs.transform(lon, lat)
        if not (0 <= x < scene.width and 0 <= y < scene.height):
            raise OutsideScene(f"point ({lon:.6f}, {lat:.6f}) is outside scene {scene.pk} ({scene.name})")
        points_scene.append((x, y))
    box_scene = None
    if inp.box is not None:
        lo_lon, lo_lat, hi_lon, hi_lat = inp.box
        xs, ys = to_crs.transform([lo_lon, hi_lon, hi_lon, lo_lon], [lo_lat, lo_lat, hi_lat, hi_lat])
        px = [inverse * (x, y) for x, y in zip(xs, ys, strict=True)]
        bx = (max(0.0, min(p[0] for p in px)), max(0.0, min(p[1] for p in px)),
              min(float(scene.width), max(p[0] for p in px)), min(float(scene.height), max(p[1] for p in px)))
        if bx[2] <= bx[0] or bx[3] <= bx[1]:
            raise OutsideScene(f"box {list(inp.box)} does not overlap scene {scene.pk} ({scene.name})")
        box_scene = bx
    min_level, max_level = scene_level_range(scene)
    level = choose_level(map_resolution=inp.map_resolution, gsd=scene_gsd(scene, transform),
                         min_level=min_level, max_level=max_level)
    encoder = model_version_encoder(version)
    previous = None
    prev = _previous(inp.previous_proposal_id)
    window = None
    if prev is not None:
        meta, logits = prev
        prev_window = Window.from_key(meta["window"])
        if (meta.get("scene") == scene.pk and prev_window.level == level
                and _fits(prev_window, points_scene, box_scene)):
            window = prev_window
            key = embedding_key(encoder_sha256=encoder, scene=scene, window=window)
            usable = meta.get("key") == key.cache_key and meta.get("version") == version.pk
            previous = Previous(inp.previous_proposal_id, prev_window, logits if usable else None)
    if window is None:
        for lvl in range(level, max_level + 1):
            window = window_for_prompt(points=points_scene, box=box_scene, level=lvl)
            if _fits(window, points_scene, box_scene):
                break
        else:
            raise PromptInvalid("the prompt's points are too far apart for one window; zoom out")
    key = embedding_key(encoder_sha256=encoder, scene=scene, window=window)
    pts_px = [window.scene_to_window(x, y) for x, y in points_scene]
    box_px = None
    if box_scene is not None:
        u0, v0 = window.scene_to_window(box_scene[0], box_scene[1])
        u1, v1 = window.scene_to_window(box_scene[2], box_scene[3])
        box_px = (u0, v0, u1, v1)
    prepared = PreparedPrompt(
        scene_id=scene.pk, project_id=scene.project_id, version=version, window=window, key=key,
        points_px=pts_px, labels=list(inp.labels), box_px=box_px, points_scene=points_scene, inp=inp,
        geo_transform=window.geo_transform(transform), crs=scene.crs, previous=previous,
    )
    prepared.timings["prepare_ms"] = _ms(started)
    return prepared


def _version(scene, requested: ModelVersion | int | None) -> ModelVersion:
    if isinstance(requested, ModelVersion):
        return requested
    if requested is not None:
        version = model_version_usable(project=scene.project, version_id=requested)
        if version is None:
            raise UnknownModelVersion(f"model version {requested} does not exist or does not serve this project")
        return version
    version = active_model_version(project=scene.project)
    return version if version is not None else model_version_ensure_default()


@dataclass
class PromptContext:
    """A socket's scene and resolved model version, reused by its next prompts while the database rows they came
    from are unchanged (see :func:`prompt_context`)."""

    scene: object = None
    version: ModelVersion | None = None
    requested: int | None = None
    fingerprint: tuple | None = None
    hits: int = 0


def _context_sql() -> str:
    from annotator.models import Scene

    scenes, versions = Scene._meta.db_table, ModelVersion._meta.db_table
    proposals = MaskProposal._meta.db_table
    # the version a prompt resolves to: the requested one when the project may use it, else the project's active
    # one (latest promoted), else the global active one — the same choice as inference.selectors
    return f"""
        WITH s AS (SELECT * FROM {scenes} WHERE id = %(scene)s),
        v AS (
            SELECT mv.id, md5(mv::text) AS h FROM {versions} mv, s
            WHERE (mv.project_id IS NULL OR mv.project_id = s.project_id)
              AND mv.id = CASE WHEN %(req)s::bigint IS NOT NULL THEN %(req)s::bigint ELSE COALESCE(
                (SELECT o.id FROM {versions} o WHERE o.project_id = s.project_id AND o.state = %(active)s
                 ORDER BY o.promoted_at DESC, o.id DESC LIMIT 1),
                (SELECT g.id FROM {versions} g WHERE g.project_id IS NULL AND g.state = %(active)s
                 ORDER BY g.id DESC LIMIT 1)) END)
        SELECT (SELECT md5(s::text) FROM s), (SELECT id FROM v), (SELECT h FROM v),
               nextval(pg_get_serial_sequence('{proposals}', 'id'))"""


def prompt_context(*, scene_id: int, requested: int | None, cached: PromptContext | None = None
                   ) -> tuple[object, ModelVersion, int, PromptContext]:
    """The scene, the model version a prompt uses and a reserved ``MaskProposal`` id, in one database round trip
    when ``cached`` (the socket's last context) still matches: the query returns a hash of the scene's row and of
    the resolved version's row (any change to either — a recipe edit, a status change, a newly promoted version,
    even through ``QuerySet.update`` — reloads them with the usual checks). Returns (scene, version, proposal
    id, context to keep)."""
    from django.db import connection

    from annotator.selectors.scenes import scene_get
    from inference.models import ModelState

    with connection.cursor() as cur:
        cur.execute(_context_sql(), {"scene": scene_id, "req": requested, "active": ModelState.ACTIVE.value})
        scene_hash, version_id, version_hash, proposal_id = cur.fetchone()
    if scene_hash is None:
        raise SceneNotReady(f"scene {scene_id} no longer exists")
    fingerprint = (scene_hash, version_id, version_hash)
    if (cached is not None and cached.fingerprint == fingerprint and cached.requested == requested
            and version_id is not None):
        cached.hits += 1
        return cached.scene, cached.version, proposal_id, cached
    scene = scene_get(scene_id=scene_id)
    if scene is None:
        raise SceneNotReady(f"scene {scene_id} no longer exists")
    version = _version(scene, requested)
    return scene, version, proposal_id, PromptContext(scene=scene, version=version, requested=requested,
                                                      fingerprint=fingerprint)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


# ------------------------------------------------------------------------------------------------ 3. embedding


def prompt_embedding(prepared: PreparedPrompt, *, on_encoding: Callable[[dict], None] | None = None,
                     timeout: float | None = None) -> np.ndarray | None:
    """The window's embedding (hot, media, or after waiting for its encode; ``on_encoding`` is called first
    then). In worker-decode mode only waits until it exists and returns None (the worker loads it)."""
    started = time.perf_counter()
    worker = decode_mode() == "worker"
    load = embedding_present if worker else embedding_load
    arr = load(prepared.key)
    if arr is None:
        embedding_request(key=prepared.key, version_id=prepared.version.pk, scene_id=prepared.scene_id, known=False)
        prepared.timings["encoded"] = True
        if on_encoding is not None:
            on_encoding(prepared.window_json())
        arr = embedding_wait(key=prepared.key, version_id=prepared.version.pk, scene_id=prepared.scene_id,
                             timeout=timeout, load=load)
    else:
        prepared.timings["encoded"] = False
    prepared.timings["embedding_ms"] = _ms(started)
    return None if worker else arr


# ------------------------------------------------------------------------------------------------ 4. decode


@dataclass
class DecodeResult:
    geometry: dict | None  # GeoJSON MultiPolygon, EPSG:4326
    scene_geometry: dict | None
    predicted_iou: float
    token: int
    logits: np.ndarray | None  # float16 (256, 256), web mode
    logits_tmp_key: str | None  # Redis key holding them, worker mode
    decode_ms: float
    polygon_ms: float


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


_F32: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_F32_ITEMS = 4  # 4 MiB each: the windows the active annotators are clicking in
_F32_LOCK = threading.Lock()


def _as_f32(embedding):
    """The decoder's float32 copy of an fp16 embedding, kept for the few most recent windows (the conversion of
    the 1 M values costs ~1.5 ms a click otherwise)."""
    if not isinstance(embedding, np.ndarray) or embedding.dtype != np.float16:
        return embedding
    with _F32_LOCK:
        hit = _F32.get(id(embedding))
        if hit is not None and hit[0] is embedding:
            _F32.move_to_end(id(embedding))
            return hit[1]
    f32 = embedding.astype(np.float32)
    with _F32_LOCK:
        _F32[id(embedding)] = (embedding, f32)  # the reference keeps the id from being reused
        while len(_F32) > _F32_ITEMS:
            _F32.popitem(last=False)
    return f32


_busy = 0
_busy_lock = threading.Lock()


class _InFlight:
    """Counts this process's decodes running now."""

    def __enter__(self) -> int:
        global _busy
        with _busy_lock:
            _busy += 1
            return _busy

    def __exit__(self, *exc) -> None:
        global _busy
        with _busy_lock:
            _busy -= 1


_load = [0.0, 0.0]  # [monotonic time read, 1-minute load average]


def _machine_busy() -> bool:
    """Whether the machine's 1-minute load average is at or above its core count (read once a second)."""
    now = time.monotonic()
    if now - _load[0] > 1.0:
        try:
            _load[:] = [now, os.getloadavg()[0]]
        except OSError:
            _load[:] = [now, 0.0]
    return _load[1] >= (os.cpu_count() or 1)


def _intra_threads(busy: int) -> int:
    """onnxruntime intra-op threads for a decode: ``GEOLOOP_DECODE_INTRA_THREADS`` = a number, or ``auto`` (the
    default): 2 when this is the only decode running in the process and the machine is not saturated, else 1.
    Measured on the 2-core VM (README "Architecture notes"): one annotator decodes in ~21 ms instead of ~35 ms;
    with 8 annotators the decode pool's 2 threads already fill the cores, and 2 intra-op threads beside other
    processes' load were slower (66 vs 35 ms), hence the checks."""
    raw = str(getattr(settings, "GEOLOOP_DECODE_INTRA_THREADS", None)
              or os.environ.get("GEOLOOP_DECODE_INTRA_THREADS", "auto")).strip().lower()
    if raw == "auto":
        return 2 if busy <= 1 and not _machine_busy() else 1
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


def _decode(model, embedding, *, points_px, labels, box_px, mask_logits, transform, crs) -> DecodeResult:
    """Decode (ONNX or torch, as :func:`inference.sam.decode`), pick by predicted IoU, upscale only around the
    mask, polygonise."""
    from inference.masks import mask_to_geometry
    from inference.sam.predict import decode_all_torch, default_decoder_backend, prepare_prompt

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
    candidates = [1, 2, 3] if prompt.multimask else [0]
    token = candidates[int(np.argmax(ious[candidates]))]
    chosen = np.asarray(low[token], dtype=np.float32)
    decoded = time.perf_counter()
    mask, row0, col0 = _upscale_crop(chosen, model.image_size)
    geom = None
    if mask.size and mask.any():
        geom = mask_to_geometry(mask, transform=transform * Affine.translation(col0, row0), crs=crs)
    return DecodeResult(
        geometry=geom.wgs84 if geom is not None else None, scene_geometry=geom.scene if geom is not None else None,
        predicted_iou=float(ious[token]), token=int(token), logits=chosen.astype(np.float16),
        logits_tmp_key=None, decode_ms=round((decoded - started) * 1000, 2), polygon_ms=_ms(decoded),
    )


def prompt_decode(prepared: PreparedPrompt, embedding: np.ndarray) -> DecodeResult:
    """Step 4 in this process (no database access: safe on any thread)."""
    model = model_load(prepared.version)
    logits = prepared.mask_logits
    return _decode(model, embedding, points_px=prepared.points_px, labels=prepared.labels, box_px=prepared.box_px,
                   mask_logits=None if logits is None else logits.astype(np.float32),
                   transform=prepared.geo_transform, crs=prepared.crs)


def decode_payload(prepared: PreparedPrompt) -> dict:
    """What ``inference.decode_prompt`` needs (JSON)."""
    k = prepared.key
    return {
        "version_id": prepared.version.pk, "key": [k.encoder, k.scene, k.recipe, k.window],
        "points_px": prepared.points_px, "labels": prepared.labels, "box_px": prepared.box_px,
        "previous_proposal_id": prepared.previous.proposal_id if prepared.mask_logits is not None else None,
        "transform": list(prepared.geo_transform)[:6], "crs": prepared.crs,
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
                     transform=Affine(*payload["transform"]), crs=payload["crs"])
    tmp = f"geoloop:logits:tmp:{uuid.uuid4().hex}"
    redis_client().hset(tmp, "logits", result.logits.tobytes())
    redis_client().expire(tmp, 120)
    return {"geometry": result.geometry, "scene_geometry": result.scene_geometry,
            "predicted_iou": result.predicted_iou, "token": result.token, "logits_tmp_key": tmp,
            "decode_ms": result.decode_ms, "polygon_ms": result.polygon_ms}


def prompt_decode_in_worker(prepared: PreparedPrompt, *, timeout: float = 30.0) -> DecodeResult:
    """Step 4 as a task round trip to the ``gpu`` queue (``GEOLOOP_DECODE_IN=worker``)."""
    from inference.tasks import decode_prompt

    out = decode_prompt.delay(decode_payload(prepared)).get(timeout=timeout, propagate=True)
    return DecodeResult(geometry=out["geometry"], scene_geometry=out["scene_geometry"],
                        predicted_iou=out["predicted_iou"], token=out["token"], logits=None,
                        logits_tmp_key=out["logits_tmp_key"], decode_ms=out["decode_ms"],
                        polygon_ms=out["polygon_ms"])


# ------------------------------------------------------------------------------------------------ 5. store


def proposal_build(prepared: PreparedPrompt, result: DecodeResult, *, user, total_ms: float,
                   proposal_id: int | None = None) -> MaskProposal:
    """The ``MaskProposal`` of an answer, not saved yet (``proposal_id``: an id reserved by
    :func:`prompt_context`, so that the mask message can name it before the row is written)."""
    inp = prepared.inp
    geometry = None
    if result.geometry is not None:
        geometry = GEOSGeometry(json.dumps(result.geometry), srid=4326)
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
            "map_resolution": inp.map_resolution, "previous_proposal_id": inp.previous_proposal_id,
            "previous_logits_used": prepared.mask_logits is not None,
        },
        window={**prepared.window_json(), "transform": list(prepared.geo_transform)[:6], "crs": prepared.crs,
                "embedding_key": prepared.key.cache_key},
        geometry=geometry, predicted_iou=result.predicted_iou, latency_ms=total_ms, timings=timings,
    )


def proposal_save(proposal: MaskProposal, prepared: PreparedPrompt, result: DecodeResult) -> MaskProposal:
    """Insert a built proposal, then keep its logits: in this process's memory and in Redis
    (``geoloop:logits:<id>``, TTL LOGITS_TTL_S)."""
    started = time.perf_counter()
    timings = proposal.timings
    proposal.save(force_insert=True)
    meta = {"key": prepared.key.cache_key, "window": prepared.window.key, "scene": prepared.scene_id,
            "version": prepared.version.pk}
    logits = None if result.logits is None else np.ascontiguousarray(result.logits, dtype=np.float16)
    if logits is not None:
        LOGITS.put(proposal.pk, meta, logits)
    name = f"geoloop:logits:{proposal.pk}"
    r = redis_client()
    pipe = r.pipeline(transaction=False)
    if result.logits_tmp_key is not None:
        pipe.rename(result.logits_tmp_key, name)
    else:
        pipe.hset(name, "logits", logits.tobytes())
    pipe.hset(name, "meta", json.dumps(meta))
    pipe.expire(name, LOGITS_TTL_S)
    try:
        pipe.execute()
    except Exception:  # noqa: BLE001 - the logits only speed up the next click; the proposal stands
        pass
    timings["store_ms"] = _ms(started)
    return proposal


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
        "window": {"level": w["level"], "col": w["col"], "row": w["row"], "key": w["key"]},
        "timings": timings,
    }


# ------------------------------------------------------------------------------------------------ all together


def proposal_create(
    *,
    scene,
    user,
    points_lonlat,
    labels,
    box_lonlat=None,
    map_resolution: float,
    previous_proposal_id: int | None = None,
    model_version: ModelVersion | int | None = None,
    on_encoding: Callable[[dict], None] | None = None,
) -> tuple[MaskProposal, dict]:
    """One prompt, end to end (synchronous). Returns the stored proposal and its timings (milliseconds:
    ``embedding_ms``, ``decode_ms``, ``polygon_ms``, ``total_ms``...; ``encoded`` says whether it waited for an
    encode). Raises :class:`webapp.errors.GeoLoopError` subclasses (see :mod:`inference.services.errors`)."""
    started = time.perf_counter()
    inp = prompt_input_parse({
        "points": [list(p) for p in points_lonlat or []], "labels": list(labels or []),
        "box": list(box_lonlat) if box_lonlat is not None else None, "map_resolution": map_resolution,
        "previous_proposal_id": previous_proposal_id,
    })
    prepared = prompt_prepare(scene=scene, inp=inp, model_version=model_version)
    embedding = prompt_embedding(prepared, on_encoding=on_encoding)
    if decode_mode() == "worker":
        result = prompt_decode_in_worker(prepared)
    else:
        result = prompt_decode(prepared, embedding)
    proposal = proposal_store(prepared, result, user=user, total_ms=_ms(started))
    timings = {**proposal.timings, "total_ms": _ms(started)}
    return proposal, timings
