import { describe, expect, it } from 'vitest';
import { swipeClip } from './swipe';

describe('swipeClip', () => {
  it('clips the after layer from the left edge to the line', () => {
    expect(swipeClip(800, 600, 0.25)).toEqual([0, 0, 200, 600]);
    expect(swipeClip(801, 600, 0.5)).toEqual([0, 0, 401, 600]);
  });
  it('clamps the position and treats garbage as the middle', () => {
    expect(swipeClip(800, 600, -1)).toEqual([0, 0, 0, 600]);
    expect(swipeClip(800, 600, 3)).toEqual([0, 0, 800, 600]);
    expect(swipeClip(800, 600, Number.NaN)).toEqual([0, 0, 400, 600]);
  });
});
