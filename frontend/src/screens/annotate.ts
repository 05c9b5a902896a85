// The annotation screen: prompt the model with clicks and boxes, see the mask at once, accept, correct, move on.
// State lives in plain modules (annotate/*); this file wires them to the map, the sockets, the API and the DOM.
import { getPointResolution, fromLonLat, transformExtent } from 'ol/proj';
import VectorSource from 'ol/source/Vector';
import GeoJSON from 'ol/format/GeoJSON';
import { MultiPolygon } from 'ol/geom';
import type { Screen } from '../app';
import { ApiError } from '../api';
import { conflictFrom, resolveConflict, type Conflict } from '../annotate/conflict';
import { DraftStore, memoryStorage, type StorageLike } from '../annotate/draft';
import { adoptVersion, commitKind, editAnnotation, EMPTY_SNAPSHOT, isEmpty, withSession, withShape, workingGeometry, type Snapshot } from '../annotate/editor';
import { debounce } from '../annotate/debounce';
import { History } from '../annotate/history';
import { countVertices, type MaskTrace } from '../annotate/maskTrace';
import { commandForKey, isTypingTarget, type Command } from '../annotate/keys';
import { formatDuration, leaseStatus } from '../annotate/lease';
import { addPolygon, countMovedVertices, cutPolygon, type MultiPolygonCoords } from '../annotate/polygonOps';
import {
  acceptBody,
  addPoint,
  applyMask,
  failRequest,
  hasPrompts,
  newRequestId,
  promptMessage,
  secondsSpent,
  setBox,
  type Label,
  type LonLat,
} from '../annotate/promptSession';
import { SceneEventsSocket, SegmentationSocket } from '../annotate/sockets';
import { annotationIdOf, createAnnotationTiles, FALLBACK_COLOUR, type AnnotationTiles } from '../map/annotationTiles';
import { createEditInteractions, type EditInteractions } from '../map/editInteractions';
import { createEditLayers, toGeoJson, toMapGeometry, type EditLayers } from '../map/editLayers';
import { createSceneMap, type SceneMap } from '../map/sceneMap';
import type { AnnotationEvent, GeoJsonMultiPolygon, LabelClass, LonLatBounds, Scene, SegmentationMessage, Task } from '../types';
import { conflictDialog, helpOverlay, renderPalette, renderTools, type Tool } from '../ui/annotatePanels';
import { h } from '../ui/dom';

