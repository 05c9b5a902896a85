"""Limits on untrusted input, checked before any work: imagery from its header (before a pixel is read), import
archives from their member list (before anything is extracted). 0 switches a limit off."""

from webapp.settings.env import env_int

# Imagery (uploads, registered files, ingestion). The decompressed size is width x height x bands x bytes per sample.
IMAGERY_MAX_PIXELS = env_int("GEOLOOP_IMAGERY_MAX_PIXELS", 1_000_000_000)
IMAGERY_MAX_BANDS = env_int("GEOLOOP_IMAGERY_MAX_BANDS", 256)
IMAGERY_MAX_DECOMPRESSED_BYTES = env_int("GEOLOOP_IMAGERY_MAX_DECOMPRESSED_BYTES", 16 * 1024**3)
# One block (tile or strip) is decompressed whole to read any pixel of it.
IMAGERY_MAX_BLOCK_BYTES = env_int("GEOLOOP_IMAGERY_MAX_BLOCK_BYTES", 256 * 1024**2)
# Decompressed bytes over bytes on disk (deflate tops out near 1032:1), checked once the pixels pass the free size:
# a file declaring gigapixels in kilobytes (sparse or forged tiles) is refused before its ingestion runs for minutes.
IMAGERY_MAX_COMPRESSION_RATIO = env_int("GEOLOOP_IMAGERY_MAX_COMPRESSION_RATIO", 1000)
IMAGERY_RATIO_FREE_BYTES = env_int("GEOLOOP_IMAGERY_RATIO_FREE_BYTES", 256 * 1024**2)

# Annotation import archives (zip), from the member list before extraction. Only the members an import reads count
# towards the size (COCO JSON and sidecars; images inside an export zip are skipped, never extracted).
IMPORT_MAX_MEMBERS = env_int("GEOLOOP_IMPORT_MAX_MEMBERS", 10_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("GEOLOOP_IMPORT_MAX_UNCOMPRESSED_BYTES", 512 * 1024**2)
# Uncompressed over compressed size of a member (JSON deflates about 5-20:1), checked for members past the free size.
IMPORT_MAX_COMPRESSION_RATIO = env_int("GEOLOOP_IMPORT_MAX_COMPRESSION_RATIO", 200)
IMPORT_RATIO_FREE_BYTES = env_int("GEOLOOP_IMPORT_RATIO_FREE_BYTES", 1024**2)
