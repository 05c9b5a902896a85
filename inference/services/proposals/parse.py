"""Step 1: the message body -> :class:`PromptInput` (pure; every malformed field named)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from inference.services.errors import PromptInvalid, TooManyPoints

MAX_POINTS = 64


@dataclass(frozen=True)
class PromptInput:
    points: list[tuple[float, float]]  # lon, lat
    labels: list[int]
    box: tuple[float, float, float, float] | None  # min lon, min lat, max lon, max lat
    map_resolution: float | None = None  # ground metres per screen pixel (the map's zoom; the front end sends it)
    previous_proposal_id: int | None = None
    model_version_id: int | None = None
    object_size_m: float | None = None  # the object's rough side in metres (a script knows it)
    level: int | None = None  # the window level itself (inference.windows: 2**level source px per window px)
    label_class_id: int | None = None  # the class being drawn: its own size prior scores the candidates

    @property
    def scale(self) -> Scale:
        return Scale(map_resolution=self.map_resolution, object_size_m=self.object_size_m, level=self.level)


SCALE_FIELDS = ("object_size_m", "level", "map_resolution")


@dataclass(frozen=True)
class Scale:
    """How big the prompt's window is, in one of three terms (exactly one is set):

    - ``object_size_m``: the object's rough side in metres; the window is chosen so the object spans about a third
      of it (:func:`inference.windows.level_for_object_size`);
    - ``level``: the window level (a window samples ``2**level`` source pixels per model pixel and covers
      ``1024 * 2**level`` source pixels a side; from -2 up to the level whose one window covers the scene);
    - ``map_resolution``: ground metres per screen pixel of a map view (one window pixel per screen pixel)."""

    map_resolution: float | None = None
    object_size_m: float | None = None
    level: int | None = None


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PromptInvalid(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _optional_id(value, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PromptInvalid(f"{what} must be a positive integer or null, got {value!r}")
    return value


def _points_parse(raw_points: list) -> list[tuple[float, float]]:
    points = []
    for i, p in enumerate(raw_points):
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise PromptInvalid(f"points[{i}] must be [lon, lat], got {p!r}")
        lon, lat = _number(p[0], f"points[{i}][0]"), _number(p[1], f"points[{i}][1]")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise PromptInvalid(f"points[{i}] = {p!r} is not a lon/lat position (EPSG:4326)")
        points.append((lon, lat))
    return points


def _labels_parse(raw_labels: list, *, n_points: int) -> list[int]:
    if len(raw_labels) != n_points:
        raise PromptInvalid(f"labels must have one entry per point ({n_points}), got {len(raw_labels)}")
    labels = []
    for i, lab in enumerate(raw_labels):
        if isinstance(lab, bool) or lab not in (0, 1):
            raise PromptInvalid(f"labels[{i}] must be 1 (object) or 0 (background), got {lab!r}")
        labels.append(int(lab))
    return labels


def _box_parse(box) -> tuple[float, float, float, float] | None:
    if box is None:
        return None
    if not isinstance(box, list | tuple) or len(box) != 4:
        raise PromptInvalid(f"box must be [min lon, min lat, max lon, max lat] or null, got {box!r}")
    box = tuple(_number(v, f"box[{i}]") for i, v in enumerate(box))
    if not (box[0] < box[2] and box[1] < box[3]):
        raise PromptInvalid(f"box must have min < max on both axes, got {list(box)}")
    if not (-180 <= box[0] and box[2] <= 180 and -90 <= box[1] and box[3] <= 90):
        raise PromptInvalid(f"box {list(box)} is not in lon/lat (EPSG:4326)")
    return box


def _positive(value, what: str, unit: str) -> float:
    number = _number(value, what)
    if number <= 0:
        raise PromptInvalid(f"{what} must be positive ({unit}), got {number}")
    return number


def scale_parse(data: Mapping) -> Scale:
    """The scale of a prompt or a prefetch: exactly one of ``object_size_m``, ``level``, ``map_resolution``."""
    given = [name for name in SCALE_FIELDS if data.get(name) is not None]
    if len(given) != 1:
        detail = "none" if not given else " and ".join(given)
        raise PromptInvalid(f"give exactly one of object_size_m (metres), level (window level) or map_resolution "
                            f"(metres per screen pixel); got {detail}")
    if given[0] == "level":
        level = data["level"]
        if isinstance(level, bool) or not isinstance(level, int):
            raise PromptInvalid(f"level must be a whole number, got {level!r}")
        return Scale(level=level)
    if given[0] == "object_size_m":
        return Scale(object_size_m=_positive(data["object_size_m"], "object_size_m", "metres"))
    return Scale(map_resolution=_positive(data["map_resolution"], "map_resolution", "metres per screen pixel"))


def prompt_input_parse(data: Mapping) -> PromptInput:
    """Validate a prompt body (the WebSocket message or the REST body); raises :class:`PromptInvalid` (or
    :class:`TooManyPoints`) naming the field."""
    if not isinstance(data, Mapping):
        raise PromptInvalid("a prompt must be a JSON object")
    raw_points = data.get("points") or []
    raw_labels = data.get("labels") or []
    if not isinstance(raw_points, list) or not isinstance(raw_labels, list):
        raise PromptInvalid("points must be a list of [lon, lat] and labels a list of 0/1")
    if len(raw_points) > MAX_POINTS:
        raise TooManyPoints(f"at most {MAX_POINTS} points per prompt, got {len(raw_points)}")
    points = _points_parse(raw_points)
    labels = _labels_parse(raw_labels, n_points=len(points))
    box = _box_parse(data.get("box"))
    if not points and box is None:
        raise PromptInvalid("a prompt needs at least one point or a box")
    scale = scale_parse(data)
    return PromptInput(
        points=points, labels=labels, box=box, map_resolution=scale.map_resolution,
        object_size_m=scale.object_size_m, level=scale.level,
        previous_proposal_id=_optional_id(data.get("previous_proposal_id"), "previous_proposal_id"),
        model_version_id=_optional_id(data.get("model_version"), "model_version"),
        label_class_id=_optional_id(data.get("label_class"), "label_class"),
    )