/** What the browser tests (and people debugging) can reach: `window.__geoloop`. */
export interface GeoloopHook {
  map: import('ol/Map').default;
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

function storage(): StorageLike {
  try {
    window.localStorage.setItem('geoloop:probe', '1');
    window.localStorage.removeItem('geoloop:probe');
    return window.localStorage;
  } catch {
    return memoryStorage();
  }
}

const sameGeometry = (a: GeoJsonMultiPolygon | null, b: GeoJsonMultiPolygon | null) => JSON.stringify(a) === JSON.stringify(b);

export const mountAnnotate: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'annotate') throw new Error('annotate screen mounted on another route');
  const { projectId, sceneId, taskId } = route;
  const aborter = new AbortController();
  const cleanups: (() => void)[] = [];
  const errKey = `annotate-${sceneId}`;

  // ---- DOM ----
  const title = h('h1', {}, `Scene ${sceneId}`);
  const taskInfo = h('span', { class: 'task-info', 'data-testid': 'task-info' });
  const leaseInfo = h('span', { class: 'lease-info', 'data-testid': 'lease-info' });
  const socketInfo = h('span', { class: 'tag', 'data-testid': 'socket-state' }, 'connecting…');
  const notice = h('div', { class: 'notice', 'data-testid': 'notice', hidden: true });
  const status = h('div', { class: 'status', 'data-testid': 'annotate-status', 'aria-live': 'polite' }, 'Click inside an object.');
  const quality = h('div', { class: 'quality', 'data-testid': 'mask-quality' });
  const palette = h('div', { class: 'palette', 'data-testid': 'class-palette' });
  const tools = h('div', { class: 'tools' });
  const btn = (id: string, label: string, onclick: () => void, titleText = '') =>
    h('button', { type: 'button', 'data-testid': id, onclick, title: titleText }, label);
  const acceptBtn = btn('accept', 'Accept ⏎', () => run('accept'), 'Enter');
  const discardBtn = btn('discard', 'Discard', () => run('discard'), 'Esc');
  const undoBtn = btn('undo', 'Undo', () => run('undo'), 'Ctrl+Z');
  const redoBtn = btn('redo', 'Redo', () => run('redo'), 'Ctrl+Shift+Z');
  const deleteBtn = btn('delete', 'Delete', () => run('delete'), 'Delete');
  const nextBtn = btn('next-task', 'Next task', () => void nextTask());
  const submitBtn = btn('submit-task', 'Submit task', () => void submitTask());
  submitBtn.hidden = taskId === null;
  const helpBtn = btn('help', '?', () => toggleHelp(), 'Shortcuts (?)');
  const mapEl = h('div', { class: 'map', 'data-testid': 'map', tabindex: 0 });
  const mousePosition = h('div', { class: 'mouse-position', 'data-testid': 'mouse-position' });
  const help = helpOverlay(() => toggleHelp(false));
  const dialogHost = h('div', { class: 'dialog-host' });
  const root = h(
    'section',
    { class: 'annotate', 'data-testid': 'annotate-screen', 'data-state': 'loading' },
    h('div', { class: 'scene-head' }, h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), title, taskInfo, leaseInfo, socketInfo, nextBtn, submitBtn, helpBtn, mousePosition),
    notice,
    h(
      'div',
      { class: 'annotate-body' },
      h('aside', { class: 'side' }, palette, tools, h('div', { class: 'actions' }, acceptBtn, discardBtn, undoBtn, redoBtn, deleteBtn), quality, status),
      mapEl,
    ),
    help,
    dialogHost,
  );
  el.append(root);

  // ---- state ----
  const history = new History<Snapshot>(EMPTY_SNAPSHOT);
  let classes: LabelClass[] = [];
  let classId: number | null = null;
  let tool: Tool = 'point';
  let negative = false;
  let encoding = false;
  let task: Task | null = null;
  let busy = false;
  /** The annotation under edit as the server last gave it (to know whether the edit is dirty). */
  let loaded: { id: number; version: number; geometry: GeoJsonMultiPolygon; classId: number | null } | null = null;
  const traces = new Map<string, MaskTrace>();
  const maskTimes: number[] = [];
  const maskTrace: MaskTrace[] = [];
  let clickAt: { input: number; handler: number } | null = null;
  const drafts = new DraftStore(storage(), sceneId, taskId);

  let sceneMap: SceneMap | null = null;
  let tiles: AnnotationTiles | null = null;
  let edit: EditLayers | null = null;
  let interactions: EditInteractions | null = null;
  let segmentation: SegmentationSocket | null = null;
  const neighbours = new VectorSource();

  const colourOf = (id: number | null) => classes.find((c) => c.id === id)?.color ?? FALLBACK_COLOUR;
  const say = (text: string) => {
    status.textContent = text;
  };
  const showNotice = (text: string | null) => {
    notice.hidden = !text;
    notice.textContent = text ?? '';
  };
  const report = (err: unknown) => ctx.report(err, errKey);
  const editDirty = (s: Snapshot) =>
    !!s.edit && !!loaded && s.edit.annotationId === loaded.id && !sameGeometry(s.edit.geometry, loaded.geometry);

  const saveDraft = debounce(() => {
    const s = history.present;
    if (!drafts.save({ classId, session: s.session, manual: s.manual, edit: editDirty(s) ? s.edit : null }, Date.now())) {
      report(new Error('Could not keep a local copy of your unsaved work (browser storage is full or disabled).'));
    }
  }, 250);

  // ---- rendering ----
  function render(): void {
    const s = history.present;
    const g = workingGeometry(s);
    const kind = s.edit ? 'edit' : s.session.proposal ? 'proposal' : 'manual';
    edit?.setPrompts(s.session.points, s.session.box);
    edit?.setWorking(g, kind, colourOf(classId));
    edit?.setPending(s.session.pendingRequestId !== null);
    tiles?.setHidden(s.edit?.annotationId ?? null);
    const state = s.session.pendingRequestId ? (encoding ? 'encoding' : 'waiting') : s.edit ? 'edit' : s.session.proposal ? 'mask' : s.manual ? 'manual' : 'idle';
    root.dataset.state = state;
    root.dataset.proposalId = String(s.session.proposal?.id ?? '');
    root.dataset.annotationId = String(s.edit?.annotationId ?? '');
    root.dataset.annotationVersion = String(s.edit?.version ?? '');
    root.dataset.dirty = String(editDirty(s));
    const p = s.session.proposal;
    quality.textContent = p ? `predicted quality ${(p.predictedIou * 100).toFixed(0)}%${p.totalMs !== null ? ` · ${Math.round(p.totalMs)} ms` : ''}` : '';
    quality.className = `quality${p ? (p.predictedIou >= 0.85 ? ' good' : p.predictedIou >= 0.7 ? ' fair' : ' poor') : ''}`;
    if (state === 'encoding') say('Encoding this part of the image…');
    else if (state === 'waiting') say('Segmenting…');
    else if (state === 'mask') say(`${s.session.points.length} point${s.session.points.length === 1 ? '' : 's'}${s.session.box ? ' + box' : ''}. Enter accepts, click to refine, Esc discards.`);
    else if (state === 'edit') say(`Annotation ${s.edit?.annotationId} (version ${s.edit?.version})${editDirty(s) ? ' — unsaved changes, Enter saves' : ''}. Drag vertices; A/C add or cut.`);
    else if (state === 'manual') say('Hand-drawn shape. Enter saves it.');
    else say('Click inside an object (Alt/Shift-click excludes), or drag a box with B.');
    acceptBtn.disabled = commitKind(s) === null || busy;
    discardBtn.disabled = isEmpty(s);
    undoBtn.disabled = !history.canUndo;
    redoBtn.disabled = !history.canRedo;
    deleteBtn.disabled = !s.edit || busy;
    renderPalette(palette, classes, classId, (id) => void pickClass(id));
    renderTools(tools, tool, negative, setTool, () => { negative = !negative; render(); });
    saveDraft();
  }

  function step(next: Snapshot): void {
    history.push(next);
    render();
  }

  // ---- prompts ----
  function mapResolution(): number {
    const view = sceneMap!.map.getView();
    const res = view.getResolution() ?? 1;
    return getPointResolution('EPSG:3857', res, view.getCenter() ?? [0, 0]);
  }

  function sendPrompt(s: Snapshot, requestId: string): void {
    const now = performance.now();
    const at = clickAt ?? { input: now, handler: now };
    clickAt = null;
    if (!segmentation) return;
    encoding = false;
    segmentation.prompt(promptMessage(s.session, requestId, mapResolution()));
    traces.set(requestId, { requestId, input: at.input, handler: at.handler, sent: performance.now() });
  }

  async function leaveEdit(): Promise<boolean> {
    const s = history.present;
    if (s.edit && editDirty(s)) return saveEdit();
    if (s.edit) history.reset(EMPTY_SNAPSHOT);
    return true;
  }

  async function onClick(lonlat: LonLat, negativeModifier: boolean, pixel: number[], inputTime: number): Promise<void> {
    const handler = performance.now();
    let s = history.present;
    // With nothing in progress, a click on an existing annotation selects it for editing.
    if (!hasPrompts(s.session) && !s.manual && sceneMap && tiles) {
      const hit = sceneMap.map.forEachFeatureAtPixel(pixel, (f) => f, { layerFilter: (l) => l === tiles!.layer });
      const id = hit ? annotationIdOf(hit) : null;
      if (id !== null && id !== s.edit?.annotationId) {
        if (!(await leaveEdit())) return;
        await selectAnnotation(id);
        return;
      }
    }
    if (s.edit) {
      if (!(await leaveEdit())) return;
      s = history.present;
    }
    const label: Label = negative !== negativeModifier ? 0 : 1;
    const requestId = newRequestId();
    clickAt = { input: inputTime > 0 && inputTime <= handler ? inputTime : handler, handler };
    const next = withSession(s, addPoint(s.session, lonlat, label, requestId, Date.now()));
    step(next);
    sendPrompt(next, requestId);
  }

  async function onBox(bounds: LonLatBounds): Promise<void> {
    if (history.present.edit && !(await leaveEdit())) return;
    const s = history.present;
    const requestId = newRequestId();
    const next = withSession(s, setBox(s.session, bounds, requestId, Date.now()));
    step(next);
    sendPrompt(next, requestId);
  }

  function onSegmentation(msg: SegmentationMessage): void {
    const s = history.present;
    if (msg.type === 'mask') {
      const trace = traces.get(msg.request_id);
      traces.delete(msg.request_id);
      if (trace) {
        trace.received = performance.now();
        trace.serverMs = msg.timings?.total_ms ?? null;
        trace.server = msg.timings;
        trace.vertices = countVertices(msg.geometry);
      }
      const next = applyMask(s.session, msg);
      if (next === s.session) return; // an answer to a prompt since undone or superseded
      encoding = false;
      history.replace(withSession(s, next));
      render();
      if (!msg.geometry) say('The model found no object at these prompts: click elsewhere, add points, or undo.');
      if (trace && sceneMap) {
        trace.applied = performance.now();
        const map = sceneMap.map;
        map.once('precompose', () => {
          trace.frameStart = performance.now();
        });
        map.once('postrender', () => {
          trace.drawn = performance.now();
          const ms = trace.drawn - trace.input;
          maskTimes.push(ms);
          maskTrace.push(trace);
          mapEl.dataset.lastMaskMs = ms.toFixed(1);
          requestAnimationFrame(() => {
            trace.painted = performance.now();
          });
        });
        map.render();
      }
    } else if (msg.type === 'encoding') {
      if (msg.request_id === null || msg.request_id === s.session.pendingRequestId) {
        encoding = true;
        render();
      }
    } else if (msg.type === 'error') {
      if (msg.request_id) traces.delete(msg.request_id);
      encoding = false;
      history.replace(withSession(s, failRequest(s.session, msg.request_id)));
      render();
      report(new Error(`Segmentation failed (${msg.code}): ${msg.detail}`));
    }
  }

  // ---- shape edits ----
  function currentMapCoords(): MultiPolygonCoords {
    const f = edit?.workingFeature();
    return f ? (f.getGeometry() as MultiPolygon).getCoordinates() : [];
  }

  function coordsToGeoJson(coords: MultiPolygonCoords): GeoJsonMultiPolygon | null {
    if (coords.length === 0) return null;
    return toGeoJson(new MultiPolygon(coords));
  }

  function onDraw(ring: number[][], how: 'add' | 'cut'): void {
    const s = history.present;
    const shape = currentMapCoords();
    if (how === 'cut' && shape.length === 0) {
      say('Nothing to cut from: make or select a shape first.');
      return;
    }
    const out = how === 'add' ? addPolygon(shape, [ring]) : cutPolygon(shape, [ring]);
    if (out.length === 0 && s.edit) {
      say('That cut removes the whole shape: use Delete to delete an annotation.');
      render();
      return;
    }
    step(withShape(s, coordsToGeoJson(out)));
  }

  function onModify(before: MultiPolygonCoords, after: MultiPolygonCoords): void {
    const moved = countMovedVertices(before, after, 1e-6);
    step(withShape(history.present, coordsToGeoJson(after), moved));
  }

  // ---- server operations ----
  async function selectAnnotation(id: number): Promise<void> {
    try {
      const f = await ctx.api.annotation(id, aborter.signal);
      loaded = { id: f.id, version: f.properties.version, geometry: f.geometry, classId: f.properties.class?.id ?? null };
      if (f.properties.class) classId = f.properties.class.id;
      history.reset(editAnnotation(f.id, f.properties.version, f.geometry));
      render();
      void loadNeighbours(f.geometry);
    } catch (err) {
      report(err);
    }
  }

  async function loadNeighbours(g: GeoJsonMultiPolygon): Promise<void> {
    const ext = toMapGeometry(g).getExtent();
    const [a, b, c, d] = transformExtent(ext, 'EPSG:3857', 'EPSG:4326');
    const pad = 0.0003;
    try {
      const fc = await ctx.api.request<{ features: unknown[] }>('GET',
        `/api/scenes/${sceneId}/annotations/?bbox=${[a! - pad, b! - pad, c! + pad, d! + pad].join(',')}&limit=200`, { signal: aborter.signal });
      neighbours.clear();
      neighbours.addFeatures(new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }).readFeatures(fc));
    } catch (err) {
      report(err);
    }
  }

  async function withBusy<T>(fn: () => Promise<T>): Promise<T> {
    busy = true;
    render();
    try {
      return await fn();
    } finally {
      busy = false;
      render();
    }
  }

  async function accept(): Promise<void> {
    const s = history.present;
    const kind = commitKind(s);
    if (busy || kind === null) return;
    if (kind === 'saveEdit') {
      if (!editDirty(s)) {
        history.reset(EMPTY_SNAPSHOT);
        render();
        return;
      }
      await saveEdit();
      return;
    }
    await withBusy(async () => {
      try {
        let id: number;
        if (kind === 'acceptProposal') {
          const proposal = s.session.proposal!;
          const body = acceptBody(s.session, classId, taskId, Date.now());
          const result = await ctx.api.proposalAccept(proposal.id, body);
          id = result.annotation.id;
          showNotice(`Accepted as annotation ${id} (${body.clicks_added} click${body.clicks_added === 1 ? '' : 's'}, ${body.seconds_spent} s).`);
        } else {
          const created = await ctx.api.annotationCreate(sceneId, { geometry: s.manual!, label_class: classId, task: taskId });
          id = created.id;
          showNotice(`Saved annotation ${id}.`);
        }
        drafts.clear();
        tiles?.refresh();
        // The new annotation stays selected: its vertices can be moved at once.
        await selectAnnotation(id);
      } catch (err) {
        report(err);
      }
    });
  }

  async function saveEdit(): Promise<boolean> {
    const s = history.present;
    if (!s.edit) return true;
    const target = s.edit;
    return withBusy(async () => {
      try {
        const f = await ctx.api.annotationUpdate(target.annotationId, { version: target.version, geometry: target.geometry, reason: 'edited in the annotation screen' });
        loaded = { id: f.id, version: f.properties.version, geometry: f.geometry, classId: f.properties.class?.id ?? null };
        history.reset(editAnnotation(f.id, f.properties.version, f.geometry));
        drafts.clear();
        tiles?.refresh();
        showNotice(`Saved annotation ${f.id} (version ${f.properties.version}).`);
        return true;
      } catch (err) {
        const c = conflictFrom(err, target.annotationId, target.geometry);
        if (c) showConflict(c, { geometry: target.geometry });
        else report(err);
        return false;
      }
    });
  }

  async function pickClass(id: number): Promise<void> {
    classId = id;
    const s = history.present;
    render();
    if (!s.edit || loaded?.classId === id) return;
    const target = s.edit;
    await withBusy(async () => {
      try {
        const f = await ctx.api.annotationUpdate(target.annotationId, { version: target.version, label_class: id, reason: 'class changed' });
        loaded = { id: f.id, version: f.properties.version, geometry: loaded?.geometry ?? f.geometry, classId: id };
        history.replace({ ...history.present, edit: history.present.edit && { ...history.present.edit, version: f.properties.version } });
        tiles?.refresh();
      } catch (err) {
        const c = conflictFrom(err, target.annotationId, null);
        if (c) showConflict(c, { labelClass: id });
        else report(err);
      }
    });
  }

  async function discard(): Promise<void> {
    const s = history.present;
    const proposal = s.session.proposal;
    history.reset(EMPTY_SNAPSHOT);
    loaded = null;
    drafts.clear();
    render();
    if (proposal) {
      // A discarded mask is feedback too: the model was not good enough here.
      try {
        await ctx.api.proposalReject(proposal.id, { clicks_added: s.session.clicks, seconds_spent: secondsSpent(s.session, Date.now()) });
      } catch (err) {
        report(err);
      }
    }
  }

  async function remove(): Promise<void> {
    const s = history.present;
    if (!s.edit || busy) return;
    const target = s.edit;
    if (!window.confirm(`Delete annotation ${target.annotationId}?`)) return;
    await withBusy(async () => {
      try {
        await ctx.api.annotationDelete(target.annotationId, target.version);
        history.reset(EMPTY_SNAPSHOT);
        loaded = null;
        drafts.clear();
        tiles?.refresh();
        showNotice(`Deleted annotation ${target.annotationId}.`);
      } catch (err) {
        const c = conflictFrom(err, target.annotationId, null);
        if (c) showConflict(c, { delete: true });
        else report(err);
      }
    });
  }

  function showConflict(c: Conflict, mine: { geometry?: GeoJsonMultiPolygon; labelClass?: number; delete?: boolean }): void {
    const close = () => dialogHost.replaceChildren();
    dialogHost.replaceChildren(
      conflictDialog(c, async (choice) => {
        close();
        if (choice === 'cancel') return;
        const r = resolveConflict(c, choice);
        if (r.kind === 'takeTheirs') {
          if (!r.geometry) {
            history.reset(EMPTY_SNAPSHOT);
            loaded = null;
          } else {
            loaded = { id: r.annotationId, version: r.version, geometry: r.geometry, classId: loaded?.classId ?? null };
            history.reset(adoptVersion(history.present, r.annotationId, r.version, r.geometry));
          }
          drafts.clear();
          tiles?.refresh();
          showNotice(`Took their version ${r.version}.`);
          render();
          return;
        }
        // Overwrite deliberately: the same change, against their version.
        try {
          if (mine.delete) {
            await ctx.api.annotationDelete(r.annotationId, r.version);
            history.reset(EMPTY_SNAPSHOT);
            loaded = null;
          } else {
            const f = await ctx.api.annotationUpdate(r.annotationId, {
              version: r.version,
              ...(mine.geometry ? { geometry: mine.geometry } : {}),
              ...(mine.labelClass !== undefined ? { label_class: mine.labelClass } : {}),
              reason: 'overwrote a concurrent change',
            });
            loaded = { id: f.id, version: f.properties.version, geometry: f.geometry, classId: f.properties.class?.id ?? null };
            history.reset(editAnnotation(f.id, f.properties.version, f.geometry));
            showNotice(`Overwrote with your version (now ${f.properties.version}).`);
          }
          drafts.clear();
          tiles?.refresh();
          render();
        } catch (err) {
          const again = conflictFrom(err, r.annotationId, mine.geometry ?? null);
          if (again) showConflict(again, mine);
          else report(err);
        }
      }),
    );
  }

  // ---- undo / redo ----
  function travel(s: Snapshot | null): void {
    if (!s) return;
    // A step whose mask never arrived asks again (the answer to the old request id is ignored).
    if (hasPrompts(s.session) && (s.session.pendingRequestId !== null || !s.session.proposal)) {
      const requestId = newRequestId();
      const resent = withSession(s, { ...s.session, pendingRequestId: requestId });
      history.replace(resent);
      sendPrompt(resent, requestId);
    }
    render();
  }

  // ---- commands ----
  function setTool(t: Tool): void {
    tool = t;
    interactions?.setTool(t);
    mapEl.dataset.tool = t;
    render();
  }

  function toggleHelp(show?: boolean): void {
    help.hidden = show === undefined ? !help.hidden : !show;
  }

  function run(cmd: Command): void {
    if (typeof cmd === 'object') {
      const c = classes.filter((x) => !x.archived)[cmd.selectClass];
      if (c) void pickClass(c.id);
      return;
    }
    switch (cmd) {
      case 'accept':
        void accept();
        break;
      case 'discard':
        if (!help.hidden) toggleHelp(false);
        else void discard();
        break;
      case 'undo':
        travel(history.undo());
        break;
      case 'redo':
        travel(history.redo());
        break;
      case 'delete':
        void remove();
        break;
      case 'help':
        toggleHelp();
        break;
      case 'toggleNegative':
        negative = !negative;
        render();
        break;
      case 'toolPoint':
        setTool('point');
        break;
      case 'toolBox':
        setTool('box');
        break;
      case 'toolAdd':
        setTool('add');
        break;
      case 'toolCut':
        setTool('cut');
        break;
    }
  }

  const onKey = (e: KeyboardEvent) => {
    if (isTypingTarget(e.target) || dialogHost.childElementCount > 0) return;
    const cmd = commandForKey(e);
    if (!cmd) return;
    e.preventDefault();
    run(cmd);
  };
  window.addEventListener('keydown', onKey);
  cleanups.push(() => window.removeEventListener('keydown', onKey));
  const onHide = () => saveDraft.flush();
  window.addEventListener('pagehide', onHide);
  cleanups.push(() => window.removeEventListener('pagehide', onHide));

  // ---- others' changes ----
  const refreshTiles = debounce(() => tiles?.refresh(), 150);
  function onEvent(e: AnnotationEvent): void {
    refreshTiles();
    const s = history.present;
    if (!s.edit || s.edit.annotationId !== e.id || e.version <= s.edit.version) return;
    const deleted = e.type === 'annotation.deleted' || e.deleted === true;
    if (!editDirty(s)) {
      // Nothing of mine to lose: follow their change.
      loaded = deleted || !e.geometry ? null : { id: e.id, version: e.version, geometry: e.geometry, classId: e.class?.id ?? null };
      history.reset(adoptVersion(s, e.id, e.version, deleted ? null : e.geometry ?? s.edit.geometry));
      showNotice(deleted ? `Annotation ${e.id} was deleted by someone else.` : `Annotation ${e.id} was changed by someone else (now version ${e.version}).`);
      render();
    } else {
      showNotice(`Annotation ${e.id} was changed by someone else while you edit it; saving will ask which version to keep.`);
    }
  }

  // ---- tasks ----
  let leaseTimer: number | undefined;
  let skewMs = 0;
  function scheduleLease(): void {
    window.clearTimeout(leaseTimer);
    const st = task ? leaseStatus(task.lease_expires_at, Date.now(), skewMs) : null;
    if (!st) {
      leaseInfo.textContent = '';
      return;
    }
    leaseInfo.textContent = st.expired ? 'lease expired' : `lease ${formatDuration(st.msLeft)}`;
    leaseInfo.className = `lease-info${st.warn || st.expired ? ' warn' : ''}`;
    if (st.warn) showNotice(`Your lease on task ${task!.id} expires in ${formatDuration(st.msLeft)}: keep the tab open and online, or submit.`);
    leaseTimer = window.setTimeout(() => void heartbeat(), Math.min(st.nextHeartbeatMs, 10_000));
  }

  let lastBeat = 0;
  async function heartbeat(): Promise<void> {
    if (!task) return;
    const st = leaseStatus(task.lease_expires_at, Date.now(), skewMs);
    if (st && Date.now() - lastBeat < st.nextHeartbeatMs && !st.expired) {
      scheduleLease(); // only refresh the countdown
      return;
    }
    try {
      const t0 = Date.now();
      task = await ctx.api.taskHeartbeat(task.id);
      lastBeat = Date.now();
      skewMs = 0;
      void t0;
      ctx.dismiss(`lease-${taskId}`);
    } catch (err) {
      if (!aborter.signal.aborted) ctx.report(err instanceof ApiError ? new Error(`Could not renew the lease on task ${task.id}: ${err.message}`) : err, `lease-${taskId}`);
    }
    if (!aborter.signal.aborted) scheduleLease();
  }

  async function nextTask(): Promise<void> {
    if (!(await leaveEdit())) return;
    try {
      const t = await ctx.api.taskNext(projectId, null);
      if (!t) {
        showNotice('No free task in this project right now.');
        return;
      }
      ctx.navigate({ name: 'annotate', projectId, sceneId: t.scene, taskId: t.id });
    } catch (err) {
      report(err);
    }
  }

  async function submitTask(): Promise<void> {
    if (!task) return;
    if (!isEmpty(history.present) && !(await leaveEdit())) return;
    if (hasPrompts(history.present.session) && !window.confirm('Your current mask is not accepted. Submit anyway?')) return;
    try {
      task = await ctx.api.taskSubmit(task.id);
      window.clearTimeout(leaseTimer);
      drafts.clear();
      taskInfo.textContent = `Task ${task.id}: ${task.status}`;
      leaseInfo.textContent = '';
      showNotice(`Task ${task.id} submitted.`);
      submitBtn.disabled = true;
    } catch (err) {
      report(err);
    }
  }

  // ---- start ----
  const start = async (): Promise<void> => {
    const [scene, cls, tasks] = await Promise.all([
      ctx.api.scene(sceneId, aborter.signal),
      ctx.api.classes(projectId, aborter.signal),
      taskId === null ? Promise.resolve([] as Task[]) : ctx.api.tasks(projectId, sceneId, aborter.signal),
    ]);
    if (aborter.signal.aborted) return;
    classes = cls;
    classId = cls.find((c) => !c.archived)?.id ?? null;
    build(scene);
    if (taskId !== null) {
      task = tasks.find((t) => t.id === taskId) ?? null;
      if (!task) {
        report(new Error(`Task ${taskId} is not on this scene (or you may not see it).`));
      } else {
        taskInfo.textContent = `Task ${task.id}: ${task.status}`;
        edit?.setTaskArea(task.area);
        sceneMap?.map.getView().fit(toMapGeometry(task.area).getExtent(), { padding: [40, 40, 40, 40] });
        if (task.status === 'submitted' || task.status === 'reviewed') submitBtn.disabled = true;
        else void heartbeat();
      }
    }
    const draft = drafts.load();
    if (draft) {
      classId = draft.classId ?? classId;
      history.reset({ session: draft.session, manual: draft.manual, edit: draft.edit });
      if (draft.edit) loaded = { id: draft.edit.annotationId, version: draft.edit.version, geometry: { type: 'MultiPolygon', coordinates: [] }, classId };
      showNotice(`Restored your unsaved work from ${new Date(draft.savedAt).toLocaleTimeString()}.`);
      root.dataset.draftRestored = 'true';
      travel(history.present);
    }
    render();
    root.dataset.ready = 'true';
  };

  function build(scene: Scene): void {
    title.textContent = scene.name;
    if (scene.status !== 'ready') {
      say(`This scene is ${scene.status}.`);
      return;
    }
    sceneMap = createSceneMap({
      target: mapEl,
      scene,
      mousePositionTarget: mousePosition,
      onTileError: (failed, tile) => ctx.report(new Error(`${failed} tile${failed === 1 ? '' : 's'} failed to load (last: ${tile})`), `tiles-${sceneId}`),
    });
    const map = sceneMap.map;
    tiles = createAnnotationTiles(sceneId, scene.maxzoom + 3);
    edit = createEditLayers();
    map.addLayer(tiles.layer);
    for (const layer of edit.layers) map.addLayer(layer);
    interactions = createEditInteractions(map, edit.workingSource, neighbours, {
      onClick: (lonlat, neg, pixel, inputTime) => void onClick(lonlat, neg, pixel, inputTime),
      onBox: (b) => void onBox(b),
      onDraw,
      onModify,
    });
    segmentation = new SegmentationSocket(sceneId, {
      onMessage: onSegmentation,
      onState: (st, info) => {
        socketInfo.textContent = st === 'open' ? 'model connected' : st === 'connecting' ? 'connecting…' : info.retryInMs !== undefined ? `reconnecting in ${Math.ceil(info.retryInMs / 1000)} s` : 'model offline';
        socketInfo.dataset.state = st;
        if (st === 'closed' && info.retryInMs === undefined && info.code !== undefined) {
          report(new Error(`The segmentation service refused this page (code ${info.code}).`));
        }
      },
    });
    const events = new SceneEventsSocket(sceneId, onEvent, () => tiles?.refresh(), (st) => {
      mapEl.dataset.events = st;
    });
    const reportViewport = debounce(() => {
      const view = map.getView();
      const size = map.getSize();
      if (!size) return;
      const [a, b, c, d] = transformExtent(view.calculateExtent(size), 'EPSG:3857', 'EPSG:4326');
      segmentation?.viewport([a!, b!, c!, d!], mapResolution());
    }, 300);
    map.on('moveend', reportViewport);
    cleanups.push(() => {
      reportViewport.cancel();
      events.close();
      segmentation?.close();
      interactions?.dispose();
    });
    window.__geoloop = {
      map,
      sceneId,
      lonLatToPixel: (lon, lat) => map.getPixelFromCoordinate(fromLonLat([lon, lat])),
      fitLonLat: (b) => map.getView().fit(transformExtent(b, 'EPSG:4326', 'EPSG:3857'), { size: map.getSize(), padding: [20, 20, 20, 20] }),
      snapshot: () => history.present,
      maskTimes,
      maskTrace,
    };
  }

  start().catch((err: unknown) => report(err));

  return () => {
    aborter.abort();
    saveDraft.flush();
    window.clearTimeout(leaseTimer);
    refreshTiles.cancel();
    for (const fn of cleanups) fn();
    sceneMap?.dispose();
    if (window.__geoloop?.sceneId === sceneId) delete window.__geoloop;
    ctx.dismiss(errKey);
    ctx.dismiss(`tiles-${sceneId}`);
  };
};
