"""Find similar: from a few accepted annotations of one class (exemplars), propose every similar object of a task
or a box, as ``MaskProposal`` rows grouped by a :class:`~inference.models.SimilarBatch`.

:func:`similar_batch_create` checks the request and queues ``inference.find_similar`` (queue ``gpu``);
:func:`similar_batch_run` (the worker) does, recording its stage and progress on the batch row:

1. the level: the one that suits the exemplars' median size (``level_for_object_size``, as a prompt with an
   object size gets); the windows at that level covering the area, and each exemplar's own window;
2. their embeddings from the cache, encoded here through the same path as every encode when missing;
3. the exemplars' features (:mod:`inference.similar`: mean embedding under each mask), the similarity map of every
   window, the threshold that best separates the exemplars' cells from the others, the local maxima above it
   (merged across overlapping windows), minus those inside an existing annotation;
4. each maximum is a one-click prompt through :class:`~inference.services.proposals.PromptSession` (the decode,
   candidate scoring and calibrated quality every prompt gets), at the same level, so its window is one of those
   encoded in step 2;
5. answers whose calibrated quality is below an even chance of matching (expected IoU < 0.5) are dropped, then
   overlaps (non-maximum suppression, IoU >= 0.5) and answers that repeat an existing annotation; dropped rows
   are deleted. What is kept is the batch's proposals; accepting or rejecting one goes through the usual proposal
   paths (``feedback.services``), and its ``similar_batch`` says where it came from.
"""

from __future__ import annotations

import logging
import statistics
import time

import numpy as np
import shapely
from affine import Affine
from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.db import transaction
from django.utils import timezone

from annotator.models import Annotation, AnnotationStatus, Role, Scene, SceneStatus
from annotator.permissions import require_role
from core.errors import GeoLoopError, NotFound, NotReady, ValidationFailed
from core.geo import reproject, transformer
from inference import similar
from inference.models import MaskProposal, SimilarBatch, SimilarStatus
from inference.windows import Window, level_for_object_size, window_for_point, windows_in_viewport

log = logging.getLogger(__name__)

MAX_EXEMPLARS = 20


def max_peaks() -> int:
    """At most this many prompts per batch (``GEOLOOP_SIMILAR_MAX_PROMPTS``): a bound on one job's time."""
    return int(getattr(settings, "GEOLOOP_SIMILAR_MAX_PROMPTS", 200))


def max_windows() -> int:
    """At most this many windows searched per batch (``GEOLOOP_SIMILAR_MAX_WINDOWS``, default the area prefetch's
    limit)."""
    return int(getattr(settings, "GEOLOOP_SIMILAR_MAX_WINDOWS", getattr(settings, "GEOLOOP_PREFETCH_AREA_MAX", 64)))


def similar_time_limit_s() -> int:
    """Soft time limit of one batch on its worker (``GEOLOOP_SIMILAR_TIME_LIMIT_S``)."""
    return int(getattr(settings, "GEOLOOP_SIMILAR_TIME_LIMIT_S", 1800))


# ------------------------------------------------------------------------------------------------- the request


def _exemplars(ids: list[int], *, user) -> list[Annotation]:
    if not ids:
        raise ValidationFailed("Give at least one exemplar annotation.")
    if len(ids) > MAX_EXEMPLARS:
        raise ValidationFailed(f"At most {MAX_EXEMPLARS} exemplars, got {len(ids)}.")
    rows = {a.pk: a for a in Annotation.objects.select_related("scene", "project").filter(pk__in=ids)}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise NotFound(f"Annotation(s) {missing} do not exist.")
    visible = [rows[i] for i in dict.fromkeys(ids)]
    for a in visible:
        require_role(user=user, project=a.project, role=Role.ANNOTATOR)
    gone = [a.pk for a in visible if a.deleted or a.status != AnnotationStatus.ACCEPTED]
    if gone:
        raise ValidationFailed(f"Exemplars must be accepted annotations; {gone} are not.")
    if len({a.scene_id for a in visible}) > 1:
        raise ValidationFailed("Exemplars must all be on one scene.")
    if len({a.label_class_id for a in visible}) > 1:
        raise ValidationFailed("Exemplars must all be of one class.")
    return visible


def _bbox_polygon(bbox) -> Polygon:
    try:
        x0, y0, x1, y1 = (float(v) for v in bbox)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed("bbox must be [min lon, min lat, max lon, max lat].") from exc
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        raise ValidationFailed(f"bbox {list(bbox)} is not [min lon, min lat, max lon, max lat] in EPSG:4326.")
    polygon = Polygon.from_bbox((x0, y0, x1, y1))
    polygon.srid = 4326
    return polygon


