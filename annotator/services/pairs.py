"""Writes for change detection: scene pairs and their change annotations.

A pair is two READY scenes of one project (before, after). It is refused, with the reason (400,
`extra["reason"]`), when the scenes are of different projects (`different_project`), one is not ready
(`not_ready`), the same scene is given twice (`same_scene`), a CRS is missing or the two cannot be transformed into
each other (`crs_not_comparable`), or the footprints do not overlap (`disjoint_footprints`, with the overlap share).

Both dates share one grid: the before scene's pixel grid cut to the overlap of the two footprints. When the after
scene's grid is that same lattice (same CRS, same pixel size, offsets a whole number of pixels) its own COG is read
through a window; otherwise (`grid_differences` says why) the pair is created `resampling` and the Celery task
`annotator.resample_pair` (queue `default`) warps the after scene onto the grid (rasterio WarpedVRT, nearest
neighbour: every pixel keeps a value the after scene really has), writes it as a COG through the ingest's
`write_cog` into the media room (`pairs/<id>/after_<checksum>.tif`) and marks the pair ready; progress goes to the
pair row and its heartbeat to `heartbeat_at`.

Change annotations follow the annotations' rules: the same edit rule (`annotator.permissions.change_edit_refusal`),
optimistic versions (409 on a stale one), geometries repaired and clipped to each date's footprint, and every write
after creation sent as `change_annotation_changed` (feedback records it against the model answer it came from).
"""

from __future__ import annotations

import logging
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import rasterio
import shapely
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_geom
from rasterio.windows import Window, from_bounds

from annotator.audit import audit_record
from annotator.imagery.cog import write_cog
from annotator.media import media_delete_prefix, media_put_file
from annotator.models import (
    ChangeAnnotation,
    LabelClass,
    PairStatus,
    Project,
    ReviewState,
    Scene,
    ScenePair,
    SceneStatus,
)
from annotator.permissions import require_change_edit
from annotator.selectors.scenes import scene_cog_file, scene_cog_reading
from annotator.services.annotations import geometry_for_scene
from annotator.services.jobs import job_heartbeat, job_progress_pause, job_task_id, job_task_send
from annotator.services.scenes import raster_limits
from annotator.signals import change_annotation_changed
from core.errors import Conflict, NotFound, ValidationFailed

log = logging.getLogger(__name__)

PAIRS_DIR = "pairs"
# Two grids are one lattice when pixel sizes and origins agree to this share of a pixel (float noise in geotransforms
# written by other tools, never a visible shift).
ALIGNMENT_TOLERANCE_PX = 1e-6
# Footprints are stored in EPSG:4326 (nanodegree-level float noise, well under a thousandth of any pixel here).
EDGE_NOISE_PX = 1e-3


class PairRefused(ValidationFailed):
    code = "invalid_pair"


def _refuse(message: str, reason: str, **extra) -> PairRefused:
    return PairRefused(message, extra={"reason": reason, **extra})


# -- grids ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grid:
    crs: str
    transform: tuple[float, ...]  # GDAL geotransform
    width: int
    height: int

    @property
    def affine(self) -> Affine:
        return Affine.from_gdal(*self.transform)


def scene_grid_of(scene: Scene) -> Grid:
    return Grid(crs=scene.crs, transform=tuple(float(v) for v in scene.transform), width=scene.width,
                height=scene.height)


def _crs(text: str, label: str) -> CRS:
    if not text:
        raise _refuse(f"The {label} scene has no coordinate reference system; it cannot be compared.",
                      "crs_not_comparable")
    try:
        return CRS.from_user_input(text)
    except Exception as exc:
        raise _refuse(f"The {label} scene's coordinate reference system cannot be read ({exc}).",
                      "crs_not_comparable") from exc


def _footprint_in(scene: Scene, crs: CRS, label: str):
    if scene.footprint is None:
        raise _refuse(f"The {label} scene has no footprint.", "crs_not_comparable")
    try:
        return shapely.geometry.shape(transform_geom("EPSG:4326", crs, shapely.geometry.mapping(
            shapely.from_wkb(bytes(scene.footprint.wkb)))))
    except Exception as exc:
        raise _refuse(f"The {label} scene's footprint cannot be put in the before scene's coordinate reference "
                      f"system ({exc}).", "crs_not_comparable") from exc


