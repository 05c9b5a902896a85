"""Malformed inputs that once answered 500 (or could): each gets a 4xx with a reason. In-process (Django's test
client) so every case is quick; the schemathesis run covers the rest of the API on the real server."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SQUARE = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
BAD_GEOMETRIES = [
    {"type": "Polygon", "coordinates": "abc"},
    {"type": "Polygon", "coordinates": [[["a", 1], [2, 3], [4, 5], ["a", 1]]]},
    {"type": "Polygon", "coordinates": [[[None, None], [1, 1], [2, 2], [None, None]]]},
    {"type": "Polygon", "coordinates": [[1, 2], [3, 4]]},
    {"type": "Polygon", "coordinates": [[[1, 2, 3, 4, 5]]]},
    {"type": "Polygon", "coordinates": {"a": 1}},
    {"type": "Polygon", "coordinates": [[[1e308, 1e308], [-1e308, 1e308], [1e308, -1e308], [1e308, 1e308]]]},
    {"type": "Polygon"},
    {"type": "MultiPolygon", "coordinates": [SQUARE, "x"]},
    {"type": "Point", "coordinates": [True, False]},
    {"type": "GeometryCollection", "geometries": [{"type": "Point"}]},
    {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": SQUARE}},
    {"type": 5, "coordinates": SQUARE},
    {"type": ["Polygon"], "coordinates": SQUARE},
    {"type": "Nonsense", "coordinates": SQUARE},
    {"type": "LineString", "coordinates": [[0, 0]]},
    {"type": "Polygon", "coordinates": [[]]},
    {"type": "Polygon", "coordinates": []},
]


class Admin:
    """The project admin's API client; every answer that is not a 4xx is kept in `bad` (all cases run, then the
    test reports them together)."""

    def __init__(self, world):
        from rest_framework.test import APIClient

        self.client = APIClient(raise_request_exception=False)
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {world.admin_token}")
        self.world = world
        self.bad: list[str] = []

    def __getattr__(self, method):
        def call(path, *args, expect_4xx=True, **kwargs):
            self.world.restore()
            response = getattr(self.client, method)(path, *args, **kwargs)
            ok = 400 <= response.status_code < 500 if expect_4xx else response.status_code < 500
            if not ok:
                self.bad.append(f"{method.upper()} {path[:120]} {str(args)[:300]}: {response.status_code} "
                                f"{response.content[:300]!r}")
            return response
        return call


@pytest.fixture
def admin(fuzz_data):
    admin = Admin(fuzz_data)
    yield admin
    assert not admin.bad, "\n".join(admin.bad)


def _refused(response) -> None:
    """Checked by the Admin client."""


def test_wrong_json_types_inside_geometry(admin, fuzz_data):
    fuzz_world = fuzz_data
    for geometry in BAD_GEOMETRIES:
        _refused(admin.post(f"/api/scenes/{fuzz_world.scene_id}/annotations/", {"geometry": geometry}, format="json"))
        _refused(admin.patch(f"/api/annotations/{fuzz_world.annotation_id}/", {"version": 1, "geometry": geometry},
                             format="json"))
        _refused(admin.post(f"/api/scenes/{fuzz_world.scene_id}/tasks/", {"area": geometry}, format="json"))


def test_huge_integers_in_bodies_and_ids(admin, fuzz_data):
    fuzz_world = fuzz_data
    big = 2**53 - 1
    s, a, p = fuzz_world.scene_id, fuzz_world.annotation_id, fuzz_world.project_id
    _refused(admin.post(f"/api/scenes/{s}/annotations/", {"geometry": {"type": "Polygon", "coordinates": SQUARE},
                                                           "label_class": big, "task": big}, format="json"))
    _refused(admin.patch(f"/api/annotations/{a}/", {"version": big, "label_class": big}, format="json"))
    _refused(admin.delete(f"/api/annotations/{a}/?version={big}"))
    _refused(admin.delete(f"/api/annotations/{a}/?version=99999999999999999999999"))
    _refused(admin.post(f"/api/annotations/{a}/restore/", {"version": big}, format="json"))
    _refused(admin.post(f"/api/scenes/{s}/tasks/grid/", {"cell_size_m": 10, "assignees": [big]}, format="json"))
    admin.post(f"/api/projects/{p}/tasks/next/", {"scene": big}, format="json", expect_4xx=False)
    admin.get(f"/api/projects/{p}/tasks/?scene={big}9", expect_4xx=False)
    admin.get(f"/api/projects/{p}/tasks/?scene={big}999999999", expect_4xx=False)
    admin.get(f"/api/scenes/{s}/annotations/?limit={big}9&offset={big}9", expect_4xx=False)
    admin.get(f"/api/scenes/{s}/annotations/?bbox=a,b,c,d")
    admin.get(f"/api/scenes/{s}/annotations/?bbox=1e999,0,1,1")
    _refused(admin.get(f"/api/projects/{big}9/"))
    _refused(admin.get("/api/model-versions/?project=abc"))
    admin.get(f"/api/model-versions/?project={big}9")
    admin.get("/api/model-versions/?project=99999999999999999999999999")
    _refused(admin.post(f"/api/projects/{p}/members/", {"username": "x" * 5000, "role": "admin"}, format="json"))
    _refused(admin.post(f"/api/projects/{p}/exports/", {"format": "coco", "filters": {"scene": big}},
                        format="json"))


GRIDS = [{"cell_size_m": 1e-9}, {"cell_size_m": 0}, {"cell_size_m": -5}, {"cell_size_m": 1e308}]
REGISTER_PATHS = ["x" * 5000, "/" + "a" * 300 + "/b.tif", "a/" * 2000 + "b.tif", "../../etc/passwd", "a\u0000b.tif"]
PROJECT_PATCHES = [
    {"settings": {"embedding_window": "abc"}}, {"settings": {"embedding_window": 10**15}},
    {"settings": {"retrain_every": [1]}}, {"settings": {"review_policy": {"a": 1}}}, {"settings": {"x" * 100: 1}},
    {"name": None}, {"settings": None}, {"settings": []},
]
RECIPES = [
    {"bands": "abc"}, {"bands": [1e300]}, {"bands": [10**15, 1, 1]}, {"bands": [None]}, {"min": ["a"], "max": [None]},
    {"min": [1e308], "max": [-1e308]}, {"stretch": 5}, {"bands": [1, 1, 1], "min": [0, 0], "max": [1]},
    {"gamma": -1}, {"bands": []}, {"bands": [0]}, {"bands": [-1]}, {"bands": [True]},
]
PROMPTS = [
    {"points": "x", "labels": [1], "map_resolution": 1},
    {"points": [[1e308, 1e308]], "labels": [1], "map_resolution": 1},
    {"points": [["a", "b"]], "labels": [1], "map_resolution": 1},
    {"points": [[0, 0]], "labels": [True], "map_resolution": 1},
    {"points": [[0, 0]], "labels": [1], "map_resolution": "x"},
    {"points": [[0, 0]], "labels": [1], "map_resolution": 1e-300},
    {"points": [[0, 0]], "labels": [1], "map_resolution": 1, "previous_proposal_id": 2**53 - 1},
    {"points": [[0, 0]], "labels": [1], "map_resolution": 1, "model_version": "x"},
    {"box": [0, 0, 1, 1], "map_resolution": 1, "model_version": 2**53 - 1},
    [], "prompt",
]
ODD_PATHS = [
    "/api/scenes/{s}/tiles/99999999999999999999/0/0.png",
    "/api/scenes/{s}/tiles/1/" + "9" * 300 + "/0.png",
    "/api/scenes/{s}/annotations/25/99999999999/99999999999.mvt",
    "/api/scenes/{s}/annotations/99999999999999999999/0/0.mvt",
    "/api/scenes/99999999999999999999999/",
    "/api/annotations/99999999999999999999999/history/",
    "/api/projects/99999999999999999999999/tasks/",
    "/api/exports/99999999999999999999999/download/",
    "/api/" + "a" * 10000 + "/",
]


def test_odd_bodies_and_paths(admin, fuzz_data):
    s, p = fuzz_data.scene_id, fuzz_data.project_id
    for body in GRIDS:
        admin.post(f"/api/scenes/{s}/tasks/grid/", body, format="json")
    for path in REGISTER_PATHS:
        admin.post(f"/api/projects/{p}/scenes/register/", {"path": path}, format="json")
    # a lone surrogate is valid JSON text but no file name
    admin.post(f"/api/projects/{p}/scenes/register/", '{"path": "\\ud800.tif"}', content_type="application/json")
    for body in PROJECT_PATCHES:
        admin.patch(f"/api/projects/{p}/", body, format="json", expect_4xx=False)
    for recipe in RECIPES:
        admin.patch(f"/api/scenes/{s}/", {"render_recipe": recipe}, format="json", expect_4xx=False)
    for body in PROMPTS:
        admin.post(f"/api/scenes/{s}/prompt/", body, format="json")
    for path in ODD_PATHS:
        admin.get(path.format(s=s))


def test_odd_checkpoint_paths_from_site_staff(fuzz_data):
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    staff = get_user_model().objects.create_user("fuzz-staff", password="pw", is_staff=True)
    admin = Admin(fuzz_data)
    admin.client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")
    for path in ["a" * 1000, "/" + "a" * 300 + "/b.pt", "~no-such-user-here/x.pt", "../" * 300 + "x.pt"]:
        admin.post("/api/model-versions/", {"architecture": "vit_t", "checkpoint_path": path}, format="json")
    admin.post("/api/model-versions/", '{"architecture": "vit_t", "checkpoint_path": "\\ud800.pt"}',
               content_type="application/json")
    assert not admin.bad, "\n".join(admin.bad)
