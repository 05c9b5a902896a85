"""Step 2 (database + Redis, no model): scene ready, model version, lon/lat -> scene CRS -> scene px,
the window level and the window, the previous answer's logits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from affine import Affine

from annotator.models import SceneStatus
from core.geo import transformer
from inference.corrections import ClickDisk, disks_for_prompt
from inference.models import ModelVersion
from inference.selectors import active_model_version, model_version_usable
from inference.services.embeddings import EmbeddingKey, embedding_key
from inference.services.errors import OutsideScene, PromptInvalid, SceneNotReady, UnknownModelVersion
from inference.services.proposals.logits import _previous
from inference.services.proposals.parse import PromptInput, Scale
from inference.services.proposals.timing import _ms
from inference.services.registry import model_version_encoder, model_version_ensure_default
from inference.windows import (
    DEFAULT_MIN_LEVEL,
    Window,
    choose_level,
    level_for_object_size,
    max_useful_level,
    prompt_window_candidates,
)


@dataclass(frozen=True)
class Previous:
    proposal_id: int
    window: Window  # the window this prompt is answered on (the previous answer's, or the object's focus window)
    logits: np.ndarray | None  # (256, 256) float32 on ``window``'s grid, when usable with its embedding
    focus: Window | None = None  # the object's focus window, chosen after its first answer (carried forward)
    disks: tuple[ClickDisk, ...] = ()  # the earlier corrections' claims, in ``window``'s pixels


@dataclass
class PreparedPrompt:
    scene_id: int
    project_id: int
    version: ModelVersion
    window: Window
    key: EmbeddingKey
    points_px: list[tuple[float, float]]  # window pixels
    labels: list[int]
    box_px: tuple[float, float, float, float] | None
    points_scene: list[tuple[float, float]]  # scene pixels
    inp: PromptInput
    geo_transform: Affine  # window px -> scene CRS
    crs: str
    previous: Previous | None = None
    timings: dict = field(default_factory=dict)
    disks: list[ClickDisk] = field(default_factory=list)  # the corrections' claims kept on the answer

    @property
    def mask_logits(self) -> np.ndarray | None:
        return self.previous.logits if self.previous is not None else None

    @property
    def focus(self) -> Window | None:
        """The object's focus window (None before its first answer, or when the first answer needed none)."""
        return self.previous.focus if self.previous is not None else None

    def window_json(self) -> dict:
        w = self.window
        return {"level": w.level, "col": w.col, "row": w.row, "size": w.size, "key": w.key}


def _fits(window: Window, pts: list[tuple[float, float]], box) -> bool:
    corners = list(pts) + ([(box[0], box[1]), (box[2], box[3])] if box is not None else [])
    return all(window.contains(x, y) for x, y in corners)


def scene_level_range(scene) -> tuple[int, int]:
    """(min, max) window level for a scene: -2 (256 source px upsampled to the model's 1024) up to the level at
    which one window covers the whole scene (GDAL reads a coarser level from the nearest overview)."""
    return DEFAULT_MIN_LEVEL, max_useful_level(width=scene.width, height=scene.height)


def scene_gsd(scene, transform: Affine) -> float:
    return float(scene.gsd) if scene.gsd else abs(transform.a)


def scale_level(scene, scale: Scale, *, transform: Affine | None = None) -> int:
    """The window level a :class:`Scale` asks for on ``scene``. An explicit level outside the scene's range is
    refused (naming the range); object size and map resolution are clamped to it."""
    min_level, max_level = scene_level_range(scene)
    if scale.level is not None:
        if not min_level <= scale.level <= max_level:
            raise PromptInvalid(f"level must be between {min_level} and {max_level} on scene {scene.pk} "
                                f"(2**level source pixels per window pixel), got {scale.level}")
        return scale.level
    gsd = scene_gsd(scene, transform if transform is not None else Affine.from_gdal(*scene.transform))
    if scale.object_size_m is not None:
        return level_for_object_size(object_size_m=scale.object_size_m, gsd=gsd, min_level=min_level,
                                     max_level=max_level)
    if scale.map_resolution is None:
        raise PromptInvalid("a scale needs object_size_m, level or map_resolution")
    return choose_level(map_resolution=scale.map_resolution, gsd=gsd, min_level=min_level, max_level=max_level)


