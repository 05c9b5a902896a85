"""GDAL configuration, in one place. READ_OPTIONS: reading GeoLoop's own COGs, after TiTiler's performance guide
(the options that apply to local files and to object storage later), used as `rasterio.Env(**READ_OPTIONS)` by the
tile readers. UNTRUSTED_OPTIONS: opening files someone else wrote (uploads, registered imagery, imports), used by
`annotator.imagery.guard` (rasterio's GDAL) and `annotator.imports.guard` (pyogrio's GDAL).

`cog_env()` is the one GDAL environment in which GeoLoop reads its own COGs: READ_OPTIONS, plus, when media lives
in an S3-compatible bucket (annotator.media configures it at start through `own_store_configure`), that bucket's
endpoint and a credentials session. The untrusted environment never gets those credentials (`untrusted_env()`).
"""

from __future__ import annotations

import rasterio
from rasterio.session import AWSSession, DummySession, Session

READ_OPTIONS: dict[str, object] = {
    # Block cache shared by every dataset of the process. In bytes: rasterio passes an integer straight to
    # GDALSetCacheMax64, so "512" would mean a 512-byte cache (every block decompressed again per warped row).
    "GDAL_CACHEMAX": 512 * 1024**2,
    # Never list the directory of a file on open (no sidecar .ovr/.aux.xml hunting).
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    # Only .tif may be opened through /vsicurl/ (object storage later).
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.TIF,.tiff",
    # Cache of byte ranges read through the VSI layer, and ask for neighbouring ranges in one request.
    "VSI_CACHE": "TRUE",
    "VSI_CACHE_SIZE": 50_000_000,
    "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
    "GDAL_HTTP_MULTIPLEX": "YES",
    "GDAL_HTTP_VERSION": 2,
    "GDAL_INGESTED_BYTES_AT_OPEN": 32768,
    # Do not read/write .aux.xml statistics files next to the COG.
    "GDAL_PAM_ENABLED": "NO",
    # Fail loudly on a damaged block instead of returning zeros.
    "GTIFF_IGNORE_READ_ERRORS": "NO",
}

# Opening files that someone else wrote (uploads, registered files, imports). A raster must never reach data outside
# itself: no directory listing (so no sidecar .ovr/.msk/.aux.xml/.tfw is found), no PAM sidecar read or written, no
# network (/vsicurl/ accepts no file name; short timeouts and no retries should anything slip through), and the VRT
# features that read raw files or run code switched off in case a VRT is ever reached despite the driver allow-list.
UNTRUSTED_OPTIONS: dict[str, object] = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_PAM_ENABLED": "NO",
    "GTIFF_IGNORE_READ_ERRORS": "NO",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".geoloop-network-disabled",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/vsicurl/geoloop-network-disabled",
    "GDAL_HTTP_TIMEOUT": 1,
    "GDAL_HTTP_CONNECTTIMEOUT": 1,
    "GDAL_HTTP_MAX_RETRY": 0,
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
}


# The app's own bucket, when media is on S3 (annotator.media.media_gdal_configure sets it): endpoint options, and one
# credentials session built once per process (rasterio would otherwise build a boto3 session per Env from AWS_* in
# the environment, ~ms per tile).
_own_store: dict[str, object] = {}
_own_session: list[Session] = []


def own_store_configure(*, options: dict[str, object] | None, access_key: str = "", secret_key: str = "",
                        region: str = "") -> None:
    """Point `cog_env()` at the app's bucket (``options``: AWS_S3_ENDPOINT, AWS_HTTPS, AWS_VIRTUAL_HOSTING...), or
    back at local files only (``options`` None)."""
    _own_store.clear()
    _own_session.clear()
    if options is None:
        return
    _own_store.update(options)
    if access_key and secret_key:
        _own_session.append(AWSSession(aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                       region_name=region or None))


def cog_env() -> rasterio.Env:
    """The GDAL environment for reading GeoLoop's own COGs (local or in its bucket); enter it around the open and
    the reads."""
    session = _own_session[0] if _own_session else DummySession()
    return rasterio.Env(session=session, **READ_OPTIONS, **_own_store)


def untrusted_env() -> rasterio.Env:
    """The GDAL environment for files someone else wrote: no credentials, whatever the process environment holds."""
    return rasterio.Env(session=DummySession(), **UNTRUSTED_OPTIONS)
