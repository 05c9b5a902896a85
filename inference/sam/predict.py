"""Two-phase SAM API: ``encode`` a window once, ``decode`` prompts on its embedding many times.

Shapes and conventions
----------------------
- image: ``uint8`` RGB array ``(1024, 1024, 3)`` (the model's input size; windows are read at that size).
- embedding: ``float16`` numpy array ``(1, 256, 64, 64)`` (``(B, 256, 64, 64)`` from :func:`encode_batch`).
- points: ``(N, 2)`` float ``(x, y)`` in *window pixel* coordinates with pixel corners on integers, so the
  centre of pixel (col i, row j) is ``(i + 0.5, j + 0.5)`` — the same convention as rasterio's affine, which
  keeps map -> pixel -> mask -> polygon exact. labels: ``(N,)`` ints, 1 = positive (object), 0 = negative.
- box: ``(x_min, y_min, x_max, y_max)`` in the same window pixel coordinates.
- mask_logits: the previous answer's ``low_res_logits`` ``(256, 256)`` float32, fed back as the mask prompt.
- result masks are ``bool (1024, 1024)`` at window size; the model's own predicted IoU picks among candidates.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from inference.errors import InvalidImage, InvalidPrompt
from inference.sam.build import LoadedModel

EMBEDDING_SHAPE = (256, 64, 64)
LOW_RES_SIZE = 256
DECODER_BACKENDS = ("onnx", "torch")
# Measured on the 2-core CPU dev machine (bench/noc.py prints both): onnxruntime on ONE intra-op thread
# decodes a click in ~36 ms against ~40 ms for torch eager on two threads (~79 ms on one), so it is the
# default: as fast for one annotator and half the CPU per click when several click at once.
_DEFAULT_BACKEND = "onnx"


def default_decoder_backend() -> str:
    """``GEOLOOP_DECODER`` (``onnx`` or ``torch``) when set, else the measured faster one."""
    value = os.environ.get("GEOLOOP_DECODER", "").strip().lower() or _DEFAULT_BACKEND
    if value not in DECODER_BACKENDS:
        raise InvalidPrompt(f"GEOLOOP_DECODER={value!r}; expected one of {', '.join(DECODER_BACKENDS)}")
    return value


@dataclass(frozen=True, eq=False)
class Decoded:
    """One model answer.

    mask: bool ``(size, size)`` at window size, the chosen candidate thresholded at logit 0.
    iou: the model's predicted IoU for the chosen mask.
    ious: predicted IoU of every candidate considered (3 in multimask mode, else 1).
    token: index of the chosen mask token (0 = single-mask output, 1..3 = multimask candidates).
    low_res_logits: float32 ``(256, 256)`` logits of the chosen mask, to feed back with the next click.
    quality: calibrated expected IoU in [0, 1] (:func:`decode_scored` only), features: the chosen candidate's
    scoring features, parts: connected parts left after post-processing.
    """

    mask: np.ndarray
    iou: float
    ious: np.ndarray
    token: int
    low_res_logits: np.ndarray
    quality: float | None = None
    features: dict | None = None
    parts: int | None = None


# ---------------------------------------------------------------------------------------------------- encode


def autocast_for(device: torch.device):
    """bf16 autocast on CUDA, nothing on the CPU (used by encoding here and by fine-tuning in feedback)."""
    if device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return torch.autocast(device_type="cpu", enabled=False)


def _check_image(model: LoadedModel, image: np.ndarray) -> None:
    size = model.image_size
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.shape[-3:] != (size, size, 3):
        got = (getattr(image, "shape", None), getattr(image, "dtype", type(image).__name__))
        raise InvalidImage(f"expected uint8 RGB image(s) of shape (..., {size}, {size}, 3), got {got}")


def encode_batch(model: LoadedModel, images: np.ndarray | Sequence[np.ndarray], *, batch_size: int = 4) -> np.ndarray:
    """Embed images ``(B, 1024, 1024, 3)`` uint8 -> float16 ``(B, 256, 64, 64)``; bf16 autocast on CUDA."""
    if not isinstance(images, np.ndarray):
        for im in images:
            _check_image(model, im)
        images = (
            np.stack(list(images)) if len(images) else np.zeros((0, model.image_size, model.image_size, 3), np.uint8)
        )
    if images.ndim == 3:
        images = images[None]
    _check_image(model, images)
    sam = model.sam
    out = np.empty((images.shape[0], *EMBEDDING_SHAPE), dtype=np.float16)
    with torch.inference_mode(), autocast_for(model.device):
        for start in range(0, images.shape[0], batch_size):
            chunk = torch.from_numpy(np.ascontiguousarray(images[start : start + batch_size])).to(model.device)
            x = sam.preprocess(chunk.permute(0, 3, 1, 2).float())
            emb = sam.image_encoder(x)
            out[start : start + chunk.shape[0]] = emb.to(torch.float16).cpu().numpy()
    return out


def encode(model: LoadedModel, image: np.ndarray) -> np.ndarray:
    """Embed one window: uint8 RGB ``(1024, 1024, 3)`` -> float16 ``(1, 256, 64, 64)``."""
    _check_image(model, image)
    if image.ndim != 3:
        raise InvalidImage(f"encode takes one image (H, W, 3); got shape {image.shape}, use encode_batch")
    return encode_batch(model, image[None], batch_size=1)


# ---------------------------------------------------------------------------------------------------- decode


@dataclass(frozen=True)
class Prompt:
    """A validated prompt in SAM's own coordinates (pixel index: SAM adds 0.5 itself)."""

    coords: np.ndarray  # (N, 2) float32
    labels: np.ndarray  # (N,) int64
    box: np.ndarray | None  # (4,) float32
    mask: np.ndarray | None  # (256, 256) float32
    multimask: bool


