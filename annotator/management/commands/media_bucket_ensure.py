"""Create the media bucket when media is on S3 (GEOLOOP_STORAGE=s3) and it does not exist yet; nothing otherwise."""

from django.core.management.base import BaseCommand

from annotator.media import media_bucket_ensure, media_remote


class Command(BaseCommand):
    help = "Create the S3 media bucket if it is missing (no-op with local media)."

    def handle(self, *args, **options):
        media_bucket_ensure()
        if media_remote():
            from django.conf import settings

            self.stdout.write(f"media bucket {settings.GEOLOOP_S3_BUCKET} at "
                              f"{settings.GEOLOOP_S3_ENDPOINT or 'AWS'} is ready")
