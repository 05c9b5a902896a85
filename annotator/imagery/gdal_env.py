"""GDAL configuration, in one place. READ_OPTIONS: reading GeoLoop's own COGs, after TiTiler's performance guide
(the options that apply to local files and to object storage later), used as `rasterio.Env(**READ_OPTIONS)` by the
tile readers. UNTRUSTED_OPTIONS: opening files someone else wrote (uploads, registered imagery, imports), used by
`annotator.imagery.guard` (rasterio's GDAL) and `annotator.imports.guard` (pyogrio's GDAL)."""

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