def prepare_prompt(
    points_xy: np.ndarray | Sequence[Sequence[float]] | None,
    labels: np.ndarray | Sequence[int] | None,
    *,
    box: Sequence[float] | None = None,
    mask_logits: np.ndarray | None = None,
    multimask: bool | None = None,
) -> Prompt:
    """Validate and convert a prompt (see module docstring); raises :class:`InvalidPrompt`."""
    pts = np.zeros((0, 2), np.float32) if points_xy is None else np.asarray(points_xy, dtype=np.float32)
    lab = np.zeros((0,), np.int64) if labels is None else np.asarray(labels)
    if pts.size == 0:
        pts = pts.reshape(0, 2)
    if pts.ndim != 2 or pts.shape[1] != 2:
        raise InvalidPrompt(f"points must have shape (N, 2), got {pts.shape}")
    if lab.shape != (pts.shape[0],):
        raise InvalidPrompt(f"labels must have shape ({pts.shape[0]},), got {lab.shape}")
    if lab.size and not np.isin(lab, (0, 1)).all():
        raise InvalidPrompt("labels must be 1 (positive) or 0 (negative)")
    if not np.isfinite(pts).all():
        raise InvalidPrompt("points must be finite")
    bx = None
    if box is not None:
        bx = np.asarray(box, dtype=np.float32).reshape(-1)
        if bx.shape != (4,) or not np.isfinite(bx).all() or bx[2] <= bx[0] or bx[3] <= bx[1]:
            raise InvalidPrompt(f"box must be (x_min, y_min, x_max, y_max) with max > min, got {box!r}")
        bx = bx - 0.5
    if pts.shape[0] == 0 and bx is None:
        raise InvalidPrompt("a prompt needs at least one point or a box")
    mk = None
    if mask_logits is not None:
        mk = np.asarray(mask_logits, dtype=np.float32).reshape(-1, LOW_RES_SIZE) if np.size(mask_logits) else None
        if mk is None or mk.shape != (LOW_RES_SIZE, LOW_RES_SIZE):
            raise InvalidPrompt(f"mask_logits must be ({LOW_RES_SIZE}, {LOW_RES_SIZE}) low-res logits")
    if multimask is None:
        # SAM's advice: several candidates for an ambiguous single click, one mask once prompts disambiguate.
        multimask = pts.shape[0] == 1 and bx is None
    return Prompt(coords=pts - 0.5, labels=lab.astype(np.int64), box=bx, mask=mk, multimask=bool(multimask))


def _as_embedding(model: LoadedModel, embedding: np.ndarray | torch.Tensor) -> torch.Tensor:
    emb = torch.as_tensor(embedding)
    if emb.ndim == 3:
        emb = emb[None]
    if tuple(emb.shape) != (1, *EMBEDDING_SHAPE):
        raise InvalidPrompt(f"embedding must have shape (1, 256, 64, 64), got {tuple(emb.shape)}")
    return emb.to(device=model.device, dtype=torch.float32)


def prompt_tensors(prompt: Prompt, device: torch.device):
    """SAM's prompt-encoder inputs for one prompt: ``(points|None, boxes|None, masks|None)`` on ``device``."""
    points = None
    if prompt.coords.shape[0]:
        points = (
            torch.from_numpy(prompt.coords)[None].to(device),
            torch.from_numpy(prompt.labels)[None].to(device),
        )
    boxes = torch.from_numpy(prompt.box)[None].to(device) if prompt.box is not None else None
    masks = torch.from_numpy(prompt.mask)[None, None].to(device) if prompt.mask is not None else None
    return points, boxes, masks


