// How much of the task (or, without a task, the scene) a mask covers: accepting one that covers more than half of
// it asks for confirmation (a mask that swallowed the window is the model's typical miss, not an object).
import { multiPolygonArea, type MultiPolygonCoords } from './polygonOps';
import type { GeoJsonMultiPolygon, GeoJsonPolygon } from '../types';

export const CONFIRM_SHARE = 0.5;

function coords(g: GeoJsonPolygon | GeoJsonMultiPolygon): MultiPolygonCoords {
  return (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MultiPolygonCoords;
}

/** Area of `mask` over the area of `reference` (lon/lat, planar: a ratio over a small area), null without one. */
export function coveredShare(mask: GeoJsonMultiPolygon, reference: GeoJsonPolygon | GeoJsonMultiPolygon | null): number | null {
  if (!reference) return null;
  const ref = multiPolygonArea(coords(reference));
  if (!(ref > 0)) return null;
  return multiPolygonArea(coords(mask)) / ref;
}

/** The question to ask before accepting, or null when the mask is an ordinary size. */
export function swallowQuestion(mask: GeoJsonMultiPolygon, task: GeoJsonPolygon | GeoJsonMultiPolygon | null, scene: GeoJsonPolygon | null): string | null {
  const [reference, what] = task ? [task, 'task'] : [scene, 'scene'];
  const share = coveredShare(mask, reference);
  if (share === null || share <= CONFIRM_SHARE) return null;
  return `This mask covers ${Math.round(Math.min(share, 9.99) * 100)}% of the ${what}. Accept it anyway?`;
}
