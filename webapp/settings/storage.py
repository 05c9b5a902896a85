"""Media storage (COGs, embeddings, checkpoints, exports) and the imagery root admins may register files from."""

import os

from webapp.settings.env import BASE_DIR, env_int, env_path, env_str

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

# Where GeoLoop's own files live (annotator/media.py is the one room that reads and writes them): "local" (the
# embedded default: files under MEDIA_ROOT) or "s3" (an S3-compatible bucket through django-storages + boto3; GDAL
# reads the COGs in it over HTTP range requests, /vsis3/). With s3, MEDIA_ROOT still holds this machine's scratch
# files (uploads in progress, staging folders) and GEOLOOP_MEDIA_CACHE the local copies of files that must be on
# disk (checkpoints for torch); nothing there is shared with another machine.
GEOLOOP_STORAGE = env_str("GEOLOOP_STORAGE", "local").strip().lower()
if GEOLOOP_STORAGE not in ("local", "s3"):
    raise ValueError(f"GEOLOOP_STORAGE must be local or s3, not {GEOLOOP_STORAGE!r}")
GEOLOOP_S3_ENDPOINT = env_str("GEOLOOP_S3_ENDPOINT", "")  # e.g. http://127.0.0.1:58333; empty: AWS itself
GEOLOOP_S3_BUCKET = env_str("GEOLOOP_S3_BUCKET", "geoloop")
GEOLOOP_S3_PREFIX = env_str("GEOLOOP_S3_PREFIX", "").strip("/")  # keys go under <prefix>/ in the bucket
GEOLOOP_S3_REGION = env_str("GEOLOOP_S3_REGION", env_str("AWS_REGION", "us-east-1"))


def _s3_credential(name: str) -> str:
    """GEOLOOP_S3_<name>, else AWS_<name>. With s3 media an AWS_<name> is moved to GEOLOOP_S3_<name> in this
    process's environment (child processes still find it): while AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are in
    the environment, rasterio builds a boto3 session for every ``rasterio.Env()`` (rio-tiler opens one per tile),
    54 ms each on the 2-core machine. GeoLoop hands the credentials to boto3 and GDAL itself."""
    value = os.environ.get(f"GEOLOOP_S3_{name}") or os.environ.get(f"AWS_{name}", "")
    if GEOLOOP_STORAGE == "s3" and value:
        os.environ[f"GEOLOOP_S3_{name}"] = value
        os.environ.pop(f"AWS_{name}", None)
    return value


AWS_ACCESS_KEY_ID = _s3_credential("ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = _s3_credential("SECRET_ACCESS_KEY")
GEOLOOP_MEDIA_CACHE = env_path("GEOLOOP_MEDIA_CACHE", MEDIA_ROOT / "cache")


def media_storages(*, kind: str, media_root, bucket: str, endpoint: str, region: str, prefix: str,
                   access_key: str, secret_key: str) -> dict:
    """The ``media`` entry of STORAGES: the file system under MEDIA_ROOT, or the S3 bucket (django-storages)."""
    if kind != "s3":
        return {"media": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                          "OPTIONS": {"location": str(media_root), "allow_overwrite": True}}}
    return {"media": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": bucket, "endpoint_url": endpoint or None, "region_name": region,
        "access_key": access_key or None, "secret_key": secret_key or None, "location": prefix,
        "file_overwrite": True, "default_acl": None, "querystring_auth": True, "addressing_style": "path",
        "signature_version": "s3v4"}}}


STORAGES = {
    **media_storages(kind=GEOLOOP_STORAGE, media_root=MEDIA_ROOT, bucket=GEOLOOP_S3_BUCKET,
                     endpoint=GEOLOOP_S3_ENDPOINT, region=GEOLOOP_S3_REGION, prefix=GEOLOOP_S3_PREFIX,
                     access_key=AWS_ACCESS_KEY_ID, secret_key=AWS_SECRET_ACCESS_KEY),
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
