"""Reads for scene pairs and change annotations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import shapely

from annotator.exports.common import ExportScene
from annotator.media import media_gdal_path
from annotator.models import ChangeAnnotation, PairStatus, ReviewState, ScenePair


def pair_get(*, pair_id: int | None) -> ScenePair | None:
    if pair_id is None:
        return None
    return ScenePair.objects.select_related("project", "before", "after").filter(pk=pair_id).first()


def pair_list(*, project_id: int) -> list[ScenePair]:
    return list(ScenePair.objects.select_related("before", "after").filter(project_id=project_id).order_by("id"))


def change_get(*, change_id: int | None) -> ChangeAnnotation | None:
    if change_id is None:
        return None
    return (ChangeAnnotation.objects.select_related("project", "pair", "pair__before", "pair__after", "label_class",
                                                    "author")
            .filter(pk=change_id, deleted=False).first())


def change_list(*, pair: ScenePair, include_deleted: bool = False) -> list[ChangeAnnotation]:
    qs = ChangeAnnotation.objects.select_related("label_class", "author").filter(pair=pair)
    if not include_deleted:
        qs = qs.filter(deleted=False)
    return list(qs.order_by("id"))


def geojson_or_none(geometry) -> dict | None:
    return json.loads(geometry.geojson) if geometry is not None else None


# -- what the change exports read (annotator/exports/change_masks.py, change_chips.py) -----------------------------


@dataclass(frozen=True)
class ExportChange:
    id: int
    label_class_id: int | None
    before: shapely.Geometry | None  # EPSG:4326
    after: shapely.Geometry | None
    review_state: str


@dataclass(frozen=True)
class ExportPair:
    id: int
    name: str
    grid: ExportScene  # the common grid, as a scene value (id: the pair's; checksum: the before scene's)
    before: ExportScene
    before_offset: tuple[int, int]
    after_path: str  # what GDAL opens for the after pixels (on the grid when resampled)
    after_offset: tuple[int, int]
    changes: list[ExportChange] = field(default_factory=list)

    @property
    def stem(self) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in self.name)[:60].strip("_")
        return f"pair_{self.id}" + (f"_{safe}" if safe else "")


def _shape(geometry):
    return shapely.from_wkb(bytes(geometry.wkb)) if geometry is not None else None


def export_pairs(*, project_slug: str, scene_ids: set[int] | None = None, reviewed_only: bool = False
                 ) -> list[ExportPair]:
    """The project's ready pairs (both scenes among `scene_ids` when given) with their change annotations."""
    from annotator.selectors.exports import _scene_value as scene_value

    qs = (ScenePair.objects.select_related("before", "after")
          .filter(project__slug=project_slug, status=PairStatus.READY).order_by("id"))
    out = []
    for pair in qs:
        if scene_ids is not None and not {pair.before_id, pair.after_id} <= scene_ids:
            continue
        changes = ChangeAnnotation.objects.filter(pair=pair, deleted=False).order_by("id")
        if reviewed_only:
            changes = changes.filter(review_state=ReviewState.APPROVED)
        before = scene_value(pair.before)
        grid = ExportScene(id=pair.pk, name=pair.name, path=before.path, crs=pair.grid_crs,
                           transform=tuple(pair.grid_transform), width=pair.grid_width, height=pair.grid_height,
                           checksum=pair.before.checksum, footprint=before.footprint)
        out.append(ExportPair(
            id=pair.pk, name=pair.name, grid=grid, before=before,
            before_offset=(int(pair.before_offset[0]), int(pair.before_offset[1])),
            after_path=media_gdal_path(pair.after_cog_path),
            after_offset=(int(pair.after_offset[0]), int(pair.after_offset[1])),
            changes=[ExportChange(id=c.pk, label_class_id=c.label_class_id, before=_shape(c.before_geometry),
                                  after=_shape(c.after_geometry), review_state=c.review_state) for c in changes]))
    return out
