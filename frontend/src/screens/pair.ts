// The pair screen: the two dates of a scene pair side by side with one shared OpenLayers View (linked pan and zoom),
// or as a swipe (one map, the after date clipped left of a slider). Draw or prompt the before or the after geometry
// of a change, pick its class, save; the pair's change annotations are listed (and drawn on their dates). A change is
// edited by picking it in the list or on a map: its sides become the draft (vertices dragged with OpenLayers Modify, a
// side redrawn or emptied, the class changed) and are saved with the version last seen (a stale one says so and
// reloads). Reviewers and admins accept a change or reject it with a reason from the list, or save an edit as a fix.
import Feature from 'ol/Feature';
import type Map from 'ol/Map';
import GeoJSON from 'ol/format/GeoJSON';
import { Draw, Modify } from 'ol/interaction';
import TileLayer from 'ol/layer/Tile';
import VectorLayer from 'ol/layer/Vector';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import XYZ from 'ol/source/XYZ';
import { Fill, Stroke, Style } from 'ol/style';
import { createXYZ } from 'ol/tilegrid';
import { ApiError } from '../api';
import type { Screen } from '../app';
import { createSceneMap, type SceneMap } from '../map/sceneMap';
import { tileUrl } from '../map/geo';
import { pairApi, type Change, type ChangeVerdict, type ScenePair, type Side, type SideGeometry } from '../pairs/pairApi';
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
  const clearSideButton = h('button', { type: 'button', 'data-testid': 'clear-side', title: 'Empty the chosen date of the draft' }, 'Clear side');
  const cancelButton = h('button', { type: 'button', 'data-testid': 'cancel-edit', hidden: true }, 'Cancel edit');
  const fixButton = h('button', { type: 'button', 'data-testid': 'fix-change', hidden: true, title: 'Save the edit as a review fix: the change is approved' }, 'Save as fix');
  const draftInfo = h('span', { class: 'muted', 'data-testid': 'draft-info' }, 'No geometry yet.');
  const status = h('p', { class: 'muted', 'data-testid': 'pair-status', role: 'status' });
  const reasonInput = h('input', { type: 'text', placeholder: 'reason (to reject)', 'data-testid': 'change-review-reason', hidden: true, maxlength: 1000 });
  const list = h('ul', { class: 'items change-list', 'data-testid': 'change-list' });
  const screen = h('section', { class: 'pair-view', 'data-testid': 'pair-screen', 'data-ready': 'false', 'data-mode': 'side' },
    h('div', { class: 'scene-head' }, h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), title, info, mouse),
    h('div', { class: 'pair-tools' }, modeButton, ' Draw on ', sideSelect, ' class ', classSelect, drawButton, promptButton, saveButton, fixButton, clearButton, clearSideButton, cancelButton, draftInfo),
    h('div', { class: 'pair-body' }, h('div', { class: 'pair-maps' }, sideBySide, swipePane),
      h('aside', { class: 'pair-changes' }, h('h2', {}, 'Changes'), status, reasonInput, list)));
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
  let editing: Change | null = null;
  let changesNow: Change[] = [];
  let reviewer = false;
  let toolEndedAt = 0;
  const savedLayers: VectorLayer<VectorSource>[] = [];

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
    const what = editing ? `Editing change ${editing.id}: ` : 'Draft: ';
    draftInfo.textContent = parts.length ? `${what}${parts.join(' + ')}` : editing ? `Editing change ${editing.id}: no geometry left.` : 'No geometry yet.';
    saveButton.disabled = parts.length === 0;
    saveButton.textContent = editing ? 'Save edit' : 'Save change';
    cancelButton.hidden = !editing;
    fixButton.hidden = !(editing && reviewer);
    fixButton.disabled = parts.length === 0;
    screen.dataset.editing = editing ? String(editing.id) : '';
  };

  const stopTools = (): void => {
    if (draw) draw.map.removeInteraction(draw.interaction);
    draw = null;
    prompting?.key();
    prompting = null;
    drawButton.classList.remove('active');
    promptButton.classList.remove('active');
    toolEndedAt = Date.now();
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
    return h('li', { 'data-testid': 'change-item', 'data-change-id': change.id, 'data-review-state': change.review_state,
      class: editing?.id === change.id ? 'selected' : undefined },
      swatch,
      h('span', {}, change.class_name ?? 'no class'),
      h('span', { class: 'muted' }, ` ${sides} · `),
      h('span', { class: `tag review-${change.review_state}`, 'data-testid': 'change-review-state' }, change.review_state.replace('_', ' ')),
      h('span', { class: 'muted' }, ` · ${change.author ?? ''} · v${change.version}`),
      change.review_state === 'rejected' && change.review_reason && h('span', { class: 'reason', 'data-testid': 'change-review-reason-text' }, ` ${change.review_reason}`),
      h('span', { class: 'change-actions' },
        change.can_edit && h('button', { type: 'button', 'data-testid': 'change-edit', onclick: () => startEdit(change) }, 'Edit'),
        change.can_edit && h('button', { type: 'button', 'data-testid': 'change-delete', onclick: () => void remove() }, 'Delete'),
        reviewer && change.review_state !== 'approved' && h('button', { type: 'button', 'data-testid': 'change-accept', onclick: () => void verdict(change, 'accept') }, 'Accept'),
        reviewer && change.review_state !== 'rejected' && h('button', { type: 'button', 'data-testid': 'change-reject', onclick: () => void verdict(change, 'reject') }, 'Reject')));
  };

  const renderSaved = (): void => {
    for (const s of ['before', 'after'] as Side[]) {
      for (const source of savedSources[s]) {
        source.clear();
        for (const c of changesNow) {
          if (c.id === editing?.id) continue; // shown as the draft while edited
          const g = s === 'before' ? c.before_geometry : c.after_geometry;
          if (g) source.addFeature(geojson.readFeature({ type: 'Feature', geometry: g, properties: { id: c.id } }) as Feature);
        }
      }
    }
  };

  const say = (text: string, bad = false): void => {
    status.textContent = text;
    status.className = bad ? 'reason' : 'muted';
  };

  /** A 409: someone saved the change meanwhile. Say so, drop the edit and show the current versions. */
  const stale = (err: unknown, change: Change): boolean => {
    if (!(err instanceof ApiError) || err.status !== 409) return false;
    say(`Change ${change.id} was changed by someone else meanwhile; the list shows its latest version now. Make your edit again on it.`, true);
    leaveEdit();
    loadChanges();
    return true;
  };

  const startEdit = (change: Change): void => {
    stopTools();
    if (!change.can_edit) {
      say(change.edit_refusal ?? `Change ${change.id} cannot be edited.`, true);
      return;
    }
    editing = change;
    draft.before = change.before_geometry ? { geometry: change.before_geometry as SideGeometry, proposal: change.before_proposal_id } : null;
    draft.after = change.after_geometry ? { geometry: change.after_geometry as SideGeometry, proposal: change.after_proposal_id } : null;
    classSelect.value = change.label_class !== null ? String(change.label_class) : '';
    say(`Editing change ${change.id}: drag its vertices, redraw or clear a side, change the class, then save.`);
    renderSaved();
    renderDraft();
    list.replaceChildren(...changesNow.map(changeItem));
  };

  const leaveEdit = (): void => {
    editing = null;
    draft.before = null;
    draft.after = null;
    renderSaved();
    renderDraft();
  };

  const verdict = async (change: Change, action: ChangeVerdict): Promise<void> => {
    const reason = reasonInput.value.trim();
    if (action === 'reject' && !reason) {
      say('Give a reason to reject.', true);
      reasonInput.focus();
      return;
    }
    try {
      await api.changeReview(change.id, { action, version: change.version, reason });
      say(`${action === 'accept' ? 'Accepted' : 'Rejected'} change ${change.id}.`);
      reasonInput.value = '';
      if (editing?.id === change.id) leaveEdit();
      loadChanges();
    } catch (err) {
      if (!stale(err, change)) ctx.report(err, 'pair-review');
    }
  };

  const loadChanges = (): void => {
    api.changes(pairId, aborter.signal).then(
      (changes) => {
        changesNow = changes;
        if (editing && !changes.some((c) => c.id === editing?.id)) leaveEdit();
        list.replaceChildren(...(changes.length ? changes.map(changeItem) : [h('li', { class: 'muted' }, 'No change annotations yet.')]));
        renderSaved();
        screen.dataset.changes = String(changes.length);
      },
      (err: unknown) => ctx.report(err),
    );
  };

  const saveEdit = async (change: Change, asFix: boolean): Promise<void> => {
    const cls = classSelect.value ? Number(classSelect.value) : null;
    const body = { before_geometry: draft.before?.geometry ?? null, after_geometry: draft.after?.geometry ?? null, label_class: cls, version: change.version };
    try {
      if (asFix) await api.changeReview(change.id, { action: 'fix', ...body });
      else await api.changeUpdate(change.id, body);
      say(asFix ? `Change ${change.id} fixed and approved.` : `Change ${change.id} saved.`);
      leaveEdit();
      loadChanges();
    } catch (err) {
      if (!stale(err, change)) ctx.report(err, 'pair-save');
    }
  };

  const save = async (): Promise<void> => {
    if (editing) return saveEdit(editing, false);
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
      const savedLayer = new VectorLayer({ source: saved, style: sideStyle(s), className: `changes-${s}` });
      savedLayers.push(savedLayer);
      map.addLayer(savedLayer);
      map.addLayer(new VectorLayer({ source: pending, style: sideStyle(s, true), className: `draft-${s}` }));
      // the draft's vertices are dragged (a new change's as well as an edited one's)
      const modify = new Modify({ source: pending });
      modify.on('modifyend', (event) => {
        const feature = event.features.item(0);
        const geometry = feature?.getGeometry();
        if (!geometry || !draft[s]) return;
        draft[s] = { geometry: geojson.writeGeometryObject(geometry) as SideGeometry, proposal: draft[s]?.proposal ?? null };
        renderDraft();
      });
      map.addInteraction(modify);
    }
    // a click on a saved change (no tool active) picks it for editing
    map.on('singleclick', (event) => {
      if (draw || prompting || Date.now() - toolEndedAt < 600) return;
      const hit = map.forEachFeatureAtPixel(event.pixel, (f) => f, { layerFilter: (l) => savedLayers.includes(l as VectorLayer<VectorSource>), hitTolerance: 3 });
      const id = hit?.get('id') as number | undefined;
      const change = changesNow.find((c) => c.id === id);
      if (change) startEdit(change);
    });
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
  clearSideButton.addEventListener('click', () => {
    draft[side()] = null;
    stopTools();
    renderDraft();
  });
  cancelButton.addEventListener('click', () => {
    stopTools();
    leaveEdit();
    say('');
    list.replaceChildren(...changesNow.map(changeItem));
  });
  fixButton.addEventListener('click', () => {
    if (editing) void saveEdit(editing, true);
  });
  slider.addEventListener('input', () => {
    swipeFraction = Number(slider.value) / 100;
    screen.dataset.swipe = slider.value;
    maps?.swipe.map.render();
  });

  api.pair(pairId, aborter.signal).then(
    (p) =>
      Promise.all([ctx.api.scene(p.before, aborter.signal), ctx.api.scene(p.after, aborter.signal), ctx.api.classes(projectId, aborter.signal),
        ctx.api.projects(aborter.signal)]).then(
        ([before, after, classes, projects]) => {
          const role = projects.find((x) => x.id === projectId)?.role;
          reviewer = role === 'reviewer' || role === 'admin';
          reasonInput.hidden = !reviewer;
          show(p, before, after, classes);
        },
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
