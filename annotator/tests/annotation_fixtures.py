"""Helpers shared by the annotation, task, review and vector-tile tests: a ready scene made directly in the
database (no ingestion), and GeoJSON squares."""

from django.contrib.gis.geos import Polygon

from annotator.models import LabelClass, Scene

# A ~1.1 km x 1.1 km scene near Atlanta (lon, lat).
FOOTPRINT = (-84.40, 33.75, -84.39, 33.76)


def scene_make(project, *, name: str = "scene", bounds=FOOTPRINT) -> Scene:
    return Scene.objects.create(
        project=project, name=name, status="ready", footprint=_bbox(bounds), width=3600, height=3600, gsd=0.3,
        crs="EPSG:32616",
    )


def _bbox(bounds) -> Polygon:
    polygon = Polygon.from_bbox(bounds)
    polygon.srid = 4326
    return polygon


def label_class_make(project, name: str = "building", color: str = "#112233") -> LabelClass:
    return LabelClass.objects.get_or_create(project=project, name=name, defaults={"color": color})[0]


def square(lon: float, lat: float, size: float = 0.0005) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size],
                                                 [lon, lat + size], [lon, lat]]]}


def inside(i: int = 0) -> dict:
    """A square well inside FOOTPRINT, shifted by i."""
    return square(-84.399 + 0.001 * (i % 8), 33.751 + 0.001 * (i // 8))