def _points_scene(scene, points: list[tuple[float, float]], *, inverse: Affine, to_crs) -> list[tuple[float, float]]:
    """lon/lat points -> scene pixels; a point off the scene is refused."""
    points_scene = []
    for lon, lat in points:
        x, y = inverse * to_crs.transform(lon, lat)
        if not (0 <= x < scene.width and 0 <= y < scene.height):
            raise OutsideScene(f"point ({lon:.6f}, {lat:.6f}) is outside scene {scene.pk} ({scene.name})")
        points_scene.append((x, y))
    return points_scene


def _box_scene(scene, box: tuple[float, float, float, float] | None, *, inverse: Affine,
               to_crs) -> tuple[float, float, float, float] | None:
    """A lon/lat box -> its scene-pixel bounds clipped to the scene; a box that misses the scene is refused."""
    if box is None:
        return None
    lo_lon, lo_lat, hi_lon, hi_lat = box
    xs, ys = to_crs.transform([lo_lon, hi_lon, hi_lon, lo_lon], [lo_lat, lo_lat, hi_lat, hi_lat])
    px = [inverse * (x, y) for x, y in zip(xs, ys, strict=True)]
    bx = (max(0.0, min(p[0] for p in px)), max(0.0, min(p[1] for p in px)),
          min(float(scene.width), max(p[0] for p in px)), min(float(scene.height), max(p[1] for p in px)))
    if bx[2] <= bx[0] or bx[3] <= bx[1]:
        raise OutsideScene(f"box {list(box)} does not overlap scene {scene.pk} ({scene.name})")
    return bx


def _window_search(scene, points_scene: list[tuple[float, float]], box_scene, *, level: int, max_level: int,
                   encoder: str) -> Window:
    """The first level from ``level`` up with a window holding the whole prompt; of its windows, one already
    encoded if any. A prompt no window holds is refused."""
    for lvl in range(level, max_level + 1):
        fitting = [w for w in prompt_window_candidates(points=points_scene, box=box_scene, level=lvl,
                                                       width=scene.width, height=scene.height)
                   if _fits(w, points_scene, box_scene)]
        if fitting:
            return _encoded_first(fitting, encoder=encoder, scene=scene)
    raise PromptInvalid("the prompt's points are too far apart for one window; zoom out")


def prompt_prepare(*, scene, inp: PromptInput, model_version: ModelVersion | int | None = None) -> PreparedPrompt:
    """Step 2 (database + Redis, no model): see the module docstring."""
    started = time.perf_counter()
    if scene.status != SceneStatus.READY:
        raise SceneNotReady(f"scene {scene.pk} is {scene.status}, not ready: {scene.status_reason or 'wait for it'}")
    if not scene.transform or not scene.crs or not scene.width:
        raise SceneNotReady(f"scene {scene.pk} has no georeferencing recorded")
    version = _version(scene, model_version if model_version is not None else inp.model_version_id)
    transform = Affine.from_gdal(*scene.transform)
    inverse = ~transform
    to_crs = transformer("EPSG:4326", scene.crs)
    points_scene = _points_scene(scene, inp.points, inverse=inverse, to_crs=to_crs)
    box_scene = _box_scene(scene, inp.box, inverse=inverse, to_crs=to_crs)
    _, max_level = scene_level_range(scene)
    level = scale_level(scene, inp.scale, transform=transform)
    encoder = model_version_encoder(version)
    previous = None
    window = None
    if inp.previous_proposal_id is not None:
        previous = _follow_previous(scene, version, encoder, inp.previous_proposal_id, points_scene, box_scene,
                                    level=level)
        window = previous.window if previous is not None else None
    if window is None:
        window = _window_search(scene, points_scene, box_scene, level=level, max_level=max_level, encoder=encoder)
    key = embedding_key(encoder_sha256=encoder, scene=scene, window=window)
    pts_px = [window.scene_to_window(x, y) for x, y in points_scene]
    box_px = None
    if box_scene is not None:
        u0, v0 = window.scene_to_window(box_scene[0], box_scene[1])
        u1, v1 = window.scene_to_window(box_scene[2], box_scene[3])
        box_px = (u0, v0, u1, v1)
    prepared = PreparedPrompt(
        scene_id=scene.pk, project_id=scene.project_id, version=version, window=window, key=key,
        points_px=pts_px, labels=list(inp.labels), box_px=box_px, points_scene=points_scene, inp=inp,
        geo_transform=window.geo_transform(transform), crs=scene.crs, previous=previous,
    )
    if previous is not None:
        prepared.disks = disks_for_prompt(pts_px, prepared.labels, prev_low=previous.logits, kept=previous.disks,
                                          size=window.size)
    prepared.timings["prepare_ms"] = _ms(started)
    return prepared


