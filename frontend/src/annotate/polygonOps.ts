// Add to / cut from a shape by a drawn polygon, on plain coordinate arrays (any planar CRS: the map's EPSG:3857
// or lon/lat for small areas). The boolean operations are polyclip-ts's (Martinez-Rueda-Feito, pinned in
// package.json); this module adapts GeoJSON-style arrays to it, closes rings and counts moved vertices.
import { difference, union } from 'polyclip-ts';

export type Ring = number[][];
export type PolygonCoords = Ring[];
export type MultiPolygonCoords = PolygonCoords[];
type Pair = [number, number];

function pairRing(ring: Ring): Pair[] {
  const out = ring.map((p) => [p[0] ?? 0, p[1] ?? 0] as Pair);
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push([first[0], first[1]]);
  return out;
}

function toPairs(mp: MultiPolygonCoords): Pair[][][] {
  return mp.filter((poly) => poly.length > 0 && (poly[0]?.length ?? 0) >= 3).map((poly) => poly.map(pairRing));
}

/** Signed area of a ring (shoelace; positive when counter-clockwise). */
export function ringArea(ring: Ring): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1 = 0, y1 = 0] = ring[i] ?? [];
    const [x2 = 0, y2 = 0] = ring[(i + 1) % ring.length] ?? [];
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

export function multiPolygonArea(mp: MultiPolygonCoords): number {
  let area = 0;
  for (const poly of mp) {
    poly.forEach((ring, i) => {
      const a = Math.abs(ringArea(ring));
      area += i === 0 ? a : -a;
    });
  }
  return area;
}

/** `shape` ∪ `drawn`. */
export function addPolygon(shape: MultiPolygonCoords, drawn: PolygonCoords): MultiPolygonCoords {
  const a = toPairs(shape);
  const b = toPairs([drawn]);
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return union(a, b) as MultiPolygonCoords;
}

/** `shape` minus `drawn`; an empty array when nothing is left. */
export function cutPolygon(shape: MultiPolygonCoords, drawn: PolygonCoords): MultiPolygonCoords {
  const a = toPairs(shape);
  const b = toPairs([drawn]);
  if (a.length === 0 || b.length === 0) return a;
  return difference(a, b) as MultiPolygonCoords;
}

/**
 * How many vertices of `after` are not vertices of `before` (within `tolerance`): a vertex dragged counts one,
 * a vertex inserted and dragged counts one. Closing duplicates are ignored.
 */
export function countMovedVertices(before: MultiPolygonCoords, after: MultiPolygonCoords, tolerance = 1e-9): number {
  const key = (p: number[]) => `${Math.round((p[0] ?? 0) / tolerance)}:${Math.round((p[1] ?? 0) / tolerance)}`;
  const known = new Set<string>();
  for (const poly of before) for (const ring of poly) for (const p of ring) known.add(key(p));
  let moved = 0;
  for (const poly of after) {
    for (const ring of poly) {
      const open = ring.length > 1 && key(ring[0] ?? []) === key(ring[ring.length - 1] ?? []) ? ring.slice(0, -1) : ring;
      for (const p of open) if (!known.has(key(p))) moved++;
    }
  }
  return moved;
}
