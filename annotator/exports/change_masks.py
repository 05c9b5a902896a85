"""Change masks: one GeoTIFF (COG) per ready scene pair, on the pair's common grid (the before scene's grid cut to
the overlap of the two footprints: `ScenePair.grid_*`, the same CRS, transform, width and height).

Encoding, uint8 (uint16 past 255 classes), three bands:
- band 1 `change`: 0 = no change; where a change annotation's before or after geometry covers a pixel's centre,
  the index (1..N, label-class order, as in `masks`) of its change class. The two dates differ there: something
  was there before (the before geometry), is there after (the after geometry), or both (it changed in place).
- band 2 `before`: the change class index where the before geometry covers the pixel, else 0.
- band 3 `after`: the change class index where the after geometry covers the pixel, else 0.
Later change annotations draw over earlier ones. Change annotations without a class are left out (counted in the
manifest). `change_masks/classes.json` lists the indexes; pixels outside both footprints are 0 like any unchanged
pixel (the grid only spans the overlap).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from rasterio.windows import Window

from annotator.exports.common import (
    ExportDataset,
    Progress,
    ProgressSteps,
    json_dump,
    mask_dtype,
    rasterize_on_grid,
    reproject,
    to_pixels,
)
from annotator.exports.masks import write_cog
from annotator.exports.registry import BaseExporter, register
from annotator.selectors.pairs import ExportPair, export_pairs

BANDS = ("change", "before", "after")


def dataset_pairs(dataset: ExportDataset) -> list[ExportPair]:
    """The pairs an export of `dataset` takes: ready pairs whose two scenes are among its scenes."""
    return export_pairs(project_slug=dataset.project_slug, scene_ids={s.id for s in dataset.scenes},
                        reviewed_only=bool(dataset.filters.get("reviewed_only")))


def _pixels(geoms: list, pair: ExportPair) -> list:
    present = [i for i, g in enumerate(geoms) if g is not None and not g.is_empty]
    out: list = [None] * len(geoms)
    if present:
        projected = to_pixels(reproject(np.array([geoms[i] for i in present], dtype=object), "EPSG:4326",
                                        pair.grid.crs), pair.grid.affine)
        for i, g in zip(present, projected, strict=True):
            out[i] = g
    return out


def change_mask(pair: ExportPair, class_index: dict[int, int], window: Window | None = None) -> tuple[np.ndarray, int]:
    """(3, rows, cols) change / before / after class indexes on the pair grid (or a window of it), and how many
    change annotations had no class."""
    kept = [c for c in pair.changes if c.label_class_id in class_index]
    values = [class_index[c.label_class_id] for c in kept if c.label_class_id is not None]
    dtype = mask_dtype(max(values, default=1))
    befores = _pixels([c.before for c in kept], pair)
    afters = _pixels([c.after for c in kept], pair)
    unions = [shapely.union(b, a) if b is not None and a is not None else (b if b is not None else a)
              for b, a in zip(befores, afters, strict=True)]
    bands = []
    for geoms in (unions, befores, afters):
        burn = [(g, v) for g, v in zip(geoms, values, strict=True) if g is not None]
        bands.append(rasterize_on_grid([g for g, _ in burn], [v for _, v in burn], width=pair.grid.width,
                                       height=pair.grid.height, window=window, dtype=dtype))
    return np.stack(bands), len(pair.changes) - len(kept)


def classes_out(dataset: ExportDataset) -> list[dict]:
    return [{"index": c.index, "name": c.name, "label_class_id": c.id, "color": c.color} for c in dataset.classes]


@register
class ChangeMaskExporter(BaseExporter):
    name = "change_masks"
    description = ("GeoTIFF change masks (COG) per scene pair on the pair's common grid: band 1 change class index "
                   "(0 = no change), bands 2-3 the before and after geometries' class")
    defaults: dict = {}

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        pairs = dataset_pairs(dataset)
        class_index = {c.id: c.index for c in dataset.classes}
        steps = ProgressSteps(progress, len(pairs))
        json_dump(out_dir / "change_masks" / "classes.json",
                  {"no_change": 0, "bands": list(BANDS), "classes": classes_out(dataset)})
        files = ["change_masks/classes.json"]
        unclassified = 0
        entries = []
        for pair in pairs:
            mask, left_out = change_mask(pair, class_index)
            unclassified += left_out
            name = f"change_masks/{pair.stem}.tif"
            write_cog(out_dir / name, mask, pair.grid, resampling="nearest", nodata=None,
                      tags={"GEOLOOP_MASK": "change", "GEOLOOP_PAIR_ID": str(pair.id),
                            "GEOLOOP_BANDS": ",".join(BANDS)})
            files.append(name)
            entries.append({"pair_id": pair.id, "file": name, "changes": len(pair.changes) - left_out,
                            "width": pair.grid.width, "height": pair.grid.height})
            steps.step(pair.name)
        json_dump(out_dir / "change_masks" / "pairs.json", {"pairs": entries})
        files.append("change_masks/pairs.json")
        return {"files": files, "pairs": len(pairs), "unclassified_left_out": unclassified}
