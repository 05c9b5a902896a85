// The pair screen: the two dates of a scene pair side by side with one shared OpenLayers View (linked pan and zoom),
// or as a swipe (one map, the after date clipped left of a slider). Draw or prompt the before or the after geometry
// of a change, pick its class, save; the pair's change annotations are listed (and drawn on their dates).
import Feature from 'ol/Feature';
import type Map from 'ol/Map';
import GeoJSON from 'ol/format/GeoJSON';
import { Draw } from 'ol/interaction';
import TileLayer from 'ol/layer/Tile';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import XYZ from 'ol/source/XYZ';
import { Fill, Stroke, Style } from 'ol/style';
import { createXYZ } from 'ol/tilegrid';
import type { Screen } from '../app';
import { createSceneMap, type SceneMap } from '../map/sceneMap';
import { tileUrl } from '../map/geo';
import { pairApi, type Change, type ScenePair, type Side, type SideGeometry } from '../pairs/pairApi';
import { clipLayer } from '../pairs/swipe';
import type { LabelClass, Scene } from '../types';
import { h } from '../ui/dom';

const geojson = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
const SIDE_COLOR: Record<Side, string> = { before: '#ff4d4f', after: '#22d3ee' };

interface PairHook {
  maps: Record<'before' | 'after' | 'swipe', Map>;
  lonLatToPixel(which: 'before' | 'after' | 'swipe', lon: number, lat: number): number[] | null;
}
declare global {
  interface Window {
    __geoloopPair?: PairHook;
  }
}

function sideStyle(side: Side, draft = false): Style {
  return new Style({
    stroke: new Stroke({ color: SIDE_COLOR[side], width: 2, lineDash: draft ? [6, 4] : undefined }),
    fill: new Fill({ color: draft ? 'rgba(255,255,255,0.15)' : 'rgba(0,0,0,0.05)' }),
  });
}

function afterTileLayer(scene: Scene): TileLayer<XYZ> {
  const tileGrid = createXYZ({ minZoom: scene.minzoom, maxZoom: scene.maxzoom, tileSize: 256 });
  const source = new XYZ({
    tileGrid,
    tileUrlFunction: (c) => tileUrl(scene.tiles_url, c[0] as number, c[1] as number, c[2] as number),
  });
  const extent = scene.bounds ? transformExtent(scene.bounds, 'EPSG:4326', 'EPSG:3857') : undefined;
  return new TileLayer({ source, extent, className: 'after-tiles', preload: 0 });
}

