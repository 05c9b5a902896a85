// Annotation kinds other than the polygon (issue 16): axis-aligned boxes, rotated boxes, points and lines with a
// width. Pure geometry on planar coordinates (the map's EPSG:3857 metres, which is conformal: a rectangle drawn there is
// a rectangle on the ground at annotation scale) and the request bodies the API takes (EPSG:4326 GeoJSON).

export type ShapeKind = 'box' | 'rotated_box' | 'point' | 'line';
export type AnnotationKind = 'polygon' | ShapeKind;

export const SHAPE_KINDS: readonly ShapeKind[] = ['box', 'rotated_box', 'point', 'line'];

export const KIND_LABELS: Record<AnnotationKind, string> = {
  polygon: 'polygon',
  box: 'box',
  rotated_box: 'rotated box',
  point: 'point',
  line: 'line',
};

export type XY = number[];

/** A shape being drawn or edited: coordinates in lon/lat (4 corners, one point, or the line's vertices). */
export interface KindShape {
  kind: ShapeKind;
  coords: XY[];
  /** Lines only: the width on the ground, metres. */
  widthM: number | null;
  /** The saved annotation this shape edits (null: a new one) and its version as last loaded. */
  annotationId: number | null;
  version: number | null;
}

export function isShapeKind(k: unknown): k is ShapeKind {
  return typeof k === 'string' && (SHAPE_KINDS as readonly string[]).includes(k);
}

const sub = (a: XY, b: XY): XY => [(a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0)];
const add = (a: XY, b: XY): XY => [(a[0] ?? 0) + (b[0] ?? 0), (a[1] ?? 0) + (b[1] ?? 0)];
const scale = (a: XY, k: number): XY => [(a[0] ?? 0) * k, (a[1] ?? 0) * k];
const dot = (a: XY, b: XY): number => (a[0] ?? 0) * (b[0] ?? 0) + (a[1] ?? 0) * (b[1] ?? 0);
const norm = (a: XY): number => Math.hypot(a[0] ?? 0, a[1] ?? 0);

/** The axis-aligned box with corners a and c, as 4 corners counter-clockwise from the south-west one. */
export function boxFromCorners(a: XY, c: XY): XY[] {
  const [x0, x1] = [Math.min(a[0] ?? 0, c[0] ?? 0), Math.max(a[0] ?? 0, c[0] ?? 0)];
  const [y0, y1] = [Math.min(a[1] ?? 0, c[1] ?? 0), Math.max(a[1] ?? 0, c[1] ?? 0)];
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
}

/** The rectangle with one edge a→b and its opposite edge through p (p's distance from the line ab is the width, on
 *  p's side). Null when a and b coincide or p lies on the line (no rectangle). */
export function rectFromEdge(a: XY, b: XY, p: XY): XY[] | null {
  const e = sub(b, a);
  const len = norm(e);
  if (len === 0) return null;
  const n: XY = [-(e[1] ?? 0) / len, (e[0] ?? 0) / len];
  const w = dot(sub(p, a), n);
  if (w === 0) return null;
  const off = scale(n, w);
  return [a, b, add(b, off), add(a, off)];
}

/** The angle of a rectangle's first edge (radians, from the x axis). */
export function edgeAngle(corners: XY[]): number {
  const e = sub(corners[1] ?? [0, 0], corners[0] ?? [0, 0]);
  return Math.atan2(e[1] ?? 0, e[0] ?? 0);
}

/** The rectangle oriented at `angle` with opposite corners c (kept) and p (its projection on the rectangle's axes
 *  is the new corner). Corners in the order c, c+u, p', c+v. */
export function rectFromOppositeCorners(c: XY, p: XY, angle: number): XY[] {
  const u: XY = [Math.cos(angle), Math.sin(angle)];
  const v: XY = [-Math.sin(angle), Math.cos(angle)];
  const d = sub(p, c);
  const du = scale(u, dot(d, u));
  const dv = scale(v, dot(d, v));
  return [c, add(c, du), add(add(c, du), dv), add(c, dv)];
}

/** True when the 4 corners form a rectangle (right angles within `tol` radians, no zero-length side). */
export function isRectangle(corners: XY[], tol = 1e-6): boolean {
  if (corners.length !== 4) return false;
  for (let i = 0; i < 4; i += 1) {
    const p = corners[i]!;
    const e1 = sub(corners[(i + 1) % 4]!, p);
    const e0 = sub(corners[(i + 3) % 4]!, p);
    const l0 = norm(e0);
    const l1 = norm(e1);
    if (l0 === 0 || l1 === 0) return false;
    if (Math.abs(dot(e0, e1) / (l0 * l1)) > tol) return false;
  }
  return true;
}

