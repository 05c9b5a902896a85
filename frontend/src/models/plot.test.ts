import { describe, expect, it } from 'vitest';
import { clickSeries, extent, formatDuration, linePath, linearScale, niceTicks, smooth } from './plot';

describe('plot arithmetic', () => {
  it('maps a domain onto a range, inverted y included', () => {
    const y = linearScale([0, 1], [200, 0]);
    expect(y(0)).toBe(200);
    expect(y(1)).toBe(0);
    expect(y(0.25)).toBe(150);
    expect(linearScale([3, 3], [0, 100])(3)).toBe(50);
  });

  it('finds extents ignoring non-finite values and pads a flat one', () => {
    expect(extent([3, NaN, 1, Infinity, 2])).toEqual([1, 3]);
    expect(extent([])).toEqual([0, 1]);
    expect(extent([0.4, 0.4], [0, 1], 0.1)).toEqual([0.30000000000000004, 0.5]);
  });

  it('picks nice ticks', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 20, 4)).toEqual([5, 10, 15, 20]);
    expect(niceTicks(0.013, 0.0871, 4)).toEqual([0.02, 0.04, 0.06, 0.08]);
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(niceTicks(1, 4, 6, true)).toEqual([1, 2, 3, 4]);
    expect(niceTicks(1, 3, 6)).toEqual([1, 1.5, 2, 2.5, 3]);
  });

  it('draws paths, breaking the line at missing values', () => {
    const x = linearScale([1, 3], [0, 100]);
    const y = linearScale([0, 1], [100, 0]);
    expect(linePath(clickSeries([0.5, 1, 0]), x, y)).toBe('M0.0,50.0L50.0,0.0L100.0,100.0');
    expect(linePath(clickSeries([0.5, null, 0]), x, y)).toBe('M0.0,50.0M100.0,100.0');
  });

  it('smooths a loss curve and formats durations', () => {
    expect(smooth([[1, 4], [2, 2], [3, 0]], 2)).toEqual([[1, 4], [2, 3], [3, 1]]);
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('–');
  });
});
