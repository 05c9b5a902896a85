"""Imagery: validate rasters, write Cloud-Optimized GeoTIFFs, render recipes and Web Mercator tiles.

Plain modules with no Django import: rasterio and rio-tiler live here (and in export code) only.
"""

from annotator.imagery.errors import (
    ExternalReference,
    FormatRefused,
    ImageryError,
    InvalidRaster,
    InvalidRecipe,
    InvalidTile,
    RasterTooLarge,
    TileOutsideBounds,
    UnsupportedRaster,
)

__all__ = ["ExternalReference", "FormatRefused", "ImageryError", "InvalidRaster", "InvalidRecipe", "InvalidTile",
           "RasterTooLarge", "TileOutsideBounds", "UnsupportedRaster"]
