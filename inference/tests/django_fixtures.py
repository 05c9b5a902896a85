"""Fixtures of the Django-side inference tests: the Atlanta sample ingested as a real scene (through
``annotator.services.scenes.scene_ingest``), its buildings in lon/lat, users with roles.

Each scene gets a render recipe nudged by a per-test salt (far below one grey level, so the pixels are the same):
the recipe hash is part of the embedding cache key, so every test starts with a cold cache even though the worker
and server processes (and their in-memory caches) live for the whole session.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import numpy as np
import pyproj
import pytest
import shapely
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from shapely.geometry import shape

from annotator.models import Membership, Project, Role, Scene, SceneStatus
from annotator.services.scenes import scene_ingest
from inference.services import model_version_ensure_default

ROOT = Path(__file__).resolve().parents[2]
ATLANTA = ROOT / "samples" / "spacenet-atlanta" / "sample_geotiff.tif"
ATLANTA_LABELS = ROOT / "samples" / "spacenet-atlanta" / "geotiff_labels.geojson"
_salt = itertools.count(1)


def atlanta_scene(project, *, name: str = "atlanta") -> Scene:
    scene = Scene.objects.create(project=project, name=name, source_name=ATLANTA.name, source_path=str(ATLANTA),
                                 status=SceneStatus.INGESTING)
    scene = scene_ingest(scene_id=scene.pk)
    assert scene.status == SceneStatus.READY, scene.status_reason
    salt = (os.getpid() % 1000) * 1e-4 + next(_salt) * 1e-7
    recipe = dict(scene.render_recipe)
    recipe["min"] = [v + salt for v in recipe["min"]]
    scene.render_recipe = recipe
    scene.save(update_fields=["render_recipe"])
    return scene


def buildings() -> list[shapely.Geometry]:
    """Building polygons in EPSG:4326, largest first."""
    data = json.loads(ATLANTA_LABELS.read_text())
    tr = pyproj.Transformer.from_crs("EPSG:32616", "EPSG:4326", always_xy=True)
    polys = []
    for feat in data["features"]:
        geom = shape(feat["geometry"])
        polys.append((geom.area, shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))))
    return [g for _, g in sorted(polys, key=lambda t: -t[0])]


def click_in(poly: shapely.Geometry) -> list[float]:
    p = poly.representative_point()
    return [p.x, p.y]


class World:
    def __init__(self, project, scene, users, tokens, version):
        self.project, self.scene, self.users, self.tokens, self.version = project, scene, users, tokens, version


@pytest.fixture
def world(transactional_db) -> World:
    User = get_user_model()
    project = Project.objects.create(slug="inf", name="Inference")
    users, tokens = {}, {}
    for name, role in (("ann", Role.ANNOTATOR), ("rev", Role.REVIEWER), ("out", None)):
        users[name] = User.objects.create_user(f"inf-{name}", password="pw")
        if role is not None:
            Membership.objects.create(project=project, user=users[name], role=role)
        tokens[name] = Token.objects.create(user=users[name]).key
    version = model_version_ensure_default()
    return World(project, atlanta_scene(project), users, tokens, version)
