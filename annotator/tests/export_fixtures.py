"""Helpers for the export and import tests: a real ingested scene (the SpaceNet Atlanta sample, through
scene_create_from_path + scene_ingest) and pixel-aligned building annotations on it, as a model would give them
(each of the 43 sample buildings rasterised on the scene grid and polygonised back, stored in EPSG:4326)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import rasterio
import shapely
from django.contrib.gis.geos import GEOSGeometry
from rasterio.features import rasterize, shapes
from shapely.geometry import shape

from annotator.exports.common import reproject
from annotator.models import Annotation, LabelClass, Scene
from annotator.services.scenes import scene_create_from_path, scene_ingest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "spacenet-atlanta/sample_geotiff.tif"
LABELS = ROOT / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"


def scene_ready(project, name: str = "atlanta") -> Scene:
    scene = scene_create_from_path(project=project, path=SAMPLE, name=name, user=None, enqueue=False)
    scene = scene_ingest(scene_id=scene.id)
    assert scene.status == "ready", scene.status_reason
    return scene


def buildings_scene_crs() -> list:
    data = json.loads(LABELS.read_text())
    return [shape(f["geometry"]) for f in data["features"]]


def pixel_aligned(geom, transform, width: int, height: int):
    """The polygon a model mask of `geom` would give: rasterised on the grid, polygonised back (scene CRS)."""
    mask = rasterize([geom], out_shape=(height, width), transform=transform, dtype="uint8")
    parts = [shape(g) for g, v in shapes(mask, mask=mask > 0, transform=transform) if v == 1]
    return shapely.union_all(parts) if parts else None


def annotations_make(project, scene: Scene, classes: list[LabelClass], *, author=None) -> list[Annotation]:
    """43 pixel-aligned buildings; classes, sources, statuses, model versions and qualities vary by index."""
    with rasterio.open(Path(scene_path(scene))) as src:
        transform, width, height = src.transform, src.width, src.height
    rows = []
    stamp = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    for i, geom in enumerate(buildings_scene_crs()):
        aligned = pixel_aligned(geom, transform, width, height)
        if aligned is None or aligned.is_empty:
            continue
        lonlat = reproject(aligned, scene.crs, "EPSG:4326")
        if lonlat.geom_type == "Polygon":
            lonlat = shapely.MultiPolygon([lonlat])
        rows.append(Annotation(
            project=project, scene=scene, geometry=GEOSGeometry(memoryview(shapely.to_wkb(lonlat)), srid=4326),
            label_class=classes[i % len(classes)], source=("human", "model", "imported")[i % 3],
            status="accepted" if i % 5 else "draft", review_state="approved" if i % 2 else "pending",
            author=author, model_version_id=(7 if i % 3 == 1 else None),
            predicted_quality=(round(0.5 + i / 100, 2) if i % 3 == 1 else None)))
    created = Annotation.objects.bulk_create(rows)
    Annotation.objects.filter(pk__in=[a.pk for a in created]).update(created_at=stamp, updated_at=stamp)
    return list(Annotation.objects.filter(pk__in=[a.pk for a in created]).order_by("id"))


def scene_path(scene: Scene) -> Path:
    """The scene's COG as a local file (fetched into the media cache when media is on the bucket)."""
    from annotator.media import media_local

    return media_local(scene.cog_path)


def to_shapely(annotation: Annotation):
    return shapely.from_wkb(bytes(annotation.geometry.wkb))


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def iou(a, b) -> float:
    union = a.union(b).area
    return a.intersection(b).area / union if union else 1.0


def np_iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0
