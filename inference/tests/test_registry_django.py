"""Model registry: the shipped default, admin-registered checkpoints, per-process loading of full checkpoints and
decoder-only deltas, errors that name the file."""

from __future__ import annotations

import pytest
import torch
from django.test import override_settings

from annotator.models import Project
from inference.models import ModelState, ModelVersion
from inference.sam import encoder_sha256, sha256_file
from inference.selectors import active_model_version
from inference.services import model_load, model_version_encoder, model_version_ensure_default, model_version_register
from inference.services.errors import CheckpointRefused, ModelUnavailable

pytestmark = pytest.mark.django_db


def test_default_version_is_created_once_and_active():
    first = model_version_ensure_default()
    again = model_version_ensure_default()
    assert first.pk == again.pk
    assert ModelVersion.objects.count() == 1
    assert (first.architecture, first.state, first.project_id) == ("vit_t", ModelState.ACTIVE, None)
    assert first.checkpoint_path.endswith("mobile_sam.pt")


def test_active_version_prefers_the_project_then_the_global_one():
    base = model_version_ensure_default()
    project = Project.objects.create(slug="p1", name="P1")
    assert active_model_version(project=project) == base
    own = ModelVersion.objects.create(name="ft", architecture="vit_t", checkpoint_path="x.pt", checkpoint_sha256="0",
                                      project=project, parent=base, state=ModelState.ACTIVE)
    assert active_model_version(project=project) == own
    assert active_model_version(project=Project.objects.create(slug="p2", name="P2")) == base


def test_register_refuses_missing_wrong_and_foreign_files(tmp_path):
    with pytest.raises(CheckpointRefused, match=r"not found: .*sam_vit_b\.pth"):
        model_version_register(arch="vit_b", checkpoint_path=str(tmp_path / "sam_vit_b.pth"))
    junk = tmp_path / "junk.pth"
    torch.save({"weights": torch.zeros(2)}, junk)
    with pytest.raises(CheckpointRefused, match="expected 00"):
        model_version_register(arch="vit_b", checkpoint_path=str(junk), sha256="00" * 32)
    with pytest.raises(CheckpointRefused, match="not a SAM state dict"):
        model_version_register(arch="vit_b", checkpoint_path=str(junk))
    with pytest.raises(CheckpointRefused, match="unknown architecture"):
        model_version_register(arch="vit_x", checkpoint_path=str(junk))
    fake_sam = tmp_path / "sam_vit_b.pth"
    torch.save({"image_encoder.patch_embed.proj.weight": torch.zeros(1)}, fake_sam)
    mv = model_version_register(arch="vit_b", checkpoint_path=str(fake_sam), sha256=sha256_file(fake_sam))
    assert (mv.state, mv.architecture, mv.checkpoint_sha256) == (ModelState.CANDIDATE, "vit_b", sha256_file(fake_sam))


def test_missing_weights_name_the_file_and_the_fetch_script(tmp_path):
    with override_settings(GEOLOOP_DEFAULT_CHECKPOINT=tmp_path / "mobile_sam.pt"):
        mv = model_version_ensure_default()
    with pytest.raises(ModelUnavailable, match=r"mobile_sam\.pt.*scripts/fetch_weights\.sh"):
        model_load(mv)


def test_full_checkpoint_and_decoder_only_delta(tmp_path):
    base = model_version_ensure_default()
    model = model_load(base)
    assert model_load(base) is model  # kept per process
    delta = {f"mask_decoder.{k}": v + 0.01 for k, v in model.sam.mask_decoder.state_dict().items()}
    path = tmp_path / "decoder-delta.pt"
    torch.save(delta, path)
    mv = model_version_register(arch="vit_t", checkpoint_path=str(path), parent=base, name="delta")
    tuned = model_load(mv)
    assert tuned.sam.image_encoder is model.sam.image_encoder  # shared, not copied
    w = "iou_prediction_head.layers.0.weight"
    assert torch.allclose(tuned.sam.mask_decoder.state_dict()[w], model.sam.mask_decoder.state_dict()[w] + 0.01)
    assert not torch.allclose(model.sam.mask_decoder.state_dict()[w], delta[f"mask_decoder.{w}"])  # base untouched
    assert model_version_encoder(mv) == model_version_encoder(base) == encoder_sha256(model)  # embeddings shared
    with pytest.raises(CheckpointRefused, match="with a parent"):
        model_version_register(arch="vit_t", checkpoint_path=str(path))
