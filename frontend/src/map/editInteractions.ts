// OpenLayers interactions of the annotation screen, reporting in plain values: a click (lon/lat + modifiers),
// a box drag (lon/lat bounds), a drawn polygon (map coordinates), a vertex edit (before/after map coordinates).
import type Map from 'ol/Map';
import type MapBrowserEvent from 'ol/MapBrowserEvent';
import { platformModifierKeyOnly } from 'ol/events/condition';
import type { MultiPolygon, Polygon } from 'ol/geom';
import { DoubleClickZoom, DragBox, Draw, Modify, Snap } from 'ol/interaction';
import { toLonLat, transformExtent } from 'ol/proj';
import type VectorSource from 'ol/source/Vector';
import type { LonLat } from '../annotate/promptSession';
import type { LonLatBounds } from '../types';
import type { Tool } from '../ui/annotatePanels';

export interface EditCallbacks {
  /** `inputTime`: the pointer event's timeStamp (performance.now() clock), for latency traces. */
  /** A click with the point tool; `selectModifier` (Ctrl/Cmd) asks to select the annotation under it instead of
   *  prompting the model (a plain click inside an existing annotation is a prompt). */
  onClick(lonlat: LonLat, negativeModifier: boolean, pixel: number[], inputTime: number, selectModifier: boolean): void;
  onBox(bounds: LonLatBounds): void;
  onDraw(ring: number[][], tool: 'add' | 'cut'): void;
  onModify(before: number[][][][], after: number[][][][]): void;
}

export interface EditInteractions {
  setTool(tool: Tool): void;
  dispose(): void;
}

export function createEditInteractions(map: Map, working: VectorSource, neighbours: VectorSource, cb: EditCallbacks): EditInteractions {
  let tool: Tool = 'point';
  // Double-click zoom would swallow fast repeated clicks: prompts are clicks here.
  map.getInteractions().forEach((i) => {
    if (i instanceof DoubleClickZoom) i.setActive(false);
  });

  const dragBox = new DragBox({ condition: (e) => tool === 'box' || platformModifierKeyOnly(e), className: 'box-prompt' });
  dragBox.on('boxend', () => {
    const [a, b, c, d] = transformExtent(dragBox.getGeometry().getExtent(), 'EPSG:3857', 'EPSG:4326');
    cb.onBox([a ?? 0, b ?? 0, c ?? 0, d ?? 0]);
  });

  let before: number[][][][] | null = null;
  const modify = new Modify({ source: working, pixelTolerance: 8 });
  modify.on('modifystart', (e) => {
    const g = e.features.item(0)?.getGeometry() as MultiPolygon | undefined;
    before = g ? g.getCoordinates() : null;
  });
  modify.on('modifyend', (e) => {
    const g = e.features.item(0)?.getGeometry() as MultiPolygon | undefined;
    if (g && before) cb.onModify(before, g.getCoordinates());
    before = null;
  });

  const draw = new Draw({ type: 'Polygon', stopClick: true });
  draw.on('drawend', (e) => {
    const ring = (e.feature.getGeometry() as Polygon).getCoordinates()[0];
    if (ring && (tool === 'add' || tool === 'cut')) cb.onDraw(ring, tool);
  });
  draw.setActive(false);

  const snapWorking = new Snap({ source: working, pixelTolerance: 8 });
  const snapNeighbours = new Snap({ source: neighbours, pixelTolerance: 8 });

  for (const i of [dragBox, modify, draw, snapWorking, snapNeighbours]) map.addInteraction(i);

  const onClick = (e: MapBrowserEvent<PointerEvent>) => {
    const oe0 = e.originalEvent;
    // Ctrl/Cmd-click selects an annotation whatever the tool; plain clicks prompt only with the point tool.
    if (e.dragging || (tool !== 'point' && !(oe0.ctrlKey || oe0.metaKey))) return;
    // A click on a vertex or edge of the shape being edited belongs to Modify, not to the prompts.
    const onShape = map.forEachFeatureAtPixel(e.pixel, () => true, { layerFilter: (l) => l.getSource() === working, hitTolerance: 6 });
    if (onShape) {
      const f = working.getFeatures()[0];
      const g = f?.getGeometry() as MultiPolygon | undefined;
      // Inside the filled shape (not near its outline) still counts as a prompt click.
      if (g && nearOutline(map, g, e.pixel, 8)) return;
    }
    const oe = e.originalEvent;
    const [lon = 0, lat = 0] = toLonLat(e.coordinate);
    cb.onClick([lon, lat], oe.altKey || oe.shiftKey, e.pixel, oe.timeStamp, oe.ctrlKey || oe.metaKey);
  };
  map.on('click', onClick as never);

  return {
    setTool(t) {
      tool = t;
      draw.setActive(t === 'add' || t === 'cut');
      modify.setActive(t === 'point' || t === 'box');
    },
    dispose() {
      map.un('click', onClick as never);
      for (const i of [dragBox, modify, draw, snapWorking, snapNeighbours]) map.removeInteraction(i);
    },
  };
}

function nearOutline(map: Map, g: MultiPolygon, pixel: number[], tolerance: number): boolean {
  const coordinate = map.getCoordinateFromPixel(pixel);
  if (!coordinate) return false;
  const closest = g.getPolygons().map((p) => p.getLinearRings().map((r) => r.getClosestPoint(coordinate))).flat();
  return closest.some((c) => {
    const px = map.getPixelFromCoordinate(c);
    return !!px && Math.hypot((px[0] ?? 0) - (pixel[0] ?? 0), (px[1] ?? 0) - (pixel[1] ?? 0)) <= tolerance;
  });
}
