"""Imagery errors: a branch of :class:`core.errors.GeoLoopError`, with narrow subclasses. Messages are written for
people."""

from core.errors import GeoLoopError, NotFound, TooLarge, ValidationFailed


class ImageryError(GeoLoopError):
    """Root of every imagery error. `code` is machine-readable."""

    code = "imagery_error"


class InvalidRaster(ImageryError, ValidationFailed):
    """The file is not a readable, georeferenced raster (not a raster, truncated, no georeferencing, rotated)."""

    code = "invalid_raster"


class UnsupportedRaster(InvalidRaster):
    """A valid raster of a kind GeoLoop does not handle (data type, too many bands...)."""

    code = "unsupported_raster"


class FormatRefused(UnsupportedRaster):
    """A file in a format outside the allow-list of GDAL drivers (a VRT, a netCDF, a zip, an ENVI header...): formats
    that can point at other files or URLs are never opened."""

    code = "format_not_allowed"


class ExternalReference(UnsupportedRaster):
    """A raster that reaches data outside its own file (sidecars, subdatasets, external overviews, /vsi or URL
    paths)."""

    code = "external_reference"


class RasterTooLarge(TooLarge, UnsupportedRaster):
    """A raster whose header declares more pixels, bytes or compression than the configured limits allow; refused
    before any pixel is read. A TooLarge first (413), and still an InvalidRaster for callers that catch those."""

    code = "raster_too_large"


class InvalidRecipe(ImageryError, ValidationFailed):
    """A render recipe that does not fit the scene (band out of range, min >= max...)."""

    code = "invalid_recipe"


class TileOutsideBounds(ImageryError, NotFound):
    """The requested tile does not intersect the image."""

    code = "tile_outside_bounds"


class InvalidTile(ImageryError, ValidationFailed):
    """A malformed tile address (zoom out of range, x/y outside the zoom's matrix, unknown format)."""

    code = "invalid_tile"
