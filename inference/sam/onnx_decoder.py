"""SAM's prompt encoder + mask decoder exported to ONNX and run with onnxruntime (CPU, one intra-op thread).

The exported graph takes prompts already in SAM's coordinates (pixel index; SAM adds 0.5) with the padding
point / box corners encoded in the point list as SAM's own ONNX convention does (label -1 = padding point,
2/3 = box top-left/bottom-right), and returns all four mask tokens' low-res logits and predicted IoUs; picking
and upscaling are shared with the torch path (:func:`inference.sam.predict.select_and_upscale`).

The file lives next to the checkpoint, named after the checkpoint's sha256, and is exported once (atomically;
concurrent workers may both export, the last rename wins with an identical file).
"""

from __future__ import annotations

import copy
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from inference.errors import DecoderExportError, InvalidPrompt
from inference.sam.build import LoadedModel
from inference.sam.predict import EMBEDDING_SHAPE, LOW_RES_SIZE, Prompt

OPSET = 17


class _PromptDecoder(nn.Module):
    """Traceable prompt embedding + mask decoder (all 4 tokens, no selection, no upscaling)."""

    def __init__(self, sam: Any) -> None:  # a segment_anything ``Sam`` (untyped)
        super().__init__()
        pe = sam.prompt_encoder
        self.image_size = float(pe.input_image_size[0])
        self.pe_layer = pe.pe_layer
        self.not_a_point = pe.not_a_point_embed.weight  # (1, C)
        self.point_embeds = nn.ParameterList([nn.Parameter(e.weight.detach().clone()) for e in pe.point_embeddings])
        self.mask_downscaling = pe.mask_downscaling
        self.no_mask = pe.no_mask_embed.weight  # (1, C)
        self.mask_decoder = sam.mask_decoder
        self.register_buffer("dense_pe", pe.get_dense_pe().detach().clone())

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input):
        coords = (point_coords + 0.5) / self.image_size
        emb = self.pe_layer._pe_encoding(coords)  # (1, N, C)
        lab = point_labels.unsqueeze(-1)
        is_pad = (lab == -1).to(emb.dtype)
        emb = emb * (1.0 - is_pad) + self.not_a_point * is_pad
        for i, e in enumerate(self.point_embeds):
            emb = emb + e * (lab == i).to(emb.dtype)
        has = has_mask_input.reshape(1, 1, 1, 1)
        dense = has * self.mask_downscaling(mask_input) + (1.0 - has) * self.no_mask.reshape(1, -1, 1, 1)
        low, iou = self.mask_decoder.predict_masks(
            image_embeddings=image_embeddings,
            image_pe=self.dense_pe,
            sparse_prompt_embeddings=emb,
            dense_prompt_embeddings=dense,
        )
        return low, iou


def onnx_decoder_path(model: LoadedModel) -> Path:
    """``<checkpoint dir>/<checkpoint stem>.decoder.<sha256[:16]>.onnx``."""
    cp = model.checkpoint_path
    return cp.with_name(f"{cp.stem}.decoder.{model.sha256[:16]}.opset{OPSET}.onnx")


def export_onnx_decoder(model: LoadedModel, path: str | os.PathLike[str] | None = None) -> Path:
    """Export the decoder of ``model`` to ``path`` (default :func:`onnx_decoder_path`) with the TorchScript
    exporter (``dynamo=False``: the dynamo exporter fails on SAM's decoder). Returns the path."""
    out = Path(path) if path is not None else onnx_decoder_path(model)
    wrapper = _PromptDecoder(copy.deepcopy(model.sam).to("cpu")).eval()
    dummy = (
        torch.zeros((1, *EMBEDDING_SHAPE), dtype=torch.float32),
        torch.tensor([[[500.0, 400.0], [0.0, 0.0]]], dtype=torch.float32),
        torch.tensor([[1.0, -1.0]], dtype=torch.float32),
        torch.zeros((1, 1, LOW_RES_SIZE, LOW_RES_SIZE), dtype=torch.float32),
        torch.zeros((1,), dtype=torch.float32),
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=out.name, suffix=".part", dir=out.parent)
        os.close(fd)
        with torch.no_grad():
            torch.onnx.export(
                wrapper,
                dummy,
                tmp,
                dynamo=False,
                opset_version=OPSET,
                do_constant_folding=True,
                input_names=["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input"],
                output_names=["low_res_masks", "iou_predictions"],
                dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}},
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except Exception as exc:
        if "tmp" in locals() and os.path.exists(tmp):
            os.unlink(tmp)
        raise DecoderExportError(f"could not export the ONNX decoder to {out}: {exc}") from exc
    return out


class OnnxDecoder:
    """An onnxruntime session over an exported decoder; ``run`` mirrors the torch path's output."""

    def __init__(self, path: str | os.PathLike[str], *, intra_op_threads: int = 1) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = intra_op_threads
        opts.inter_op_num_threads = 1
        if intra_op_threads > 1:  # no busy-waiting helper thread between decodes: the other core is for others
            opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise DecoderExportError(f"could not load ONNX decoder {path}: {exc}") from exc
        self.path = Path(path)

    def run(self, embedding: np.ndarray | torch.Tensor, prompt: Prompt) -> tuple[np.ndarray, np.ndarray]:
        """All 4 tokens' low-res logits ``(4, 256, 256)`` and predicted IoUs ``(4,)``."""
        emb = embedding.detach().cpu().numpy() if isinstance(embedding, torch.Tensor) else np.asarray(embedding)
        if emb.size != int(np.prod(EMBEDDING_SHAPE)):
            raise InvalidPrompt(f"embedding must have shape (1, 256, 64, 64), got {emb.shape}")
        emb = emb.reshape(1, *EMBEDDING_SHAPE).astype(np.float32, copy=False)
        coords = prompt.coords
        labels = prompt.labels.astype(np.float32)
        if prompt.box is not None:
            coords = np.concatenate([coords, prompt.box.reshape(2, 2)])
            labels = np.concatenate([labels, np.array([2.0, 3.0], np.float32)])
        else:
            coords = np.concatenate([coords, np.zeros((1, 2), np.float32)])
            labels = np.concatenate([labels, np.array([-1.0], np.float32)])
        if prompt.mask is not None:
            mask, has = prompt.mask[None, None], np.ones((1,), np.float32)
        else:
            mask, has = np.zeros((1, 1, LOW_RES_SIZE, LOW_RES_SIZE), np.float32), np.zeros((1,), np.float32)
        low, iou = self.session.run(
            None,
            {
                "image_embeddings": emb,
                "point_coords": coords[None].astype(np.float32),
                "point_labels": labels[None],
                "mask_input": np.ascontiguousarray(mask, dtype=np.float32),
                "has_mask_input": has,
            },
        )
        return low[0], iou[0]


_SESSIONS: dict[str, OnnxDecoder] = {}
_LOCK = threading.Lock()


def get_onnx_decoder(model: LoadedModel, *, intra_op_threads: int = 1) -> OnnxDecoder:
    """The process-wide onnxruntime decoder for ``model``'s checkpoint (one session per intra-op thread count),
    exported on first use if missing."""
    key = model.sha256 if intra_op_threads == 1 else f"{model.sha256}/{intra_op_threads}"
    dec = _SESSIONS.get(key)
    if dec is None:
        with _LOCK:
            dec = _SESSIONS.get(key)
            if dec is None:
                path = onnx_decoder_path(model)
                if not path.is_file():
                    export_onnx_decoder(model, path)
                dec = OnnxDecoder(path, intra_op_threads=intra_op_threads)
                _SESSIONS[key] = dec
    return dec
