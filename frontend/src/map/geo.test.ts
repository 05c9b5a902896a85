import { describe, expect, it } from 'vitest';
import Polygon from 'ol/geom/Polygon';
import { boundsToExtent, footprintFeature, formatLonLat, tileOverlapsFootprint, tileUrl } from './geo';

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

describe('tileOverlapsFootprint', () => {
  // A diamond (a grid rotated 45° against the map) inside the square [0, 0, 10, 10].
  const diamond = new Polygon([[[5, 0], [10, 5], [5, 10], [0, 5], [5, 0]]]);

  it('keeps tiles that overlap the footprint and skips the corners of its envelope', () => {
    expect(tileOverlapsFootprint([4, 4, 6, 6], diamond)).toBe(true);
    expect(tileOverlapsFootprint([0, 0, 2, 2], diamond)).toBe(false);
    expect(tileOverlapsFootprint([8, 8, 10, 10], diamond)).toBe(false);
  });

  it('skips a tile that only touches the footprint along an edge', () => {
    const square = new Polygon([[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]]);
    expect(tileOverlapsFootprint([10, 0, 20, 10], square)).toBe(false);
    expect(tileOverlapsFootprint([9, 0, 19, 10], square)).toBe(true);
  });
});

describe('tileUrl', () => {
  it('fills the XYZ template', () => {
    expect(tileUrl('/api/scenes/7/tiles/{z}/{x}/{y}.png', 18, 69555, 105037)).toBe('/api/scenes/7/tiles/18/69555/105037.png');
  });
});
