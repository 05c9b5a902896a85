import { describe, expect, it } from 'vitest';
import {
  boxFromCorners,
  cornersOfRing,
  defaultLineWidth,
  edgeAngle,
  gridAngle,
  isAxisAligned,
  isRectangle,
  kindGeometry,
  movedVertex,
  parseWidth,
  rectFromEdge,
  rectFromOppositeCorners,
  resizeRect,
  rotateRect,
  sameShape,
  shapeBody,
  shapeFromFeature,
  shapeProblem,
  type KindShape,
} from './kinds';

const close = (a: number[][], b: number[][]) => {
  expect(a.length).toBe(b.length);
  a.forEach((p, i) => {
    expect(p[0]).toBeCloseTo(b[i]![0]!, 9);
    expect(p[1]).toBeCloseTo(b[i]![1]!, 9);
  });
};

describe('boxes', () => {
  it('makes an axis-aligned box from two corners in any order', () => {
    close(boxFromCorners([10, 5], [2, 9]), [[2, 5], [10, 5], [10, 9], [2, 9]]);
    expect(isAxisAligned(boxFromCorners([10, 5], [2, 9]))).toBe(true);
  });

  it('makes a rectangle from one edge and a point setting the width, on the point’s side', () => {
    const r = rectFromEdge([0, 0], [4, 3], [0, 10])!; // edge of length 5 at atan2(3,4); point above
    expect(isRectangle(r)).toBe(true);
    expect(isAxisAligned(r)).toBe(false);
    // width = distance of (0,10) from the line through (0,0),(4,3): |(-3)*0 + 4*10| / 5 = 8
    close(r, [[0, 0], [4, 3], [4 - 4.8, 3 + 6.4], [-4.8, 6.4]]);
    const below = rectFromEdge([0, 0], [4, 3], [3, -4])!;
    close(below.slice(2), [[4 + 3, 3 - 4], [3, -4]]);
  });

  it('refuses degenerate rectangles', () => {
    expect(rectFromEdge([1, 1], [1, 1], [5, 5])).toBeNull();
    expect(rectFromEdge([0, 0], [2, 0], [7, 0])).toBeNull();
    expect(isRectangle([[0, 0], [1, 0], [2, 1], [0, 1]])).toBe(false);
    expect(isRectangle([[0, 0], [0, 0], [1, 1], [0, 1]])).toBe(false);
  });

  it('tells axis-aligned from rotated rectangles', () => {
    expect(isAxisAligned(rotateRect(boxFromCorners([0, 0], [4, 2]), Math.PI / 2))).toBe(true);
    expect(isAxisAligned(rotateRect(boxFromCorners([0, 0], [4, 2]), 0.1))).toBe(false);
    expect(isRectangle(rotateRect(boxFromCorners([0, 0], [4, 2]), 0.1))).toBe(true);
  });

  it('resizes by a dragged corner keeping the opposite corner and the orientation', () => {
    const box = boxFromCorners([0, 0], [4, 2]);
    const dragged = box.map((p) => [...p]);
    dragged[2] = [6, 5]; // pull the north-east corner
    close(resizeRect(box, dragged), [[0, 0], [6, 0], [6, 5], [0, 5]]);

    const rot = rectFromOppositeCorners([0, 0], [3, 4], Math.PI / 6);
    expect(isRectangle(rot)).toBe(true);
    const moved = rot.map((p) => [...p]);
    moved[1] = [moved[1]![0]! + 1.3, moved[1]![1]! - 0.4];
    const out = resizeRect(rot, moved);
    expect(isRectangle(out, 1e-9)).toBe(true);
    expect(edgeAngle(out)).toBeCloseTo(Math.PI / 6, 9);
    close([out[3]!], [rot[3]!]); // the corner opposite the dragged one stays
  });

  it('reads the scene grid’s direction from its footprint, folded to a quarter turn', () => {
    expect(gridAngle([[0, 0], [0, 0], [10, 0], [10, 5]])).toBeCloseTo(0, 12);
    const t = 0.025; // ~1.4°, a UTM grid's convergence in Atlanta
    const ring = rotateRect(boxFromCorners([0, 0], [8, 4]), t);
    expect(gridAngle(ring)).toBeCloseTo(t, 9);
    expect(gridAngle([ring[1]!, ring[2]!])).toBeCloseTo(t, 9); // a vertical edge gives the same grid
    expect(gridAngle([ring[3]!, ring[0]!])).toBeCloseTo(t, 9);
    // a box drawn at that angle is a rectangle along the grid
    const b = rectFromOppositeCorners([1, 1], [5, 4], t);
    expect(isRectangle(b)).toBe(true);
    expect(isAxisAligned(rotateRect(b, -t))).toBe(true);
  });

  it('finds the moved vertex, or none', () => {
    expect(movedVertex([[0, 0], [1, 1]], [[0, 0], [1, 2]])).toBe(1);
    expect(movedVertex([[0, 0], [1, 1]], [[0, 0], [1, 1]])).toBe(-1);
  });

  it('reads corners back from a closed ring', () => {
    close(cornersOfRing([[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]), [[0, 0], [1, 0], [1, 1], [0, 1]]);
  });
});

describe('request bodies', () => {
  const base = { annotationId: null, version: null, widthM: null };
  it('sends each kind in its natural GeoJSON shape', () => {
    expect(kindGeometry({ kind: 'point', coords: [[1, 2]] })).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect(kindGeometry({ kind: 'line', coords: [[1, 2], [3, 4]] })).toEqual({ type: 'LineString', coordinates: [[1, 2], [3, 4]] });
    expect(kindGeometry({ kind: 'box', coords: [[0, 0], [1, 0], [1, 1], [0, 1]] })).toEqual({
      type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
    });
    expect(shapeBody({ ...base, kind: 'line', coords: [[1, 2], [3, 4]], widthM: 6 })).toMatchObject({ kind: 'line', width_m: 6 });
    expect(shapeBody({ ...base, kind: 'rotated_box', coords: [[0, 0], [1, 0], [1, 1], [0, 1]] })).not.toHaveProperty('width_m');
  });

  it('says what is missing before saving', () => {
    expect(shapeProblem({ ...base, kind: 'line', coords: [[1, 2]], widthM: 3 })).toMatch(/two vertices/);
    expect(shapeProblem({ ...base, kind: 'line', coords: [[1, 2], [2, 2]], widthM: 0 })).toMatch(/width/);
    expect(shapeProblem({ ...base, kind: 'line', coords: [[1, 2], [2, 2]], widthM: 2 })).toBeNull();
    expect(shapeProblem({ ...base, kind: 'box', coords: [[1, 2]] })).toMatch(/four corners/);
  });

  it('parses the width field and derives its default from the GSD', () => {
    expect(parseWidth(' 3.5 ')).toEqual({ ok: true, value: 3.5 });
    expect(parseWidth('0').ok).toBe(false);
    expect(parseWidth('wide').ok).toBe(false);
    expect(parseWidth('').ok).toBe(false);
    expect(defaultLineWidth(0.3)).toBe(0.9);
    expect(defaultLineWidth(0.5)).toBe(1.5);
    expect(defaultLineWidth(null)).toBe(3);
  });
});

describe('saved annotations as shapes', () => {
  const footprint = { coordinates: [[[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]] };
  it('reads points and lines from the exact shape, boxes from the footprint', () => {
    expect(shapeFromFeature({ id: 7, geometry: footprint, properties: { version: 3, kind: 'point', shape: { type: 'Point', coordinates: [5, 6] } } }))
      .toEqual({ kind: 'point', coords: [[5, 6]], widthM: null, annotationId: 7, version: 3 });
    expect(shapeFromFeature({ id: 7, geometry: footprint, properties: { version: 3, kind: 'point', shape: null } })!.coords).toEqual([[1, 1]]);
    expect(shapeFromFeature({ id: 8, geometry: footprint, properties: { version: 1, kind: 'line', width_m: 4, shape: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } } }))
      .toMatchObject({ kind: 'line', widthM: 4, coords: [[0, 0], [1, 1]] });
    expect(shapeFromFeature({ id: 9, geometry: footprint, properties: { version: 1, kind: 'box' } })!.coords).toEqual([[0, 0], [2, 0], [2, 2], [0, 2]]);
    expect(shapeFromFeature({ id: 9, geometry: footprint, properties: { version: 1, kind: 'polygon' } })).toBeNull();
    expect(shapeFromFeature({ id: 9, geometry: footprint, properties: { version: 1 } })).toBeNull();
  });

  it('compares shapes', () => {
    const a: KindShape = { kind: 'line', coords: [[0, 0], [1, 1]], widthM: 2, annotationId: 1, version: 1 };
    expect(sameShape(a, { ...a, coords: [[0, 0], [1, 1]] })).toBe(true);
    expect(sameShape(a, { ...a, widthM: 3 })).toBe(false);
    expect(sameShape(a, { ...a, coords: [[0, 0], [1, 1.001]] })).toBe(false);
    expect(sameShape(null, undefined)).toBe(true);
  });
});
