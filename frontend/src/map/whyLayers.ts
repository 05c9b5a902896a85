// "Show why" layers of the annotation screen: the window the model saw (its outline) and where it is unsure (the
// server's uncertainty PNG on that window's grid, drawn as an image over the window's extent).
import Feature from 'ol/Feature';
import { Polygon } from 'ol/geom';
import ImageLayer from 'ol/layer/Image';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat } from 'ol/proj';
import ImageStatic from 'ol/source/ImageStatic';
import VectorSource from 'ol/source/Vector';
import { Stroke, Style } from 'ol/style';
import type { LonLat } from '../annotate/promptSession';

export interface WhyLayers {
  windowLayer: VectorLayer<VectorSource>;
  uncertaintyLayer: ImageLayer<ImageStatic>;
  /** Shows the outline of the window of the current answer (null: none). */
  setWindow(outline: LonLat[] | null): void;
  /** Loads the uncertainty image of a proposal over its window (null: none). */
  setUncertainty(proposalId: number | null, outline: LonLat[] | null): void;
  setVisible(what: { window: boolean; uncertainty: boolean }): void;
}

const windowStyle = new Style({ stroke: new Stroke({ color: '#7a5af8', width: 2, lineDash: [4, 6] }) });

export function createWhyLayers(): WhyLayers {
  const windowSource = new VectorSource();
  const windowLayer = new VectorLayer({ source: windowSource, style: windowStyle, className: 'model-window' });
  const uncertaintyLayer = new ImageLayer<ImageStatic>({ className: 'uncertainty', opacity: 0.85 });
  let shownWindow = '';
  let shownImage = '';
  return {
    windowLayer,
    uncertaintyLayer,
    setWindow(outline) {
      const key = JSON.stringify(outline);
      if (key === shownWindow) return;
      shownWindow = key;
      windowSource.clear();
      if (outline && outline.length) {
        const ring = outline.map((p) => fromLonLat(p));
        windowSource.addFeature(new Feature(new Polygon([[...ring, ring[0] as number[]]])));
      }
    },
    setUncertainty(proposalId, outline) {
      const key = `${proposalId}`;
      if (key === shownImage) return;
      shownImage = key;
      if (proposalId === null || !outline) {
        uncertaintyLayer.setSource(null);
        return;
      }
      const xy = outline.map((p) => fromLonLat(p));
      const xs = xy.map((p) => p[0] as number);
      const ys = xy.map((p) => p[1] as number);
      // The PNG's pixels are the window's low-res grid; its corners are the window's (a north-up box in the scene
      // CRS, drawn over the box around it in the map's: the error is the grid's small rotation against Web Mercator).
      uncertaintyLayer.setSource(new ImageStatic({
        url: `/api/proposals/${proposalId}/uncertainty.png`,
        imageExtent: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
        interpolate: false,
      }));
    },
    setVisible({ window, uncertainty }) {
      windowLayer.setVisible(window);
      uncertaintyLayer.setVisible(uncertainty);
    },
  };
}
