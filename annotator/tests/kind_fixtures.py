"""A ready scene with a real pixel grid (EPSG:32616, 0.3 m pixels, 3600 x 3600 near Atlanta) made directly in the
database, and GeoJSON for the annotation kinds built in the scene's CRS, so the tests know the exact answer."""

import json
import math

import numpy as np
import shapely
from django.contrib.gis.geos import GEOSGeometry
from pyproj import Transformer
from shapely.geometry import shape

from annotator.models import Scene

CRS = "EPSG:32616"
PIXEL = 0.3
SIZE = 3600
_to_utm = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
_to_lonlat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
X0, Y0 = (round(v) for v in _to_utm.transform(-84.40, 33.76))  # the grid's top-left corner


def lonlat(x: float, y: float) -> list[float]:
    lon, lat = _to_lonlat.transform(x, y)
    return [lon, lat]


def utm(lon: float, lat: float) -> tuple[float, float]:
    return _to_utm.transform(lon, lat)


def grid_scene_make(project, *, name: str = "grid scene") -> Scene:
    corners = [(X0, Y0), (X0 + SIZE * PIXEL, Y0), (X0 + SIZE * PIXEL, Y0 - SIZE * PIXEL), (X0, Y0 - SIZE * PIXEL)]
    ring = [lonlat(x, y) for x, y in corners]
    footprint = GEOSGeometry(json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]}), srid=4326)
    return Scene.objects.create(
        project=project, name=name, status="ready", footprint=footprint, width=SIZE, height=SIZE, gsd=PIXEL,
        crs=CRS, transform=[X0, PIXEL, 0.0, Y0, 0.0, -PIXEL],
    )


def polygon_of(points_utm) -> dict:
    ring = [lonlat(x, y) for x, y in points_utm]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def box_utm(cx: float, cy: float, w: float, h: float) -> dict:
    """An axis-aligned box in the scene's CRS, centred `cx, cy` metres from the grid's top-left corner."""
    x, y = X0 + cx, Y0 - cy
    return polygon_of([(x - w / 2, y - h / 2), (x + w / 2, y - h / 2), (x + w / 2, y + h / 2), (x - w / 2, y + h / 2)])


def rotated_utm(cx: float, cy: float, w: float, h: float, degrees: float, *, skew: float = 0.0) -> dict:
    """A w x h rectangle turned by `degrees`; `skew` metres shift the top side sideways (a parallelogram)."""
    x, y = X0 + cx, Y0 - cy
    a = math.radians(degrees)
    ux, uy, vx, vy = math.cos(a), math.sin(a), -math.sin(a), math.cos(a)
    local = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2 + skew, h / 2), (-w / 2 + skew, h / 2)]
    return polygon_of([(x + px * ux + py * vx, y + px * uy + py * vy) for px, py in local])


def point_utm(cx: float, cy: float) -> dict:
    return {"type": "Point", "coordinates": lonlat(X0 + cx, Y0 - cy)}


def line_utm(*points: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [lonlat(X0 + cx, Y0 - cy) for cx, cy in points]}


def area_m2(geojson: dict) -> float:
    """Area in the scene's CRS of a GeoJSON (Multi)Polygon in EPSG:4326."""
    return float(in_utm(geojson).area)


def in_utm(geojson: dict):
    """A GeoJSON geometry (EPSG:4326) as shapely, in the scene's CRS, metres from the grid's top-left corner."""
    return shapely.transform(shape(geojson), lambda xy: np.column_stack(_to_utm.transform(xy[:, 0], xy[:, 1]))
                             - np.array([X0, Y0]))
