"""Scene pairs and change annotations: validation with reasons, the common grid (resampled with known values),
the change annotation API with its roles, feedback from model answers, and the change exports read back."""

import json

import numpy as np
import pytest
import rasterio
from django.core.files import File
from rasterio.transform import Affine

from annotator import permissions
from annotator.exports.common import ExportFilters
from annotator.exports.registry import exporter_for
from annotator.media import media_path
from annotator.models import ChangeAnnotation, LabelClass, PairStatus, Project, Scene, ScenePair, SceneStatus
from annotator.selectors.exports import export_dataset_select
from annotator.services import pairs as pair_services
from annotator.services.scenes import scene_create_from_upload, scene_ingest
from annotator.tests.rasters import UTM_ORIGIN

pytestmark = pytest.mark.django_db
X0, Y0 = UTM_ORIGIN


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    permissions._cached_roles.clear()
    return settings


def value_of(row, col):
    """The known value of a pixel of the synthetic 'after' raster: distinct per pixel of a 100 x 100 grid."""
    return (row * 7 + col * 3) % 250 + 1


def write_raster(path, *, origin, pixel, width, height, crs="EPSG:32616", values=None):
    if values is None:
        rows, cols = np.mgrid[0:height, 0:width]
        values = value_of(rows, cols)
    data = np.stack([values] * 3).astype("uint8")
    with rasterio.open(path, "w", driver="GTiff", width=width, height=height, count=3, dtype="uint8", crs=crs,
                       transform=Affine(pixel, 0, origin[0], 0, -pixel, origin[1])) as dst:
        dst.write(data)
    return path


def ingest(project, path, name) -> Scene:
    with open(path, "rb") as handle:
        scene = scene_create_from_upload(project=project, uploaded_file=File(handle, name=path.name), name=name,
                                         user=None, enqueue=False)
    scene = scene_ingest(scene_id=scene.id)
    assert scene.status == SceneStatus.READY, scene.status_reason
    return scene


@pytest.fixture
def scenes(actors, tmp_path):
    """before: 200 x 200 at 1 m; after: 100 x 100 at 2 m starting 50 m east and south (overlap 150 x 150 m)."""
    before = ingest(actors.project, write_raster(tmp_path / "before.tif", origin=(X0, Y0), pixel=1.0, width=200,
                                                 height=200, values=np.full((200, 200), 10)), "before")
    after = ingest(actors.project, write_raster(tmp_path / "after.tif", origin=(X0 + 50, Y0 - 50), pixel=2.0,
                                                width=100, height=100), "after")
    return before, after


def refusal(response) -> str:
    assert response.status_code == 400, response.content
    return response.json()["reason"]


def test_pairs_are_refused_with_a_reason(actors, scenes, tmp_path):
    before, after = scenes
    admin = actors.client("admin")
    url = f"/api/projects/{actors.project.id}/pairs/"
    far = ingest(actors.project, write_raster(tmp_path / "far.tif", origin=(X0 + 5000, Y0), pixel=1.0, width=50,
                                              height=50), "far")
    response = admin.post(url, {"before": before.id, "after": far.id}, format="json")
    assert refusal(response) == "disjoint_footprints"
    assert response.json()["overlap_share"] == 0
    assert "do not overlap" in response.json()["detail"]

    other = Project.objects.create(slug="other", name="Other")
    elsewhere = ingest(other, write_raster(tmp_path / "o.tif", origin=(X0, Y0), pixel=1.0, width=50, height=50), "o")
    assert refusal(admin.post(url, {"before": before.id, "after": elsewhere.id}, format="json")) == \
        "different_project"

    Scene.objects.filter(pk=after.pk).update(status=SceneStatus.INGESTING)
    response = admin.post(url, {"before": before.id, "after": after.id}, format="json")
    assert refusal(response) == "not_ready"
    assert "not ready" in response.json()["detail"]
    Scene.objects.filter(pk=after.pk).update(status=SceneStatus.READY)

    assert refusal(admin.post(url, {"before": before.id, "after": before.id}, format="json")) == "same_scene"
    assert refusal(admin.post(url, {"before": before.id, "after": 999999}, format="json")) == "unknown_scene"
    assert ScenePair.objects.count() == 0  # nothing kept from any refusal

    # roles: only admins create; members read; others nothing
    assert actors.client(None).post(url, {"before": before.id, "after": after.id}, format="json").status_code == 401
    assert actors.client("annotator").post(url, {"before": before.id, "after": after.id},
                                           format="json").status_code == 403
    assert actors.client("outsider").get(url).status_code == 403
    assert actors.client("annotator").get(url).json() == []


