import { describe, expect, it } from 'vitest';
import { recipePreviewUrl } from '../api';
import { applyPreset, changesOf, draftOf, histogramBars, setBand, setChannels } from './recipeEdit';

const rgb = { bands: [1, 2, 3], min: [0, 0, 0], max: [200, 210, 220] };

describe('recipe editor', () => {
  it('keeps min/max when nothing changed and sends them', () => {
    const d = draftOf(rgb);
    expect(changesOf(d)).toEqual({ bands: [1, 2, 3], gamma: [1, 1, 1], colormap: null, scale: 'linear', min: [0, 0, 0], max: [200, 210, 220] });
  });
  it('lets the server measure a new band', () => {
    const d = setBand(draftOf(rgb), 0, 4);
    expect(d.bands).toEqual([4, 2, 3]);
    expect(changesOf(d)).not.toHaveProperty('min');
  });
  it('switches between one band and three', () => {
    const one = setChannels(draftOf(rgb), 1);
    expect(one.bands).toEqual([1]);
    expect(changesOf({ ...one, colormap: 'viridis' }).colormap).toBe('viridis');
    const three = setChannels({ ...one, colormap: 'viridis' }, 3);
    expect(three.bands).toEqual([1, 1, 1]);
    expect(three.colormap).toBeNull();
  });
  it('applies a preset and forgets the old stretch', () => {
    const d = applyPreset(draftOf(rgb), { name: 'nir', label: 'NIR', changes: { bands: [4, 1, 2], gamma: [1, 1, 1], scale: 'linear' } });
    expect(d.bands).toEqual([4, 1, 2]);
    expect(d.min).toEqual([null, null, null]);
  });
  it('draws histogram bars with the min/max markers', () => {
    const bars = histogramBars({ band: 1, scale: 'linear', edges: [0, 10, 20], counts: [4, 16], min: 0, max: 20, p2: 1, p98: 19, count: 20 }, 5, 30);
    expect(bars.bars).toEqual([[0, 50, 0.5], [50, 50, 1]]);
    expect(bars.minX).toBe(25);
    expect(bars.maxX).toBe(100);
  });
  it('encodes the draft in the preview URL', () => {
    const url = recipePreviewUrl(7, { bands: [1] }, 256);
    expect(url.startsWith('/api/scenes/7/recipe/preview.png?')).toBe(true);
    expect(new URL(url, 'http://x').searchParams.get('recipe')).toBe('{"bands":[1]}');
  });
});
