import { describe, expect, it } from 'vitest';
import { boundsToExtent, footprintFeature, formatLonLat } from './geo';

const R = 6378137; // EPSG:3857 sphere radius
const x = (lon: number) => (R * lon * Math.PI) / 180;
const y = (lat: number) => R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

describe('boundsToExtent', () => {
  it('projects lon/lat bounds to Web Mercator metres', () => {
    const bounds: [number, number, number, number] = [-84.39, 33.74, -84.38, 33.75];
    const extent = boundsToExtent(bounds);
    const expected = [x(-84.39), y(33.74), x(-84.38), y(33.75)];
    extent.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 3));
  });

  it('maps the origin to the origin and clamps the poles', () => {
    for (const v of boundsToExtent([0, 0, 0, 0])) expect(v).toBeCloseTo(0, 6);
    const world = boundsToExtent([-180, -90, 180, 90]);
    expect(world[0]).toBeCloseTo(-20037508.34, 1);
    expect(world[3]).toBeCloseTo(20037508.34, 1);
    expect(world.every(Number.isFinite)).toBe(true);
  });

  it('refuses bounds in the wrong order or not finite', () => {
    expect(() => boundsToExtent([10, 0, 5, 1])).toThrow(RangeError);
    expect(() => boundsToExtent([0, 0, Number.NaN, 1])).toThrow(RangeError);
  });
});

describe('footprintFeature', () => {
  it('reads a GeoJSON polygon into the map projection', () => {
    const feature = footprintFeature({
      type: 'Polygon',
      coordinates: [[[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]]],
    });
    const extent = feature.getGeometry()!.getExtent();
    expect(extent[0]).toBeCloseTo(x(1), 3);
    expect(extent[3]).toBeCloseTo(y(2), 3);
  });
});

describe('formatLonLat', () => {
  it('prints lon, lat with six decimals', () => {
    expect(formatLonLat([-84.3880123456, 33.749])).toBe('-84.388012, 33.749000');
    expect(formatLonLat(undefined)).toBe('');
  });
});