def decode_all_torch(
    model: LoadedModel, embedding: np.ndarray | torch.Tensor, prompt: Prompt
) -> tuple[torch.Tensor, torch.Tensor]:
    """Run SAM's prompt encoder and mask decoder in torch: all 4 tokens' logits ``(4, 256, 256)``, IoUs ``(4,)``."""
    sam = model.sam
    points, boxes, masks = prompt_tensors(prompt, model.device)
    with torch.inference_mode():
        sparse, dense = sam.prompt_encoder(points=points, boxes=boxes, masks=masks)
        low, iou = sam.mask_decoder.predict_masks(
            image_embeddings=_as_embedding(model, embedding),
            image_pe=model.dense_pe,
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
        )
    return low[0], iou[0]


def select_and_upscale(
    low: torch.Tensor | np.ndarray, ious: torch.Tensor | np.ndarray, *, multimask: bool, size: int
) -> Decoded:
    """Pick the mask by predicted IoU (tokens 1..3 in multimask mode, else token 0) and upscale it.

    Upscaling is SAM's: bilinear, ``align_corners=False``, 256 -> ``size``, threshold at 0.
    """
    low = torch.as_tensor(low)
    ious_np = torch.as_tensor(ious).float().cpu().numpy()
    candidates = [1, 2, 3] if multimask else [0]
    token = candidates[int(np.argmax(ious_np[candidates]))]
    chosen = low[token].float()
    with torch.inference_mode():
        up = F.interpolate(chosen[None, None], (size, size), mode="bilinear", align_corners=False)[0, 0]
    return Decoded(
        mask=(up > 0).cpu().numpy(),
        iou=float(ious_np[token]),
        ious=ious_np[candidates].copy(),
        token=token,
        low_res_logits=chosen.cpu().numpy().astype(np.float32, copy=True),
    )


def decode(
    model: LoadedModel,
    embedding: np.ndarray | torch.Tensor,
    points_xy: np.ndarray | Sequence[Sequence[float]] | None,
    labels: np.ndarray | Sequence[int] | None,
    box: Sequence[float] | None = None,
    mask_logits: np.ndarray | None = None,
    multimask: bool | None = None,
    *,
    backend: str | None = None,
) -> Decoded:
    """Prompt -> mask on a cached window embedding (see module docstring for shapes).

    ``multimask=None`` means: three candidates for a lone click, one mask once there are several points or a
    box. ``backend`` is ``"onnx"`` or ``"torch"`` (default :func:`default_decoder_backend`); both give the
    same masks.
    """
    prompt = prepare_prompt(points_xy, labels, box=box, mask_logits=mask_logits, multimask=multimask)
    backend = backend or default_decoder_backend()
    low: Any  # numpy from ONNX, a tensor from torch: both are turned into arrays below
    ious: Any
    if backend == "onnx":
        from inference.sam.onnx_decoder import get_onnx_decoder

        low, ious = get_onnx_decoder(model).run(embedding, prompt)
    elif backend == "torch":
        low, ious = decode_all_torch(model, embedding, prompt)
    else:
        raise InvalidPrompt(f"unknown decoder backend {backend!r}; expected one of {', '.join(DECODER_BACKENDS)}")
    return select_and_upscale(low, ious, multimask=prompt.multimask, size=model.image_size)


