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
        from django.core.signals import setting_changed

        from annotator.media import media_gdal_configure
        from annotator.services.scratch import scratch_sweep

        media_gdal_configure()  # the bucket's endpoint and credentials for reading COGs (nothing with local media)
        setting_changed.connect(_media_settings_changed, dispatch_uid="annotator.media")
        try:
            if getattr(settings, "FILE_UPLOAD_TEMP_DIR", None):
                from pathlib import Path

                Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
            scratch_sweep()
            scratch_sweep(folders=[_uploads_folder(settings)], keep=lambda path: True)
        except OSError:  # a read-only or missing media folder must not stop a process from starting
            log.warning("could not sweep temporary files at start", exc_info=True)


def _media_settings_changed(*, setting: str, **kwargs) -> None:
    if setting == "GEOLOOP_STORAGE" or setting.startswith(("GEOLOOP_S3_", "AWS_")):
        from annotator.media import media_gdal_configure

        media_gdal_configure()


def _uploads_folder(settings):
    from pathlib import Path

    return Path(settings.MEDIA_ROOT) / "uploads"