def test_a_pair_on_different_grids_is_resampled_onto_the_before_grid(actors, scenes):
    before, after = scenes
    pair = pair_services.pair_create(project=actors.project, before=before, after=after, user=None, enqueue=False)
    assert pair.status == PairStatus.RESAMPLING
    assert pair.grid_differences == ["resolution"]
    # the overlap, on the before scene's 1 m lattice
    assert (pair.grid_width, pair.grid_height) == (150, 150)
    assert pair.before_offset == [50, 50]
    assert pair.grid_transform == [X0 + 50, 1.0, 0.0, Y0 - 50, 0.0, -1.0]
    assert pair.overlap_share == pytest.approx(150 * 150 / (200 * 200))

    pair = pair_services.pair_resample(pair_id=pair.pk)
    assert pair.status == PairStatus.READY, pair.status_reason
    with rasterio.open(media_path(pair.after_cog_path)) as src:
        assert src.crs.to_epsg() == 32616
        assert (src.width, src.height) == (150, 150)
        assert tuple(src.transform.to_gdal()) == tuple(pair.grid_transform)
        data = src.read(1)
    rows, cols = np.mgrid[0:150, 0:150]
    np.testing.assert_array_equal(data, value_of(rows // 2, cols // 2))  # each 2 m pixel covers 2 x 2 of the grid


def test_a_pair_on_one_lattice_is_not_resampled(actors, scenes, tmp_path):
    before, _ = scenes
    shifted = ingest(actors.project, write_raster(tmp_path / "shift.tif", origin=(X0 + 30, Y0 - 20), pixel=1.0,
                                                  width=300, height=100), "shift")
    pair = pair_services.pair_create(project=actors.project, before=before, after=shifted, user=None)
    assert pair.status == PairStatus.READY
    assert not pair.resampled
    assert pair.after_cog_path == shifted.cog_path
    assert (pair.grid_width, pair.grid_height) == (170, 100)
    assert pair.before_offset == [30, 20]
    assert pair.after_offset == [0, 0]


def square(x, y, size=10):
    """A GeoJSON polygon of `size` metres at UTM offset (x, y) from the origin, in lon/lat."""
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(32616, 4326, always_xy=True)
    corners = [(X0 + x, Y0 - y), (X0 + x + size, Y0 - y), (X0 + x + size, Y0 - y - size), (X0 + x, Y0 - y - size)]
    ring = [list(to_lonlat.transform(*c)) for c in corners]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@pytest.fixture
def ready_pair(actors, scenes):
    before, after = scenes
    pair = pair_services.pair_create(project=actors.project, before=before, after=after, user=None, enqueue=False)
    return pair_services.pair_resample(pair_id=pair.pk)


def test_change_annotation_round_trip(actors, ready_pair):
    built = LabelClass.objects.create(project=actors.project, name="built", order=1)
    client = actors.client("annotator")
    url = f"/api/pairs/{ready_pair.id}/changes/"
    assert client.post(url, {"label_class": built.id}, format="json").json()["reason"] == "no_geometry"
    response = client.post(url, {"after_geometry": square(60, 60), "label_class": built.id}, format="json")
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["before_geometry"] is None
    assert change["after_geometry"]["type"] == "MultiPolygon"
    assert change["class_name"] == "built"
    assert change["can_edit"]
    assert change["version"] == 1

    listed = actors.client("reviewer").get(url).json()
    assert [c["id"] for c in listed] == [change["id"]]
    assert not any(c["can_edit"] is False for c in listed)

    detail = f"/api/changes/{change['id']}/"
    edited = client.patch(detail, {"version": 1, "before_geometry": square(60, 60, 5)}, format="json")
    assert edited.status_code == 200, edited.content
    assert edited.json()["version"] == 2
    assert edited.json()["before_geometry"] is not None
    stale = client.patch(detail, {"version": 1, "after_geometry": None}, format="json")
    assert stale.status_code == 409
    both_empty = client.patch(detail, {"version": 2, "after_geometry": None, "before_geometry": None}, format="json")
    assert both_empty.json()["reason"] == "no_geometry"

    # another annotator may not change it; a non-member sees nothing; anonymous is asked to sign in
    from django.contrib.auth import get_user_model

    from annotator.models import Membership

    other = get_user_model().objects.create_user("other", password="pw")
    Membership.objects.create(project=actors.project, user=other, role="annotator")
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    other_client = APIClient()
    other_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other).key}")
    refused = other_client.patch(detail, {"version": 2, "after_geometry": None}, format="json")
    assert refused.status_code == 403
    assert refused.json()["reason"] == "edit_not_allowed"
    assert actors.client("outsider").get(detail).status_code == 403
    assert actors.client(None).get(url).status_code == 401

    deleted = client.delete(detail, {"version": 2}, format="json")
    assert deleted.status_code == 200
    assert deleted.json()["deleted"]
    assert client.get(url).json() == []
    assert ChangeAnnotation.objects.get(pk=change["id"]).deleted  # kept, marked