def decode_all(model: LoadedModel, embedding: np.ndarray | torch.Tensor, prompt: Prompt, *,
               backend: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """All four tokens' low-res logits ``(4, 256, 256)`` float32 and predicted IoUs ``(4,)`` with either backend."""
    backend = backend or default_decoder_backend()
    if backend == "onnx":
        from inference.sam.onnx_decoder import get_onnx_decoder

        low, ious = get_onnx_decoder(model).run(embedding, prompt)
        return np.asarray(low, np.float32), np.asarray(ious, np.float32)
    if backend == "torch":
        low_t, ious_t = decode_all_torch(model, embedding, prompt)
        return low_t.float().cpu().numpy(), ious_t.float().cpu().numpy()
    raise InvalidPrompt(f"unknown decoder backend {backend!r}; expected one of {', '.join(DECODER_BACKENDS)}")


def choose_scored(low: np.ndarray, ious: np.ndarray, prompt: Prompt, *, points_px, labels, size: int,
                  calibrator=None, pixel_area_m2: float | None = None, size_prior=None):
    """The candidate of highest calibrated quality (:mod:`inference.scoring`): a :class:`inference.scoring.Choice`."""
    from inference.calibration import default_calibrator
    from inference.scoring import candidate_features, candidate_tokens, choose

    n_points = 0 if points_px is None else len(points_px)
    tokens = candidate_tokens(multimask=prompt.multimask, n_points=n_points, has_box=prompt.box is not None)
    feats = candidate_features(low, ious, tokens, points_px=np.zeros((0, 2)) if points_px is None else points_px,
                               labels=np.zeros(0) if labels is None else labels, window_size=size,
                               pixel_area_m2=pixel_area_m2, size_prior=size_prior)
    return choose(feats, tokens, calibrator or default_calibrator())


def upscale(low_token: np.ndarray, size: int) -> np.ndarray:
    """SAM's upscaling of one token's ``(256, 256)`` logits to a bool ``(size, size)`` mask."""
    t = torch.as_tensor(np.ascontiguousarray(low_token, dtype=np.float32))
    with torch.inference_mode():
        up = F.interpolate(t[None, None], (size, size), mode="bilinear", align_corners=False)[0, 0]
    return (up > 0).numpy()


def decode_scored(
    model: LoadedModel,
    embedding: np.ndarray | torch.Tensor,
    points_xy,
    labels,
    box: Sequence[float] | None = None,
    mask_logits: np.ndarray | None = None,
    *,
    calibrator=None,
    pixel_area_m2: float | None = None,
    size_prior=None,
    backend: str | None = None,
    clean: bool = True,
    disks: Sequence = (),
) -> Decoded:
    """Like :func:`decode`, but the candidate is chosen by calibrated quality (see :mod:`inference.scoring`), the
    corrections' claims are kept on it (``disks``, :mod:`inference.corrections`) and the mask keeps only the parts
    holding positive clicks, pinholes filled (``clean``)."""
    from inference.corrections import logits_with_disks, mask_with_disks
    from inference.masks import mask_keep_clicked

    prompt = prepare_prompt(points_xy, labels, box=box, mask_logits=mask_logits)
    low, ious = decode_all(model, embedding, prompt, backend=backend)
    pts = None if points_xy is None else np.asarray(points_xy, np.float64).reshape(-1, 2)
    choice = choose_scored(low, ious, prompt, points_px=pts, labels=labels, size=model.image_size,
                           calibrator=calibrator, pixel_area_m2=pixel_area_m2, size_prior=size_prior)
    chosen = np.asarray(low[choice.token], np.float32)
    if disks:
        chosen = logits_with_disks(chosen, disks, size=model.image_size)
    mask = upscale(chosen, model.image_size)
    if disks:
        mask = mask_with_disks(mask, disks)
    parts = None
    if clean and pts is not None and len(pts):
        mask, parts = mask_keep_clicked(mask, pts, labels)
    return Decoded(mask=mask, iou=float(ious[choice.token]), ious=np.asarray(ious, np.float32), token=choice.token,
                   low_res_logits=chosen.copy(), quality=choice.quality,
                   features=choice.features_dict(), parts=parts)


def scale_search(model: LoadedModel, *, window, point_px: Sequence[float], embedding_for, calibrator=None,
                 pixel_area_m2: float | None = None, size_prior=None, backend: str | None = None):
    """A lone positive click asked again on the next finer grid window nearest it (half the extent, the click at
    least a quarter of it from every edge), for when the answer on ``window`` fills that window.

    ``embedding_for(fine_window)`` returns its embedding or None (not available: no search). Returns
    ``(logits, choice, fine_window)``: the fine answer's logits on ``window``'s ``(256, 256)`` low-res grid
    (:func:`inference.scoring.coarser_logits`), its :class:`inference.scoring.Choice`, the fine window; or None.
    ``pixel_area_m2`` is the ground area of one of ``window``'s pixels.
    """
    from inference.scoring import coarser_logits
    from inference.windows import window_for_point

    x, y = window.window_to_scene(float(point_px[0]), float(point_px[1]))
    fine = window_for_point(x=x, y=y, level=window.level - 1, size=window.size)
    emb = embedding_for(fine)
    if emb is None:
        return None
    u, v = fine.scene_to_window(x, y)
    prompt = prepare_prompt([(u, v)], [1])
    low, ious = decode_all(model, emb, prompt, backend=backend)
    area = None if pixel_area_m2 is None else pixel_area_m2 * (fine.scale / window.scale) ** 2
    choice = choose_scored(low, ious, prompt, points_px=np.array([(u, v)]), labels=[1], size=window.size,
                           calibrator=calibrator, pixel_area_m2=area, size_prior=size_prior)
    return coarser_logits(low[choice.token], fine=fine, coarse=window), choice, fine


def make_predict_fn(model: LoadedModel, embedding: np.ndarray | torch.Tensor, *, backend: str | None = None):
    """A ``predict(points, labels, prev_logits) -> (mask, predicted_iou, low_res_logits)`` callable on one
    window embedding, as :mod:`inference.evaluation` drives it."""
    backend = backend or default_decoder_backend()
    if backend == "torch":
        embedding = _as_embedding(model, embedding)  # convert once, not per click

    def predict(points: np.ndarray, labels: np.ndarray, prev_logits: np.ndarray | None):
        out = decode(model, embedding, points, labels, mask_logits=prev_logits, backend=backend)
        return out.mask, out.iou, out.low_res_logits

    return predict
