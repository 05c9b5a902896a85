"""``python manage.py prepare_models``: make sure the shipped MobileSAM is a registered (active) version, load it
once (checks the file and its sha256), record its encoder hash and export its ONNX decoder, so that the first
click of the first annotator does not pay for any of it. Idempotent; run by the set-up."""

import time

from django.core.management.base import BaseCommand, CommandError

from inference.models import ModelState, ModelVersion


class Command(BaseCommand):
    help = "Register the default MobileSAM version, check its weights and export the ONNX decoder of active versions."

    def handle(self, *args, **options):
        from inference.sam import default_decoder_backend
        from inference.sam.onnx_decoder import get_onnx_decoder
        from inference.services import model_load, model_version_encoder, model_version_ensure_default
        from inference.services.errors import ModelUnavailable

        default = model_version_ensure_default()
        versions = {default.pk: default}
        versions.update({mv.pk: mv for mv in ModelVersion.objects.filter(state=ModelState.ACTIVE)})
        for mv in versions.values():
            started = time.perf_counter()
            try:
                model = model_load(mv)
                model_version_encoder(mv)
                if default_decoder_backend() == "onnx":
                    get_onnx_decoder(model)
            except ModelUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"model version {mv.pk} ({mv.name}, {mv.architecture}, {mv.state}) ready "
                              f"in {time.perf_counter() - started:.1f} s")