def export_to(tmp_path, project, name, parameters=None) -> dict:
    dataset = export_dataset_select(project=project, filters=ExportFilters.parse({}))
    out = tmp_path / name
    manifest = exporter_for(name, parameters).export(dataset, out)
    return {"out": out, "manifest": manifest}


def test_change_masks_export_reads_back_on_the_common_grid(actors, ready_pair, tmp_path):
    LabelClass.objects.create(project=actors.project, name="water", order=0)
    built = LabelClass.objects.create(project=actors.project, name="built", order=1)  # index 2
    user = actors.users["annotator"]
    pair_services.change_create(pair=ready_pair, user=user, label_class=built.id, after_geometry=square(60, 60))
    pair_services.change_create(pair=ready_pair, user=user, label_class=built.id, before_geometry=square(100, 100, 20))
    pair_services.change_create(pair=ready_pair, user=user, after_geometry=square(150, 150))  # no class: left out
    result = export_to(tmp_path, actors.project, "change_masks")
    assert result["manifest"]["unclassified_left_out"] == 1
    files = [f for f in result["manifest"]["files"] if f.endswith(".tif")]
    assert len(files) == 1
    with rasterio.open(result["out"] / files[0]) as src:
        assert tuple(src.transform.to_gdal()) == tuple(ready_pair.grid_transform)
        assert (src.width, src.height, src.count) == (150, 150, 3)
        change, before, after = src.read()
    # square(60, 60) is grid cols/rows 10..19 (the grid starts 50 m in); square(100, 100, 20) is 50..69
    assert change[10:20, 10:20].min() == 2
    assert after[10:20, 10:20].min() == 2
    assert before[10:20, 10:20].max() == 0
    assert change[50:70, 50:70].min() == 2
    assert before[50:70, 50:70].min() == 2
    assert after[50:70, 50:70].max() == 0
    assert np.count_nonzero(change) == 10 * 10 + 20 * 20  # nothing else changed (the unclassified one left out)
    classes = json.loads((result["out"] / "change_masks" / "classes.json").read_text())
    assert [c["index"] for c in classes["classes"] if c["name"] == "built"] == [2]


