"""Imports: the SpaceNet sample GeoJSON (legacy crs member), round trips through GeoPackage, GeoJSON and COCO,
and bad files and CRS mismatches that give per-item errors and import nothing; through the service, API and CLI."""

import io
import json
import zipfile

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command
from pyogrio.raw import write
from shapely.geometry import shape

from annotator.exports.common import reproject, zip_write
from annotator.models import Annotation, LabelClass
from annotator.services.exports import dataset_export
from annotator.services.imports import ImportRejected, annotations_import
from annotator.tests.export_fixtures import LABELS, annotations_make, iou, scene_ready, to_shapely

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(actors):
    classes = [LabelClass.objects.create(project=actors.project, name=n) for n in ("building", "shed")]
    scene = scene_ready(actors.project)
    anns = annotations_make(actors.project, scene, classes, author=actors.users["annotator"])
    return actors.project, scene, classes, anns


def imported(scene, anns):
    """The annotations made after the fixture's."""
    return list(Annotation.objects.filter(scene=scene, id__gt=max(a.id for a in anns)).order_by("id"))


def do_import(project, scene, path, user=None, **options):
    return annotations_import(project=project, scene=scene, user=user, path=path, **options)


def rejected(project, scene, path, **options) -> list[dict]:
    before = Annotation.objects.count()
    with pytest.raises(ImportRejected) as info:
        do_import(project, scene, path, **options)
    assert Annotation.objects.count() == before  # all or nothing
    assert info.value.extra["imported"] == 0
    return info.value.extra["errors"]


def test_sample_geojson_in_utm_with_a_legacy_crs_member_imports_all_43_buildings(actors):
    LabelClass.objects.create(project=actors.project, name="building")
    scene = scene_ready(actors.project)
    report = do_import(actors.project, scene, LABELS, user=actors.users["admin"], default_class="building")
    assert report["imported"] == 43
    assert report["format"] == "geojson"
    rows = list(Annotation.objects.filter(scene=scene).order_by("id"))
    assert {r.source for r in rows} == {"imported"}
    assert {r.label_class.name for r in rows} == {"building"}
    source = [shape(f["geometry"]) for f in json.loads(LABELS.read_text())["features"]]
    footprint = shapely.from_wkb(bytes(scene.footprint.wkb))
    for row, geom in zip(rows, source, strict=True):
        expected = reproject(geom, "EPSG:32616", "EPSG:4326").intersection(footprint)
        assert iou(to_shapely(row), expected) > 0.999999


def _round_trip(project, scene, anns, fmt, tmp_path, parameters=None, user=None):
    out = tmp_path / fmt
    dataset_export(project=project, format=fmt, filters={}, parameters=parameters or {}, out_dir=out)
    return out


def _pairs(anns, new):
    assert len(new) == len(anns)
    return list(zip(anns, new, strict=True))


def test_geopackage_round_trip_gives_the_same_geometries_within_1e_7_degrees(data, tmp_path):
    project, scene, _classes, anns = data
    out = _round_trip(project, scene, anns, "geopackage", tmp_path)
    user = anns[0].author
    report = do_import(project, scene, out / "annotations.gpkg", user=user)
    assert report["imported"] == len(anns)  # buildings on the scene's edge are clipped to it, by ~1e-10 degrees
    for old, new in _pairs(anns, imported(scene, anns)):
        assert to_shapely(old).hausdorff_distance(to_shapely(new)) < 1e-7
        assert new.label_class_id == old.label_class_id
        assert new.source == "imported"
        assert new.predicted_quality == old.predicted_quality


def test_geojson_round_trip_is_exact_but_for_the_footprint_clip(data, tmp_path):
    project, scene, _classes, anns = data
    out = _round_trip(project, scene, anns, "geojson", tmp_path)
    do_import(project, scene, out / "annotations.geojson", user=anns[0].author)
    for old, new in _pairs(anns, imported(scene, anns)):
        assert to_shapely(old).hausdorff_distance(to_shapely(new)) < 1e-9


@pytest.mark.parametrize("segmentation", ["polygon", "rle"])
def test_coco_zip_with_sidecars_round_trips(data, tmp_path, segmentation):
    project, scene, _classes, anns = data
    out = _round_trip(project, scene, anns, "coco", tmp_path, {"segmentation": segmentation,
                                                               "include_images": False})
    zip_write(out, tmp_path / "coco.zip")
    report = do_import(project, scene, tmp_path / "coco.zip", user=anns[0].author)
    assert report["format"] == "coco"
    for old, new in _pairs(anns, imported(scene, anns)):
        assert iou(to_shapely(old), to_shapely(new)) > 0.9999
        assert new.label_class_id == old.label_class_id


def _collection(features, crs=None) -> dict:
    body = {"type": "FeatureCollection", "features": features}
    if crs:
        body["crs"] = {"type": "name", "properties": {"name": crs}}
    return body


def _feature(geom, **props) -> dict:
    return {"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}


def test_bad_features_give_one_error_each_and_nothing_is_imported(data, tmp_path):
    project, scene, _classes, anns = data
    good = to_shapely(anns[0])
    bowtie = shapely.Polygon([(good.bounds[0], good.bounds[1]), (good.bounds[2], good.bounds[3]),
                              (good.bounds[2], good.bounds[1]), (good.bounds[0], good.bounds[3])])
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(_collection([
        _feature(good, **{"class": "building"}),
        _feature(shapely.MultiPoint([good.centroid]), **{"class": "building"}),  # a Point is a point annotation
        _feature(good, **{"class": "tree"}),
        _feature(shapely.affinity.translate(good, 3, 0), **{"class": "building"}),
        {"type": "Feature", "geometry": None, "properties": {}},
        _feature(bowtie, **{"class": "shed"}),  # repaired (make_valid), not an error
    ])))
    errors = rejected(project, scene, path)
    assert [(e["item"], e["reason"]) for e in errors] == [
        ("feature 1", "not_polygonal"), ("feature 4", "empty"), ("feature 2", "unknown_class"),
        ("feature 3", "outside_scene")]


