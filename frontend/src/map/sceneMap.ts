// The OpenLayers map of one scene: its XYZ tiles, its footprint outline, a scale line and the cursor's lon/lat.
// Later layers (annotation vector tiles, mask preview, task area) are added to `map` by their own modules.
import Map from 'ol/Map';
import View from 'ol/View';
import { defaults as defaultControls, MousePosition, ScaleLine } from 'ol/control';
import type { Extent } from 'ol/extent';
import TileLayer from 'ol/layer/Tile';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import XYZ from 'ol/source/XYZ';
import { createXYZ } from 'ol/tilegrid';
import { Stroke, Style } from 'ol/style';
import type { Scene } from '../types';
import { boundsToExtent, footprintFeature, formatLonLat, tileOverlapsFootprint, tileUrl } from './geo';

/** How far past the imagery's own resolution one may zoom (tiles are then upsampled). */
export const OVERZOOM = 3;

export interface SceneMapOptions {
  target: HTMLElement;
  scene: Scene;
  /** Where the cursor's lon/lat is written. */
  mousePositionTarget: HTMLElement;
  /** Called with a running count when tiles fail to load. */
  onTileError?: (failed: number, tile: string) => void;
}

export interface SceneMap {
  map: Map;
  tileLayer: TileLayer<XYZ>;
  footprintLayer: VectorLayer<VectorSource>;
  extent: Extent;
  /** Fetches every tile again under new URLs (after a render-recipe change: nothing is kept from the cache). */
  reloadTiles(): void;
  dispose(): void;
}

export function sceneExtent(scene: Scene): Extent {
  if (scene.bounds) return boundsToExtent(scene.bounds);
  throw new Error(`scene ${scene.id} has no bounds`);
}

export function createSceneMap({ target, scene, mousePositionTarget, onTileError }: SceneMapOptions): SceneMap {
  const extent = sceneExtent(scene);
  const footprint = new VectorSource();
  const outline = scene.footprint ? footprintFeature(scene.footprint) : null;
  if (outline) footprint.addFeature(outline);
  const footprintGeometry = outline?.getGeometry();

  const tileGrid = createXYZ({ minZoom: scene.minzoom, maxZoom: scene.maxzoom, tileSize: 256 });
  let generation = 0; // bumped by reloadTiles: the API ignores the query string
  // Tiles outside the footprint are never requested (OpenLayers leaves them empty).
  const tileUrlFunction = (tileCoord: number[]): string | undefined => {
    if (footprintGeometry && !tileOverlapsFootprint(tileGrid.getTileCoordExtent(tileCoord), footprintGeometry)) {
      return undefined;
    }
    const [z, x, y] = tileCoord as [number, number, number];
    const url = tileUrl(scene.tiles_url, z, x, y);
    return generation ? `${url}?g=${generation}` : url;
  };
  const source = new XYZ({ tileGrid, tileUrlFunction });
  // Same-origin tiles: the canvas stays readable (getImageData) without crossOrigin.
  const tileLayer = new TileLayer({ source, extent, className: 'scene-tiles', preload: 0 });
  const footprintLayer = new VectorLayer({
    source: footprint,
    className: 'scene-footprint',
    style: new Style({ stroke: new Stroke({ color: '#ffcc00', width: 2 }) }),
  });

  const map = new Map({
    target,
    layers: [tileLayer, footprintLayer],
    controls: defaultControls({ attribution: false }).extend([
      new ScaleLine({ units: 'metric' }),
      new MousePosition({
        projection: 'EPSG:4326',
        coordinateFormat: formatLonLat,
        target: mousePositionTarget,
        className: 'lonlat',
        placeholder: '',
      }),
    ]),
    view: new View({ projection: 'EPSG:3857', maxZoom: scene.maxzoom + OVERZOOM }),
  });
  map.updateSize();
  map.getView().fit(extent, { padding: [24, 24, 24, 24] });

  // Loading state as data attributes, for people debugging and for the browser tests.
  let loading = 0;
  let loaded = 0;
  let failed = 0;
  const publish = () => {
    target.dataset.tilesLoading = String(loading);
    target.dataset.tilesLoaded = String(loaded);
    target.dataset.tilesFailed = String(failed);
  };
  target.dataset.renderComplete = 'false';
  publish();
  source.on('tileloadstart', () => {
    loading++;
    publish();
  });
  source.on('tileloadend', () => {
    loading--;
    loaded++;
    publish();
  });
  source.on('tileloaderror', (event) => {
    loading--;
    failed++;
    publish();
    onTileError?.(failed, event.tile.getTileCoord().join('/'));
  });
  map.on('loadstart', () => {
    target.dataset.renderComplete = 'false';
  });
  map.on('loadend', () => {
    target.dataset.renderComplete = 'true';
  });

  return {
    map,
    tileLayer,
    footprintLayer,
    extent,
    reloadTiles() {
      generation += 1;
      source.setTileUrlFunction(tileUrlFunction, `generation-${generation}`);
    },
    dispose() {
      map.setTarget(undefined);
      map.dispose();
    },
  };
}