/** True when the rectangle's sides run along the axes (within `tol` radians). */
export function isAxisAligned(corners: XY[], tol = 1e-6): boolean {
  if (!isRectangle(corners, tol)) return false;
  const a = ((edgeAngle(corners) % (Math.PI / 2)) + Math.PI / 2) % (Math.PI / 2);
  return Math.min(a, Math.PI / 2 - a) <= tol;
}

/** The index of the one vertex that moved between `before` and `after` (the largest move; -1 if none moved). */
export function movedVertex(before: XY[], after: XY[], eps = 1e-9): number {
  let best = -1;
  let bestD = eps;
  for (let i = 0; i < Math.min(before.length, after.length); i += 1) {
    const d = norm(sub(after[i]!, before[i]!));
    if (d > bestD) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/** A rectangle after one of its corners was dragged: the opposite corner stays, the orientation stays, the dragged
 *  corner's projection on the rectangle's axes becomes the new corner. Corners keep their order. */
export function resizeRect(before: XY[], after: XY[]): XY[] {
  const i = movedVertex(before, after);
  if (i < 0 || before.length !== 4) return before;
  const c = before[(i + 2) % 4]!;
  const d = sub(after[i]!, c);
  // The dragged corner's neighbours lie on the rectangle's two sides through the fixed corner.
  const along = (j: number): XY => {
    const side = sub(before[j % 4]!, c);
    const l = norm(side);
    return l === 0 ? c : add(c, scale(side, dot(d, side) / (l * l)));
  };
  const out: XY[] = [];
  out[(i + 2) % 4] = c;
  out[(i + 1) % 4] = along(i + 1);
  out[(i + 3) % 4] = along(i + 3);
  out[i] = add(add(c, sub(out[(i + 1) % 4]!, c)), sub(out[(i + 3) % 4]!, c));
  return out;
}

/** A rectangle turned about its centre by `delta` radians. */
export function rotateRect(corners: XY[], delta: number): XY[] {
  const cx = corners.reduce((s, p) => s + (p[0] ?? 0), 0) / corners.length;
  const cy = corners.reduce((s, p) => s + (p[1] ?? 0), 0) / corners.length;
  const c = Math.cos(delta);
  const s = Math.sin(delta);
  return corners.map((p) => {
    const x = (p[0] ?? 0) - cx;
    const y = (p[1] ?? 0) - cy;
    return [cx + x * c - y * s, cy + x * s + y * c];
  });
}

/** The direction of a scene's pixel rows in planar map coordinates, from its footprint ring (map coordinates, the
 *  grid's outline): the first edge's angle folded into [0, π/2), since a rectangle at θ is one at θ + π/2. */
export function gridAngle(ring: XY[]): number {
  const a = ring[0];
  const b = ring.slice(1).find((p) => p[0] !== a?.[0] || p[1] !== a?.[1]);
  if (!a || !b) return 0;
  const t = Math.atan2((b[1] ?? 0) - (a[1] ?? 0), (b[0] ?? 0) - (a[0] ?? 0));
  const q = Math.PI / 2;
  const folded = ((t % q) + q) % q;
  return folded > q / 2 ? folded - q : folded;
}

/** The closed ring of 4 corners. */
export function closeRing(corners: XY[]): XY[] {
  const first = corners[0];
  return first ? [...corners, [...first]] : [];
}

/** 4 corners from a closed ring the server answered (its first 4 distinct vertices). */
export function cornersOfRing(ring: XY[]): XY[] {
  const open = ring.length > 1 && sameXY(ring[0]!, ring[ring.length - 1]!) ? ring.slice(0, -1) : ring;
  return open.slice(0, 4).map((p) => [p[0] ?? 0, p[1] ?? 0]);
}

function sameXY(a: XY, b: XY): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Ground metres per EPSG:3857 unit at a latitude (degrees). */
export function metresPerMapUnit(latDeg: number): number {
  return Math.cos((latDeg * Math.PI) / 180);
}

/** A line's default width: three scene pixels' ground size (the server's default too), 3 m when the GSD is unknown.
 *  Rounded to 0.1 m. */
export function defaultLineWidth(gsd: number | null | undefined): number {
  const w = gsd && gsd > 0 ? gsd * 3 : 3;
  return Math.max(0.1, Math.round(w * 10) / 10);
}

/** The width typed in the panel: a positive number of metres, or a reason it is not one. */
export function parseWidth(text: string): { ok: true; value: number } | { ok: false; reason: string } {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value)) return { ok: false, reason: 'Width must be a number of metres.' };
  if (value <= 0) return { ok: false, reason: 'Width must be more than 0 m.' };
  return { ok: true, value };
}

