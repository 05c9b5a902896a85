import { describe, expect, it } from 'vitest';
import { coveredShare, swallowQuestion } from './coverage';
import type { GeoJsonMultiPolygon, GeoJsonPolygon } from '../types';

const square = (x: number, y: number, s: number): number[][][] => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]];
const mp = (...polys: number[][][][]): GeoJsonMultiPolygon => ({ type: 'MultiPolygon', coordinates: polys } as GeoJsonMultiPolygon);
const task: GeoJsonPolygon = { type: 'Polygon', coordinates: square(0, 0, 0.001) } as GeoJsonPolygon;

describe('coverage', () => {
  it('measures the share of the task a mask covers', () => {
    expect(coveredShare(mp(square(0, 0, 0.0005)), task)).toBeCloseTo(0.25);
    expect(coveredShare(mp(square(0, 0, 0.0005)), null)).toBeNull();
  });
  it('asks before accepting a mask over half the task, else the scene', () => {
    expect(swallowQuestion(mp(square(0, 0, 0.0005)), task, null)).toBeNull();
    expect(swallowQuestion(mp(square(0, 0, 0.0009)), task, null)).toMatch(/81% of the task/);
    expect(swallowQuestion(mp(square(0, 0, 0.0009)), null, task)).toMatch(/of the scene/);
    expect(swallowQuestion(mp(square(0, 0, 0.0009)), null, null)).toBeNull();
  });
});