def similar_batch_create(*, user, exemplar_ids: list[int], task_id: int | None = None, bbox=None) -> SimilarBatch:
    """Check a find-similar request and queue it (after the transaction commits). The area is the task's, or the
    box (lon/lat); exactly one of them. Raises ``ValidationFailed`` (400) / ``NotFound`` (404)."""
    from annotator.selectors.tasks import task_get

    exemplars = _exemplars(list(exemplar_ids), user=user)
    scene = exemplars[0].scene
    if scene.status != SceneStatus.READY:
        raise NotReady(f"Scene {scene.pk} is {scene.status}, not ready.")
    if (task_id is None) == (bbox is None):
        raise ValidationFailed("Give exactly one of task or bbox: the area to search.")
    task = None
    if task_id is not None:
        task = task_get(task_id=task_id)
        if task is None or task.scene_id != scene.pk:
            raise NotFound(f"Task {task_id} does not exist or is not on the exemplars' scene {scene.pk}.")
        area = Polygon.from_bbox(task.area.extent)
        area.srid = 4326
    else:
        area = _bbox_polygon(bbox)
    if scene.footprint is not None and not area.intersects(scene.footprint):
        raise ValidationFailed(f"The area does not overlap scene {scene.pk} ({scene.name}).")
    batch = SimilarBatch.objects.create(
        project=scene.project, scene=scene, task=task, user=user, exemplars=[a.pk for a in exemplars],
        area=area, label_class_id=exemplars[0].label_class_id)
    batch_id = batch.pk

    def send() -> None:
        from celery import current_app

        limit = similar_time_limit_s()  # a whole batch, not one encode: the gpu queue's per-encode limit is too short
        result = current_app.send_task("inference.find_similar", args=[batch_id], soft_time_limit=limit,
                                       time_limit=limit + 60)
        SimilarBatch.objects.filter(pk=batch_id).update(celery_task_id=result.id or "")

    transaction.on_commit(send)
    return batch


# ------------------------------------------------------------------------------------------------- the worker


def _progress(batch: SimilarBatch, *, stage: str, progress: float, **stats) -> None:
    batch.stage, batch.progress = stage, round(min(1.0, max(0.0, progress)), 4)
    batch.stats = {**batch.stats, **stats}
    SimilarBatch.objects.filter(pk=batch.pk).update(stage=batch.stage, progress=batch.progress, stats=batch.stats)


def affine_xy(t: Affine, xy: np.ndarray) -> np.ndarray:
    """Apply an affine to an (N, 2) array of points."""
    return np.column_stack((t.a * xy[:, 0] + t.b * xy[:, 1] + t.c, t.d * xy[:, 0] + t.e * xy[:, 1] + t.f))


def to_pixels(geom_4326: shapely.Geometry, scene: Scene, inverse: Affine) -> shapely.Geometry:
    """EPSG:4326 -> scene pixels (``inverse``: the scene's CRS -> pixel affine)."""
    in_crs = reproject(geom_4326, "EPSG:4326", scene.crs)
    return shapely.transform(in_crs, lambda xy: affine_xy(inverse, xy))


def _coverage(poly_px: shapely.Geometry, window: Window, grid: int) -> np.ndarray:
    """Fraction of each embedding cell of ``window`` covered by a scene-pixel polygon (rasterised 4 x 4 per
    cell)."""
    import rasterio.features

    fine = grid * 4
    x0, y0 = window.origin
    per = window.extent / fine  # scene px per fine pixel
    local = shapely.transform(poly_px, lambda xy: (xy - [x0, y0]) / per)
    mask = rasterio.features.rasterize([(local, 1)], out_shape=(fine, fine), fill=0, dtype="uint8",
                                       all_touched=False)
    return similar.cell_coverage(mask.astype(bool), grid)


def _valid_cells(window: Window, grid: int, scene: Scene, area_px: tuple[float, float, float, float]) -> np.ndarray:
    """Cells whose centre lies on the scene and in the area searched."""
    step = window.extent / grid
    x0, y0 = window.origin
    xs = x0 + (np.arange(grid) + 0.5) * step
    ys = y0 + (np.arange(grid) + 0.5) * step
    inside_x = (xs >= max(0.0, area_px[0])) & (xs < min(float(scene.width), area_px[2]))
    inside_y = (ys >= max(0.0, area_px[1])) & (ys < min(float(scene.height), area_px[3]))
    return inside_y[:, None] & inside_x[None, :]


