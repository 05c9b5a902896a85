// The layers the annotator works on, above the annotations: the task area, the live mask preview / the shape being
// edited (with vertex handles), and the prompt points and box. Geometry comes and goes as EPSG:4326 GeoJSON.
import Feature from 'ol/Feature';
import GeoJSON from 'ol/format/GeoJSON';
import { MultiPoint, MultiPolygon, Point, Polygon } from 'ol/geom';
import type { FeatureLike } from 'ol/Feature';
import type Geometry from 'ol/geom/Geometry';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style } from 'ol/style';
import type { PromptPoint } from '../annotate/promptSession';
import type { GeoJsonMultiPolygon, GeoJsonPolygon, LonLatBounds } from '../types';
import { withAlpha } from './annotationTiles';

const format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

export function toMapGeometry(g: GeoJsonMultiPolygon | GeoJsonPolygon): Geometry {
  const geometry = format.readGeometry(g);
  if (!geometry) throw new Error(`unreadable geometry ${JSON.stringify(g).slice(0, 80)}`);
  return geometry;
}

/** An OL (multi)polygon in the map projection -> GeoJSON MultiPolygon in EPSG:4326 (6 decimals kept by the server). */
export function toGeoJson(geometry: Geometry): GeoJsonMultiPolygon {
  const obj = format.writeGeometryObject(geometry, { decimals: 9 }) as unknown as { type: string; coordinates: number[][][] | number[][][][] };
  if (obj.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [obj.coordinates as number[][][]] };
  return { type: 'MultiPolygon', coordinates: obj.coordinates as number[][][][] };
}

export type WorkingKind = 'proposal' | 'edit' | 'manual';

export interface EditLayers {
  layers: VectorLayer<VectorSource>[];
  workingSource: VectorSource;
  workingFeature(): Feature<MultiPolygon> | null;
  setWorking(g: GeoJsonMultiPolygon | null, kind: WorkingKind, colour: string): void;
  setPrompts(points: PromptPoint[], box: LonLatBounds | null): void;
  setTaskArea(g: GeoJsonPolygon | GeoJsonMultiPolygon | null): void;
  setPending(pending: boolean): void;
}

const pointStyles = {
  1: new Style({ image: new Circle({ radius: 6, fill: new Fill({ color: '#12b76a' }), stroke: new Stroke({ color: '#fff', width: 2 }) }) }),
  0: new Style({ image: new Circle({ radius: 6, fill: new Fill({ color: '#f04438' }), stroke: new Stroke({ color: '#fff', width: 2 }) }) }),
};
const boxStyle = new Style({ stroke: new Stroke({ color: '#2e90fa', width: 2, lineDash: [6, 4] }) });
const taskStyle = new Style({ stroke: new Stroke({ color: '#fdb022', width: 3, lineDash: [10, 6] }) });
// Vertex markers of a multipolygon (every ring's vertices but the closing one).
function vertexPoints(feature: FeatureLike): MultiPoint {
  const coords: number[][] = [];
  const g = feature.getGeometry();
  if (g instanceof MultiPolygon) for (const poly of g.getCoordinates()) for (const ring of poly) coords.push(...ring.slice(0, -1));
  return new MultiPoint(coords);
}
const vertexStyle = new Style({
  image: new Circle({ radius: 4, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: '#101828', width: 1.5 }) }),
  geometry: vertexPoints,
});

export function createEditLayers(): EditLayers {
  const taskSource = new VectorSource();
  const workingSource = new VectorSource();
  const promptSource = new VectorSource();
  let pending = false;
  let working: Feature<MultiPolygon> | null = null;
  let workingColour = '#2e90fa';
  let workingKind: WorkingKind = 'proposal';

  const workingStyle = (): Style[] => [
    new Style({
      fill: new Fill({ color: withAlpha(workingColour, workingKind === 'proposal' ? 0.35 : 0.3) }),
      stroke: new Stroke({ color: pending ? '#98a2b3' : '#ffffff', width: 2.5, lineDash: pending ? [6, 6] : undefined }),
    }),
    new Style({ stroke: new Stroke({ color: withAlpha(workingColour, 1), width: 1.2 }) }),
    vertexStyle,
  ];

  const layers = [
    new VectorLayer({ source: taskSource, style: taskStyle, className: 'task-area' }),
    new VectorLayer({ source: workingSource, style: workingStyle, className: 'working-shape', updateWhileInteracting: true }),
    new VectorLayer({
      source: promptSource,
      className: 'prompt-points',
      style: (f) => (f.get('kind') === 'box' ? boxStyle : pointStyles[f.get('label') === 0 ? 0 : 1]),
    }),
  ];
  return {
    layers,
    workingSource,
    workingFeature: () => working,
    setWorking(g, kind, colour) {
      workingSource.clear();
      working = null;
      workingKind = kind;
      workingColour = colour;
      if (!g) return;
      const geometry = toMapGeometry(g);
      working = new Feature(geometry instanceof Polygon ? new MultiPolygon([geometry.getCoordinates()]) : (geometry as MultiPolygon));
      working.set('kind', kind);
      workingSource.addFeature(working);
    },
    setPrompts(points, box) {
      promptSource.clear();
      for (const p of points) {
        const f = new Feature(new Point(fromLonLat(p.lonlat)));
        f.set('label', p.label);
        promptSource.addFeature(f);
      }
      if (box) {
        const [a, b, c, d] = box;
        const ring = [[a, b], [c, b], [c, d], [a, d], [a, b]].map((p) => fromLonLat(p));
        const f = new Feature(new Polygon([ring]));
        f.set('kind', 'box');
        promptSource.addFeature(f);
      }
    },
    setTaskArea(g) {
      taskSource.clear();
      if (g) taskSource.addFeature(new Feature(toMapGeometry(g)));
    },
    setPending(p) {
      if (p === pending) return;
      pending = p;
      workingSource.changed();
    },
  };
}
