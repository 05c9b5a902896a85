"""What every export format shares. No Django here: exporters take plain value objects and write files.

- `ExportScene`, `ExportAnnotation`, `ExportClass`, `ExportDataset`: what was selected, as plain data.
- `ExportFilters`: the filters an export accepts, checked and normalised (the query itself is a selector).
- reprojection: EPSG:4326 geometries to a scene's CRS and to its pixel grid (vectorised with shapely + pyproj).
- rasterisation on exactly a scene's grid (or a window of it): semantic (class index) and instance (object id).
- deterministic files: JSON with sorted keys, zip archives with sorted entries and fixed timestamps, so the same
  export of unchanged data gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from affine import Affine
from rasterio.features import rasterize
from rasterio.windows import Window

from core.geo import crs_of, reproject, transformer  # noqa: F401  (re-exported for the format modules)
from core.hashing import sha256_file  # noqa: F401

SOURCES = ("model", "human", "imported")
STATUSES = ("draft", "accepted", "rejected")
NODATA = 0  # masks: 0 is "unlabelled" (nodata); classes are 1..N in label-class order, instances 1..K
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
Progress = Callable[[float, str], None]


class ExportInputError(ValueError):
    """Bad filters or parameters; the message is for people."""


# ---------------------------------------------------------------- value objects


@dataclass(frozen=True)
class ExportClass:
    id: int
    name: str
    color: str
    index: int  # 1..N, the value in semantic masks; COCO category id; YOLO uses index - 1
    attributes: tuple = ()  # the class's typed attribute definitions (annotator.attributes)


@dataclass(frozen=True)
class ExportScene:
    id: int
    name: str
    path: str  # what GDAL opens for the scene's COG (a local path, or its /vsis3/ path in the media bucket)
    crs: str  # WKT or EPSG:code
    transform: tuple[float, ...]  # GDAL geotransform (c, a, b, f, d, e)
    width: int
    height: int
    checksum: str
    footprint: shapely.Polygon | None = None  # EPSG:4326
    created_at: dt.datetime | None = None
    annotations_version: int = 0
    local_copy: Callable[[], Path] | None = None  # a local file of the COG (fetched from the bucket if need be)

    def local_file(self) -> Path:
        """The COG as a local file, for exports that copy it whole."""
        return self.local_copy() if self.local_copy is not None else Path(self.path)

    @property
    def affine(self) -> Affine:
        return Affine.from_gdal(*self.transform)

    @property
    def stem(self) -> str:
        """A file-name-safe, unique name for the scene's files."""
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in self.name)[:60].strip("_")
        return f"scene_{self.id}" + (f"_{safe}" if safe else "")


@dataclass(frozen=True)
class ExportAnnotation:
    id: int
    scene_id: int
    geometry: shapely.MultiPolygon  # EPSG:4326, lon/lat
    label_class: ExportClass | None
    source: str
    status: str
    review_state: str
    author: str | None
    model_version_id: int | None
    predicted_quality: float | None
    created_at: dt.datetime
    updated_at: dt.datetime
    attribute_values: dict = field(default_factory=dict)  # the class attributes' values, {name: value}
    kind: str = "polygon"  # annotator.kinds; `geometry` is always the footprint
    shape: shapely.Point | shapely.LineString | None = None  # a point's or line's exact shape, EPSG:4326
    width_m: float | None = None  # a line's width

    def attributes(self, fields: Sequence[AttributeField] = ()) -> dict:
        """The attributes GeoJSON and GeoPackage carry, in a fixed order, then one `attr_<name>` per class
        attribute in `fields` (null where this annotation has no value)."""
        return {
            "annotation_id": self.id,
            "scene_id": self.scene_id,
            "class": self.label_class.name if self.label_class else None,
            "class_id": self.label_class.id if self.label_class else None,
            "status": self.status,
            "review_state": self.review_state,
            "source": self.source,
            "author": self.author,
            "model_version_id": self.model_version_id,
            "predicted_quality": self.predicted_quality,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            **{f.column: self.attribute_values.get(f.name) for f in fields},
        }