def grid_differences(grid: Grid, other: Grid) -> list[str]:
    """Why `other` is not the same pixel lattice as `grid` (empty: it is; only a window apart)."""
    a, b = grid.affine, other.affine
    if CRS.from_user_input(grid.crs) != CRS.from_user_input(other.crs):
        return ["crs"]
    out = []
    if a.b or a.d or b.b or b.d:
        out.append("rotation")
    if not (math.isclose(a.a, b.a, rel_tol=ALIGNMENT_TOLERANCE_PX) and
            math.isclose(a.e, b.e, rel_tol=ALIGNMENT_TOLERANCE_PX)):
        out.append("resolution")
    else:
        col, row = ~b @ (a.c, a.f)
        if abs(col - round(col)) > ALIGNMENT_TOLERANCE_PX * 1e3 or abs(row - round(row)) > ALIGNMENT_TOLERANCE_PX * 1e3:
            out.append("alignment")
    return out


def _window_clip(window: Window, width: int, height: int) -> Window:
    col0, row0 = max(0, int(window.col_off)), max(0, int(window.row_off))
    col1 = min(width, int(window.col_off + window.width))
    row1 = min(height, int(window.row_off + window.height))
    return Window(col0, row0, max(0, col1 - col0), max(0, row1 - row0))


@dataclass(frozen=True)
class PairPlan:
    grid: Grid
    before_offset: tuple[int, int]
    after_offset: tuple[int, int] | None  # None: the after scene must be resampled
    differences: list[str]
    overlap_share: float


def pair_plan(*, before: Scene, after: Scene) -> PairPlan:
    """Check two scenes as a pair and work out their common grid; raises PairRefused with the reason."""
    if before.pk == after.pk:
        raise _refuse("A pair needs two different scenes.", "same_scene")
    if before.project_id != after.project_id:
        raise _refuse("The two scenes belong to different projects.", "different_project")
    for label, scene in (("before", before), ("after", after)):
        if scene.status != SceneStatus.READY:
            raise _refuse(f"The {label} scene {scene.name!r} is {scene.status}, not ready.", "not_ready",
                          scene=scene.pk)
    crs = _crs(before.crs, "before")
    _crs(after.crs, "after")
    b_shape, a_shape = _footprint_in(before, crs, "before"), _footprint_in(after, crs, "after")
    overlap = b_shape.intersection(a_shape)
    share = float(overlap.area / min(b_shape.area, a_shape.area)) if min(b_shape.area, a_shape.area) > 0 else 0.0
    grid_b = scene_grid_of(before)
    window = None
    if not overlap.is_empty and overlap.area > 0:
        raw = from_bounds(*overlap.bounds, transform=grid_b.affine)
        # Round outward (a pixel partly in the overlap is in the grid), past the footprints' float noise: they
        # come back from EPSG:4326, a few nanometres off the pixel edges they were made from.
        col0, row0 = math.floor(raw.col_off + EDGE_NOISE_PX), math.floor(raw.row_off + EDGE_NOISE_PX)
        col1 = math.ceil(raw.col_off + raw.width - EDGE_NOISE_PX)
        row1 = math.ceil(raw.row_off + raw.height - EDGE_NOISE_PX)
        window = _window_clip(Window(col0, row0, col1 - col0, row1 - row0), before.width, before.height)
    if window is None or window.width == 0 or window.height == 0:
        raise _refuse(f"The footprints of {before.name!r} and {after.name!r} do not overlap (overlap share "
                      f"{share:.1%}); a pair shows one place at two dates.", "disjoint_footprints",
                      overlap_share=round(share, 6))
    differences = grid_differences(grid_b, scene_grid_of(after))
    after_offset = None
    if not differences:
        # The same lattice: the grid is the part of the overlap window that both COGs hold.
        a_aff = scene_grid_of(after).affine
        col, row = (round(v) for v in ~a_aff @ (grid_b.affine @ (window.col_off, window.row_off)))
        in_after = _window_clip(Window(col, row, window.width, window.height), after.width, after.height)
        window = Window(window.col_off + (in_after.col_off - col), window.row_off + (in_after.row_off - row),
                        in_after.width, in_after.height)
        if window.width == 0 or window.height == 0:
            raise _refuse("The footprints overlap by less than one pixel.", "disjoint_footprints",
                          overlap_share=round(share, 6))
        after_offset = (int(in_after.col_off), int(in_after.row_off))
    affine = grid_b.affine @ Affine.translation(window.col_off, window.row_off)
    grid = Grid(crs=before.crs, transform=tuple(affine.to_gdal()), width=int(window.width),
                height=int(window.height))
    return PairPlan(grid=grid, before_offset=(int(window.col_off), int(window.row_off)), after_offset=after_offset,
                    differences=differences, overlap_share=share)


# -- pairs ---------------------------------------------------------------------------------------------------------


