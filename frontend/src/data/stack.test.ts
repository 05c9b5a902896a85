import { describe, expect, it } from 'vitest';
import { modelBandsBody } from './stack';

describe('modelBandsBody', () => {
  it('follows the render recipe with null', () => {
    expect(modelBandsBody('recipe', [1, 2, 3], null)).toBeNull();
  });
  it('sends new bands without a stretch so the server measures it', () => {
    expect(modelBandsBody('three', [4, 3, 2], { bands: [1, 2, 3], min: [0, 0, 0], max: [1, 1, 1] })).toEqual({ bands: [4, 3, 2] });
  });
  it('keeps the stretch of unchanged bands', () => {
    expect(modelBandsBody('three', [4, 3, 2], { bands: [4, 3, 2], min: [1, 2, 3], max: [4, 5, 6] })).toEqual({
      bands: [4, 3, 2],
      min: [1, 2, 3],
      max: [4, 5, 6],
    });
  });
  it('takes the first chosen band for one band', () => {
    expect(modelBandsBody('one', [5, 1, 1], null)).toEqual({ bands: [5] });
  });
});
