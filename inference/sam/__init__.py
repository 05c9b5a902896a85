"""Segment Anything model family: builders, per-process cache, two-phase encode/decode API.

Two phases, as in segment-anything: ``encode`` turns one 1024x1024 RGB window into an fp16 embedding once;
``decode`` turns prompts on that embedding into a mask many times. No object here holds an image.
"""

from inference.sam.build import (
    ARCHITECTURES,
    MOBILE_SAM_SHA256,
    LoadedModel,
    build_model,
    clear_model_cache,
    default_checkpoint_path,
    encoder_sha256,
    get_model,
    models_dir,
    select_device,
    sha256_file,
)
from inference.sam.predict import (
    EMBEDDING_SHAPE,
    LOW_RES_SIZE,
    Decoded,
    decode,
    default_decoder_backend,
    encode,
    encode_batch,
    make_predict_fn,
)

__all__ = [
    "ARCHITECTURES",
    "EMBEDDING_SHAPE",
    "LOW_RES_SIZE",
    "MOBILE_SAM_SHA256",
    "Decoded",
    "LoadedModel",
    "build_model",
    "clear_model_cache",
    "decode",
    "default_checkpoint_path",
    "default_decoder_backend",
    "encode",
    "encode_batch",
    "encoder_sha256",
    "get_model",
    "make_predict_fn",
    "models_dir",
    "select_device",
    "sha256_file",
]