export type KindGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'Point'; coordinates: number[] }
  | { type: 'LineString'; coordinates: number[][] };

/** What the shape is sent as: a Polygon (4 corners, closed) for boxes, a Point, or a LineString (with width_m). */
export function kindGeometry(s: Pick<KindShape, 'kind' | 'coords'>): KindGeometry {
  if (s.kind === 'point') return { type: 'Point', coordinates: s.coords[0] ?? [] };
  if (s.kind === 'line') return { type: 'LineString', coordinates: s.coords };
  return { type: 'Polygon', coordinates: [closeRing(s.coords)] };
}

/** Why a shape cannot be saved yet (null when it can). */
export function shapeProblem(s: KindShape): string | null {
  if (s.kind === 'point') return s.coords.length === 1 ? null : 'A point needs one position.';
  if (s.kind === 'line') {
    if (s.coords.length < 2) return 'A line needs at least two vertices.';
    if (!(s.widthM !== null && s.widthM > 0)) return 'A line needs a width of more than 0 m.';
    return null;
  }
  return s.coords.length === 4 ? null : 'A box needs four corners.';
}

/** The request body's kind-specific part. */
export function shapeBody(s: KindShape): { kind: ShapeKind; geometry: KindGeometry; width_m?: number } {
  return { kind: s.kind, geometry: kindGeometry(s), ...(s.kind === 'line' && s.widthM !== null ? { width_m: s.widthM } : {}) };
}

/** The same shape (kind, coordinates to ~1 cm, width)? Used to know whether an edit is unsaved. */
export function sameShape(a: KindShape | null | undefined, b: KindShape | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.kind !== b.kind || a.widthM !== b.widthM || a.coords.length !== b.coords.length) return false;
  return a.coords.every((p, i) => Math.abs((p[0] ?? 0) - (b.coords[i]![0] ?? 0)) < 1e-7 && Math.abs((p[1] ?? 0) - (b.coords[i]![1] ?? 0)) < 1e-7);
}

/** Unsaved: a new shape, or a saved one changed since it was loaded. */
export function shapeDirty(shape: KindShape | null | undefined, loaded: KindShape | null | undefined): boolean {
  if (!shape) return false;
  return shape.annotationId === null || !sameShape(shape, loaded);
}

/** A saved annotation as a shape, from the API's `kind`, `shape` (exact Point/LineString) and footprint. Null for a
 *  polygon or anything unreadable (then it is edited as a polygon). */
export function shapeFromFeature(f: {
  id: number;
  geometry: { coordinates: number[][][][] } | null;
  properties: { version: number; kind?: unknown; width_m?: unknown; shape?: unknown };
}): KindShape | null {
  const kind = f.properties.kind;
  if (!isShapeKind(kind)) return null;
  const base = { kind, annotationId: f.id, version: f.properties.version, widthM: typeof f.properties.width_m === 'number' ? f.properties.width_m : null };
  const exact = f.properties.shape as { type?: string; coordinates?: unknown } | null | undefined;
  if (kind === 'point') {
    if (exact?.type === 'Point' && Array.isArray(exact.coordinates)) return { ...base, coords: [exact.coordinates as number[]] };
    const ring = f.geometry?.coordinates[0]?.[0];
    if (!ring || ring.length < 4) return null;
    const c = cornersOfRing(ring);
    return { ...base, coords: [[c.reduce((s, p) => s + (p[0] ?? 0), 0) / c.length, c.reduce((s, p) => s + (p[1] ?? 0), 0) / c.length]] };
  }
  if (kind === 'line') {
    if (exact?.type === 'LineString' && Array.isArray(exact.coordinates)) return { ...base, coords: exact.coordinates as number[][] };
    return null;
  }
  const ring = f.geometry?.coordinates[0]?.[0];
  if (!ring || ring.length < 5) return null;
  return { ...base, coords: cornersOfRing(ring) };
}