class _Embeddings:
    """The batch's window embeddings: loaded from the cache, encoded here when missing."""

    def __init__(self, version, scene, on_encode=None) -> None:
        from inference.services.registry import model_version_encoder

        self.version, self.scene, self.on_encode = version, scene, on_encode
        self.encoder = model_version_encoder(version)
        self.loaded: dict[Window, np.ndarray] = {}
        self.encoded = 0

    def ensure(self, windows: list[Window], on_progress=None) -> None:
        """Encode the windows not cached yet through the batched encode path (``encode_claimed``: up to
        ``GEOLOOP_ENCODE_BATCH`` windows per encoder call, 8 on CUDA), so that :meth:`get` only loads."""
        from inference.services.embeddings import (
            LOCK_TTL_S,
            _lock_name,
            embedding_key,
            embedding_known,
            redis_client,
        )
        from inference.services.encoding import EncodeRequest, encode_batch_size, encode_claimed

        unique = list(dict.fromkeys(windows))
        keys = [embedding_key(encoder_sha256=self.encoder, scene=self.scene, window=w) for w in unique]
        known = embedding_known(keys)
        missing = [w for w, k in zip(unique, keys, strict=True) if k.cache_key not in known]
        size = max(1, encode_batch_size())
        for start in range(0, len(missing), size):
            chunk = missing[start:start + size]
            r = redis_client()
            for w in chunk:  # each window's flag, as a request takes it (a window someone else encodes keeps theirs)
                key = embedding_key(encoder_sha256=self.encoder, scene=self.scene, window=w)
                r.set(_lock_name(key), f"{self.version.pk}:{self.scene.pk}", nx=True, ex=LOCK_TTL_S)
            jobs = encode_claimed([EncodeRequest(self.version.pk, self.scene.pk, w.key) for w in chunk])
            failed = [j for j in jobs if j.error is not None]
            if failed:
                raise GeoLoopError(f"window {failed[0].request.window_key} could not be encoded: {failed[0].error}")
            self.encoded += sum(1 for j in jobs if j.encoded)
            if on_progress is not None:
                on_progress(start + len(chunk), len(missing))

    def get(self, window: Window) -> np.ndarray:
        from inference.services.embeddings import embedding_encode, embedding_key, embedding_load

        if window in self.loaded:
            return self.loaded[window]
        key = embedding_key(encoder_sha256=self.encoder, scene=self.scene, window=window)
        emb = embedding_load(key)
        if emb is None:
            embedding_encode(version_id=self.version.pk, scene_id=self.scene.pk, window_key=window.key)
            self.encoded += 1
            emb = embedding_load(key)
            if emb is None:
                raise GeoLoopError(f"window {window.key} of scene {self.scene.pk} could not be encoded")
        arr = np.asarray(emb, dtype=np.float32)
        arr = arr.reshape(arr.shape[-3:])  # (1, C, H, W) as stored -> (C, H, W)
        self.loaded[window] = arr
        return arr


def _exemplar_level(scene: Scene, polys_px: list[shapely.Geometry], transform: Affine) -> tuple[int, float]:
    """The level for the exemplars' median side (metres), and that side in scene pixels."""
    from inference.services.proposals import scene_gsd, scene_level_range

    sides = []
    for p in polys_px:
        x0, y0, x1, y1 = p.bounds
        sides.append(max(x1 - x0, y1 - y0))
    side_px = float(statistics.median(sides))
    gsd = scene_gsd(scene, transform)
    lo, hi = scene_level_range(scene)
    return level_for_object_size(object_size_m=max(side_px, 1.0) * gsd, gsd=gsd, min_level=lo, max_level=hi), side_px