export const mountPair: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'pair') throw new Error('pair screen mounted on another route');
  const { projectId, pairId } = route;
  const api = pairApi(ctx.api);
  const aborter = new AbortController();
  const disposers: (() => void)[] = [];

  const title = h('h1', {}, `Pair ${pairId}`);
  const info = h('p', { class: 'muted', 'data-testid': 'pair-info' });
  const beforeEl = h('div', { class: 'map pair-map', 'data-testid': 'map-before' });
  const afterEl = h('div', { class: 'map pair-map', 'data-testid': 'map-after' });
  const swipeEl = h('div', { class: 'map pair-map', 'data-testid': 'map-swipe' });
  const mouse = h('div', { class: 'mouse-position', 'data-testid': 'mouse-position' });
  const sideBySide = h('div', { class: 'pair-side-by-side', 'data-testid': 'pair-side-by-side' },
    h('div', { class: 'pair-pane' }, h('div', { class: 'pair-label' }, 'Before'), beforeEl),
    h('div', { class: 'pair-pane' }, h('div', { class: 'pair-label' }, 'After'), afterEl));
  const slider = h('input', { type: 'range', min: 0, max: 100, value: 50, 'data-testid': 'swipe-slider', 'aria-label': 'Swipe position' });
  const swipePane = h('div', { class: 'pair-swipe', 'data-testid': 'pair-swipe', hidden: true },
    h('div', { class: 'pair-label' }, 'After ◀ swipe ▶ Before'), swipeEl, slider);
  const modeButton = h('button', { type: 'button', 'data-testid': 'mode-toggle' }, 'Swipe');
  const sideSelect = h('select', { 'data-testid': 'draw-side', 'aria-label': 'Date to draw on' },
    h('option', { value: 'after' }, 'after'), h('option', { value: 'before' }, 'before'));
  const classSelect = h('select', { 'data-testid': 'change-class', 'aria-label': 'Change class' });
  const drawButton = h('button', { type: 'button', 'data-testid': 'draw' }, 'Draw');
  const promptButton = h('button', { type: 'button', 'data-testid': 'prompt', title: 'Click the object on the chosen date: the model answers' }, 'Prompt');
  const saveButton = h('button', { type: 'button', 'data-testid': 'save-change', disabled: true }, 'Save change');
  const clearButton = h('button', { type: 'button', 'data-testid': 'clear-draft' }, 'Clear');
  const draftInfo = h('span', { class: 'muted', 'data-testid': 'draft-info' }, 'No geometry yet.');
  const list = h('ul', { class: 'items change-list', 'data-testid': 'change-list' });
  const screen = h('section', { class: 'pair-view', 'data-testid': 'pair-screen', 'data-ready': 'false', 'data-mode': 'side' },
    h('div', { class: 'scene-head' }, h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), title, info, mouse),
    h('div', { class: 'pair-tools' }, modeButton, ' Draw on ', sideSelect, ' class ', classSelect, drawButton, promptButton, saveButton, clearButton, draftInfo),
    h('div', { class: 'pair-body' }, h('div', { class: 'pair-maps' }, sideBySide, swipePane),
      h('aside', { class: 'pair-changes' }, h('h2', {}, 'Changes'), list)));
  el.append(screen);

  let pair: ScenePair | null = null;
  let scenes: Record<Side, Scene> | null = null;
  let maps: Record<'before' | 'after' | 'swipe', SceneMap> | null = null;
  const draft: Record<Side, { geometry: SideGeometry; proposal: number | null } | null> = { before: null, after: null };
  const savedSources: Record<Side, VectorSource[]> = { before: [], after: [] };
  const draftSources: Record<Side, VectorSource[]> = { before: [], after: [] };
  let draw: { map: Map; interaction: Draw } | null = null;
  let prompting: { map: Map; key: () => void } | null = null;
  let swipeFraction = 0.5;

  const side = (): Side => (sideSelect.value === 'before' ? 'before' : 'after');
  const mode = (): 'side' | 'swipe' => (swipePane.hidden ? 'side' : 'swipe');
  const targetMap = (): Map | null => (maps ? (mode() === 'swipe' ? maps.swipe.map : maps[side()].map) : null);

  const renderDraft = (): void => {
    for (const s of ['before', 'after'] as Side[]) {
      for (const source of draftSources[s]) {
        source.clear();
        const d = draft[s];
        if (d) source.addFeature(geojson.readFeature({ type: 'Feature', geometry: d.geometry, properties: {} }) as Feature);
      }
    }
    const parts = (['before', 'after'] as Side[]).filter((s) => draft[s]).map((s) => `${s}${draft[s]?.proposal ? ' (model)' : ''}`);
    draftInfo.textContent = parts.length ? `Draft: ${parts.join(' + ')}` : 'No geometry yet.';
    saveButton.disabled = parts.length === 0;
  };

  const stopTools = (): void => {
    if (draw) draw.map.removeInteraction(draw.interaction);
    draw = null;
    prompting?.key();
    prompting = null;
    drawButton.classList.remove('active');
    promptButton.classList.remove('active');
  };

  const startDraw = (): void => {
    stopTools();
    const map = targetMap();
    if (!map) return;
    const s = side();
    const interaction = new Draw({ type: 'Polygon', stopClick: true });
    interaction.on('drawend', (event) => {
      const geometry = geojson.writeGeometryObject(event.feature.getGeometry()!) as SideGeometry;
      draft[s] = { geometry, proposal: null };
      renderDraft();
      stopTools();
    });
    map.addInteraction(interaction);
    draw = { map, interaction };
    drawButton.classList.add('active');
  };

  const startPrompt = (): void => {
    stopTools();
    const map = targetMap();
    if (!map || !scenes) return;
    const s = side();
    const sceneId = scenes[s].id;
    const handler = (event: { coordinate: number[] }) => {
      const [lon = 0, lat = 0] = toLonLat(event.coordinate);
      const resolution = (map.getView().getResolution() ?? 1) * Math.cos((lat * Math.PI) / 180);
      stopTools();
      draftInfo.textContent = `Asking the model on the ${s} date…`;
      api.prompt(sceneId, [lon, lat], resolution).then(
        (answer) => {
          if (answer.geometry) draft[s] = { geometry: answer.geometry, proposal: answer.proposal_id };
          renderDraft();
        },
        (err: unknown) => {
          renderDraft();
          ctx.report(err, 'pair-prompt');
        },
      );
    };
    map.on('singleclick', handler as never);
    prompting = { map, key: () => map.un('singleclick', handler as never) };
    promptButton.classList.add('active');
  };

  const changeItem = (change: Change): HTMLLIElement => {
    const sides = [change.before_geometry && 'before', change.after_geometry && 'after'].filter(Boolean).join(' + ');
    const remove = async (): Promise<void> => {
      try {
        await api.changeDelete(change.id, change.version);
        loadChanges();
      } catch (err) {
        ctx.report(err);
      }
    };
    const swatch = h('span', { class: 'swatch' });
    swatch.style.background = change.color ?? '#888'; // CSSOM, not a style attribute (the CSP allows no inline styles)
    return h('li', { 'data-testid': 'change-item', 'data-change-id': change.id },
      swatch,
      h('span', {}, change.class_name ?? 'no class'),
      h('span', { class: 'muted' }, ` ${sides} · ${change.review_state} · ${change.author ?? ''}`),
      change.can_edit && h('button', { type: 'button', 'data-testid': 'change-delete', onclick: () => void remove() }, 'Delete'));
  };

  const loadChanges = (): void => {
    api.changes(pairId, aborter.signal).then(
      (changes) => {
        list.replaceChildren(...(changes.length ? changes.map(changeItem) : [h('li', { class: 'muted' }, 'No change annotations yet.')]));
        for (const s of ['before', 'after'] as Side[]) {
          for (const source of savedSources[s]) {
            source.clear();
            for (const c of changes) {
              const g = s === 'before' ? c.before_geometry : c.after_geometry;
              if (g) source.addFeature(geojson.readFeature({ type: 'Feature', geometry: g, properties: { id: c.id } }) as Feature);
            }
          }
        }
        screen.dataset.changes = String(changes.length);
      },
      (err: unknown) => ctx.report(err),
    );
  };

  const save = async (): Promise<void> => {
    const cls = classSelect.value ? Number(classSelect.value) : null;
    try {
      await api.changeCreate(pairId, {
        before_geometry: draft.before?.geometry ?? null,
        after_geometry: draft.after?.geometry ?? null,
        before_proposal_id: draft.before?.proposal ?? null,
        after_proposal_id: draft.after?.proposal ?? null,
        label_class: cls,
      });
      draft.before = null;
      draft.after = null;
      renderDraft();
      loadChanges();
    } catch (err) {
      ctx.report(err, 'pair-save');
    }
  };

  const addVectors = (map: Map, sides: Side[]): void => {
    for (const s of sides) {
      const saved = new VectorSource();
      const pending = new VectorSource();
      savedSources[s].push(saved);
      draftSources[s].push(pending);
      map.addLayer(new VectorLayer({ source: saved, style: sideStyle(s), className: `changes-${s}` }));
      map.addLayer(new VectorLayer({ source: pending, style: sideStyle(s, true), className: `draft-${s}` }));
    }
  };

  const toggleMode = (): void => {
    stopTools();
    const swipe = mode() === 'side';
    swipePane.hidden = !swipe;
    sideBySide.hidden = swipe;
    screen.dataset.mode = swipe ? 'swipe' : 'side';
    modeButton.textContent = swipe ? 'Side by side' : 'Swipe';
    if (maps) for (const m of Object.values(maps)) m.map.updateSize();
  };

  const show = (p: ScenePair, before: Scene, after: Scene, classes: LabelClass[]): void => {
    if (aborter.signal.aborted) return;
    pair = p;
    scenes = { before, after };
    title.textContent = p.name;
    info.textContent = `${before.name} (${p.before_date ?? '?'}) → ${after.name} (${p.after_date ?? '?'}); common grid ${p.grid.width}×${p.grid.height} px` +
      (p.resampled ? `, after resampled (${p.grid_differences.join(', ')})` : '');
    classSelect.replaceChildren(h('option', { value: '' }, 'no class'), ...classes.filter((c) => !c.archived).map((c) => h('option', { value: c.id }, c.name)));
    if (classes.length) classSelect.value = String(classes.find((c) => !c.archived)?.id ?? '');
    if (p.status !== 'ready') {
      info.textContent = `This pair is ${p.status}${p.status_reason ? `: ${p.status_reason}` : ''}.`;
      return;
    }
    const b = createSceneMap({ target: beforeEl, scene: before, mousePositionTarget: mouse });
    const a = createSceneMap({ target: afterEl, scene: after, mousePositionTarget: mouse });
    const w = createSceneMap({ target: swipeEl, scene: before, mousePositionTarget: mouse });
    const view = b.map.getView();
    a.map.setView(view); // one View: pan and zoom are linked
    w.map.setView(view);
    if (p.bounds) view.fit(transformExtent(p.bounds, 'EPSG:4326', 'EPSG:3857'), { size: b.map.getSize(), padding: [24, 24, 24, 24] });
    const afterLayer = afterTileLayer(after);
    w.map.getLayers().insertAt(1, afterLayer);
    disposers.push(clipLayer(afterLayer, () => swipeFraction));
    maps = { before: b, after: a, swipe: w };
    addVectors(b.map, ['before']);
    addVectors(a.map, ['after']);
    addVectors(w.map, ['before', 'after']);
    window.__geoloopPair = {
      maps: { before: b.map, after: a.map, swipe: w.map },
      lonLatToPixel: (which, lon, lat) => ({ before: b, after: a, swipe: w })[which].map.getPixelFromCoordinate(fromLonLat([lon, lat])),
    };
    loadChanges();
    screen.dataset.ready = 'true';
  };

  modeButton.addEventListener('click', toggleMode);
  drawButton.addEventListener('click', startDraw);
  promptButton.addEventListener('click', startPrompt);
  saveButton.addEventListener('click', () => void save());
  clearButton.addEventListener('click', () => {
    draft.before = null;
    draft.after = null;
    stopTools();
    renderDraft();
  });
  slider.addEventListener('input', () => {
    swipeFraction = Number(slider.value) / 100;
    screen.dataset.swipe = slider.value;
    maps?.swipe.map.render();
  });

  api.pair(pairId, aborter.signal).then(
    (p) =>
      Promise.all([ctx.api.scene(p.before, aborter.signal), ctx.api.scene(p.after, aborter.signal), ctx.api.classes(projectId, aborter.signal)]).then(
        ([before, after, classes]) => show(p, before, after, classes),
      ),
  ).catch((err: unknown) => ctx.report(err));

  return () => {
    aborter.abort();
    stopTools();
    for (const d of disposers) d();
    if (maps) for (const m of Object.values(maps)) m.dispose();
    if (window.__geoloopPair && pair?.id === pairId) delete window.__geoloopPair;
  };
};
