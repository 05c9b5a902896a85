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
    """
    mask = np.asarray(mask, bool)
    if not mask.any():
        return mask, 0
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    crop = mask[r0:r1, c0:c1]
    # Quick look at a 4x subsample (cheap): one part without holes there -> nothing to do at full resolution
    # (a part or hole thinner than 4 px can slip through; the polygoniser drops those under DEFAULT_MIN_AREA).
    coarse = np.ascontiguousarray(crop[::4, ::4])
    if coarse.any():
        quick = [shape(g) for g, _v in rasterio.features.shapes(coarse.astype(np.uint8), mask=coarse,
                                                                 connectivity=8)]
        if len(quick) == 1 and not quick[0].interiors:
            return mask, 1
    pts = np.asarray(points_px, np.float64).reshape(-1, 2)
    lab = np.asarray(labels).reshape(-1)
    positives = [shapely.Point(x - c0, y - r0) for (x, y), lb in zip(pts, lab, strict=True) if lb == 1]
    parts: list[Polygon] = []
    for geom, _value in rasterio.features.shapes(crop.astype(np.uint8), mask=crop, connectivity=8):
        parts.append(shape(geom))
    kept = [p for p in parts if any(p.covers(q) for q in positives)] or parts
    cleaned = []
    for poly in kept:
        shell = Polygon(poly.exterior)
        holes = [ring for ring in poly.interiors if Polygon(ring).area >= pinhole_share * shell.area]
        cleaned.append(Polygon(poly.exterior, holes))
    if len(kept) == len(parts) and all(len(c.interiors) == len(p.interiors) for c, p in zip(cleaned, kept,
                                                                                                strict=True)):
        return mask, len(kept)
    out = np.zeros_like(mask)
    out[r0:r1, c0:c1] = rasterio.features.rasterize(
        [(p, 1) for p in cleaned], out_shape=crop.shape, fill=0, all_touched=False, dtype=np.uint8
    ).astype(bool)
    return out, len(cleaned)