def test_utm_coordinates_without_a_crs_member_are_a_crs_mismatch_per_feature(data, tmp_path):
    project, scene, *_ = data
    utm = [shape(f["geometry"]) for f in json.loads(LABELS.read_text())["features"]][:3]
    path = tmp_path / "utm.geojson"
    path.write_text(json.dumps(_collection([_feature(g) for g in utm])))
    errors = rejected(project, scene, path)
    assert len(errors) == 3
    assert {e["reason"] for e in errors} == {"out_of_range"}
    assert "CRS" in errors[0]["message"]


def test_geopackage_in_another_crs_than_it_says_is_refused_per_feature(data, tmp_path):
    project, scene, *_ = data
    utm = [shape(f["geometry"]) for f in json.loads(LABELS.read_text())["features"]][:4]
    path = tmp_path / "wrong.gpkg"
    write(str(path), np.array([shapely.to_wkb(g) for g in utm], dtype=object), [], [], layer="labels",
          driver="GPKG", geometry_type="Polygon", crs="EPSG:32617")  # UTM coordinates, the neighbouring zone
    errors = rejected(project, scene, path)
    assert [e["reason"] for e in errors] == ["outside_scene"] * 4
    assert errors[0]["item"].startswith("layer labels")


def test_unreadable_files_and_ambiguous_geopackages_are_one_file_error(data, tmp_path):
    project, scene, *_ = data
    (tmp_path / "junk.geojson").write_text("{not json")
    assert rejected(project, scene, tmp_path / "junk.geojson")[0]["reason"] == "unreadable"
    (tmp_path / "junk.gpkg").write_bytes(b"SQLite format 3\0garbage")
    assert rejected(project, scene, tmp_path / "junk.gpkg")[0]["item"] == "file"
    two = tmp_path / "two.gpkg"
    for layer in ("a", "b"):
        write(str(two), np.array([shapely.to_wkb(shapely.box(0, 0, 1, 1))], dtype=object), [], [], layer=layer,
              driver="GPKG", geometry_type="Polygon", crs="EPSG:4326", append=two.exists())
    assert rejected(project, scene, two)[0]["reason"] == "choose_layer"
    (tmp_path / "empty.geojson").write_text(json.dumps(_collection([])))
    assert rejected(project, scene, tmp_path / "empty.geojson")[0]["reason"] == "empty"


def test_coco_without_sidecars_or_with_a_wrong_crs_is_refused_per_image(data, tmp_path):
    project, scene, _classes, anns = data
    out = _round_trip(project, scene, anns, "coco", tmp_path, {"include_images": False})
    body = (out / "coco" / "annotations.json").read_text()
    sidecar_path = next((out / "coco" / "georef").glob("*.json"))
    sidecar = json.loads(sidecar_path.read_text())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("coco/annotations.json", body)  # no georef/
    (tmp_path / "nosidecar.zip").write_bytes(buffer.getvalue())
    errors = rejected(project, scene, tmp_path / "nosidecar.zip")
    assert len(errors) == 1
    assert errors[0]["reason"] == "no_georeference"
    sidecar.update(crs="EPSG:32617", epsg=32617)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("coco/annotations.json", body)
        archive.writestr(f"coco/georef/{sidecar_path.name}", json.dumps(sidecar))
    (tmp_path / "wrongcrs.zip").write_bytes(buffer.getvalue())
    errors = rejected(project, scene, tmp_path / "wrongcrs.zip")
    assert len(errors) == len(anns)
    assert {e["reason"] for e in errors} == {"outside_scene"}


def test_import_api_admin_only_reports_per_item_errors_and_imports_nothing(data, actors, tmp_path):
    project, scene, _classes, anns = data
    out = _round_trip(project, scene, anns, "geojson", tmp_path)
    payload = (out / "annotations.geojson").read_bytes()

    def post(who, content, name="labels.geojson", **extra):
        upload = io.BytesIO(content)
        upload.name = name
        return actors.client(who).post(f"/api/scenes/{scene.id}/imports/", {"file": upload, **extra},
                                       format="multipart")

    assert post("annotator", payload).status_code == 403
    assert post("reviewer", payload).status_code == 403
    assert post("outsider", payload).status_code == 403
    assert post(None, payload).status_code in (401, 403)
    before = Annotation.objects.count()
    bad = json.loads(payload)
    bad["features"][3]["properties"]["class"] = "tree"
    response = post("admin", json.dumps(bad).encode())
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rejected"
    assert body["errors"][0]["reason"] == "unknown_class"
    assert Annotation.objects.count() == before
    response = post("admin", payload, format="geojson")
    assert response.status_code == 201, response.json()
    assert response.json()["imported"] == len(anns)
    assert Annotation.objects.count() == before + len(anns)


def test_import_cli(data, tmp_path, capsys):
    project, scene, _classes, anns = data
    out = _round_trip(project, scene, anns, "geopackage", tmp_path)
    call_command("import_annotations", str(out / "annotations.gpkg"), "--project", project.slug,
                 "--scene", str(scene.id), "--user", "padmin")
    assert f"imported {len(anns)} annotations" in capsys.readouterr().out
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps(_collection([_feature(shapely.box(0, 0, 1, 1))])))
    with pytest.raises(CommandError):
        call_command("import_annotations", str(bad), "--project", project.slug, "--scene", str(scene.id))
    assert "outside_scene" in capsys.readouterr().err


