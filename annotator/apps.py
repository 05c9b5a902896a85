import logging

from django.apps import AppConfig

log = logging.getLogger(__name__)


class AnnotatorConfig(AppConfig):
    name = "annotator"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """On process start (web, worker, commands): make the request upload folder and remove temporary files
        that killed processes left (only those no live process holds; see annotator.services.scratch). Files that
        need the database to judge are left to the reaper."""
        from django.conf import settings

        from annotator.services.scratch import scratch_sweep

        try:
            if getattr(settings, "FILE_UPLOAD_TEMP_DIR", None):
                from pathlib import Path

                Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
            scratch_sweep()
            scratch_sweep(folders=[_uploads_folder(settings)], keep=lambda path: True)
        except OSError:  # a read-only or missing media folder must not stop a process from starting
            log.warning("could not sweep temporary files at start", exc_info=True)


def _uploads_folder(settings):
    from pathlib import Path

    return Path(settings.MEDIA_ROOT) / "uploads"
