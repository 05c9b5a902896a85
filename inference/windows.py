"""Embedding-window geometry: pure math, no I/O.

Coordinates
-----------
Scene pixel coordinates are continuous, x to the right and y down, with pixel corners on integers: the centre
of source pixel (col i, row j) is (i + 0.5, j + 0.5) — rasterio's convention. Window pixel coordinates follow
the same convention inside a window of ``size`` x ``size`` model pixels.

Levels
------
A window at level ``L`` samples the scene with a scale ``s = 2**L`` source pixels per window pixel: level 0 is
the native resolution, positive levels are the COG's overviews (coarser, for large objects), negative levels
zoom in past the native resolution (fewer source pixels upsampled to the model input; small objects need it).
A window covers ``size * s`` source pixels on each side. Windows overlap by half: their grid has a stride of
``size * s / 2`` source pixels and is anchored at scene pixel (0, 0), so window ``(col, row)`` has its top-left
corner at scene pixel ``(col * stride, row * stride)``. ``col``/``row`` may be -1 so that a point near the
scene's top or left edge still gets a window with that point near its centre (the part outside the scene is
read as 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from affine import Affine

DEFAULT_WINDOW_SIZE = 1024
DEFAULT_MIN_LEVEL = -2
# The finest level a focus window may take: SAM sees a window through a 64 x 64 grid of patch embeddings, one per
# 16 model pixels (1024 / 64); at level -4 a patch covers one source pixel, and a finer window would only spread
# the same pixels over more patches.
FOCUS_MIN_LEVEL = -4


@dataclass(frozen=True, slots=True)
class Window:
    """One embedding window: level, grid column and row, size in model pixels."""

    level: int
    col: int
    row: int
    size: int = DEFAULT_WINDOW_SIZE

    @property
    def scale(self) -> float:
        """Source pixels per window pixel (2**level)."""
        return 2.0**self.level

    @property
    def stride(self) -> float:
        """Grid step in source pixels (half the window's extent)."""
        return self.size * self.scale / 2

    @property
    def extent(self) -> float:
        """Side of the window in source pixels."""
        return self.size * self.scale

    @property
    def origin(self) -> tuple[float, float]:
        """Scene pixel (x, y) of the window's top-left corner."""
        return (self.col * self.stride, self.row * self.stride)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(x_min, y_min, x_max, y_max) in scene pixels."""
        x0, y0 = self.origin
        return (x0, y0, x0 + self.extent, y0 + self.extent)

    @property
    def center(self) -> tuple[float, float]:
        """Scene pixel (x, y) of the window's centre."""
        x0, y0 = self.origin
        half = self.extent / 2
        return (x0 + half, y0 + half)

    @property
    def key(self) -> str:
        """Stable string key, e.g. ``"L-2/c3/r5/s1024"``: part of the embedding cache key."""
        return f"L{self.level}/c{self.col}/r{self.row}/s{self.size}"

    @classmethod
    def from_key(cls, key: str) -> Window:
        """Inverse of :attr:`key`. Raises ValueError on a malformed key."""
        try:
            lvl, col, row, size = key.split("/")
            if not (lvl[0] == "L" and col[0] == "c" and row[0] == "r" and size[0] == "s"):
                raise ValueError(key)
            return cls(level=int(lvl[1:]), col=int(col[1:]), row=int(row[1:]), size=int(size[1:]))
        except (ValueError, IndexError) as exc:
            raise ValueError(f"malformed window key: {key!r}") from exc

    def scene_to_window(self, x: float, y: float) -> tuple[float, float]:
        """Scene pixel (x, y) -> window pixel (u, v)."""
        x0, y0 = self.origin
        return ((x - x0) / self.scale, (y - y0) / self.scale)

    def window_to_scene(self, u: float, v: float) -> tuple[float, float]:
        """Window pixel (u, v) -> scene pixel (x, y)."""
        x0, y0 = self.origin
        return (x0 + u * self.scale, y0 + v * self.scale)

    def pixel_transform(self) -> Affine:
        """Affine from window pixels to scene pixels."""
        x0, y0 = self.origin
        return Affine.translation(x0, y0) @ Affine.scale(self.scale)

    def geo_transform(self, scene_transform: Affine) -> Affine:
        """Affine from window pixels to the scene CRS, given the scene's pixel -> CRS affine."""
        return scene_transform @ self.pixel_transform()

    def contains(self, x: float, y: float, *, margin: float = 0.0) -> bool:
        """Whether scene pixel (x, y) lies inside the window, at least ``margin`` window pixels from its edge."""
        u, v = self.scene_to_window(x, y)
        return margin <= u <= self.size - margin and margin <= v <= self.size - margin


def max_useful_level(*, width: int, height: int, size: int = DEFAULT_WINDOW_SIZE) -> int:
    """Smallest level at which a single window covers the whole scene (never below 0)."""
    longest = max(width, height)
    if longest <= size:
        return 0
    return math.ceil(math.log2(longest / size))


def choose_level(
    *,
    map_resolution: float,
    gsd: float,
    min_level: int = DEFAULT_MIN_LEVEL,
    max_level: int,
) -> int:
    """Level for an annotator working at ``map_resolution`` (metres per screen pixel) on a scene of ``gsd``.

    One window pixel should match about one screen pixel: the level is the nearest power of two (in log space)
    to ``map_resolution / gsd`` source pixels per screen pixel, clamped to ``[min_level, max_level]``.
    ``max_level`` is the scene's coarsest overview level (or :func:`max_useful_level`).
    """
    if not (map_resolution > 0 and gsd > 0):
        raise ValueError(f"map_resolution and gsd must be positive, got {map_resolution!r}, {gsd!r}")
    if min_level > max_level:
        raise ValueError(f"min_level {min_level} > max_level {max_level}")
    level = round(math.log2(map_resolution / gsd))
    return max(min_level, min(max_level, level))


OBJECT_WINDOW_FRACTION = 3  # an object of side d is best answered in a window about 3 d across


def level_for_object_size(*, object_size_m: float, gsd: float, min_level: int, max_level: int,
                          size: int = DEFAULT_WINDOW_SIZE) -> int:
    """Level for an object of about ``object_size_m`` metres a side on a scene of ``gsd``: the window spans about
    :data:`OBJECT_WINDOW_FRACTION` times the object (the zoom an annotator picks to outline it), i.e. the level of
    a map at ``3 * object_size_m / size`` metres per pixel (:func:`choose_level`)."""
    if not (object_size_m > 0 and gsd > 0):
        raise ValueError(f"object_size_m and gsd must be positive, got {object_size_m!r}, {gsd!r}")
    if min_level > max_level:
        raise ValueError(f"min_level {min_level} > max_level {max_level}")
    # in logs, so that no size a client sends overflows
    level = round(math.log2(OBJECT_WINDOW_FRACTION) + math.log2(object_size_m) - math.log2(size) - math.log2(gsd))
    return max(min_level, min(max_level, level))


def focus_level(*, object_extent_m: float, gsd: float, max_level: int, min_level: int = FOCUS_MIN_LEVEL,
                size: int = DEFAULT_WINDOW_SIZE) -> int:
    """The finest level whose windows hold an object ``object_extent_m`` metres across wherever a click on it lands
    in the window's central half (:func:`window_for_point` keeps a click at least a quarter of the window from
    every edge, so a window twice the object's extent holds it), whatever the imagery's ground sample distance
    ``gsd``; clamped to ``[min_level, max_level]``."""
    if not (object_extent_m > 0 and gsd > 0):
        raise ValueError(f"object_extent_m and gsd must be positive, got {object_extent_m!r}, {gsd!r}")
    level = math.ceil(math.log2(2 * object_extent_m / (gsd * size)) - 1e-9)
    return max(min(min_level, max_level), min(max_level, level))


def _grid_range(lo: float, hi: float, stride: float, extent_px: int) -> range:
    """Grid indices whose window [i*stride, i*stride + 2*stride) meets [lo, hi) ∩ [0, extent_px)."""
    lo, hi = max(lo, 0.0), min(hi, float(extent_px))
    if hi <= lo:
        return range(0)
    first = math.floor(lo / stride) - 1  # window i covers [i*stride, (i+2)*stride)
    last = math.ceil(hi / stride) - 1
    return range(first, last + 1)


def windows_for_scene(*, level: int, width: int, height: int, size: int = DEFAULT_WINDOW_SIZE) -> list[Window]:
    """All grid windows at ``level`` that intersect the scene, row-major."""
    stride = size * 2.0**level / 2
    return [
        Window(level, c, r, size)
        for r in _grid_range(0, height, stride, height)
        for c in _grid_range(0, width, stride, width)
    ]


def window_for_point(*, x: float, y: float, level: int, size: int = DEFAULT_WINDOW_SIZE) -> Window:
    """The grid window at ``level`` whose centre is nearest scene pixel (x, y).

    The point is then at most ``size / 4`` window pixels from the centre along each axis, i.e. at least
    ``size / 4`` from every edge.
    """
    stride = size * 2.0**level / 2
    # window i has its centre at (i + 1) * stride
    col = round(x / stride) - 1
    row = round(y / stride) - 1
    return Window(level, col, row, size)


def window_for_prompt(
    *,
    points: list[tuple[float, float]],
    box: tuple[float, float, float, float] | None = None,
    level: int,
    size: int = DEFAULT_WINDOW_SIZE,
) -> Window:
    """The window for a prompt: nearest-centre window to the centroid of its points (and box corners).

    ``points`` and ``box`` (x_min, y_min, x_max, y_max) are in scene pixels.
    """
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    if box is not None:
        xs += [box[0], box[2]]
        ys += [box[1], box[3]]
    if not xs:
        raise ValueError("a prompt needs at least one point or a box")
    return window_for_point(x=sum(xs) / len(xs), y=sum(ys) / len(ys), level=level, size=size)


def windows_in_viewport(
    *,
    viewport: tuple[float, float, float, float],
    level: int,
    width: int,
    height: int,
    size: int = DEFAULT_WINDOW_SIZE,
    limit: int | None = None,
) -> list[Window]:
    """Windows at ``level`` meeting ``viewport`` (x_min, y_min, x_max, y_max in scene pixels) and the scene.

    Ordered by the distance of the window centre from the viewport centre, nearest first (ties by row, col),
    so a prefetcher encodes what the annotator most likely clicks next first.
    """
    x_min, y_min, x_max, y_max = viewport
    if x_max <= x_min or y_max <= y_min:
        raise ValueError(f"empty viewport {viewport!r}")
    stride = size * 2.0**level / 2
    cx, cy = (x_min + x_max) / 2, (y_min + y_max) / 2
    found = [
        Window(level, c, r, size)
        for r in _grid_range(y_min, y_max, stride, height)
        for c in _grid_range(x_min, x_max, stride, width)
    ]
    found.sort(key=lambda w: ((w.center[0] - cx) ** 2 + (w.center[1] - cy) ** 2, w.row, w.col))
    return found[:limit] if limit is not None else found


def scene_window(*, level: int, width: int, height: int, size: int = DEFAULT_WINDOW_SIZE) -> Window | None:
    """The one window at ``level`` that holds the whole scene (grid window (0, 0)), or None when the scene is larger
    than a window at that level. A small scene then needs a single encode, and no click waits near an edge."""
    extent = size * 2.0**level
    if width <= extent and height <= extent:
        return Window(level, 0, 0, size)
    return None


def prompt_window_candidates(
    *,
    points: list[tuple[float, float]],
    box: tuple[float, float, float, float] | None = None,
    level: int,
    width: int,
    height: int,
    size: int = DEFAULT_WINDOW_SIZE,
) -> list[Window]:
    """Windows at ``level`` that can answer a prompt, best first: the nearest-centre window
    (:func:`window_for_prompt`), then the whole-scene window when the scene fits in one (what the prefetch encodes
    for a small scene), then the other grid windows at ``level`` that hold every prompt corner at least
    ``size / 8`` window pixels from their edges (so a window already encoded for a neighbouring click serves this
    one, at the same scale). The caller takes the first one already encoded, else the first. Scene pixels."""
    corners = list(points) + ([(box[0], box[1]), (box[2], box[3])] if box is not None else [])
    if not corners:
        raise ValueError("a prompt needs at least one point or a box")
    first = window_for_prompt(points=points, box=box, level=level, size=size)
    out = [first]
    whole = scene_window(level=level, width=width, height=height, size=size)
    if whole is not None and whole != first:
        out.append(whole)
    margin = size / 8
    xs = [c[0] for c in corners]
    ys = [c[1] for c in corners]
    stride = size * 2.0**level / 2
    cols = range(math.floor(max(xs) / stride) - 2, math.floor(min(xs) / stride) + 1)
    rows = range(math.floor(max(ys) / stride) - 2, math.floor(min(ys) / stride) + 1)
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    others = [Window(level, c, r, size) for r in rows for c in cols if Window(level, c, r, size) not in out]
    others = [w for w in others if all(w.contains(x, y, margin=margin) for x, y in corners)]
    others.sort(key=lambda w: ((w.center[0] - cx) ** 2 + (w.center[1] - cy) ** 2, w.row, w.col))
    return out + others
