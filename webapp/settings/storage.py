"""Media storage (COGs, embeddings, checkpoints, exports) and the imagery root admins may register files from."""

from webapp.settings.env import BASE_DIR, env_int, env_path

MEDIA_ROOT = env_path("GEOLOOP_MEDIA_ROOT", BASE_DIR / ".local" / "media")
MEDIA_URL = "/media/"
IMAGERY_ROOT = env_path("GEOLOOP_IMAGERY_ROOT", BASE_DIR / "samples")
# Uploads are streamed to disk; anything bigger is refused with 413.
UPLOAD_MAX_BYTES = env_int("GEOLOOP_UPLOAD_MAX_BYTES", 2 * 1024**3)
# Uploaded files always go to a temporary file (never the memory handler). The size below is also where Django's
# ASGI handler rolls a request body over from memory to disk: it must not be 0, which means "never".
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024**2
# Request upload files go under MEDIA_ROOT/tmp so that those a killed web process leaves are swept (unchanged for
# TEMP_MAX_AGE_S; annotator.services.scratch), on the media volume beside the uploads folder.
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / "tmp" / "requests")
TEMP_MAX_AGE_S = env_int("GEOLOOP_TEMP_MAX_AGE_S", 6 * 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024**2
