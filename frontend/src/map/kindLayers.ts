// Drawing and editing annotations of the other kinds (issue 16): an axis-aligned box (drag), a rotated box (click two
// corners of one edge, then move to set the width and click), a point (click) and a line (click vertices, double-click
// or Enter to finish). The shape being drawn or edited lives on its own layer; corner drags keep boxes rectangles.
// Coordinates leave here in the map projection (EPSG:3857); the screen converts them to lon/lat.
import Feature from 'ol/Feature';
import type { FeatureLike } from 'ol/Feature';
import type Map from 'ol/Map';
import { LineString, MultiPoint, Point, Polygon } from 'ol/geom';
import type Geometry from 'ol/geom/Geometry';
import { Draw, Modify } from 'ol/interaction';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat, toLonLat } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import { Circle, Fill, Stroke, Style } from 'ol/style';
import { closeRing, rectFromOppositeCorners, metresPerMapUnit, rectFromEdge, type KindShape, type ShapeKind, type XY } from '../annotate/kinds';
import { withAlpha } from './annotationTiles';

/** The drawing tools of the kinds, as the tool bar names them. */
export type KindTool = 'rect' | 'rotated' | 'marker' | 'line';

export const KIND_OF_TOOL: Record<KindTool, ShapeKind> = { rect: 'box', rotated: 'rotated_box', marker: 'point', line: 'line' };

export interface KindCallbacks {
  /** A new shape drawn, in map coordinates (4 corners, one point, or the line's vertices). */
  onDrawn(kind: ShapeKind, coords: XY[]): void;
  /** The shape on the layer was edited by hand (vertices dragged), map coordinates after the edit. */
  onModified(before: XY[], after: XY[]): void;
}

export interface KindLayers {
  layer: VectorLayer<VectorSource>;
  /** Shows the shape being drawn or edited (null: none); lon/lat coordinates. */
  setShape(shape: KindShape | null, colour: string): void;
  /** The scene's pixel rows' direction in the map (radians): boxes are axis-aligned in the scene's CRS, which for a
   *  UTM scene is turned from map north by the grid convergence. */
  setGridAngle(angle: number): void;
  /** Switches the drawing tool (null: none of the kinds' tools). */
  setTool(tool: KindTool | null): void;
  /** Finishes a line being drawn (Enter); false when nothing was being drawn. */
  finishDrawing(): boolean;
  /** Drops a drawing in progress (Esc); false when nothing was being drawn. */
  abortDrawing(): boolean;
  drawing(): boolean;
  dispose(): void;
}

function shapeGeometry(s: KindShape): Geometry {
  const xy = s.coords.map((p) => fromLonLat(p));
  if (s.kind === 'point') return new Point(xy[0] ?? [0, 0]);
  if (s.kind === 'line') return new LineString(xy);
  return new Polygon([closeRing(xy)]);
}

/** Coordinates of a shape feature's geometry (a polygon's ring without its closing vertex). */
function coordsOf(g: Geometry | undefined): XY[] {
  if (g instanceof Point) return [g.getCoordinates()];
  if (g instanceof LineString) return g.getCoordinates();
  if (g instanceof Polygon) return (g.getCoordinates()[0] ?? []).slice(0, -1);
  return [];
}

const vertexStyle = new Style({
  image: new Circle({ radius: 4, fill: new Fill({ color: '#fff' }), stroke: new Stroke({ color: '#101828', width: 1.5 }) }),
  geometry: (f: FeatureLike) => {
    const g = f.getGeometry();
    return new MultiPoint(g instanceof Polygon || g instanceof LineString ? coordsOf(g as Geometry) : []);
  },
});

/** Draw calls its geometry function again on every pointer move and keeps the geometry it first got: update that
 *  one in place (a new one would be ignored). */
function polygonIn(geometry: Geometry | undefined, ring: XY[]): Polygon {
  if (geometry instanceof Polygon) {
    geometry.setCoordinates([ring]);
    return geometry;
  }
  return new Polygon([ring]);
}

