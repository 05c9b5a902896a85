"""COCO reader with georeference sidecars (as GeoLoop's COCO export writes them): a zip, a folder, or one
annotations JSON with its sidecars beside it. Each image needs a sidecar (image["georef"], else
georef/<image stem>.json) giving its CRS and affine transform; pixel polygons or RLE masks go through that affine to
the image CRS, then to EPSG:4326. Categories become class names. A polygon segmentation has no holes (COCO);
an RLE mask is polygonised on the pixel grid, holes included.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import shapely
from affine import Affine
from pycocotools import mask as mask_utils
from pyproj.exceptions import CRSError
from rasterio.features import shapes
from shapely.geometry import shape

from annotator.exports.common import crs_of, from_pixels, reproject
from annotator.imports.common import ImportedFeature, ImportFileError, ImportItemError, ImportRead, quality_of
from annotator.imports.guard import DEFAULT_ARCHIVE_LIMITS, ArchiveLimits, archive_extract


def _is_coco(data) -> bool:
    return isinstance(data, dict) and isinstance(data.get("images"), list) and isinstance(data.get("annotations"),
                                                                                          list)


def _load(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, OSError):
        return None


def _sidecar(root: Path, image: dict) -> tuple[dict | None, str | None]:
    candidates = []
    if image.get("georef"):
        candidates.append(image["georef"])
    stem = PurePosixPath(str(image.get("file_name", ""))).stem
    candidates.append(f"georef/{stem}.json")
    for rel in candidates:
        parts = PurePosixPath(str(rel)).parts
        if PurePosixPath(str(rel)).is_absolute() or ".." in parts:
            return None, f"sidecar path {rel!r} leaves the dataset folder"
        data = _load(root.joinpath(*parts))
        if isinstance(data, dict):
            return data, None
    return None, f"no georeference sidecar ({' or '.join(map(str, candidates))})"


def _affine_crs(sidecar: dict) -> tuple[Affine, str]:
    crs = sidecar.get("crs") or (f"EPSG:{sidecar['epsg']}" if sidecar.get("epsg") else None)
    if not crs:
        raise ValueError("the sidecar names no CRS")
    crs_of(str(crs))  # raises CRSError when unknown
    if sidecar.get("affine") and len(sidecar["affine"]) >= 6:
        affine = Affine(*[float(v) for v in sidecar["affine"][:6]])
    elif sidecar.get("geotransform") and len(sidecar["geotransform"]) == 6:
        affine = Affine.from_gdal(*[float(v) for v in sidecar["geotransform"]])
    else:
        raise ValueError("the sidecar has no affine transform")
    if affine.determinant == 0:
        raise ValueError("the sidecar's affine transform is singular")
    return affine, str(crs)


def _pixel_geometry(segmentation, height: int, width: int):
    if isinstance(segmentation, list):
        polygons = []
        for ring in segmentation:
            coords = np.asarray(ring, dtype=float)
            if coords.size < 6 or coords.size % 2:
                raise ValueError("a polygon needs at least 3 x, y pairs")
            polygons.append(shapely.Polygon(coords.reshape(-1, 2)))
        if not polygons:
            raise ValueError("empty segmentation")
        return shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    if isinstance(segmentation, dict) and "counts" in segmentation:
        size = segmentation.get("size") or [height, width]
        rle = segmentation
        if isinstance(rle["counts"], list):
            rle = mask_utils.frPyObjects(rle, int(size[0]), int(size[1]))
        elif isinstance(rle["counts"], str):
            rle = {"size": size, "counts": rle["counts"].encode("ascii")}
        mask = mask_utils.decode(rle).astype(np.uint8)
        parts = [shape(g) for g, v in shapes(mask, mask=mask > 0, connectivity=4) if v == 1]
        if not parts:
            raise ValueError("the RLE mask is empty")
        return shapely.union_all(parts)
    raise ValueError("segmentation is neither polygons nor RLE")


def _bbox_polygon(bbox) -> shapely.Polygon:
    """A COCO bbox [x, y, w, h] (pixels) as its rectangle."""
    x, y, w, h = (float(v) for v in bbox)
    if not all(np.isfinite([x, y, w, h])) or w <= 0 or h <= 0:
        raise ValueError("a bbox is [x, y, width, height] with width and height above 0")
    return shapely.box(x, y, x + w, y + h)


def _read_one(json_path: Path, root: Path, result: ImportRead) -> None:
    data = _load(json_path)
    rel = json_path.relative_to(root).as_posix()
    categories = {c.get("id"): str(c.get("name")) for c in data.get("categories", []) if isinstance(c, dict)}
    images: dict[object, tuple | None] = {}
    for image in data["images"]:
        item = f"{rel}: image {image.get('id')} ({image.get('file_name')})"
        sidecar, why = _sidecar(json_path.parent, image)
        if sidecar is None:
            result.errors.append(ImportItemError(item, "no_georeference", f"The image has {why}."))
            images[image.get("id")] = None
            continue
        try:
            images[image.get("id")] = (image, *_affine_crs(sidecar))
        except (ValueError, TypeError, CRSError) as exc:
            result.errors.append(ImportItemError(item, "bad_georeference", f"Its sidecar is unusable: {exc}."))
            images[image.get("id")] = None
    for ann in data["annotations"]:
        item = f"{rel}: annotation {ann.get('id')}"
        if ann.get("image_id") not in images:
            result.errors.append(ImportItemError(item, "unknown_image", f"No image {ann.get('image_id')!r}."))
            continue
        placed = images[ann.get("image_id")]
        if placed is None:
            continue  # its image's error is reported once
        image, affine, crs = placed
        if ann.get("category_id") not in categories:
            result.errors.append(ImportItemError(item, "unknown_category", f"No category {ann.get('category_id')!r}."))
            continue
        kind = "polygon"
        try:
            if not ann.get("segmentation") and ann.get("bbox") is not None:  # detection only: an axis-aligned box
                pixel, kind = _bbox_polygon(ann["bbox"]), "box"
            else:
                pixel = _pixel_geometry(ann.get("segmentation"), int(image.get("height", 0)),
                                        int(image.get("width", 0)))
            geom = reproject(from_pixels(pixel, affine), crs, "EPSG:4326")
        except Exception as exc:  # noqa: BLE001 - each bad annotation is reported, the file goes on
            result.errors.append(ImportItemError(item, "invalid_segmentation", f"Unusable segmentation: {exc}."))
            continue
        attributes = ann.get("attributes")
        if attributes is not None and not isinstance(attributes, dict):
            result.errors.append(ImportItemError(item, "invalid_attributes", "`attributes` must be an object."))
            continue
        result.features.append(ImportedFeature(item=item, geometry=geom, class_name=categories[ann["category_id"]],
                                               predicted_quality=quality_of(ann), properties=attributes or {},
                                               attributes_only=True, kind=kind))


def _wanted(member: zipfile.ZipInfo) -> bool:
    """Only the JSON files (annotations and georeference sidecars) are read; images and anything else stay packed."""
    return member.filename.lower().endswith(".json")


def coco_read(path: Path, *, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS) -> ImportRead:
    """Read a COCO folder, zip or JSON file. A zip is checked from its member list against `limits` (members, size,
    compression ratio, member names) before anything is extracted, and only its JSON files are extracted."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="geoloop-coco-") as tmp:
        if path.is_dir():
            root = path
        elif zipfile.is_zipfile(path):
            root = Path(tmp)
            try:
                with zipfile.ZipFile(path) as archive:
                    archive_extract(archive, root, wanted=_wanted, limits=limits)
            except (zipfile.BadZipFile, OSError) as exc:
                raise ImportFileError(f"Not a readable zip: {exc}.") from exc
        else:
            root = path.parent
            if not _is_coco(_load(path)):
                raise ImportFileError("Not a COCO file: expected `images` and `annotations` lists.")
            result = ImportRead()
            _read_one(path, root, result)
            return result
        files = sorted(p for p in root.rglob("*.json") if "georef" not in p.relative_to(root).parts)
        coco_files = [p for p in files if _is_coco(_load(p))]
        if not coco_files:
            raise ImportFileError("No COCO annotations file (with `images` and `annotations`) found.")
        result = ImportRead()
        for json_path in coco_files:
            _read_one(json_path, root, result)
        return result
