import { describe, expect, it } from 'vitest';
import { addPolygon, countMovedVertices, cutPolygon, multiPolygonArea, ringArea } from './polygonOps';

const sq = (x: number, y: number, d: number) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];

describe('polygon operations', () => {
  it('ring area is signed by orientation', () => {
    expect(ringArea(sq(0, 0, 2)[0]!)).toBe(4);
    expect(ringArea([...sq(0, 0, 2)[0]!].reverse())).toBe(-4);
  });

  it('adds an overlapping square: one polygon of the union area', () => {
    const out = addPolygon([sq(0, 0, 2)], sq(1, 1, 2));
    expect(out).toHaveLength(1);
    expect(multiPolygonArea(out)).toBeCloseTo(7);
  });

  it('adds a disjoint square as a second polygon, and accepts an open drawn ring', () => {
    const open = [sq(5, 5, 1)[0]!.slice(0, 4)];
    const out = addPolygon([sq(0, 0, 1)], open);
    expect(out).toHaveLength(2);
    expect(multiPolygonArea(out)).toBeCloseTo(2);
  });

  it('adding to nothing gives the drawn polygon', () => {
    expect(multiPolygonArea(addPolygon([], sq(0, 0, 3)))).toBeCloseTo(9);
  });

  it('cuts a corner, a hole, and everything', () => {
    expect(multiPolygonArea(cutPolygon([sq(0, 0, 2)], sq(1, 1, 2)))).toBeCloseTo(3);
    const holed = cutPolygon([sq(0, 0, 4)], sq(1, 1, 1));
    expect(holed).toHaveLength(1);
    expect(holed[0]).toHaveLength(2); // outer ring + hole
    expect(multiPolygonArea(holed)).toBeCloseTo(15);
    expect(cutPolygon([sq(0, 0, 1)], sq(-1, -1, 5))).toEqual([]);
  });

  it('a cut through the middle splits the shape in two', () => {
    const out = cutPolygon([sq(0, 0, 3)], [[[1, -1], [2, -1], [2, 4], [1, 4], [1, -1]]]);
    expect(out).toHaveLength(2);
    expect(multiPolygonArea(out)).toBeCloseTo(6);
  });

  it('counts moved vertices (a drag, an insert), not the closing duplicate', () => {
    const before = [sq(0, 0, 2)];
    expect(countMovedVertices(before, before)).toBe(0);
    const dragged = [[[[0, 0], [2, 0], [2.5, 2.5], [0, 2], [0, 0]]]];
    expect(countMovedVertices(before, dragged)).toBe(1);
    const firstMoved = [[[[0.1, 0], [2, 0], [2, 2], [0, 2], [0.1, 0]]]];
    expect(countMovedVertices(before, firstMoved)).toBe(1);
    const inserted = [[[[0, 0], [1, -0.5], [2, 0], [2, 2], [0, 2], [0, 0]]]];
    expect(countMovedVertices(before, inserted)).toBe(1);
  });
});
