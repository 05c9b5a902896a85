// The scene's annotations as Mapbox vector tiles from PostGIS, coloured by class. refresh() refetches the tiles in
// view (the server answers 304 for unchanged ones: ETag + no-cache), which is how others' changes appear live.
// At low zoom the server sends an annotation smaller than a couple of pixels as a point (one per pixel): it is drawn
// as a dot of its class colour, so dense areas stay visible when zoomed out.
import type { FeatureLike } from 'ol/Feature';
import { Point } from 'ol/geom';
import type RenderFeature from 'ol/render/Feature';
import MVT from 'ol/format/MVT';
import VectorTileLayer from 'ol/layer/VectorTile';
import VectorTileSource from 'ol/source/VectorTile';
import { Circle as CircleStyle, Fill, Stroke, Style } from 'ol/style';

export const FALLBACK_COLOUR = '#ff7f0e';

/** "#rrggbb" + alpha -> "rgba(r,g,b,a)"; anything unreadable gives the fallback colour. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  const value = parseInt((m?.[1] ?? FALLBACK_COLOUR.slice(1)), 16);
  return `rgba(${(value >> 16) & 255},${(value >> 8) & 255},${value & 255},${alpha})`;
}

/** The annotation id of a vector-tile feature (the tile's feature id, or its "id" property). */
export function annotationIdOf(feature: FeatureLike): number | null {
  const raw = feature.getId() ?? feature.get('id');
  const id = Number(raw);
  return raw !== undefined && raw !== null && Number.isFinite(id) ? id : null;
}

/** The style of one class colour: polygons filled and outlined (dashed for drafts), points as dots. */
export function annotationStyle(colour: string, draft: boolean): Style {
  const fill = new Fill({ color: withAlpha(colour, 0.25) });
  const stroke = new Stroke({ color: withAlpha(colour, 0.95), width: 1.5, lineDash: draft ? [4, 4] : undefined });
  const dot = new CircleStyle({ radius: 2.5, fill: new Fill({ color: withAlpha(colour, 0.95) }) });
  return new Style({ fill, stroke, image: dot });
}

/** Point annotations (their footprint is one scene pixel) as a ringed dot at the footprint's centre; lines (a buffered
 *  centreline) filled more strongly than areas, so they read as lines. Tiles without a `kind` are drawn as areas. */
export function kindStyle(colour: string, kind: string, draft: boolean): Style | Style[] {
  if (kind === 'point') {
    return [
      // The footprint itself, nearly transparent: what hit detection (Ctrl-click to select) finds.
      new Style({ fill: new Fill({ color: withAlpha(colour, 0.05) }), image: new CircleStyle({ radius: 6, fill: new Fill({ color: withAlpha(colour, 0.05) }) }) }),
      new Style({
        image: new CircleStyle({ radius: 6, fill: new Fill({ color: withAlpha(colour, 0.75) }), stroke: new Stroke({ color: '#ffffff', width: 2, lineDash: draft ? [3, 3] : undefined }) }),
        geometry: (f) => {
          // Tiny in this tile, the server already sent it as a point; else the centre of its pixel square.
          const rf = f as RenderFeature;
          if (rf.getType() !== 'Polygon' || typeof rf.getFlatInteriorPoint !== 'function') return rf;
          const g = rf.getFlatInteriorPoint();
          return new Point([g[0] ?? 0, g[1] ?? 0]);
        },
      }),
    ];
  }
  if (kind === 'line') {
    return new Style({
      fill: new Fill({ color: withAlpha(colour, 0.55) }),
      stroke: new Stroke({ color: withAlpha(colour, 1), width: 1, lineDash: draft ? [4, 4] : undefined }),
    });
  }
  return annotationStyle(colour, draft);
}

export interface AnnotationTiles {
  layer: VectorTileLayer;
  source: VectorTileSource;
  refresh(): void;
  /** Hides one annotation (the one being edited is drawn by the edit layer instead). */
  setHidden(id: number | null): void;
}

export function createAnnotationTiles(sceneId: number, maxZoom: number): AnnotationTiles {
  const source = new VectorTileSource({
    format: new MVT(),
    url: `/api/scenes/${sceneId}/annotations/{z}/{x}/{y}.mvt`,
    maxZoom: Math.min(22, maxZoom),
    overlaps: false,
  });
  const cache = new Map<string, Style | Style[]>();
  let hidden: number | null = null;
  const style = (feature: FeatureLike): Style | Style[] | undefined => {
    if (hidden !== null && annotationIdOf(feature) === hidden) return undefined;
    const colour = String(feature.get('color') ?? FALLBACK_COLOUR);
    const draft = feature.get('status') === 'draft';
    const kind = String(feature.get('kind') ?? 'polygon');
    const key = `${colour}|${draft}|${kind}`;
    let s = cache.get(key);
    if (!s) {
      s = kindStyle(colour, kind, draft);
      cache.set(key, s);
    }
    return s;
  };
  const layer = new VectorTileLayer({ source, style, className: 'annotation-tiles', declutter: false, renderMode: 'hybrid' });
  return {
    layer,
    source,
    refresh: () => source.refresh(),
    setHidden(id) {
      if (hidden === id) return;
      hidden = id;
      layer.changed();
    },
  };
}