@dataclass(frozen=True)
class AttributeField:
    """One class attribute as an export column: `attr_<name>`, typed boolean, number or text (a name that two
    classes define with different types is text)."""

    name: str
    type: str  # "boolean" | "number" | "text" (choices are text)

    @property
    def column(self) -> str:
        return f"attr_{self.name}"


def attribute_fields(classes: Sequence[ExportClass]) -> list[AttributeField]:
    """Every attribute any of `classes` defines, in class order then definition order."""
    kinds: dict[str, str] = {}
    for label_class in classes:
        for definition in label_class.attributes:
            kind = {"boolean": "boolean", "number": "number"}.get(definition.get("type"), "text")
            name = definition["name"]
            kinds[name] = kind if kinds.get(name, kind) == kind else "text"
    return [AttributeField(name, kind) for name, kind in kinds.items()]


@dataclass
class ExportDataset:
    project_slug: str
    classes: list[ExportClass]
    scenes: list[ExportScene]
    annotations: list[ExportAnnotation]  # sorted by (scene_id, id)
    filters: dict = field(default_factory=dict)

    def attribute_fields(self) -> list[AttributeField]:
        return attribute_fields(self.classes)

    def by_scene(self) -> dict[int, list[ExportAnnotation]]:
        out: dict[int, list[ExportAnnotation]] = {scene.id: [] for scene in self.scenes}
        for ann in self.annotations:
            out.setdefault(ann.scene_id, []).append(ann)
        return out


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class ExportFilters:
    """Which annotations an export takes. Deleted annotations never; by default neither rejected ones."""

    scenes: tuple[int, ...] = ()
    classes: tuple[str | int, ...] = ()  # label-class ids or names
    statuses: tuple[str, ...] = ("draft", "accepted")
    reviewed_only: bool = False  # only review_state == approved
    sources: tuple[str, ...] = SOURCES
    since: dt.datetime | None = None  # created_at >= since
    until: dt.datetime | None = None  # created_at < until

    @classmethod
    def parse(cls, raw: dict | None) -> ExportFilters:
        raw = dict(raw or {})
        known = {"scenes", "classes", "statuses", "reviewed_only", "source", "sources", "since", "until"}
        unknown = set(raw) - known
        if unknown:
            raise ExportInputError(f"Unknown filters: {', '.join(sorted(unknown))}.")
        scenes = _as_tuple(raw.get("scenes"))
        try:
            scenes = tuple(sorted({int(s) for s in scenes}))
        except (TypeError, ValueError) as exc:
            raise ExportInputError("Filter 'scenes' takes scene ids.") from exc
        classes = tuple(int(c) if str(c).isdigit() else str(c) for c in _as_tuple(raw.get("classes")))
        statuses = tuple(_as_tuple(raw.get("statuses"))) or cls.statuses
        bad = [s for s in statuses if s not in STATUSES]
        if bad:
            raise ExportInputError(f"Unknown statuses {bad}; use {', '.join(STATUSES)}.")
        sources = tuple(_as_tuple(raw.get("sources", raw.get("source")))) or SOURCES
        bad = [s for s in sources if s not in SOURCES]
        if bad:
            raise ExportInputError(f"Unknown sources {bad}; use {', '.join(SOURCES)}.")
        return cls(scenes=scenes, classes=classes, statuses=tuple(sorted(set(statuses))),
                   reviewed_only=bool(raw.get("reviewed_only", False)), sources=tuple(sorted(set(sources))),
                   since=_as_datetime(raw.get("since"), "since"), until=_as_datetime(raw.get("until"), "until"))

    def as_dict(self) -> dict:
        return {"scenes": list(self.scenes), "classes": list(self.classes), "statuses": list(self.statuses),
                "reviewed_only": self.reviewed_only, "sources": list(self.sources),
                "since": iso(self.since), "until": iso(self.until)}


def _as_tuple(value) -> tuple:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, Iterable):
        return tuple(value)
    return (value,)