def test_change_chips_pair_before_after_and_mask_with_blocked_splits(actors, ready_pair, tmp_path):
    built = LabelClass.objects.create(project=actors.project, name="built")
    pair_services.change_create(pair=ready_pair, user=None, label_class=built.id, after_geometry=square(60, 60))
    result = export_to(tmp_path, actors.project, "change_chips", {"size": 64})
    root = result["out"] / "change_chips"
    chips = json.loads((root / "chips.json").read_text())["chips"]
    assert chips
    assert sum(result["manifest"]["chips"].values()) == len(chips)
    listed = {line for split in ("train", "val", "test") for line in (root / f"{split}.txt").read_text().split()}
    assert listed == {f"before/{c['name']}.tif" for c in chips}
    first = next(c for c in chips if c["window"][:2] == [0, 0])
    with rasterio.open(root / "after" / f"{first['name']}.tif") as a, \
            rasterio.open(root / "before" / f"{first['name']}.tif") as b, \
            rasterio.open(root / "masks" / f"{first['name']}.tif") as m:
        assert a.transform == b.transform == m.transform
        rows, cols = np.mgrid[0:64, 0:64]
        np.testing.assert_array_equal(a.read(1), value_of(rows // 2, cols // 2))
        assert (b.read(1) == 10).all()
        assert m.read(1)[10:20, 10:20].min() == 1
        assert np.count_nonzero(m.read(1)) == 100
    # the split of each chip is the one the before scene's own blocks give
    from annotator.exports.chips import block_split
    from annotator.selectors.pairs import export_pairs

    pair = export_pairs(project_slug=actors.project.slug)[0]
    for chip in chips:
        col, row = chip["window"][0] + 50, chip["window"][1] + 50
        assert chip["split"] == block_split(seed=0, scene=pair.before, bx=col // 1024, by=row // 1024,
                                            ratios=(0.7, 0.15, 0.15))


def test_a_resampling_whose_worker_died_is_failed_by_the_reaper(actors, scenes):
    import datetime as dt

    from django.utils import timezone

    from annotator.services.jobs import Liveness

    before, after = scenes
    pair = pair_services.pair_create(project=actors.project, before=before, after=after, user=None, enqueue=False)
    old = timezone.now() - dt.timedelta(hours=1)
    ScenePair.objects.filter(pk=pair.pk).update(celery_task_id="t-dead", heartbeat_at=old)
    running = pair_services.pair_create(project=actors.project, before=after, after=before, user=None,
                                        enqueue=False)
    ScenePair.objects.filter(pk=running.pk).update(celery_task_id="t-running", heartbeat_at=old)
    reaped = pair_services.pairs_reap(alive=Liveness(alive=frozenset({"t-running"}), now=timezone.now()))
    assert reaped == [pair.pk]
    pair.refresh_from_db()
    assert pair.status == PairStatus.FAILED
    assert "worker" in pair.status_reason
    assert ScenePair.objects.get(pk=running.pk).status == PairStatus.RESAMPLING


@pytest.mark.parametrize("bad_id", [2**31 - 7, 0, -3, "abc", "", None, 2**70])
def test_pair_and_change_lookups_answer_not_found_for_ids_no_record_has(actors, bad_id):
    from core.errors import NotFound

    for lookup, key in [(permissions.pair_for_user, "pair_id"), (permissions.change_for_user, "change_id")]:
        with pytest.raises(NotFound):
            lookup(user=actors.users["staff"], **{key: bad_id})
    client = actors.client("staff")
    assert client.get("/api/pairs/99999999/").status_code == 404
    assert client.get(f"/api/changes/{2**70}/").status_code == 404


def test_a_pair_in_another_crs_is_warped_onto_the_before_grid(actors, scenes, tmp_path):
    from rasterio.transform import from_bounds

    before, _ = scenes
    west, south, east, north = before.footprint.extent
    path = tmp_path / "lonlat.tif"
    with rasterio.open(path, "w", driver="GTiff", width=150, height=150, count=3, dtype="uint8", crs="EPSG:4326",
                       transform=from_bounds(west, south, east, north, 150, 150)) as dst:
        dst.write(np.full((3, 150, 150), 77, dtype="uint8"))
    lonlat = ingest(actors.project, path, "lonlat")
    pair = pair_services.pair_create(project=actors.project, before=before, after=lonlat, user=None, enqueue=False)
    assert pair.grid_differences == ["crs"]
    assert (pair.grid_width, pair.grid_height) == (200, 200)  # the lon/lat box holds the whole before scene
    pair = pair_services.pair_resample(pair_id=pair.pk)
    assert pair.status == PairStatus.READY, pair.status_reason
    with rasterio.open(media_path(pair.after_cog_path)) as src:
        assert src.crs.to_epsg() == 32616
        assert tuple(src.transform.to_gdal()) == tuple(pair.grid_transform)
        values = src.read(1)
        covered = src.read_masks(1) > 0
    assert covered.mean() > 0.99
    assert set(np.unique(values[covered])) == {77}
