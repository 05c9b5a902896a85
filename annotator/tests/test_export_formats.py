"""Every export format on a real ingested scene with 43 pixel-aligned buildings: what the files hold, that GDAL,
pycocotools and our own readers agree with the annotations, splits that do not leak, and byte-identical reruns."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
import yaml
from pycocotools.coco import COCO
from rasterio.features import shapes
from shapely.geometry import shape

from annotator.exports.common import reproject
from annotator.exports.registry import formats
from annotator.models import Annotation, LabelClass
from annotator.services.exports import dataset_export
from annotator.tests.export_fixtures import annotations_make, iou, np_iou, scene_ready, to_shapely
from core.errors import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(actors):
    classes = [LabelClass.objects.create(project=actors.project, name=n, color="#aa0000") for n in ("building",
                                                                                                   "shed")]
    scene = scene_ready(actors.project)
    anns = annotations_make(actors.project, scene, classes, author=actors.users["annotator"])
    return actors.project, scene, classes, anns


def export(project, fmt, out: Path, parameters=None, filters=None):
    manifest = dataset_export(project=project, format=fmt, filters=filters or {"statuses": ["draft", "accepted"]},
                              parameters=parameters or {}, out_dir=out)
    return manifest


def ogrinfo(path: Path) -> str:
    proc = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_registry_lists_every_format():
    assert set(formats()) == {"coco", "geojson", "geopackage", "masks", "chips", "yolo", "stac", "coco_detection",
                              "yolo_detection", "dota", "tags_csv",
                              "change_masks", "change_chips"}


def test_registry_lists_every_format_when_a_format_module_was_imported_first():
    """A fresh process that imports one format module before asking (as the pair services import change_masks)
    still gets every format, not only those that module pulled in."""
    code = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'webapp.settings'); django.setup();"
            "import annotator.exports.change_masks; from annotator.exports.registry import formats;"
            "print(','.join(formats()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert set(out.stdout.strip().splitlines()[-1].split(",")) == set(formats())


def test_geojson_is_rfc7946_with_attributes_and_ogrinfo_opens_it(data, tmp_path):
    project, _scene, _classes, anns = data
    manifest = export(project, "geojson", tmp_path)
    body = json.loads((tmp_path / "annotations.geojson").read_text())
    assert "crs" not in body
    assert len(body["features"]) == len(anns) == manifest["counts"]["annotations"]
    by_id = {a.id: a for a in anns}
    for feature in body["features"]:
        ann = by_id[feature["id"]]
        geom = shape(feature["geometry"])
        assert geom.equals_exact(to_shapely(ann), 1e-12) or geom.symmetric_difference(to_shapely(ann)).area < 1e-18
        assert all(shapely.Polygon(p.exterior).exterior.is_ccw for p in geom.geoms)  # right-hand rule
        props = feature["properties"]
        assert props["class"] == ann.label_class.name
        assert props["status"] == ann.status
        assert props["author"] == "annotator"
        assert props["model_version_id"] == ann.model_version_id
        assert props["predicted_quality"] == ann.predicted_quality
        assert props["created_at"].startswith("2024-05-01")
    info = ogrinfo(tmp_path / "annotations.geojson")
    assert f"Feature Count: {len(anns)}" in info
    assert "WGS 84" in info


def test_geopackage_has_a_layer_in_the_scene_crs_and_ogrinfo_opens_it(data, tmp_path):
    project, _scene, _classes, anns = data
    manifest = export(project, "geopackage", tmp_path)
    info = ogrinfo(tmp_path / "annotations.gpkg")
    layer = manifest["format_report"]["layers"][0]
    assert f"Layer name: {layer}" in info
    assert f"Feature Count: {len(anns)}" in info
    assert "UTM zone 16N" in info
    for field in ("class", "status", "author", "model_version_id", "predicted_quality", "created_at", "updated_at"):
        assert f"{field}:" in info


def test_mask_geotiffs_are_cogs_on_the_scene_grid_and_polygonise_back_to_the_annotations(data, tmp_path):
    project, scene, classes, anns = data
    export(project, "masks", tmp_path)
    stem = f"scene_{scene.id}_atlanta"
    with rasterio.open(tmp_path / "masks" / f"{stem}_instance.tif") as inst, \
            rasterio.open(tmp_path / "masks" / f"{stem}_semantic.tif") as sem:
        for ds in (inst, sem):
            assert (ds.width, ds.height) == (scene.width, scene.height)
            assert list(ds.transform.to_gdal()) == pytest.approx(scene.transform, abs=1e-9)
            assert ds.crs.to_epsg() == 32616
            assert ds.nodata == 0
            assert ds.profile["tiled"]
            assert ds.overviews(1)
        instance, semantic, transform = inst.read(1), sem.read(1), inst.transform
    table = json.loads((tmp_path / "masks" / f"{stem}_instances.json").read_text())["instances"]
    assert len(table) == len(anns)
    for row in table:
        ann = next(a for a in anns if a.id == row["annotation_id"])
        mask = (instance == row["instance_id"]).astype("uint8")
        back = shapely.union_all([shape(g) for g, v in shapes(mask, mask=mask > 0, transform=transform) if v == 1])
        truth = reproject(to_shapely(ann), "EPSG:4326", scene.crs)
        assert iou(back, truth) >= 0.99, row
        assert set(np.unique(semantic[mask > 0])) == {ann.label_class_id - classes[0].id + 1}
    assert (semantic == 0).sum() > 0
    assert set(np.unique(semantic)) <= {0, 1, 2}


@pytest.mark.parametrize("segmentation", ["rle", "polygon"])
def test_pycocotools_loads_coco_and_its_masks_equal_our_rasterisation(data, tmp_path, segmentation):
    project, scene, _classes, anns = data
    export(project, "coco", tmp_path, {"segmentation": segmentation})
    export(project, "masks", tmp_path / "m", {"kind": "instance"})
    coco = COCO(str(tmp_path / "coco" / "annotations.json"))
    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == ["building", "shed"]
    image = coco.loadImgs(coco.getImgIds())[0]
    assert (image["width"], image["height"]) == (scene.width, scene.height)
    assert (tmp_path / "coco" / image["file_name"]).is_file()
    sidecar = json.loads((tmp_path / "coco" / image["georef"]).read_text())
    assert sidecar["epsg"] == 32616
    assert sidecar["geotransform"] == pytest.approx(scene.transform)
    with rasterio.open(tmp_path / "m" / "masks" / f"scene_{scene.id}_atlanta_instance.tif") as ds:
        instance = ds.read(1)
    table = json.loads((tmp_path / "m" / "masks" / f"scene_{scene.id}_atlanta_instances.json").read_text())
    instance_of = {row["annotation_id"]: row["instance_id"] for row in table["instances"]}
    records = coco.loadAnns(coco.getAnnIds())
    assert len(records) == len(anns)
    for record in records:
        ours = instance == instance_of[record["geoloop_annotation_id"]]
        theirs = coco.annToMask(record).astype(bool)
        if segmentation == "rle":
            assert np.array_equal(ours, theirs)
        else:  # pycocotools rasterises polygons its own way: pixel-aligned ones come out the same
            assert np_iou(ours, theirs) >= 0.99
        assert record["area"] == int(ours.sum())


def test_coco_chips_mode_writes_one_file_per_split_with_sidecars(data, tmp_path):
    project, *_ = data
    manifest = export(project, "coco", tmp_path, {"mode": "chips", "size": 256, "block_size_m": 64,
                                                  "segmentation": "rle"})
    total = 0
    for split in ("train", "val", "test"):
        coco = COCO(str(tmp_path / "coco" / f"annotations_{split}.json"))
        for image in coco.loadImgs(coco.getImgIds()):
            assert (image["width"], image["height"]) == (256, 256)
            assert json.loads((tmp_path / "coco" / image["georef"]).read_text())["window"][2:] == [256, 256]
        total += len(coco.getImgIds())
    assert total == sum(manifest["format_report"]["chips"].values()) > 0


def _chips_by_split(root: Path) -> dict:
    return json.loads((root / "chips" / "chips.json").read_text())["chips"]


def test_no_chip_straddles_two_splits_and_chips_of_different_splits_share_no_pixel(data, tmp_path):
    project, scene, *_ = data
    manifest = export(project, "chips", tmp_path, {"size": 128, "overlap": 32, "block_size_m": 150,
                                                   "splits": [0.5, 0.25, 0.25]})
    chips = _chips_by_split(tmp_path)
    report = manifest["format_report"]
    assert len({c["split"] for c in chips}) >= 2
    assert report["dropped_straddling_splits"] > 0
    block = report["block_size_px"][str(scene.id)]
    assert block % 96 == 0  # snapped to whole strides
    split_of_block = {}
    for chip in chips:
        col, row, w, h = chip["window"]
        for bx in range(col // block, (col + w - 1) // block + 1):
            for by in range(row // block, (row + h - 1) // block + 1):
                assert split_of_block.setdefault((bx, by), chip["split"]) == chip["split"]
    boxes = [(shapely.box(c["window"][0], c["window"][1], c["window"][0] + c["window"][2],
                          c["window"][1] + c["window"][3]), c["split"]) for c in chips]
    for i, (a, sa) in enumerate(boxes):
        for b, sb in boxes[i + 1:]:
            if sa != sb:
                assert a.intersection(b).area == 0
    listed = {}
    for split in ("train", "val", "test"):
        for line in (tmp_path / "chips" / f"{split}.txt").read_text().split():
            assert line not in listed
            listed[line] = split
            assert (tmp_path / "chips" / line).is_file()
            assert (tmp_path / "chips" / line.replace("images/", "masks/")).is_file()
    assert len(listed) == len(chips)


def test_chips_min_labelled_share_and_georeferenced_tiles(data, tmp_path):
    project, scene, *_ = data
    export(project, "chips", tmp_path, {"size": 128, "min_labelled_share": 0.05, "block_size_m": 1000})
    chips = _chips_by_split(tmp_path)
    assert chips
    assert all(c["labelled_share"] >= 0.05 for c in chips)
    name = chips[0]["name"]
    with rasterio.open(tmp_path / "chips" / "images" / f"{name}.tif") as img, \
            rasterio.open(tmp_path / "chips" / "masks" / f"{name}.tif") as mask:
        col, row = chips[0]["window"][:2]
        assert img.transform.c == pytest.approx(scene.transform[0] + col * scene.transform[1])
        assert img.transform.f == pytest.approx(scene.transform[3] + row * scene.transform[5])
        assert mask.transform == img.transform
        assert (mask.read(1) > 0).mean() >= 0.05


def test_yolo_labels_are_normalised_polygons_with_a_data_yaml(data, tmp_path):
    project, *_ = data
    manifest = export(project, "yolo", tmp_path, {"size": 256, "block_size_m": 64})
    spec = yaml.safe_load((tmp_path / "yolo" / "data.yaml").read_text())
    assert spec["names"] == {0: "building", 1: "shed"}
    assert spec["train"] == "images/train"
    lines = [line.split() for p in (tmp_path / "yolo" / "labels").rglob("*.txt") for line in p.read_text().splitlines()]
    assert len(lines) == manifest["format_report"]["label_lines"] > 0
    for parts in lines:
        assert parts[0] in ("0", "1")
        assert len(parts) >= 7
        assert len(parts) % 2 == 1
        assert all(0.0 <= float(v) <= 1.0 for v in parts[1:])
    for label in (tmp_path / "yolo" / "labels").rglob("*.txt"):
        split = label.parent.name
        assert (tmp_path / "yolo" / "images" / split / f"{label.stem}.tif").is_file()


def test_stac_catalog_has_an_item_per_scene_with_the_label_extension(data, tmp_path):
    project, scene, _classes, anns = data
    export(project, "stac", tmp_path)
    catalog = json.loads((tmp_path / "stac" / "catalog.json").read_text())
    assert catalog["type"] == "Catalog"
    assert catalog["stac_version"] == "1.0.0"
    items = [link for link in catalog["links"] if link["rel"] == "item"]
    assert len(items) == 1
    item_path = tmp_path / "stac" / items[0]["href"]
    item = json.loads(item_path.read_text())
    assert any("label" in ext for ext in item["stac_extensions"])
    props = item["properties"]
    assert props["label:type"] == "vector"
    assert props["label:classes"][0]["classes"] == ["building", "shed"]
    assert sum(c["count"] for c in props["label:overviews"][0]["counts"]) == len(anns)
    assert props["proj:epsg"] == 32616
    assert props["proj:shape"] == [scene.height, scene.width]
    for asset in item["assets"].values():
        assert (item_path.parent / asset["href"]).is_file()
    labels = json.loads((item_path.parent / item["assets"]["labels"]["href"]).read_text())
    assert len(labels["features"]) == len(anns)
    assert shapely.geometry.shape(item["geometry"]).contains(to_shapely(anns[0]).centroid)


@pytest.mark.parametrize(("fmt", "params"), [("coco", {}), ("geojson", {}), ("geopackage", {}), ("masks", {}),
                                        ("chips", {"size": 256}), ("yolo", {"size": 256}), ("stac", {})])
def test_two_runs_of_the_same_export_give_the_same_bytes(data, tmp_path, fmt, params):
    from annotator.exports.common import zip_write

    project, *_ = data
    first = export(project, fmt, tmp_path / "a", params)
    second = export(project, fmt, tmp_path / "b", params)
    assert first["files"] == second["files"]
    assert first["files"]
    for rel in first["files"]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (tmp_path / "b" / "manifest.json").read_bytes()
    zip_write(tmp_path / "a", tmp_path / "a.zip")
    zip_write(tmp_path / "b", tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_manifest_counts_checksums_scenes_and_model_versions(data, tmp_path):
    project, scene, classes, anns = data
    manifest = export(project, "geojson", tmp_path)
    assert manifest["counts"]["per_class"] == {
        "building": sum(a.label_class_id == classes[0].id for a in anns),
        "shed": sum(a.label_class_id == classes[1].id for a in anns)}
    assert manifest["scenes"][0]["checksum"] == scene.checksum
    assert manifest["model_versions"] == [7]
    assert set(manifest["files"]) == {"annotations.geojson"}
    assert len(manifest["files"]["annotations.geojson"]) == 64


def test_filters_select_what_they_say(data, tmp_path):
    project, scene, classes, anns = data
    Annotation.objects.filter(pk=anns[0].pk).update(deleted=True)
    Annotation.objects.filter(pk=anns[1].pk).update(status="rejected")

    def count(filters):
        out = tmp_path / str(len(list(tmp_path.iterdir())))
        return export(project, "geojson", out, filters=filters)["counts"]["annotations"]

    live = [a for a in anns[2:]]
    assert count({}) == len(live)
    assert count({"statuses": ["accepted"]}) == sum(a.status == "accepted" for a in live)
    assert count({"reviewed_only": True}) == sum(a.review_state == "approved" for a in live)
    assert count({"sources": ["model"]}) == sum(a.source == "model" for a in live)
    assert count({"classes": ["shed"]}) == sum(a.label_class_id == classes[1].id for a in live)
    assert count({"scenes": [scene.id]}) == len(live)
    assert count({"since": "2024-05-02"}) == 0
    assert count({"until": "2024-05-02"}) == len(live)
    assert count({"statuses": ["rejected"]}) == 1
    with pytest.raises(ValidationFailed):
        count({"classes": ["nope"]})
    with pytest.raises(ValidationFailed):
        count({"scenes": [999999]})


def test_unknown_format_and_bad_parameters_are_refused(data, tmp_path):
    project, *_ = data
    for fmt, params in (("shapefile", {}), ("coco", {"segmentation": "bitmap"}), ("chips", {"size": 4}),
                        ("chips", {"overlap": 600}), ("geojson", {"nope": 1}), ("chips", {"splits": [1, 1]})):
        with pytest.raises(ValidationFailed):
            export(project, fmt, tmp_path / "x", params)


def test_object_masks_in_batches_equal_one_by_one_rasterisation_with_overlaps_and_tiles():
    from rasterio.windows import Window

    from annotator.exports.common import object_masks, rasterize_on_grid

    rng = np.random.default_rng(3)
    geoms, windows = [], []
    for _ in range(300):
        x, y = rng.uniform(0, 500, 2)
        geom = shapely.Point(x, y).buffer(rng.uniform(2, 15), quad_segs=rng.integers(2, 8))
        minx, miny, maxx, maxy = geom.bounds
        c0, r0 = int(np.floor(minx)), int(np.floor(miny))
        geoms.append(geom)
        windows.append(Window(c0, r0, int(np.ceil(maxx)) - c0, int(np.ceil(maxy)) - r0))
    batched = object_masks(geoms, windows, tile=128)
    for geom, window, mask in zip(geoms, windows, batched, strict=True):
        alone = rasterize_on_grid([geom], [1], width=0, height=0, window=window, dtype=np.uint8)
        assert np.array_equal(mask, alone)