def _follow_previous(scene, version: ModelVersion, encoder: str, proposal_id: int, points_scene, box_scene, *,
                     level: int) -> Previous | None:
    """A later click on the same object: the object's focus window (:func:`inference.scoring.focus_window_after`)
    when it holds the prompt and its embedding is ready (never waited for), else the previous answer's window when
    it is at ``level`` and holds the prompt; the previous logits carried onto that window's grid
    (:func:`inference.scoring.finer_logits` / :func:`~inference.scoring.coarser_logits`). None: no such window (the
    prompt's window is searched afresh, without logits)."""
    from inference.scoring import coarser_logits, finer_logits
    from inference.services.embeddings import embedding_known

    prev = _previous(proposal_id)
    if prev is None:
        return None
    meta, logits = prev
    if meta.get("scene") != scene.pk:
        return None
    prev_window = Window.from_key(meta["window"])
    focus = Window.from_key(meta["focus"]) if meta.get("focus") else None
    window = None
    if focus is not None and _fits(focus, points_scene, box_scene):
        focus_key = embedding_key(encoder_sha256=encoder, scene=scene, window=focus)
        if focus == prev_window or focus_key.cache_key in embedding_known([focus_key]):
            window = focus
    if window is None and prev_window.level == level and _fits(prev_window, points_scene, box_scene):
        window = prev_window
    if window is None:
        return None
    usable = (logits is not None and meta.get("version") == version.pk
              and meta.get("key") == embedding_key(encoder_sha256=encoder, scene=scene, window=prev_window).cache_key)
    carried = None
    if usable and window == prev_window:
        carried = logits
    elif usable and window.level < prev_window.level:
        carried = finer_logits(np.asarray(logits, np.float32), coarse=prev_window, fine=window)
    elif usable:
        carried = coarser_logits(np.asarray(logits, np.float32), fine=prev_window, coarse=window)
    return Previous(proposal_id, window, carried, focus, disks_on(meta.get("disks") or [], window))


def disks_on(rows: list, window: Window) -> tuple[ClickDisk, ...]:
    """Corrections' claims kept in scene pixels (``[x, y, positive, radius]``, :func:`disks_in_scene`) on
    ``window``'s pixels."""
    out = []
    for row in rows:
        d = ClickDisk.from_list(row)
        u, v = window.scene_to_window(d.x, d.y)
        out.append(ClickDisk(u, v, d.positive, d.radius / window.scale))
    return tuple(out)


def disks_in_scene(disks: list[ClickDisk], window: Window) -> list[list]:
    """``window``-pixel claims in scene pixels, as the answer's meta keeps them for the next click."""
    out = []
    for d in disks:
        x, y = window.window_to_scene(d.x, d.y)
        out.append(ClickDisk(x, y, d.positive, d.radius * window.scale).as_list())
    return out


def _encoded_first(windows: list[Window], *, encoder: str, scene) -> Window:
    """The first of ``windows`` whose embedding is already cached (one Redis round trip), else the first."""
    if len(windows) == 1:
        return windows[0]
    from inference.services.embeddings import embedding_known

    keys = [embedding_key(encoder_sha256=encoder, scene=scene, window=w) for w in windows]
    known = embedding_known(keys)
    for w, k in zip(windows, keys, strict=True):
        if k.cache_key in known:
            return w
    return windows[0]


def _version(scene, requested: ModelVersion | int | None) -> ModelVersion:
    if isinstance(requested, ModelVersion):
        return requested
    if requested is not None:
        version = model_version_usable(project=scene.project, version_id=requested)
        if version is None:
            raise UnknownModelVersion(f"model version {requested} does not exist or does not serve this project")
        return version
    version = active_model_version(project=scene.project)
    return version if version is not None else model_version_ensure_default()
