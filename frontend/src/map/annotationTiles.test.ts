import { describe, expect, it } from 'vitest';
import Feature from 'ol/Feature';
import { annotationIdOf, withAlpha } from './annotationTiles';

describe('annotation tiles helpers', () => {
  it('reads the annotation id from the feature id or its property', () => {
    const a = new Feature();
    a.setId(12);
    expect(annotationIdOf(a)).toBe(12);
    const b = new Feature({ id: '7' });
    expect(annotationIdOf(b)).toBe(7);
    expect(annotationIdOf(new Feature())).toBeNull();
  });
  it('turns a class colour into rgba, with a fallback', () => {
    expect(withAlpha('#ff0080', 0.5)).toBe('rgba(255,0,128,0.5)');
    expect(withAlpha('nonsense', 1)).toBe('rgba(255,127,14,1)');
  });
});
