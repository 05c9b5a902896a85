// Find similar's map layer: the batch's proposals, the one under review drawn strong, decided ones by outcome.
import GeoJSON from 'ol/format/GeoJSON';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { Fill, Stroke, Style } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { SimilarProposal } from '../annotate/similarBatch';

export interface SimilarLayer {
  layer: VectorLayer<VectorSource>;
  show(proposals: SimilarProposal[], currentId: number | null): void;
  clear(): void;
}

const styles = {
  current: new Style({ stroke: new Stroke({ color: '#fdb022', width: 3 }), fill: new Fill({ color: 'rgba(253, 176, 34, 0.25)' }) }),
  open: new Style({ stroke: new Stroke({ color: '#22ccee', width: 1.5, lineDash: [4, 4] }) }),
  accepted: new Style({ stroke: new Stroke({ color: '#12b76a', width: 1.5 }) }),
  rejected: new Style({ stroke: new Stroke({ color: '#f04438', width: 1, lineDash: [2, 4] }) }),
};

function styleOf(f: FeatureLike): Style {
  if (f.get('current')) return styles.current;
  const outcome = f.get('outcome') as string | null;
  if (outcome === null || outcome === undefined) return styles.open;
  return outcome === 'rejected' || outcome === 'deleted' ? styles.rejected : styles.accepted;
}

export function createSimilarLayer(): SimilarLayer {
  const source = new VectorSource();
  const layer = new VectorLayer({ source, style: styleOf, className: 'similar-batch', zIndex: 20 });
  const format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
  return {
    layer,
    show(proposals, currentId) {
      source.clear();
      for (const p of proposals) {
        if (!p.geometry) continue;
        const f = format.readFeature({ type: 'Feature', geometry: p.geometry, properties: { id: p.id, outcome: p.outcome, current: p.id === currentId } });
        source.addFeature(Array.isArray(f) ? f[0]! : f);
      }
    },
    clear() {
      source.clear();
    },
  };
}