def _scene_of(scene, label: str) -> Scene:
    if isinstance(scene, Scene):
        return scene
    found = Scene.objects.filter(pk=scene).first()
    if found is None:
        raise _refuse(f"No such {label} scene.", "unknown_scene")
    return found


@transaction.atomic
def pair_create(*, project: Project, before, after, name: str = "", user, before_date=None, after_date=None,
                enqueue: bool = True) -> ScenePair:
    """Create a pair of two scenes of `project` (ids or Scenes). Raises PairRefused (400) with the reason. When the
    grids differ the pair is `resampling` and the resampling task is queued on commit."""
    before_scene, after_scene = _scene_of(before, "before"), _scene_of(after, "after")
    for label, scene in (("before", before_scene), ("after", after_scene)):
        if scene.project_id != project.pk:
            raise _refuse(f"The {label} scene belongs to another project.", "different_project")
    plan = pair_plan(before=before_scene, after=after_scene)
    resample = plan.after_offset is None
    pair = ScenePair.objects.create(
        project=project, name=(name or "").strip()[:200] or f"{before_scene.name} → {after_scene.name}",
        before=before_scene, after=after_scene,
        before_date=before_date or before_scene.created_at.date(),
        after_date=after_date or after_scene.created_at.date(),
        grid_crs=plan.grid.crs, grid_transform=list(plan.grid.transform), grid_width=plan.grid.width,
        grid_height=plan.grid.height, before_offset=list(plan.before_offset),
        after_offset=[0, 0] if resample else list(plan.after_offset or (0, 0)), resampled=resample,
        grid_differences=plan.differences, overlap_share=plan.overlap_share,
        after_cog_path="" if resample else after_scene.cog_path,
        status=PairStatus.RESAMPLING if resample else PairStatus.READY, progress=0.0 if resample else 1.0,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit_record(user=user, project=project, action="pair.create", obj=pair,
                 details={"before": before_scene.pk, "after": after_scene.pk, "resampled": resample,
                          "grid_differences": plan.differences})
    if resample and enqueue:
        transaction.on_commit(lambda: job_task_send("annotator.resample_pair", args=[pair.pk]))
    return pair


def _progress(pair: ScenePair, value: float) -> None:
    ScenePair.objects.filter(pk=pair.pk).update(progress=value, heartbeat_at=timezone.now())
    job_progress_pause()


def pair_resample_fail(*, pair: ScenePair, reason: str, task_id: str | None = None) -> bool:
    qs = ScenePair.objects.filter(pk=pair.pk, status=PairStatus.RESAMPLING)
    if task_id is not None:
        qs = qs.filter(celery_task_id=task_id)
    if not qs.update(status=PairStatus.FAILED, status_reason=reason[:2000], heartbeat_at=None):
        return False
    media_delete_prefix(f"{PAIRS_DIR}/{pair.pk}")
    return True


def pair_resample(*, pair_id: int, task_id: str | None = None) -> ScenePair:
    """Warp the after scene onto the pair's grid into a COG; mark the pair ready (or failed with the reason)."""
    run_id = job_task_id(task_id)
    claimed = ScenePair.objects.filter(pk=pair_id, status=PairStatus.RESAMPLING, celery_task_id="").update(
        celery_task_id=run_id, heartbeat_at=timezone.now())
    pair = ScenePair.objects.select_related("after").get(pk=pair_id)
    if not claimed:
        return pair
    with job_heartbeat(model=ScenePair, pk=pair.pk):
        try:
            key = _resample(pair)
        except Exception as exc:
            log.warning("pair %s resampling failed", pair.pk, exc_info=True)
            pair_resample_fail(pair=pair, reason=f"Resampling failed: {type(exc).__name__}: {exc}", task_id=run_id)
            return ScenePair.objects.get(pk=pair.pk)
    updated = ScenePair.objects.filter(pk=pair.pk, status=PairStatus.RESAMPLING, celery_task_id=run_id).update(
        status=PairStatus.READY, after_cog_path=key, progress=1.0, status_reason="", heartbeat_at=timezone.now())
    if not updated:
        media_delete_prefix(f"{PAIRS_DIR}/{pair.pk}")
    return ScenePair.objects.get(pk=pair.pk)


def _resample(pair: ScenePair) -> str:
    grid = Grid(crs=pair.grid_crs, transform=tuple(pair.grid_transform), width=pair.grid_width,
                height=pair.grid_height)
    work = Path(tempfile.mkdtemp(dir=_work_dir(), prefix=f"pair{pair.pk}-"))
    try:
        staging = work / "after.tif"
        _progress(pair, 0.05)
        with scene_cog_reading(), rasterio.open(scene_cog_file(pair.after)) as src:
            nodata = src.nodata
            with WarpedVRT(src, crs=CRS.from_user_input(grid.crs), transform=grid.affine, width=grid.width,
                           height=grid.height, resampling=Resampling.nearest,
                           **({"nodata": nodata} if nodata is not None else {"add_alpha": True})) as vrt:
                profile = {"driver": "GTiff", "width": grid.width, "height": grid.height, "count": vrt.count,
                           "dtype": vrt.dtypes[0], "crs": vrt.crs, "transform": grid.affine, "nodata": nodata,
                           "tiled": True, "blockxsize": 512, "blockysize": 512, "compress": "DEFLATE",
                           "BIGTIFF": "IF_SAFER"}
                if nodata is None:
                    profile["photometric"] = "RGB" if vrt.count == 4 else "MINISBLACK"
                    profile["alpha"] = "YES"
                rows = list(range(0, grid.height, 512))
                with rasterio.open(staging, "w", **profile) as dst:
                    if nodata is None:
                        dst.colorinterp = [*src.colorinterp[:src.count],
                                           rasterio.enums.ColorInterp.alpha][:vrt.count]
                    for i, row in enumerate(rows):
                        window = Window(0, row, grid.width, min(512, grid.height - row))
                        dst.write(vrt.read(window=window), window=window)
                        _progress(pair, 0.05 + 0.6 * (i + 1) / len(rows))
        cog = write_cog(staging, work / f"after_{pair.after.checksum or pair.after_id}.tif", limits=raster_limits())
        _progress(pair, 0.9)
        key = f"{PAIRS_DIR}/{pair.pk}/{cog.name}"
        media_put_file(key, cog, move=True)
        return key
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _work_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pair_resample_task_failed(task_id: str, reason: str) -> bool:
    pair = ScenePair.objects.filter(status=PairStatus.RESAMPLING, celery_task_id=task_id).first()
    return pair is not None and pair_resample_fail(pair=pair, reason=f"Resampling failed: {reason}",
                                                   task_id=task_id)


@transaction.atomic
def pair_delete(*, pair: ScenePair, user) -> None:
    audit_record(user=user, project=pair.project, action="pair.delete", obj=pair, details={"name": pair.name})
    pair_id = pair.pk
    pair.delete()
    transaction.on_commit(lambda: media_delete_prefix(f"{PAIRS_DIR}/{pair_id}"))


# -- change annotations --------------------------------------------------------------------------------------------


def _side(*, scene: Scene, geometry) -> tuple[MultiPolygon | None, dict]:
    if geometry is None:
        return None, {}
    return geometry_for_scene(scene=scene, geometry=geometry)


def _label_class(*, project: Project, label_class) -> LabelClass | None:
    if label_class is None:
        return None
    found = LabelClass.objects.filter(pk=label_class, project=project).first() \
        if not isinstance(label_class, LabelClass) else label_class
    if found is None or found.project_id != project.pk:
        raise ValidationFailed("No such label class in this project.", extra={"reason": "unknown_class"})
    if found.archived:
        raise ValidationFailed(f"Label class {found.name!r} is archived.", extra={"reason": "archived_class"})
    return found


def _proposal_check(*, pair: ScenePair, scene: Scene, proposal_id: int | None) -> int | None:
    """A proposal taken as one side must be an answer on that side's scene (read without importing inference)."""
    if proposal_id is None:
        return None
    from django.apps import apps

    proposal_model = apps.get_model("inference", "MaskProposal")
    if not proposal_model.objects.filter(pk=proposal_id, scene_id=scene.pk).exists():
        raise ValidationFailed(f"Proposal {proposal_id} is not a model answer on scene {scene.name!r}.",
                               extra={"reason": "unknown_proposal"})
    return proposal_id


def _need_ready(pair: ScenePair) -> None:
    if pair.status != PairStatus.READY:
        raise Conflict(f"The pair is {pair.status}; change annotations wait until it is ready.",
                       extra={"reason": "pair_not_ready"})


def _changed(*, change: ChangeAnnotation, user, kind: str, previous: dict | None) -> None:
    ScenePair.objects.filter(pk=change.pair_id).update(changes_version=F("changes_version") + 1)
    audit_record(user=user, project=change.project, action=f"change.{kind}", obj=change,
                 details={"version": change.version})
    change_annotation_changed.send(sender=ChangeAnnotation, change=change, kind=kind, user=user, previous=previous)


@transaction.atomic
def change_create(*, pair: ScenePair, user, before_geometry=None, after_geometry=None, label_class=None,
                  before_proposal_id: int | None = None, after_proposal_id: int | None = None
                  ) -> tuple[ChangeAnnotation, dict]:
    """A change annotation on `pair`; either geometry may be None, not both (400, reason `no_geometry`)."""
    _need_ready(pair)
    before_geom, before_info = _side(scene=pair.before, geometry=before_geometry)
    after_geom, after_info = _side(scene=pair.after, geometry=after_geometry)
    if before_geom is None and after_geom is None:
        raise ValidationFailed("A change needs a before geometry, an after geometry or both.",
                               extra={"reason": "no_geometry"})
    change = ChangeAnnotation.objects.create(
        pair=pair, project=pair.project, label_class=_label_class(project=pair.project, label_class=label_class),
        before_geometry=before_geom, after_geometry=after_geom,
        before_proposal_id=_proposal_check(pair=pair, scene=pair.before, proposal_id=before_proposal_id),
        after_proposal_id=_proposal_check(pair=pair, scene=pair.after, proposal_id=after_proposal_id),
        author=user if getattr(user, "is_authenticated", False) else None, review_state=ReviewState.PENDING,
    )
    _changed(change=change, user=user, kind="created", previous=None)
    return change, {"before": before_info, "after": after_info}


_UNSET = object()


def _locked(change: ChangeAnnotation, expected_version: int, user) -> ChangeAnnotation:
    locked = ChangeAnnotation.objects.select_for_update().filter(pk=change.pk).first()
    if locked is None or locked.deleted:
        raise NotFound("No such change annotation.")
    require_change_edit(user=user, change=locked)
    if locked.version != expected_version:
        raise Conflict(f"The change annotation changed meanwhile (now version {locked.version}).",
                       extra={"reason": "stale_version", "current_version": locked.version})
    return locked


def _snapshot(change: ChangeAnnotation) -> dict:
    return {"before_geometry": change.before_geometry, "after_geometry": change.after_geometry,
            "label_class_id": change.label_class_id, "version": change.version,
            "before_proposal_id": change.before_proposal_id, "after_proposal_id": change.after_proposal_id}


@transaction.atomic
def change_update(*, change: ChangeAnnotation, user, expected_version: int, before_geometry=_UNSET,
                  after_geometry=_UNSET, label_class=_UNSET) -> tuple[ChangeAnnotation, dict]:
    """Edit a change annotation (only the fields given; a geometry given as None empties that side)."""
    locked = _locked(change, expected_version, user)
    previous = _snapshot(locked)
    info: dict = {}
    pair = locked.pair
    if before_geometry is not _UNSET:
        locked.before_geometry, info["before"] = _side(scene=pair.before, geometry=before_geometry)
        if before_geometry is None:
            locked.before_proposal_id = None
    if after_geometry is not _UNSET:
        locked.after_geometry, info["after"] = _side(scene=pair.after, geometry=after_geometry)
        if after_geometry is None:
            locked.after_proposal_id = None
    if label_class is not _UNSET:
        locked.label_class = _label_class(project=pair.project, label_class=label_class)
    if locked.before_geometry is None and locked.after_geometry is None:
        raise ValidationFailed("A change needs a before geometry, an after geometry or both.",
                               extra={"reason": "no_geometry"})
    locked.version += 1
    locked.save()
    _changed(change=locked, user=user, kind="updated", previous=previous)
    return locked, info


@transaction.atomic
def change_delete(*, change: ChangeAnnotation, user, expected_version: int) -> ChangeAnnotation:
    locked = _locked(change, expected_version, user)
    previous = _snapshot(locked)
    locked.deleted = True
    locked.version += 1
    locked.save()
    _changed(change=locked, user=user, kind="deleted", previous=previous)
    return locked


def pairs_reap(*, alive=None) -> list[int]:
    """Fail resamplings whose worker is gone (or that no worker started within JOB_QUEUED_MAX_S), removing their
    files. Returns the ids of the pairs failed."""
    from annotator.services.jobs import liveness

    stuck = list(ScenePair.objects.filter(status=PairStatus.RESAMPLING))
    if not stuck:
        return []
    alive = alive or liveness()
    reaped = []
    for pair in stuck:
        why = alive.claimed_job_verdict(task_id=pair.celery_task_id, heartbeat_at=pair.heartbeat_at,
                                        queued_since=pair.created_at, queue="default")
        if why and pair_resample_fail(pair=pair, reason=f"Resampling failed: {why}.", task_id=pair.celery_task_id):
            reaped.append(pair.pk)
    return reaped
