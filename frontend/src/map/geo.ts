// Pure geometry helpers between the API's EPSG:4326 values and the map's EPSG:3857.
import { buffer, getWidth, type Extent } from 'ol/extent';
import GeoJSON from 'ol/format/GeoJSON';
import type Feature from 'ol/Feature';
import type { Geometry } from 'ol/geom';
import { transformExtent } from 'ol/proj';
import type { GeoJsonPolygon, LonLatBounds } from '../types';

/** Web Mercator's latitude limit: beyond it EPSG:3857 is undefined. */
export const MAX_MERCATOR_LAT = 85.0511287798066;

/** [minLon, minLat, maxLon, maxLat] (EPSG:4326) -> [minX, minY, maxX, maxY] (EPSG:3857, metres). */
export function boundsToExtent(bounds: LonLatBounds): Extent {
  if (bounds.length !== 4 || !bounds.every(Number.isFinite)) {
    throw new RangeError(`bounds must be four finite numbers, got ${JSON.stringify(bounds)}`);
  }
  const [minLon, minLat, maxLon, maxLat] = bounds;
  if (minLon > maxLon || minLat > maxLat) {
    throw new RangeError(`bounds are not [minlon, minlat, maxlon, maxlat]: ${JSON.stringify(bounds)}`);
  }
  const clamp = (lat: number) => Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat));
  return transformExtent([minLon, clamp(minLat), maxLon, clamp(maxLat)], 'EPSG:4326', 'EPSG:3857');
}

/** The scene footprint as an OpenLayers feature in the map projection. */
export function footprintFeature(footprint: GeoJsonPolygon): Feature {
  return new GeoJSON().readFeature(footprint, {
    dataProjection: 'EPSG:4326',
    featureProjection: 'EPSG:3857',
  }) as Feature;
}

/** "lon, lat" with 6 decimals (about 10 cm), for the mouse position readout. */
export function formatLonLat(coordinate: number[] | undefined): string {
  if (!coordinate || coordinate.length < 2) return '';
  const [lon, lat] = coordinate as [number, number];
  return `${lon.toFixed(6)}, ${lat.toFixed(6)}`;
}

/**
 * Whether a tile is worth requesting: its extent overlaps the footprint by more than a sliver
 * (0.1% of the tile's width, a quarter of a pixel). The scene's lon/lat bounds are an envelope: with a CRS rotated
 * against Web Mercator (UTM), tiles in its corners lie outside the image and the tile API answers them 404.
 */
export function tileOverlapsFootprint(tileExtent: Extent, footprint: Geometry): boolean {
  return footprint.intersectsExtent(buffer(tileExtent, -getWidth(tileExtent) * 0.001));
}

/** Fills an XYZ template such as "/api/scenes/7/tiles/{z}/{x}/{y}.png". */
export function tileUrl(template: string, z: number, x: number, y: number): string {
  return template.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
}
