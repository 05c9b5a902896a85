// The annotation screen: prompt the model with clicks and boxes, see the mask at once, accept, correct, move on.
// State lives in plain modules (annotate/*); this file mounts the screen and wires its controllers (screens/annotate/*)
// to the map, the sockets and the DOM: prompting (preview), editing (save, conflicts), tasks (lease), live events,
// commands (keyboard, buttons) and the test hook.
import { fromLonLat, transformExtent } from 'ol/proj';
import type { Screen } from '../app';
import { debounce } from '../annotate/debounce';
import { SceneEventsSocket, SegmentationSocket } from '../annotate/sockets';
import { createAnnotationTiles } from '../map/annotationTiles';
import { createEditInteractions } from '../map/editInteractions';
import { createEditLayers, toMapGeometry } from '../map/editLayers';
import { defaultLineWidth, gridAngle } from '../annotate/kinds';
import { createKindLayers } from '../map/kindLayers';
import { createWhyLayers } from '../map/whyLayers';
import { createSceneMap } from '../map/sceneMap';
import { hashBbox } from '../router';
import type { Scene, Task } from '../types';
import { createCommands } from './annotate/commands';
import { createShared } from './annotate/context';
import { createEditing } from './annotate/editing';
import { createLiveEvents } from './annotate/liveEvents';
import { createPrompting } from './annotate/prompting';
import { createSimilar } from './annotate/similar';
import { createTasks } from './annotate/tasks';
import { mountTagsPanel } from './annotate/tagsPanel';
import { installHook, removeHook } from './annotate/testHook';
import { createView, renderScreen } from './annotate/view';

export type { GeoloopHook } from './annotate/testHook';

