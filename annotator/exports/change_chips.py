"""Paired change chips: for each ready scene pair, tiles of the common grid with the before image, the after image
(on the same grid: resampled when the pair's grids differ) and the change mask (the three bands of
`change_masks`), split into train/val/test by the same spatial blocks as `chips`: the blocks are laid on the before
scene's own pixel grid with its checksum and the same seed, so a place falls in the same split in both exports, and
a chip that straddles blocks of different splits is dropped.

Files: change_chips/{before,after,masks}/<pair>_r<row>_c<col>.tif, one list per split (change_chips/<split>.txt,
the before image's path; the after image and the mask share its name) and change_chips/chips.json.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from annotator.exports.change_masks import change_mask, classes_out, dataset_pairs
from annotator.exports.chips import (
    CHIP_DEFAULTS,
    SPLITS,
    block_split,
    check_chip_parameters,
    grid_starts,
    pixel_size_m,
    write_tif,
)
from annotator.exports.common import ExportDataset, Progress, ProgressSteps, json_dump, window_affine
from annotator.exports.registry import BaseExporter, register
from annotator.imagery.gdal_env import cog_env
from annotator.selectors.pairs import ExportPair


def _read(path: str, window: Window, offset: tuple[int, int]) -> tuple[np.ndarray, float | None]:
    shifted = Window(window.col_off + offset[0], window.row_off + offset[1], window.width, window.height)
    with cog_env(), rasterio.open(path) as src:
        fill = src.nodata if src.nodata is not None else 0
        return src.read(window=shifted, boundless=True, fill_value=fill), src.nodata


def _split(pair: ExportPair, params: dict, window: Window, block_px: int) -> str | None:
    """The split of a chip by the before scene's blocks, None when it straddles two splits."""
    col = int(window.col_off) + pair.before_offset[0]
    row = int(window.row_off) + pair.before_offset[1]
    size = int(window.width)
    splits = {block_split(seed=params["seed"], scene=pair.before, bx=bx, by=by, ratios=params["splits"])
              for bx in range(col // block_px, (col + size - 1) // block_px + 1)
              for by in range(row // block_px, (row + size - 1) // block_px + 1)}
    return splits.pop() if len(splits) == 1 else None


@register
class ChangeChipExporter(BaseExporter):
    name = "change_chips"
    description = ("Paired before/after image tiles + change mask per scene pair, on the pair's common grid, with "
                   "the same spatially blocked train/val/test splits as chips")
    defaults = dict(CHIP_DEFAULTS)

    def check(self) -> None:
        check_chip_parameters(self.parameters)

    def export(self, dataset: ExportDataset, out_dir: Path, progress: Progress | None = None) -> dict:
        params = self.parameters
        size, stride = params["size"], params["size"] - params["overlap"]
        pairs = dataset_pairs(dataset)
        class_index = {c.id: c.index for c in dataset.classes}
        root = out_dir / "change_chips"
        lists: dict[str, list[str]] = {name: [] for name in SPLITS}
        index, dropped_straddling, dropped_unlabelled = [], 0, 0
        steps = ProgressSteps(progress, len(pairs))
        for pair in pairs:
            block_px = max(1, round(params["block_size_m"] / pixel_size_m(pair.before) / stride)) * stride
            full, _ = change_mask(pair, class_index)
            for row in grid_starts(pair.grid.height, size, stride):
                for col in grid_starts(pair.grid.width, size, stride):
                    window = Window(col, row, size, size)
                    split = _split(pair, params, window, block_px)
                    if split is None:
                        dropped_straddling += 1
                        continue
                    mask = np.zeros((3, size, size), dtype=full.dtype)
                    part = full[:, row:row + size, col:col + size]
                    mask[:, :part.shape[1], :part.shape[2]] = part
                    share = float(np.count_nonzero(mask[0])) / mask[0].size
                    if share < params["min_labelled_share"] or (params["min_labelled_share"] > 0 and share == 0):
                        dropped_unlabelled += 1
                        continue
                    name = f"{pair.stem}_r{row:06d}_c{col:06d}"
                    affine = window_affine(pair.grid.affine, window)
                    before, before_nodata = _read(pair.before.path, window, pair.before_offset)
                    after, after_nodata = _read(pair.after_path, window, pair.after_offset)
                    write_tif(root / "before" / f"{name}.tif", before, crs=pair.grid.crs, affine=affine,
                              nodata=before_nodata)
                    write_tif(root / "after" / f"{name}.tif", after, crs=pair.grid.crs, affine=affine,
                              nodata=after_nodata)
                    write_tif(root / "masks" / f"{name}.tif", mask, crs=pair.grid.crs, affine=affine)
                    lists[split].append(f"before/{name}.tif")
                    index.append({"name": name, "split": split, "pair_id": pair.id,
                                  "window": [col, row, size, size], "changed_share": round(share, 6)})
            steps.step(pair.name)
        for name, paths in lists.items():
            root.mkdir(parents=True, exist_ok=True)
            (root / f"{name}.txt").write_text("".join(f"{p}\n" for p in sorted(paths)))
        json_dump(root / "chips.json", {"chips": index, "classes": classes_out(dataset), "no_change": 0,
                                        "mask_bands": ["change", "before", "after"]})
        return {"chips": {name: len(paths) for name, paths in lists.items()}, "pairs": len(pairs),
                "dropped_straddling_splits": dropped_straddling, "dropped_below_min_labelled_share": dropped_unlabelled}
