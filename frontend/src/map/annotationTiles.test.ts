import { describe, expect, it } from 'vitest';
import Feature from 'ol/Feature';
import CircleStyle from 'ol/style/Circle';
import { annotationIdOf, annotationStyle, withAlpha } from './annotationTiles';

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
  it('draws polygons filled and outlined and the points of tiny annotations as dots', () => {
    const style = annotationStyle('#ff0080', true);
    expect(style.getFill()?.getColor()).toBe('rgba(255,0,128,0.25)');
    expect(style.getStroke()?.getLineDash()).toEqual([4, 4]);
    const dot = style.getImage();
    expect(dot).toBeInstanceOf(CircleStyle);
    expect((dot as CircleStyle).getFill()?.getColor()).toBe('rgba(255,0,128,0.95)');
    expect(annotationStyle('#ff0080', false).getStroke()?.getLineDash() ?? null).toBeNull();
  });
});
