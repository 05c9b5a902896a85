// `window.__geoloop`: what the browser tests (and people debugging) can reach on the annotation and review screens.
import type Map from 'ol/Map';
import { fromLonLat, transformExtent } from 'ol/proj';
import type { Snapshot } from '../../annotate/editor';
import type { MaskTrace } from '../../annotate/maskTrace';
import type { LonLatBounds } from '../../types';

export interface GeoloopHook {
  map: Map;
  sceneId: number;
  lonLatToPixel(lon: number, lat: number): number[] | null;
  /** Fits the view to [minlon, minlat, maxlon, maxlat]. */
  fitLonLat(bounds: LonLatBounds): void;
  snapshot(): Snapshot;
  /** ms from each prompt click to its mask drawn on the map. */
  maskTimes: number[];
  /** Per prompt: where that time went (see annotate/maskTrace). */
  maskTrace: MaskTrace[];
}

declare global {
  interface Window {
    __geoloop?: GeoloopHook;
  }
}

export function installHook(map: Map, sceneId: number, snapshot: () => Snapshot, masks: { maskTimes: number[]; maskTrace: MaskTrace[] }): void {
  window.__geoloop = {
    map,
    sceneId,
    lonLatToPixel: (lon, lat) => map.getPixelFromCoordinate(fromLonLat([lon, lat])),
    fitLonLat: (b) => map.getView().fit(transformExtent(b, 'EPSG:4326', 'EPSG:3857'), { size: map.getSize(), padding: [20, 20, 20, 20] }),
    snapshot,
    maskTimes: masks.maskTimes,
    maskTrace: masks.maskTrace,
  };
}

/** Removes the hook if it is still this scene's. */
export function removeHook(sceneId: number): void {
  if (window.__geoloop?.sceneId === sceneId) delete window.__geoloop;
}
