"""Write a Cloud-Optimized GeoTIFF with internal overviews (rio-cogeo): deflate, 512-px blocks, nodata, mask and
alpha kept so that what is not image shows transparent."""

from __future__ import annotations

import os
import uuid
import warnings
from pathlib import Path

from rasterio.enums import MaskFlags
from rasterio.errors import RasterioError
from rio_cogeo.cogeo import cog_translate, cog_validate
from rio_cogeo.profiles import cog_profiles

from annotator.imagery.errors import InvalidRaster
from annotator.imagery.guard import DEFAULT_LIMITS, NO_SIZE_LIMITS, RasterLimits, first_line, raster_open
from annotator.imagery.sar import complex_to_db, is_complex

BLOCK_SIZE = 512


def cog_profile(dtype: str) -> dict:
    profile = dict(cog_profiles.get("deflate"))
    profile.update(blockxsize=BLOCK_SIZE, blockysize=BLOCK_SIZE, predictor=3 if dtype.startswith("float") else 2,
                   BIGTIFF="IF_SAFER")
    return profile


def write_cog(src_path: str | os.PathLike, dst_path: str | os.PathLike, *,
              limits: RasterLimits = DEFAULT_LIMITS) -> Path:
    """Translate `src_path` into a COG at `dst_path` (written beside it under a temporary name, then renamed, so a
    half-written COG never carries the final name). Returns the destination path.

    Overviews are decimated by 2 until the smallest fits one 512-px block, resampled with "average" (nodata and masked
    pixels are left out of the average). The source is opened through the guard (allowed drivers only, nothing
    outside the file, header `limits` checked before any pixel is read). A complex-valued (SAR) source is first
    converted, block by block, to float32 amplitude in dB (annotator.imagery.sar) beside the destination, and that
    becomes the COG. Raises InvalidRaster (or a narrower refusal) when the source cannot be read through.
    """
    dst = Path(dst_path)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex}.part")
    db_tmp = dst.with_name(f".{dst.name}.{uuid.uuid4().hex}.db.tif")
    try:
        with raster_open(src_path, limits=limits) as src:
            if is_complex(src.dtypes[0]):
                complex_to_db(src, db_tmp)
        source, source_limits = (db_tmp, NO_SIZE_LIMITS) if db_tmp.exists() else (src_path, limits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with raster_open(source, limits=source_limits) as src:
                has_alpha = src.count > 1 and src.colorinterp[-1].name == "alpha"
                has_mask = (not has_alpha and src.nodata is None
                            and any(MaskFlags.per_dataset in flags for flags in src.mask_flag_enums))
                cog_translate(
                    src, str(tmp), cog_profile(src.dtypes[0]),
                    add_mask=has_mask,
                    overview_resampling="average",
                    in_memory=False,
                    quiet=True,
                    config={"GDAL_NUM_THREADS": "ALL_CPUS", "GDAL_TIFF_INTERNAL_MASK": True,
                            "GDAL_TIFF_OVR_BLOCKSIZE": str(BLOCK_SIZE)},
                )
        valid, errors, _ = cog_validate(str(tmp), quiet=True)
        if not valid:
            raise InvalidRaster(f"The Cloud-Optimized GeoTIFF written for {Path(src_path).name} is invalid: "
                                f"{'; '.join(errors)}")
        os.replace(tmp, dst)
        return dst
    except (RasterioError, OSError) as exc:
        raise InvalidRaster(f"{Path(src_path).name} could not be read through to make a Cloud-Optimized GeoTIFF "
                            f"(damaged or truncated?): {first_line(exc)}") from exc
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.aux.xml").unlink(missing_ok=True)
        db_tmp.unlink(missing_ok=True)
        Path(f"{db_tmp}.aux.xml").unlink(missing_ok=True)