def _peaks(batch, scene, emb: _Embeddings, windows, exemplar_px, level, side_px, area_px, existing_px) -> tuple:
    """Steps 2-3: the prompts (x, y, similarity) in scene pixels, and the threshold used."""
    own = [window_for_point(x=p.representative_point().x, y=p.representative_point().y, level=level)
           for p in exemplar_px]
    emb.ensure(own + list(windows), on_progress=lambda done, n: _progress(
        batch, stage="encode", progress=0.4 * done / n, encoded=done))
    feats, ex_cells = [], []
    for poly, window in zip(exemplar_px, own, strict=True):
        e = emb.get(window)
        cov = _coverage(poly, window, e.shape[1])
        feats.append(similar.exemplar_feature(e, cov))
        ex_cells.append((window, similar.exemplar_weights(cov) > 0))
    proto = similar.prototype(feats)
    positives = [similar.similarity_map(emb.get(w), proto)[cells] for w, cells in ex_cells]
    maps, negatives = [], []
    for i, window in enumerate(windows):
        e = emb.get(window)
        grid = e.shape[1]
        sim = similar.similarity_map(e, proto)
        valid = _valid_cells(window, grid, scene, area_px)
        under = np.zeros_like(valid)
        for poly in exemplar_px:
            if shapely.intersects(poly, shapely.box(*window.bounds)):
                under |= _coverage(poly, window, grid) > 0
        negatives.append(sim[valid & ~under])
        maps.append((window, sim, valid))
        _progress(batch, stage="similarity", progress=0.4 + 0.1 * (i + 1) / len(windows), windows=len(windows),
                  encoded=emb.encoded)
    threshold = similar.youden_threshold(np.concatenate(positives), np.concatenate(negatives))
    points = []
    for window, sim, valid in maps:
        cell = window.extent / sim.shape[0]  # scene px per cell
        radius = max(1, round(side_px / 2 / cell))
        for row, col, value in similar.local_peaks(sim, threshold=threshold, radius=radius, valid=valid):
            per = window.size / sim.shape[1]  # window px per cell
            x, y = window.window_to_scene((col + 0.5) * per, (row + 0.5) * per)
            points.append((float(x), float(y), value))
    points = similar.merge_points(points, radius=side_px / 2)
    margin = windows[0].size / 8 if windows else 0
    inside = [p for p in points
              if any(w.contains(p[0], p[1], margin=margin) for w in windows)
              and not any(shapely.contains_xy(g, p[0], p[1]) for g in existing_px)]
    return inside, threshold


class _HereSession:
    """The usual prompt steps (:class:`~inference.services.proposals.PromptSession`), decoded in this process
    whatever ``GEOLOOP_DECODE_IN`` says: this runs on a ``gpu`` worker, which must not wait for a task of its own
    queue."""

    def __init__(self, *, scene_id: int, user) -> None:
        from inference.services.proposals import PromptSession

        self.session = PromptSession(scene_id=scene_id, user=user)

    def prompt_here(self, data: dict) -> MaskProposal:
        from inference.services.errors import as_geoloop_error
        from inference.services.proposals import prompt_input_parse, proposal_save

        received = time.perf_counter()
        s = self.session
        try:
            inp = prompt_input_parse(data)
            prepared, proposal_id, answer = s._front(inp, received, False)
            if answer is None:
                embedding = s._embedding(prepared, False, None)
                answer = s._decode(prepared, proposal_id, received, embedding, False)
            proposal_save(answer.proposal, answer.prepared, answer.result)
        except Exception as exc:
            err = as_geoloop_error(exc)
            if err is None or err is exc:
                raise
            raise err from exc
        return answer.proposal


def _decode(batch, scene, version, level, points, transform: Affine) -> list[MaskProposal]:
    """Step 4: one prompt per point through the usual session (its window is cached: encoded in step 2)."""
    to_lonlat = transformer(scene.crs, "EPSG:4326")
    session = _HereSession(scene_id=scene.pk, user=batch.user)
    made: list[MaskProposal] = []
    for i, (x, y, value) in enumerate(points):
        lon, lat = to_lonlat.transform(*(transform * (x, y)))
        data = {"points": [[lon, lat]], "labels": [1], "level": level, "model_version": version.pk,
                "label_class": batch.label_class_id}
        try:
            proposal = session.prompt_here(data)
        except GeoLoopError as exc:
            log.warning("find-similar batch %s: prompt at (%.1f, %.1f) failed: %s", batch.pk, x, y, exc)
            continue
        proposal.features = {**(proposal.features or {}), "similarity": round(value, 5)}
        MaskProposal.objects.filter(pk=proposal.pk).update(similar_batch=batch, features=proposal.features)
        made.append(proposal)
        if (i + 1) % 4 == 0 or i + 1 == len(points):
            _progress(batch, stage="decode", progress=0.5 + 0.5 * (i + 1) / len(points), decoded=len(made))
    return made


