"""Model versions: the shipped default, admin-registered SAM checkpoints, and loading a version once per process.

A version's checkpoint is either
- a full SAM state dict (what ``inference.sam.build_model`` loads: the shipped MobileSAM, an admin's SAM file, the
  feedback app's fine-tunes), or
- a decoder-only delta: a state dict whose keys all start with ``mask_decoder.``; it is applied on top of the
  version's root ancestor (the first version up the ``parent`` chain with no parent), sharing that model's image
  encoder and prompt encoder.

Embeddings are keyed by ``encoder_sha256`` (filled here on first load), so versions that differ only in the
decoder share every cached embedding.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from annotator.audit import audit_record
from annotator.media import MediaKeyRefused, media_key_check, media_local
from inference import errors as core
from inference.models import Architecture, ModelState, ModelVersion
from inference.sam import LoadedModel, encoder_sha256, get_model, sha256_file
from inference.sam.build import FETCH_HINT
from inference.services.errors import CheckpointRefused, ModelUnavailable

ADMIN_HINT = "an admin supplies SAM checkpoints: check the model version's checkpoint file"
DECODER_PREFIX = "mask_decoder."
_DEFAULT_LOCK_ID = 0x6E0100  # pg advisory lock: one default version even when processes start together


MEDIA_CHECKPOINT = "media:"  # a checkpoint in media storage: media:checkpoints/<sha256>.pt (fine-tuned versions)
MEDIA_CHECKPOINT_DIR = "checkpoints/"


def checkpoint_media_ref(key: str) -> str:
    """What a version stores for a checkpoint kept in media storage (visible to every machine)."""
    return MEDIA_CHECKPOINT + key


def checkpoint_resolve(path: str | Path) -> Path:
    """A version's checkpoint as a local file: ``media:checkpoints/...`` (fetched once from the media bucket into
    this machine's cache with s3), an absolute path, or a path relative to ``settings.GEOLOOP_MODELS_DIR``."""
    text = str(path)
    if text.startswith(MEDIA_CHECKPOINT):
        key = text[len(MEDIA_CHECKPOINT):]
        if not key.startswith(MEDIA_CHECKPOINT_DIR):
            raise ValueError(f"media checkpoints live under {MEDIA_CHECKPOINT_DIR}")
        try:
            return media_local(media_key_check(key))
        except MediaKeyRefused as exc:
            raise ValueError(exc.message) from exc
    p = Path(path).expanduser()
    return p if p.is_absolute() else Path(settings.GEOLOOP_MODELS_DIR) / p


def _hint(arch: str) -> str:
    return FETCH_HINT if arch == Architecture.VIT_T else ADMIN_HINT


def model_version_ensure_default() -> ModelVersion:
    """The shipped MobileSAM as a global version (created once; made active when no global version is active).

    Needs no file: the checkpoint is checked when the model is first loaded.
    """
    sha = settings.GEOLOOP_DEFAULT_CHECKPOINT_SHA256
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DEFAULT_LOCK_ID])
        mv = (ModelVersion.objects.filter(project__isnull=True, architecture=Architecture.VIT_T,
                                          checkpoint_sha256=sha).order_by("id").first())
        has_active = ModelVersion.objects.filter(project__isnull=True, state=ModelState.ACTIVE).exists()
        if mv is None:
            mv = ModelVersion.objects.create(
                name="MobileSAM (base)", architecture=Architecture.VIT_T,
                checkpoint_path=str(settings.GEOLOOP_DEFAULT_CHECKPOINT), checkpoint_sha256=sha,
                state=ModelState.ACTIVE if not has_active else ModelState.CANDIDATE,
            )
        elif not has_active:
            mv.state = ModelState.ACTIVE
            mv.save(update_fields=["state"])
    return mv


def _state_keys(path: Path) -> list[str] | None:
    """Top-level keys of a checkpoint's state dict (memory-mapped, cheap), None when it cannot be read so."""
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except Exception:  # noqa: BLE001 - the full loader reports the real problem with its own message
        return None
    if isinstance(state, dict) and isinstance(state.get("model"), dict):
        state = state["model"]
    return [str(k) for k in state] if isinstance(state, dict) else None


def is_decoder_delta(keys: list[str] | None) -> bool:
    return bool(keys) and all(k.startswith(DECODER_PREFIX) for k in keys or ())