def _as_datetime(value, name: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise ExportInputError(f"Filter {name!r} must be an ISO 8601 date or date-time.") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


# ---------------------------------------------------------------- parameters


def parameters_check(raw: dict | None, defaults: dict, choices: dict | None = None) -> dict:
    """Merge `raw` over `defaults`, refusing unknown keys and values of the wrong type or outside `choices`."""
    raw = dict(raw or {})
    unknown = set(raw) - set(defaults)
    if unknown:
        raise ExportInputError(f"Unknown parameters: {', '.join(sorted(unknown))}; "
                               f"known: {', '.join(sorted(defaults)) or 'none'}.")
    out = dict(defaults)
    for key, value in raw.items():
        default = defaults[key]
        try:
            if isinstance(default, bool):
                value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            elif isinstance(default, int):
                value = int(value)
            elif isinstance(default, float):
                value = float(value)
            elif isinstance(default, list):
                value = [float(v) for v in (value.split(",") if isinstance(value, str) else value)]
        except (TypeError, ValueError) as exc:
            raise ExportInputError(f"Parameter {key!r} must be like {default!r}.") from exc
        if choices and key in choices and value not in choices[key]:
            raise ExportInputError(f"Parameter {key!r} must be one of {', '.join(map(str, choices[key]))}.")
        out[key] = value
    return out


# ---------------------------------------------------------------- reprojection


def to_pixels(geoms, affine: Affine):
    """Geometries in a grid's CRS to its pixel coordinates (column, row; (0, 0) is the top-left corner)."""
    inv = ~affine
    m = np.array([[inv.a, inv.b], [inv.d, inv.e]])
    offset = np.array([inv.c, inv.f])
    return shapely.transform(geoms, lambda coords: coords @ m.T + offset)


def from_pixels(geoms, affine: Affine):
    m = np.array([[affine.a, affine.b], [affine.d, affine.e]])
    offset = np.array([affine.c, affine.f])
    return shapely.transform(geoms, lambda coords: coords @ m.T + offset)


def scene_geometries(annotations: Sequence[ExportAnnotation], scene: ExportScene) -> np.ndarray:
    """The annotations' geometries in the scene's CRS, as a shapely array (one reprojection call for all)."""
    geoms = np.array([a.geometry for a in annotations], dtype=object)
    if len(geoms) == 0:
        return geoms
    return reproject(geoms, "EPSG:4326", scene.crs)


def pixel_geometries(annotations: Sequence[ExportAnnotation], scene: ExportScene) -> np.ndarray:
    """The annotations' geometries in the scene's pixel coordinates."""
    geoms = scene_geometries(annotations, scene)
    return to_pixels(geoms, scene.affine) if len(geoms) else geoms


# ---------------------------------------------------------------- rasterisation


def mask_dtype(max_value: int) -> np.dtype:
    for dtype in (np.uint8, np.uint16, np.uint32):
        if max_value <= np.iinfo(dtype).max:
            return np.dtype(dtype)
    raise ExportInputError("Too many objects for a 32-bit instance mask.")


def rasterize_on_grid(pixel_geoms: Sequence | np.ndarray, values: Sequence[int], *, width: int, height: int,
                      window: Window | None = None, dtype=None) -> np.ndarray:
    """Burn geometries given in scene pixel coordinates onto the scene grid (or a window of it).

    A pixel takes a geometry's value when the geometry covers the pixel's centre (GDAL's rule, the same rule the
    inference code uses to polygonise masks); later geometries draw over earlier ones. Returns (rows, cols).
    """
    dtype = dtype or mask_dtype(max(values, default=0))
    if window is None:
        window = Window(0, 0, width, height)
    shape = (int(window.height), int(window.width))
    pairs = [(g, int(v)) for g, v in zip(pixel_geoms, values, strict=True) if g is not None and not g.is_empty]
    if not pairs:
        return np.zeros(shape, dtype=dtype)
    grid = Affine.translation(window.col_off, window.row_off)
    return rasterize(pairs, out_shape=shape, transform=grid, fill=NODATA, dtype=dtype)


def object_masks(pixel_geoms: Sequence, windows: Sequence[Window], *, tile: int = 2048) -> list[np.ndarray]:
    """Each geometry's own mask (uint8 0/1) on its window of the scene grid, as `rasterize_on_grid` would give
    one by one, but burnt in batches: geometries that share no area with any other are burnt together per tile of
    the grid (one rasterisation per tile, memory bounded by the tile), the others one by one."""
    n = len(pixel_geoms)
    out: list[np.ndarray | None] = [None] * n
    if n == 0:
        return []
    geoms = np.array(pixel_geoms, dtype=object)
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.area(shapely.intersection(geoms[left], geoms[right])) > 0 if len(left) else np.zeros(0, bool)
    alone = np.ones(n, dtype=bool)
    alone[left[shared]] = False
    alone[right[shared]] = False
    groups: dict[tuple[int, int], list[int]] = {}
    for i in range(n):
        if alone[i]:
            groups.setdefault((int(windows[i].col_off) // tile, int(windows[i].row_off) // tile), []).append(i)
        else:
            out[i] = rasterize_on_grid([geoms[i]], [1], width=0, height=0, window=windows[i], dtype=np.uint8)
    for members in groups.values():
        c0 = min(int(windows[i].col_off) for i in members)
        r0 = min(int(windows[i].row_off) for i in members)
        c1 = max(int(windows[i].col_off + windows[i].width) for i in members)
        r1 = max(int(windows[i].row_off + windows[i].height) for i in members)
        burnt = rasterize_on_grid([geoms[i] for i in members], list(range(1, len(members) + 1)), width=0, height=0,
                                  window=Window(c0, r0, c1 - c0, r1 - r0), dtype=np.uint32)
        for k, i in enumerate(members, start=1):
            w = windows[i]
            rows = slice(int(w.row_off) - r0, int(w.row_off + w.height) - r0)
            cols = slice(int(w.col_off) - c0, int(w.col_off + w.width) - c0)
            out[i] = (burnt[rows, cols] == k).astype(np.uint8)
    return [mask for mask in out if mask is not None]  # every index was filled above


def class_values(annotations: Sequence[ExportAnnotation]) -> list[int]:
    return [a.label_class.index if a.label_class else 0 for a in annotations]


def window_box(window: Window):
    return shapely.box(window.col_off, window.row_off, window.col_off + window.width, window.row_off + window.height)


def window_affine(affine: Affine, window: Window) -> Affine:
    return affine @ Affine.translation(window.col_off, window.row_off)


# ---------------------------------------------------------------- deterministic files


def json_dump(path: Path, data, *, indent: int | None = 1) -> None:
    """Write JSON with sorted keys (written beside under a temporary name, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, sort_keys=True, indent=indent, ensure_ascii=False, allow_nan=False)
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def files_under(root: Path) -> list[str]:
    """Every file under root as sorted POSIX paths relative to it."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


STORED_SUFFIXES = (".tif", ".tiff", ".png", ".jpg", ".jpeg", ".gpkg.zip")


def zip_write(root: Path, zip_path: Path) -> None:
    """Zip every file under root: sorted entries, fixed timestamps and modes, so equal inputs give equal bytes.
    Written as ``<name>.part`` and renamed when complete: a half-written zip never carries the final name."""
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    partial = zip_path.with_name(f"{zip_path.name}.part")
    try:
        _zip_entries(root, partial)
        os.replace(partial, zip_path)
    finally:
        partial.unlink(missing_ok=True)


def _zip_entries(root: Path, zip_path: Path) -> None:
    with zipfile.ZipFile(zip_path, "w", allowZip64=True) as archive:
        for rel in files_under(root):
            info = zipfile.ZipInfo(rel, date_time=ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            stored = rel.lower().endswith(STORED_SUFFIXES)  # already compressed
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with open(root / rel, "rb") as src, archive.open(info, "w", force_zip64=True) as dst:
                for block in iter(functools.partial(src.read, 1 << 20), b""):
                    dst.write(block)


class ProgressSteps:
    """Turn 'done k of n' into calls of a progress callback with a fraction in [0, 1]."""

    def __init__(self, progress: Progress | None, total: int):
        self.progress = progress
        self.total = max(total, 1)
        self.done = 0

    def step(self, message: str = "") -> None:
        self.done += 1
        if self.progress:
            self.progress(min(self.done / self.total, 1.0), message)