def _keep(batch, scene, made: list[MaskProposal], existing_4326: list) -> list[MaskProposal]:
    """Step 5: calibrated quality, then overlap with each other and with existing annotations."""
    to_crs = scene.crs or "EPSG:4326"
    items = []
    for p in made:
        quality = p.quality if p.quality is not None else p.predicted_iou
        if p.geometry is None or quality < similar.SAME_OBJECT_IOU:
            continue
        geom = shapely.make_valid(reproject(shapely.from_wkb(bytes(p.geometry.wkb)), "EPSG:4326", to_crs))
        items.append(similar.Scored(key=p.pk, score=float(quality), geometry=geom))
    existing = [shapely.make_valid(reproject(g, "EPSG:4326", to_crs)) for g in existing_4326]
    kept_ids = [s.key for s in similar.nms(items, existing=existing)]
    MaskProposal.objects.filter(similar_batch=batch).exclude(pk__in=kept_ids).delete()
    by_id = {p.pk: p for p in made}
    return [by_id[i] for i in kept_ids]


def similar_batch_run(*, batch_id: int, celery_task_id: str | None = None) -> dict:
    """Run one batch (the worker's task). Returns the batch's stats; a failure is recorded on the row."""
    from inference.services.proposals.prepare import _version

    batch = SimilarBatch.objects.select_related("scene", "project", "user").filter(pk=batch_id).first()
    if batch is None or batch.status not in (SimilarStatus.QUEUED, SimilarStatus.RUNNING):
        return {"batch": batch_id, "skipped": True}
    started = time.perf_counter()
    SimilarBatch.objects.filter(pk=batch.pk).update(status=SimilarStatus.RUNNING,
                                                    celery_task_id=celery_task_id or batch.celery_task_id)
    try:
        stats = _run(batch, _version)
    except Exception as exc:
        log.exception("find-similar batch %s failed", batch.pk)
        SimilarBatch.objects.filter(pk=batch.pk).update(
            status=SimilarStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now())
        return {"batch": batch.pk, "failed": str(exc)}
    stats["seconds"] = round(time.perf_counter() - started, 3)
    SimilarBatch.objects.filter(pk=batch.pk).update(status=SimilarStatus.DONE, stage="done", progress=1.0,
                                                    stats={**batch.stats, **stats}, finished_at=timezone.now())
    return {"batch": batch.pk, **stats}


def _run(batch: SimilarBatch, version_of) -> dict:
    scene = batch.scene
    version = version_of(scene, None)
    transform = Affine.from_gdal(*scene.transform)
    inverse = ~transform
    exemplar_rows = list(Annotation.objects.filter(pk__in=batch.exemplars))
    exemplar_px = [to_pixels(shapely.from_wkb(bytes(a.geometry.wkb)), scene, inverse) for a in exemplar_rows]
    area_px = to_pixels(shapely.from_wkb(bytes(batch.area.wkb)), scene, inverse).bounds
    area_px = (max(0.0, area_px[0]), max(0.0, area_px[1]), min(float(scene.width), area_px[2]),
               min(float(scene.height), area_px[3]))
    if not (area_px[2] > area_px[0] and area_px[3] > area_px[1]):
        raise ValidationFailed("the area does not overlap the scene")
    level, side_px = _exemplar_level(scene, exemplar_px, transform)
    windows = windows_in_viewport(viewport=area_px, level=level, width=scene.width, height=scene.height)
    if len(windows) > max_windows():
        raise ValidationFailed(f"the area needs {len(windows)} windows at level {level}; at most {max_windows()} "
                               "(GEOLOOP_SIMILAR_MAX_WINDOWS): search a smaller area")
    existing_rows = list(Annotation.objects.filter(scene=scene, deleted=False, geometry__intersects=batch.area)
                         .exclude(status=AnnotationStatus.REJECTED).values_list("geometry", flat=True))
    existing_4326 = [shapely.from_wkb(bytes(g.wkb)) for g in existing_rows]
    existing_px = [to_pixels(g, scene, inverse) for g in existing_4326]
    _progress(batch, stage="encode", progress=0.0, level=level, windows=len(windows), exemplars=len(exemplar_px))
    emb = _Embeddings(version, scene)
    t0 = time.perf_counter()
    points, threshold = _peaks(batch, scene, emb, windows, exemplar_px, level, side_px, area_px, existing_px)
    points = points[:max_peaks()]
    t1 = time.perf_counter()
    _progress(batch, stage="decode", progress=0.5, threshold=round(threshold, 5), peaks=len(points),
              encoded=emb.encoded)
    made = _decode(batch, scene, version, level, points, transform)
    t2 = time.perf_counter()
    kept = _keep(batch, scene, made, existing_4326)
    return {"level": level, "windows": len(windows), "encoded": emb.encoded, "threshold": round(threshold, 5),
            "peaks": len(points), "decoded": len(made), "kept": len(kept), "version": version.pk,
            "similarity_s": round(t1 - t0, 3), "decode_s": round(t2 - t1, 3)}
