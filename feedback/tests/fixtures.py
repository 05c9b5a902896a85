"""Helpers for the feedback tests: the Atlanta sample as a ready scene (COG copied under MEDIA_ROOT, no
ingestion), the shipped MobileSAM as the global active version, and proposals on real building windows."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pyproj
import rasterio
import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Polygon

from annotator.models import Scene
from feedback import benchmark as bench
from inference.models import MaskProposal, ModelState, ModelVersion
from inference.sam import MOBILE_SAM_SHA256, default_checkpoint_path


def base_version() -> ModelVersion:
    mv = ModelVersion.objects.filter(project__isnull=True, state=ModelState.ACTIVE).first()
    return mv or ModelVersion.objects.create(
        name="MobileSAM", architecture="vit_t", checkpoint_path=str(default_checkpoint_path().resolve()),
        checkpoint_sha256=MOBILE_SAM_SHA256, state=ModelState.ACTIVE,
    )


def atlanta_scene(project) -> Scene:
    dst = Path(settings.MEDIA_ROOT) / "feedback-tests" / "atlanta.tif"
    if not dst.exists():
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(bench.ATLANTA_SCENE, dst)
    with rasterio.open(dst) as ds:
        left, bottom, right, top = ds.bounds
        tr = pyproj.Transformer.from_crs(ds.crs, "EPSG:4326", always_xy=True)
        xs, ys = tr.transform([left, right, right, left], [bottom, bottom, top, top])
        footprint = Polygon.from_bbox((min(xs), min(ys), max(xs), max(ys)))
        footprint.srid = 4326
        return Scene.objects.create(
            project=project, name="atlanta", cog_path=str(dst.relative_to(settings.MEDIA_ROOT)),
            checksum="atlanta-sample", crs="EPSG:32616", footprint=footprint, width=ds.width, height=ds.height,
            band_count=ds.count, dtype=ds.dtypes[0], nodata=ds.nodata, gsd=0.5, transform=list(ds.transform.to_gdal()),
            status="ready",
        )


def building_geometries() -> list[dict]:
    """The buildings as EPSG:4326 GeoJSON dicts, in file order."""
    features = json.loads(bench.ATLANTA_LABELS.read_text())["features"]
    tr = pyproj.Transformer.from_crs("EPSG:32616", "EPSG:4326", always_xy=True)
    out = []
    for feat in features:
        geom = shapely.geometry.shape(feat["geometry"])
        geom = shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))
        out.append(shapely.geometry.mapping(geom))
    return out


def crowded_objects(n: int) -> list[bench.BenchObject]:
    """``n`` buildings that share as few windows as possible (fewer encodes in tests)."""
    by_window = defaultdict(list)
    for obj in bench.atlanta_objects():
        by_window[obj.window.key].append(obj)
    chosen = []
    for objs in sorted(by_window.values(), key=len, reverse=True):
        chosen.extend(objs)
        if len(chosen) >= n:
            break
    return chosen[:n]


def proposal_for(project, scene, obj: bench.BenchObject, *, model_version, user=None, shrink: float = 0.6):
    """A proposal on ``obj``'s window whose geometry is the building scaled down (a plausible wrong answer)."""
    geoms = building_geometries()
    final = shapely.geometry.shape(geoms[obj.index])
    proposed = shapely.affinity.scale(final, xfact=shrink, yfact=shrink)
    ys, xs = np.nonzero(obj.gt)
    point = [float(xs.mean()) + 0.5, float(ys.mean()) + 0.5]
    proposal = MaskProposal.objects.create(
        project=project, scene=scene, model_version=model_version, user=user,
        prompt={"points": [point], "labels": [1]},
        window={"key": obj.window.key, "level": obj.window.level, "col": obj.window.col, "row": obj.window.row,
                "size": obj.window.size},
        geometry=GEOSGeometry(json.dumps(shapely.geometry.mapping(shapely.geometry.MultiPolygon([proposed]))),
                              srid=4326),
        predicted_iou=0.7, latency_ms=10.0,
    )
    return proposal, geoms[obj.index]