def model_version_register(
    *,
    arch: str,
    checkpoint_path: str,
    sha256: str | None = None,
    name: str = "",
    project=None,
    parent: ModelVersion | None = None,
    user=None,
) -> ModelVersion:
    """Register an admin-supplied checkpoint (SAM ``vit_b``/``vit_l``/``vit_h``, or ``vit_t``) as a candidate.

    The file must exist, match ``sha256`` when given, and look like a SAM state dict (or a decoder-only delta
    with a ``parent``); it is not loaded here (a ViT-H takes long), only its keys are read.
    Raises :class:`CheckpointRefused` naming the file.
    """
    if arch not in Architecture.values:
        raise CheckpointRefused(f"unknown architecture {arch!r}; expected one of {', '.join(Architecture.values)}")
    try:
        path = checkpoint_resolve(checkpoint_path)
        found = path.is_file()
    except (OSError, RuntimeError, ValueError) as exc:  # name too long, ~unknown-user, unencodable characters
        raise CheckpointRefused(f"{arch} checkpoint path {str(checkpoint_path)[:200]!r} is not usable: {exc}") from exc
    if not found:
        raise CheckpointRefused(f"{arch} checkpoint not found: {path}; {_hint(arch)}")
    actual = sha256_file(path)
    if sha256 and actual != sha256.strip().lower():
        raise CheckpointRefused(f"{arch} checkpoint {path} has sha256 {actual}, expected {sha256}")
    keys = _state_keys(path)
    if keys is None or not (is_decoder_delta(keys) or any(k.startswith("image_encoder.") for k in keys)):
        raise CheckpointRefused(f"{path} is not a SAM state dict (no image_encoder.* / mask_decoder.* weights)")
    if is_decoder_delta(keys) and parent is None:
        raise CheckpointRefused(f"{path} holds only mask_decoder.* weights; register it with a parent version")
    stored = checkpoint_path if str(checkpoint_path).startswith(MEDIA_CHECKPOINT) else str(path)
    mv = ModelVersion.objects.create(
        name=name or path.stem, architecture=arch, checkpoint_path=stored, checkpoint_sha256=actual,
        parent=parent, project=project, state=ModelState.CANDIDATE,
        encoder_sha256=parent.encoder_sha256 if parent is not None and is_decoder_delta(keys) else "",
    )
    audit_record(user=user, project=project, action="model_version.register", obj=mv,
                 details={"arch": arch, "checkpoint": str(path), "sha256": actual})
    return mv


# ------------------------------------------------------------------------------------------------ loading


_LOADED: dict[int, tuple[str, LoadedModel]] = {}
_LOAD_LOCK = threading.RLock()


def _root(version: ModelVersion) -> ModelVersion:
    seen = {version.id}
    node = version
    while node.parent_id is not None:
        node = ModelVersion.objects.get(pk=node.parent_id)
        if node.id in seen:
            raise ModelUnavailable(f"model version {version.id} has a cycle in its parents")
        seen.add(node.id)
    return node


def _load_delta(version: ModelVersion, path: Path) -> LoadedModel:
    import torch

    root = _root(version)
    if root.id == version.id:
        raise ModelUnavailable(f"{path} holds only mask_decoder.* weights but version {version.id} has no parent")
    base = model_load(root)
    actual = sha256_file(path)
    if version.checkpoint_sha256 and actual != version.checkpoint_sha256.lower():
        raise ModelUnavailable(f"checkpoint {path} has sha256 {actual}, expected {version.checkpoint_sha256}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
        if isinstance(state, dict) and isinstance(state.get("model"), dict):
            state = state["model"]
        decoder = copy.deepcopy(base.sam.mask_decoder)
        decoder.load_state_dict({k[len(DECODER_PREFIX):]: v for k, v in state.items()})
    except Exception as exc:  # any failure means the delta does not fit its root
        raise ModelUnavailable(f"decoder checkpoint {path} could not be applied to version {root.id}: {exc}") from exc
    decoder.eval().to(base.device)
    for p in decoder.parameters():
        p.requires_grad_(False)
    sam = copy.copy(base.sam)  # shares the image and prompt encoders with the root; only the decoder differs
    sam._modules = dict(base.sam._modules)
    sam._modules["mask_decoder"] = decoder
    return LoadedModel(arch=base.arch, sam=sam, device=base.device, checkpoint_path=path, sha256=actual,
                       dense_pe=base.dense_pe)


def _load(version: ModelVersion) -> LoadedModel:
    try:
        path = checkpoint_resolve(version.checkpoint_path)
    except (OSError, ValueError) as exc:  # gone from the media bucket, or not a media checkpoint key
        raise ModelUnavailable(f"checkpoint of model version {version.id} ({version.name}) is not available: "
                               f"{exc}; {_hint(version.architecture)}") from exc
    if not path.is_file():
        raise ModelUnavailable(
            f"checkpoint of model version {version.id} ({version.name}) not found: {path}; "
            f"{_hint(version.architecture)}")
    if is_decoder_delta(_state_keys(path)):
        return _load_delta(version, path)
    try:
        return get_model(version.architecture, path, expected_sha256=version.checkpoint_sha256 or None)
    except core.InferenceError as exc:
        raise ModelUnavailable(f"model version {version.id} ({version.name}): {exc}") from exc


def model_load(version: ModelVersion) -> LoadedModel:
    """The process-wide model of ``version`` (keyed by version id and checkpoint sha256), loaded on first use.

    Raises :class:`ModelUnavailable` naming the file (and ``bash scripts/fetch_weights.sh`` for MobileSAM).
    """
    entry = _LOADED.get(version.id)
    if entry is not None and entry[0] == version.checkpoint_sha256:
        return entry[1]
    with _LOAD_LOCK:
        entry = _LOADED.get(version.id)
        if entry is not None and entry[0] == version.checkpoint_sha256:
            return entry[1]
        model = _load(version)
        _LOADED[version.id] = (version.checkpoint_sha256, model)
        return model


def model_version_encoder(version: ModelVersion) -> str:
    """The version's ``encoder_sha256`` (the embedding cache key), computed from its loaded model and stored on
    first need."""
    if version.encoder_sha256:
        return version.encoder_sha256
    sha = encoder_sha256(model_load(version))
    ModelVersion.objects.filter(pk=version.pk).update(encoder_sha256=sha)
    version.encoder_sha256 = sha
    return sha
