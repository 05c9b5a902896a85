"""Imagery: validate rasters, write Cloud-Optimized GeoTIFFs, render recipes and Web Mercator tiles.

Plain modules with no Django import: rasterio and rio-tiler live here (and in export code) only.
"""

from annotator.imagery.errors import (
    ImageryError,
    InvalidRaster,
    InvalidRecipe,
    InvalidTile,
    TileOutsideBounds,
    UnsupportedRaster,
)

__all__ = ["ImageryError", "InvalidRaster", "InvalidRecipe", "InvalidTile", "TileOutsideBounds", "UnsupportedRaster"]