export const mountAnnotate: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'annotate') throw new Error('annotate screen mounted on another route');
  const { projectId, sceneId, taskId } = route;
  const ids = { projectId, sceneId, taskId };
  const cleanups: (() => void)[] = [];

  const view = createView(el, ids, {
    run: (cmd) => commands.run(cmd),
    nextTask: () => void tasks.nextTask(),
    submitTask: () => void tasks.submitTask(),
    toggleHelp: (show) => commands.toggleHelp(show),
  });
  const sh = createShared(ctx, ids, view, (shared) =>
    renderScreen(shared, {
      pickClass: (id) => void editing.pickClass(id),
      setTool: (t) => commands.setTool(t),
      toggleNegative: () => commands.toggleNegative(),
      saveAttributes: (values) => void editing.saveAttributes(values),
      keepCandidate: (index) => commands.keepCandidate(index),
      toggleWhy: (what) => commands.toggleWhy(what),
      setLineWidth: (w) => editing.shapes.setWidth(w),
    }),
  );
  const { history, state, parts } = sh;
  const editing = createEditing(sh);
  const prompting = createPrompting(sh, editing);
  const tasks = createTasks(sh, editing);
  const live = createLiveEvents(sh);
  const commands = createCommands(sh, editing, prompting);
  cleanups.push(mountTagsPanel(view.root.querySelector('aside.side') ?? view.root, ctx, ids, view.mapEl));
  const similar = createSimilar(sh, editing);

  const start = async (): Promise<void> => {
    const [scene, cls, taskList] = await Promise.all([
      ctx.api.scene(sceneId, sh.aborter.signal),
      ctx.api.classes(projectId, sh.aborter.signal),
      taskId === null ? Promise.resolve([] as Task[]) : ctx.api.tasks(projectId, sceneId, sh.aborter.signal),
    ]);
    if (sh.aborter.signal.aborted) return;
    state.classes = cls;
    state.classId = cls.find((c) => !c.archived)?.id ?? null;
    build(scene);
    if (taskId !== null) {
      state.task = taskList.find((t) => t.id === taskId) ?? null;
      const task = state.task;
      if (!task) {
        sh.report(new Error(`Task ${taskId} is not on this scene (or you may not see it).`));
      } else {
        view.taskInfo.textContent = `Task ${task.id}: ${task.status}`;
        parts.edit?.setTaskArea(task.area);
        parts.sceneMap?.map.getView().fit(toMapGeometry(task.area).getExtent(), { padding: [40, 40, 40, 40] });
        if (task.status === 'submitted' || task.status === 'reviewed') view.submitBtn.disabled = true;
        else void tasks.heartbeat();
      }
    }
    // "?bbox=w,s,e,n" (lon/lat) zooms to one object, e.g. from the Models screen's per-object table.
    const bbox = hashBbox(window.location.hash);
    if (bbox && parts.sceneMap) {
      parts.sceneMap.map.getView().fit(transformExtent(bbox, 'EPSG:4326', 'EPSG:3857'), { padding: [40, 40, 40, 40], maxZoom: scene.maxzoom + 3 });
    }
    const draft = sh.drafts.load();
    if (draft) {
      state.classId = draft.classId ?? state.classId;
      history.reset({ session: draft.session, manual: draft.manual, edit: draft.edit });
      if (draft.edit) state.loaded = { id: draft.edit.annotationId, version: draft.edit.version, geometry: { type: 'MultiPolygon', coordinates: [] }, classId: state.classId };
      sh.showNotice(`Restored your unsaved work from ${new Date(draft.savedAt).toLocaleTimeString()}.`);
      view.root.dataset.draftRestored = 'true';
      prompting.travel(history.present);
    }
    sh.render();
    view.root.dataset.ready = 'true';
  };

  function build(scene: Scene): void {
    view.title.textContent = scene.name;
    sh.state.sceneFootprint = scene.footprint;
    sh.state.lineWidthM = defaultLineWidth(scene.gsd);
    if (scene.status !== 'ready') {
      sh.say(`This scene is ${scene.status}.`);
      return;
    }
    const sceneMap = createSceneMap({
      target: view.mapEl,
      scene,
      mousePositionTarget: view.mousePosition,
      onTileError: (failed, tile) => ctx.report(new Error(`${failed} tile${failed === 1 ? '' : 's'} failed to load (last: ${tile})`), `tiles-${sceneId}`),
    });
    const map = sceneMap.map;
    const tiles = createAnnotationTiles(sceneId, scene.maxzoom + 3);
    const edit = createEditLayers();
    const why = createWhyLayers();
    map.addLayer(tiles.layer);
    map.addLayer(why.uncertaintyLayer);
    map.addLayer(why.windowLayer);
    for (const layer of edit.layers) map.addLayer(layer);
    Object.assign(parts, { sceneMap, tiles, edit, why });
    similar.attach();
    parts.interactions = createEditInteractions(map, edit.workingSource, sh.neighbours, {
      onClick: (lonlat, neg, pixel, inputTime, select) => void prompting.onClick(lonlat, neg, pixel, inputTime, select),
      onBox: (b) => void prompting.onBox(b),
      onDraw: editing.onDraw,
      onModify: editing.onModify,
    });
    parts.kinds = createKindLayers(map, {
      onDrawn: (kind, coords) => void editing.shapes.onDrawn(kind, coords, () => editing.leaveEdit()),
      onModified: (before, after) => editing.shapes.onModified(before, after),
    });
    const ring = scene.footprint?.coordinates[0];
    if (ring) parts.kinds.setGridAngle(gridAngle(ring.map((p) => fromLonLat(p))));
    parts.segmentation = new SegmentationSocket(sceneId, {
      onMessage: prompting.onSegmentation,
      onState: (st, info) => {
        view.socketInfo.textContent = st === 'open' ? 'model connected' : st === 'connecting' ? 'connecting…' : info.retryInMs !== undefined ? `reconnecting in ${Math.ceil(info.retryInMs / 1000)} s` : 'model offline';
        view.socketInfo.dataset.state = st;
        if (st === 'closed' && info.retryInMs === undefined && info.code !== undefined) {
          sh.report(new Error(`The segmentation service refused this page (code ${info.code}).`));
        }
      },
    });
    const events = new SceneEventsSocket(sceneId, live.onEvent, () => tiles.refresh(), (st) => {
      view.mapEl.dataset.events = st;
    });
    const reportViewport = debounce(() => {
      const size = map.getSize();
      if (!size) return;
      const [a, b, c, d] = transformExtent(map.getView().calculateExtent(size), 'EPSG:3857', 'EPSG:4326');
      parts.segmentation?.viewport([a!, b!, c!, d!], prompting.mapResolution());
    }, 300);
    map.on('moveend', reportViewport);
    cleanups.push(() => {
      reportViewport.cancel();
      events.close();
      parts.segmentation?.close();
      parts.interactions?.dispose();
      parts.kinds?.dispose();
    });
    installHook(map, sceneId, () => history.present, prompting);
  }

  start().catch((err: unknown) => sh.report(err));

  return () => {
    sh.aborter.abort();
    sh.saveDraft.flush();
    tasks.dispose();
    live.dispose();
    commands.dispose();
    similar.dispose();
    for (const fn of cleanups) fn();
    parts.sceneMap?.dispose();
    removeHook(sceneId);
    ctx.dismiss(`annotate-${sceneId}`);
    ctx.dismiss(`tiles-${sceneId}`);
  };
};
