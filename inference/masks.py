"""Mask <-> polygon conversion: the geometry contract's pixel side.

A model mask lives on a window grid (``transform``: window pixels -> scene CRS). It leaves as polygons in the
scene CRS and in EPSG:4326 (RFC 7946: lon/lat, exterior rings counter-clockwise). Rasterising that polygon back
onto the same grid (pixel centres inside) reproduces the mask: IoU >= 0.99 on real masks (see tests).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import rasterio.features
import shapely
from affine import Affine
from shapely.geometry import MultiPolygon, Polygon, shape

from core.geo import reproject
from inference.errors import GeometryError

WGS84 = "EPSG:4326"
# Window pixels. Real MobileSAM masks (logits upsampled 4x) carry many 1-8 px islands and pinholes along their
# edges; dropping parts/holes under 8 px kept polygon->mask IoU >= 0.994 on the Atlanta masks of the tests,
# where 32 px cost up to 1.7% (IoU 0.983) and broke the contract.
DEFAULT_MIN_AREA = 8.0
DEFAULT_TOLERANCE = 0.5  # window pixels: simplification never moves the outline by more than half a pixel


@dataclass(frozen=True, eq=False)
class MaskGeometry:
    """Polygons of one mask: ``pixel`` (shapely, window px), ``scene`` and ``wgs84`` (GeoJSON MultiPolygon dicts)."""

    pixel: MultiPolygon
    scene: dict
    wgs84: dict
    scene_crs: str

    @property
    def area_px(self) -> float:
        return float(self.pixel.area)


def _crs_string(crs) -> str:
    return crs.to_string() if hasattr(crs, "to_string") else str(crs)


def _polygonal(geom) -> MultiPolygon:
    """Keep the polygonal part of ``geom`` as a MultiPolygon (after make_valid, lines/points are dropped)."""
    if geom.is_empty:
        return MultiPolygon()
    if isinstance(geom, Polygon):
        return MultiPolygon([geom])
    if isinstance(geom, MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    polys: list[Polygon] = []
    for part in parts:
        polys.extend(part.geoms if isinstance(part, MultiPolygon) else [part])
    return MultiPolygon(polys)


def _repair(geom) -> MultiPolygon:
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return _polygonal(geom)


def mask_to_polygons(
    mask: np.ndarray, *, min_area: float = DEFAULT_MIN_AREA, tolerance: float = DEFAULT_TOLERANCE
) -> MultiPolygon:
    """Bool mask ``(H, W)`` -> valid MultiPolygon in window pixel coordinates (corners on integers).

    Holes are kept; parts and holes smaller than ``min_area`` pixels are dropped (specks, pinholes); outlines
    are simplified by at most ``tolerance`` pixels with topology preserved.
    """
    mask = np.asarray(mask)
    if mask.ndim != 2:
        raise GeometryError(f"mask must be 2-D, got shape {mask.shape}")
    mask = mask.astype(bool)
    if not mask.any():
        return MultiPolygon()
    polys: list[Polygon] = []
    for geom, _value in rasterio.features.shapes(mask.astype(np.uint8), mask=mask, connectivity=4):
        poly = shape(geom)
        if poly.area < min_area:
            continue
        holes = [ring for ring in poly.interiors if Polygon(ring).area >= min_area]
        polys.append(Polygon(poly.exterior, holes))
    if not polys:
        return MultiPolygon()
    merged = MultiPolygon(polys)
    if tolerance > 0:
        merged = shapely.simplify(merged, tolerance, preserve_topology=True)
    return _repair(merged)


def _to_geojson(geom: MultiPolygon) -> dict:
    return json.loads(shapely.to_geojson(shapely.orient_polygons(geom, exterior_cw=False)))


def _affine_coords(transform: Affine):
    a, b, c, d, e, f = transform[:6]

    def apply(xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack([a * x + b * y + c, d * x + e * y + f])

    return apply


def mask_to_geometry(
    mask: np.ndarray,
    *,
    transform: Affine,
    crs,
    min_area: float = DEFAULT_MIN_AREA,
    tolerance: float = DEFAULT_TOLERANCE,
) -> MaskGeometry | None:
    """Mask on a window grid -> polygons in window px, scene CRS and EPSG:4326; None when nothing is left.

    ``transform`` maps window pixels to ``crs`` (see :meth:`inference.windows.Window.geo_transform`).
    """
    pixel = mask_to_polygons(mask, min_area=min_area, tolerance=tolerance)
    if pixel.is_empty:
        return None
    crs_s = _crs_string(crs)
    scene = _repair(shapely.transform(pixel, _affine_coords(transform)))
    wgs = _repair(reproject(scene, crs_s, WGS84))
    if scene.is_empty or wgs.is_empty:
        return None
    return MaskGeometry(pixel=pixel, scene=_to_geojson(scene), wgs84=_to_geojson(wgs), scene_crs=crs_s)


def rasterize_geometry(
    geometry: Mapping | shapely.Geometry,
    *,
    transform: Affine,
    shape: tuple[int, int],
    crs,
    geometry_crs=WGS84,
) -> np.ndarray:
    """Inverse of :func:`mask_to_geometry`: burn ``geometry`` (GeoJSON dict or shapely, in ``geometry_crs``,
    EPSG:4326 by default) onto the grid ``(transform, shape)`` in ``crs``; a pixel is in when its centre is.
    Returns bool ``shape``."""
    geom = geometry if isinstance(geometry, shapely.Geometry) else shapely.geometry.shape(geometry)
    geom = reproject(geom, _crs_string(geometry_crs), _crs_string(crs))
    if geom.is_empty:
        return np.zeros(shape, dtype=bool)
    burnt = rasterio.features.rasterize(
        [(geom, 1)], out_shape=shape, transform=transform, fill=0, all_touched=False, dtype=np.uint8
    )
    return burnt.astype(bool)


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two bool masks (1.0 when both are empty)."""
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    union = np.logical_or(a, b).sum()
    if union == 0:
        return 1.0
    return float(np.logical_and(a, b).sum() / union)