export function createKindLayers(map: Map, cb: KindCallbacks): KindLayers {
  const source = new VectorSource();
  let colour = '#2e90fa';
  let current: KindShape | null = null;
  let tool: KindTool | null = null;
  let drawingNow = false;
  let gridAngle = 0;

  const style = (f: FeatureLike, resolution: number): Style[] => {
    const g = f.getGeometry();
    const stroke = withAlpha(colour, 1);
    if (g instanceof Point) {
      return [new Style({ image: new Circle({ radius: 7, fill: new Fill({ color: withAlpha(colour, 0.6) }), stroke: new Stroke({ color: '#fff', width: 2.5 }) }) })];
    }
    if (g instanceof LineString) {
      const lat = toLonLat(g.getFirstCoordinate())[1] ?? 0;
      const widthM = f.get('widthM') as number | null;
      const px = widthM ? widthM / (resolution * metresPerMapUnit(lat)) : 0;
      return [
        new Style({ stroke: new Stroke({ color: withAlpha(colour, 0.35), width: Math.max(px, 3), lineCap: 'round', lineJoin: 'round' }) }),
        new Style({ stroke: new Stroke({ color: '#ffffff', width: 3 }) }),
        new Style({ stroke: new Stroke({ color: stroke, width: 1.5 }) }),
        vertexStyle,
      ];
    }
    return [
      new Style({ fill: new Fill({ color: withAlpha(colour, 0.2) }), stroke: new Stroke({ color: '#ffffff', width: 2.5 }) }),
      new Style({ stroke: new Stroke({ color: stroke, width: 1.2 }) }),
      vertexStyle,
    ];
  };
  const layer = new VectorLayer({ source, style, className: 'kind-shape', updateWhileInteracting: true });
  map.addLayer(layer);

  // Axis-aligned box: a drag from one corner to the opposite one, along the scene's axes (Ctrl/Cmd-drag stays the
  // model's box prompt).
  const boxDraw = new Draw({
    type: 'Circle',
    freehand: true,
    stopClick: true,
    geometryFunction: (coordinates, geometry) => {
      const [a, b] = coordinates as XY[];
      return polygonIn(geometry, closeRing(rectFromOppositeCorners(a ?? [0, 0], b ?? a ?? [0, 0], gridAngle)));
    },
  });
  boxDraw.on('drawend', (e) => {
    const g = e.feature.getGeometry();
    const c = coordsOf(g ?? undefined);
    if (g instanceof Polygon && Math.abs(g.getArea()) > 0) cb.onDrawn('box', c);
  });

  // Rotated box: two clicks for one edge, the third sets the width (the preview follows the pointer).
  const rotated = new Draw({
    type: 'LineString',
    maxPoints: 3,
    stopClick: true,
    geometryFunction: (coordinates, geometry) => {
      // Until the third point, the edge alone (a flat ring); then the rectangle.
      const c = coordinates as XY[];
      const r = c.length >= 3 ? rectFromEdge(c[0]!, c[1]!, c[2]!) : null;
      const a = c[0] ?? [0, 0];
      const b = c[1] ?? a;
      return polygonIn(geometry, closeRing(r ?? [a, b, b, a]));
    },
  });
  rotated.on('drawend', (e) => {
    const g = e.feature.getGeometry();
    if (g instanceof Polygon && Math.abs(g.getArea()) > 0) cb.onDrawn('rotated_box', coordsOf(g));
  });

  const marker = new Draw({ type: 'Point', stopClick: true });
  marker.on('drawend', (e) => cb.onDrawn('point', coordsOf(e.feature.getGeometry() ?? undefined)));

  const line = new Draw({ type: 'LineString', stopClick: true });
  line.on('drawend', (e) => {
    const c = coordsOf(e.feature.getGeometry() ?? undefined);
    if (c.length >= 2) cb.onDrawn('line', c);
  });

  const draws = [boxDraw, rotated, marker, line];
  for (const d of draws) {
    d.on('drawstart', () => { drawingNow = true; });
    d.on(['drawend', 'drawabort'], () => { drawingNow = false; });
    d.setActive(false);
  }

  let before: XY[] | null = null;
  const modify = new Modify({
    source,
    pixelTolerance: 10,
    // Boxes keep their four corners; a line may gain vertices.
    insertVertexCondition: () => current?.kind === 'line',
  });
  modify.on('modifystart', (e) => {
    before = coordsOf(e.features.item(0)?.getGeometry());
  });
  modify.on('modifyend', (e) => {
    const after = coordsOf(e.features.item(0)?.getGeometry());
    if (before) cb.onModified(before, after);
    before = null;
  });

  for (const i of [...draws, modify]) map.addInteraction(i);

  return {
    layer,
    setShape(shape, c) {
      colour = c;
      current = shape;
      source.clear();
      if (!shape || shape.coords.length === 0) return;
      const f = new Feature(shapeGeometry(shape));
      f.set('kind', shape.kind);
      f.set('widthM', shape.widthM);
      source.addFeature(f);
    },
    setGridAngle(a) {
      gridAngle = a;
    },
    setTool(t) {
      tool = t;
      boxDraw.setActive(t === 'rect');
      rotated.setActive(t === 'rotated');
      marker.setActive(t === 'marker');
      line.setActive(t === 'line');
      drawingNow = false;
    },
    finishDrawing() {
      if (!drawingNow || tool !== 'line') return false;
      line.finishDrawing();
      return true;
    },
    abortDrawing() {
      if (!drawingNow) return false;
      for (const d of draws) d.abortDrawing();
      drawingNow = false;
      return true;
    },
    drawing: () => drawingNow,
    dispose() {
      for (const i of [...draws, modify]) map.removeInteraction(i);
      map.removeLayer(layer);
    },
  };
}
