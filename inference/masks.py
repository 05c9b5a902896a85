"""Mask <-> polygon conversion: the geometry contract's pixel side.

A model mask lives on a window grid (``transform``: window pixels -> scene CRS). It leaves as polygons in the
scene CRS and in EPSG:4326 (RFC 7946: lon/lat, exterior rings counter-clockwise). Rasterising that polygon back
onto the same grid (pixel centres inside) reproduces the mask: IoU >= 0.99 on real masks (see tests).
"""

from __future__ import annotations

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
    """GeoJSON MultiPolygon dict, exteriors counter-clockwise: the rings' own coordinates (the same numbers a
    ``to_geojson`` text round trip gives, without writing and parsing it)."""
    oriented = _polygonal(shapely.orient_polygons(geom, exterior_cw=False))
    coordinates = [[np.asarray(poly.exterior.coords)[:, :2].tolist()]
                   + [np.asarray(ring.coords)[:, :2].tolist() for ring in poly.interiors]
                   for poly in oriented.geoms]
    return {"type": "MultiPolygon", "coordinates": coordinates}


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


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row runs of a bool ``(H, W)`` mask, row-major: ``(rows, starts, ends)`` (ends exclusive)."""
    edges = np.diff(np.pad(mask, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    flat = np.flatnonzero(edges)
    rr, cc = np.divmod(flat, edges.shape[1])
    up = edges.ravel()[flat] == 1  # in each row a start, then its end
    return rr[up], cc[up], cc[~up]


def _components(rs: np.ndarray, ss: np.ndarray, es: np.ndarray, w: int, *, eight: bool) -> tuple[np.ndarray, int]:
    """Connected components of runs (from :func:`_runs` on a ``W``-wide mask), 8- or 4-connected: each run's
    label ``1..n``, and ``n``."""
    if rs.size == 0:
        return np.zeros(0, np.int64), 0
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
    return inverse.astype(np.int64) + 1, int(uniq.size)


def _paint(shape: tuple[int, int], rs: np.ndarray, ss: np.ndarray, es: np.ndarray) -> np.ndarray:
    """Bool ``shape`` with the given runs set."""
    h, w = shape
    flat = np.zeros(h * w + 1, np.int8)
    flat[rs * w + ss] += 1  # starts are distinct, and so are ends
    flat[rs * w + es] -= 1
    return np.cumsum(flat[:-1], dtype=np.int8).reshape(h, w).astype(bool)


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
    rs, ss, es = _runs(padded)
    lab, n = _components(rs, ss, es, padded.shape[1], eight=False)
    if n < 2:
        return None
    sizes = np.bincount(lab, weights=es - ss, minlength=n + 1)
    outside = lab[0]  # the first run starts at the padded corner
    shell = padded.size - sizes[outside]
    small = sizes < share * shell
    small[0] = False
    small[outside] = False
    if not small.any():
        return None
    pick = small[lab]
    return _paint(padded.shape, rs[pick], ss[pick], es[pick])[1:-1, 1:-1]


def _clicked_parts(points, shape: tuple[int, int], rs, ss, es, lab) -> set[int]:
    """Labels of the parts (runs ``rs, ss, es`` labelled ``lab`` on a ``shape`` grid) holding any of ``points``."""
    h, w = shape
    skey = rs * (w + 1) + ss
    found: set[int] = set()
    for x, y in points:
        for r in _cells_covering(y, h):
            for c in _cells_covering(x, w):
                j = int(np.searchsorted(skey, r * (w + 1) + c, side="right")) - 1
                if j >= 0 and rs[j] == r and ss[j] <= c < es[j]:
                    found.add(int(lab[j]))
    return found


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

    Raster space throughout (connected row runs, no polygons): a part's area inside its outline is its pixels plus
    its holes', a hole's area counts the parts inside it (what the outline's rings measure), and a part holds a
    click when the click lies in one of its pixels or on their edge.
    """
    mask = np.asarray(mask, bool)
    if not mask.any():
        return mask, 0
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    crop = mask[r0:r1, c0:c1]
    h, w = crop.shape
    rs, ss, es = _runs(crop)
    lab, n = _components(rs, ss, es, w, eight=True)
    pts = np.asarray(points_px, np.float64).reshape(-1, 2) - np.array([c0, r0], np.float64)
    positives = [(float(x), float(y)) for (x, y), lb in zip(pts, np.asarray(labels).reshape(-1), strict=True)
                 if lb == 1]
    kept = sorted(_clicked_parts(positives, (h, w), rs, ss, es, lab)) or list(range(1, n + 1))
    subset = len(kept) < n
    any_holes = True
    if not subset:  # a hole of any part is background the whole crop encloses too: none there, none anywhere
        any_holes = _small_holes(crop, 1.0) is not None
        if not any_holes:
            return mask, n
    out = np.zeros_like(crop) if subset else crop.copy()
    changed = subset
    for i in kept:
        sel = lab == i
        prs, pss, pes = rs[sel], ss[sel], es[sel]
        br0, br1, bc0, bc1 = int(prs[0]), int(prs[-1]) + 1, int(pss.min()), int(pes.max())
        part = _paint((br1 - br0, bc1 - bc0), prs - br0, pss - bc0, pes - bc0)
        if subset:
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