def _label(mask: np.ndarray, *, eight: bool) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Connected components of a bool ``(H, W)`` mask, 8- or 4-connected, on its row runs (no pixel loops): returns
    ``(labels, n, sizes, boxes)``: int32 labels ``1..n`` (0 off the mask), ``sizes[k]`` pixels of label ``k``,
    ``boxes[k - 1]`` its ``(row0, row1, col0, col1)`` (ends exclusive)."""
    h, w = mask.shape
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    rs, ss = np.nonzero(edges == 1)
    _re, es = np.nonzero(edges == -1)  # row-major, so the i-th end closes the i-th start
    if rs.size == 0:
        return np.zeros((h, w), np.int32), 0, np.zeros(1, np.int64), np.zeros((0, 4), np.int64)
    stride = w + 4
    skey, ekey = rs * stride + ss, rs * stride + es
    k = 1 if eight else 0
    # runs of the next row touching run i: ends after s_i - k, starts before e_i + k
    lo = np.searchsorted(ekey, (rs + 1) * stride + ss - k, side="right")
    hi = np.searchsorted(skey, (rs + 1) * stride + es + k - 1, side="right")
    count = np.maximum(hi - lo, 0)
    a = np.repeat(np.arange(rs.size), count)
    b = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(int(count.sum()))
    root = np.arange(rs.size)
    while a.size and not np.array_equal(root[a], root[b]):  # union of touching runs: hook roots, then jump
        m = np.minimum(root[a], root[b])
        np.minimum.at(root, root[a], m)
        np.minimum.at(root, root[b], m)
        while not np.array_equal(root[root], root):
            root = root[root]
    uniq, inverse = np.unique(root, return_inverse=True)
    n = int(uniq.size)
    run_label = inverse.astype(np.int64) + 1
    flat = np.zeros(h * w + 1, np.int64)
    np.add.at(flat, rs * w + ss, run_label)
    np.add.at(flat, rs * w + es, -run_label)
    labels = np.cumsum(flat[:-1]).astype(np.int32).reshape(h, w)
    sizes = np.bincount(run_label, weights=es - ss, minlength=n + 1).astype(np.int64)
    boxes = np.empty((n, 4), np.int64)
    boxes[:, 0], boxes[:, 2] = h, w
    boxes[:, 1], boxes[:, 3] = 0, 0
    np.minimum.at(boxes[:, 0], inverse, rs)
    np.maximum.at(boxes[:, 1], inverse, rs + 1)
    np.minimum.at(boxes[:, 2], inverse, ss)
    np.maximum.at(boxes[:, 3], inverse, es)
    return labels, n, sizes, boxes


def _cells_covering(v: float, n: int) -> list[int]:
    """Indices of the pixels ``[i, i + 1]`` (closed) along one axis of ``n`` that hold coordinate ``v``: one,
    or two when ``v`` lies on the edge between them (a point on an outline is covered by the part)."""
    i = int(np.floor(v))
    cells = [i, i - 1] if v == i else [i]
    return [c for c in cells if 0 <= c < n]


def _small_holes(part: np.ndarray, share: float) -> np.ndarray | None:
    """Holes of one part (bool, cropped to its box) whose area, with everything inside them, is under ``share`` of
    the area inside the part's outline; None when there are none. A hole is a 4-connected background region that
    does not reach the box's border (pixels only diagonally apart belong to the part's outline, not to a gap)."""
    if min(part.shape) < 3:
        return None
    padded = np.pad(~part, 1, constant_values=True)
    bg, n, sizes, _boxes = _label(padded, eight=False)
    if n < 2:
        return None
    outside = bg[0, 0]
    shell = padded.size - int(sizes[outside])
    small = sizes < share * shell
    small[0] = False
    small[outside] = False
    if not small.any():
        return None
    return small[bg[1:-1, 1:-1]]


def mask_keep_clicked(
    mask: np.ndarray,
    points_px: np.ndarray | list,
    labels: np.ndarray | list,
    *,
    pinhole_share: float = 0.01,
) -> tuple[np.ndarray, int]:
    """Post-process a chosen mask: keep the connected parts (8-connected) that hold a positive click, fill holes
    smaller than ``pinhole_share`` of their part's area (pinholes, not courtyards). When no part holds a positive
    click (a click on the outline, or only negative clicks) every part is kept. Returns (mask, number of parts).

    ``points_px``: ``(N, 2)`` click (x, y) in the mask's pixel coordinates (pixel centres at +0.5).

    Raster space throughout (connected components, no polygons): a part's area inside its outline is its pixels
    plus its holes', a hole's area counts the parts inside it (what the outline's rings measure), and a part holds
    a click when the click lies in one of its pixels or on their edge.
    """
    mask = np.asarray(mask, bool)
    if not mask.any():
        return mask, 0
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    crop = mask[r0:r1, c0:c1]
    parts, n, _sizes, boxes = _label(crop, eight=True)
    pts = np.asarray(points_px, np.float64).reshape(-1, 2)
    lab = np.asarray(labels).reshape(-1)
    clicked: set[int] = set()
    for (x, y), lb in zip(pts, lab, strict=True):
        if lb != 1:
            continue
        for r in _cells_covering(float(y) - r0, crop.shape[0]):
            for c in _cells_covering(float(x) - c0, crop.shape[1]):
                if parts[r, c]:
                    clicked.add(int(parts[r, c]))
    kept = sorted(clicked) or list(range(1, n + 1))
    # a hole of any part is background the whole crop encloses too: none there, no part has one
    any_holes = _label(np.pad(~crop, 1, constant_values=True), eight=False)[1] > 1
    if len(kept) == n and not any_holes:
        return mask, n
    out = np.zeros_like(crop) if len(kept) < n else crop.copy()
    changed = len(kept) < n
    for i in kept:
        br0, br1, bc0, bc1 = (int(v) for v in boxes[i - 1])
        part = parts[br0:br1, bc0:bc1] == i
        if len(kept) < n:
            out[br0:br1, bc0:bc1] |= part
        holes = _small_holes(part, pinhole_share) if any_holes else None
        if holes is not None:
            out[br0:br1, bc0:bc1] |= holes
            changed = True
    if not changed:
        return mask, len(kept)
    full = np.zeros_like(mask)
    full[r0:r1, c0:c1] = out
    return full, len(kept)
