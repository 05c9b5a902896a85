// Review mode: the project's queue (least confident first), one annotation at a time on its scene's map;
// accept, reject with a reason, or fix (move vertices, then "Fix"). Stale versions open the conflict dialog.
import { KIND_LABELS, type AnnotationKind } from '../annotate/kinds';
import { MultiPolygon } from 'ol/geom';
import { Modify, Snap } from 'ol/interaction';
import { fromLonLat } from 'ol/proj';
import { EMPTY_SNAPSHOT } from '../annotate/editor';
import type { Screen } from '../app';
import { conflictFrom, resolveConflict, type Conflict } from '../annotate/conflict';
import { createAnnotationTiles, FALLBACK_COLOUR, type AnnotationTiles } from '../map/annotationTiles';
import { createEditLayers, toGeoJson, toMapGeometry, type EditLayers } from '../map/editLayers';
import { createSceneMap, type SceneMap } from '../map/sceneMap';
import type { AnnotationFeature, GeoJsonMultiPolygon } from '../types';
import { conflictDialog } from '../ui/annotatePanels';
import { h } from '../ui/dom';
import { reviewTagsSection } from './reviewTags';
import { changesToReviewSection } from '../pairs/changesToReview';

export const mountReview: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'review') throw new Error('review screen mounted on another route');
  const { projectId } = route;
  const aborter = new AbortController();
  const errKey = `review-${projectId}`;
  const report = (err: unknown) => ctx.report(err, errKey);

  const list = h('ol', { class: 'queue', 'data-testid': 'review-queue' });
  const count = h('span', { class: 'muted', 'data-testid': 'review-count' });
  const detail = h('div', { class: 'review-detail', 'data-testid': 'review-detail' }, 'Pick an annotation from the queue.');
  const reason = h('input', { type: 'text', placeholder: 'reason (for reject)', 'data-testid': 'review-reason' });
  const btn = (id: string, label: string, fn: () => void) => h('button', { type: 'button', 'data-testid': id, onclick: fn, disabled: true }, label);
  const acceptBtn = btn('review-accept', 'Accept', () => void verdict('accept'));
  const rejectBtn = btn('review-reject', 'Reject', () => void verdict('reject'));
  const fixBtn = btn('review-fix', 'Fix (save my edit)', () => void verdict('fix'));
  const mapEl = h('div', { class: 'map', 'data-testid': 'map' });
  const mousePosition = h('div', { class: 'mouse-position' });
  const dialogHost = h('div');
  const root = h(
    'section',
    { class: 'annotate', 'data-testid': 'review-screen' },
    h('div', { class: 'scene-head' }, h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), h('h1', {}, 'Review'), count, mousePosition),
    h('div', { class: 'annotate-body' },
      h('aside', { class: 'side' }, list, detail, reason, h('div', { class: 'actions' }, acceptBtn, rejectBtn, fixBtn),
        reviewTagsSection(ctx, projectId, aborter.signal), changesToReviewSection(ctx, projectId, aborter.signal)),
      mapEl),
    dialogHost,
  );
  el.append(root);

  let items: AnnotationFeature[] = [];
  let current: AnnotationFeature | null = null;
  let edited: GeoJsonMultiPolygon | null = null;
  let view: { sceneId: number; map: SceneMap; tiles: AnnotationTiles; edit: EditLayers; dispose: () => void } | null = null;

  const setButtons = () => {
    acceptBtn.disabled = rejectBtn.disabled = !current;
    fixBtn.disabled = !current || !edited;
  };

  async function load(): Promise<void> {
    try {
      const q = await ctx.api.reviewQueue(projectId, aborter.signal);
      items = q.results;
      count.textContent = `${q.count} to review`;
      list.replaceChildren(
        ...(items.length ? items.map((f) =>
          h('li', { 'data-testid': 'review-item', 'data-annotation-id': f.id, class: f.id === current?.id ? 'selected' : null },
            h('button', { type: 'button', onclick: () => void open(f) },
              `#${f.id} ${kindLabel(f)}${f.properties.class?.name ?? 'no class'} · ${f.properties.predicted_quality === null ? 'quality n/a' : `quality ${(f.properties.predicted_quality * 100).toFixed(0)}%`}`))) :
          [h('li', { class: 'muted' }, 'Nothing to review.')]),
      );
    } catch (err) {
      report(err);
    }
  }

  async function open(f: AnnotationFeature): Promise<void> {
    current = f;
    edited = null;
    detail.textContent = `Annotation ${f.id} (${(kindLabel(f) || 'polygon').trim()}), version ${f.properties.version}, ${f.properties.source}, status ${f.properties.status}${f.properties.review_state ? `, review ${f.properties.review_state}` : ''}.`;
    root.dataset.annotationId = String(f.id);
    if (!view || view.sceneId !== f.properties.scene) {
      view?.dispose();
      try {
        const scene = await ctx.api.scene(f.properties.scene, aborter.signal);
        const map = createSceneMap({ target: mapEl, scene, mousePositionTarget: mousePosition });
        const tiles = createAnnotationTiles(scene.id, scene.maxzoom + 3);
        const edit = createEditLayers();
        map.map.addLayer(tiles.layer);
        for (const l of edit.layers) map.map.addLayer(l);
        const modify = new Modify({ source: edit.workingSource });
        modify.on('modifyend', (e) => {
          const g = e.features.item(0)?.getGeometry();
          if (g instanceof MultiPolygon) {
            edited = toGeoJson(g);
            setButtons();
          }
        });
        const snap = new Snap({ source: edit.workingSource });
        map.map.addInteraction(modify);
        map.map.addInteraction(snap);
        view = { sceneId: scene.id, map, tiles, edit, dispose: () => map.dispose() };
        window.__geoloop = { map: map.map, sceneId: scene.id, lonLatToPixel: (lon, lat) => map.map.getPixelFromCoordinate(fromLonLat([lon, lat])), fitLonLat: () => undefined, snapshot: () => EMPTY_SNAPSHOT, maskTimes: [], maskTrace: [] };
      } catch (err) {
        report(err);
        return;
      }
    }
    view.tiles.setHidden(f.id);
    view.edit.setWorking(f.geometry, 'edit', f.properties.class?.color ?? FALLBACK_COLOUR);
    view.map.map.getView().fit(toMapGeometry(f.geometry).getExtent(), { padding: [80, 80, 80, 80], maxZoom: 21 });
    setButtons();
    void load();
  }

  async function verdict(action: 'accept' | 'reject' | 'fix', version?: number): Promise<void> {
    if (!current) return;
    const f = current;
    if (action === 'reject' && !reason.value.trim()) {
      report(new Error('Give a reason to reject.'));
      reason.focus();
      return;
    }
    try {
      await ctx.api.review(f.id, {
        action,
        version: version ?? f.properties.version,
        reason: reason.value.trim(),
        ...(action === 'fix' && edited ? { geometry: edited } : {}),
      });
      root.dataset.lastVerdict = `${action}:${f.id}`;
      reason.value = '';
      current = null;
      edited = null;
      view?.edit.setWorking(null, 'edit', FALLBACK_COLOUR);
      view?.tiles.setHidden(null);
      view?.tiles.refresh();
      detail.textContent = `${action === 'accept' ? 'Accepted' : action === 'reject' ? 'Rejected' : 'Fixed'} annotation ${f.id}.`;
      setButtons();
      await load();
      const next = items[0];
      if (next) void open(next);
    } catch (err) {
      const c = conflictFrom(err, f.id, edited);
      if (c) showConflict(c, action);
      else report(err);
    }
  }

  function showConflict(c: Conflict, action: 'accept' | 'reject' | 'fix'): void {
    dialogHost.replaceChildren(conflictDialog(c, (choice) => {
      dialogHost.replaceChildren();
      if (choice === 'cancel') return;
      const r = resolveConflict(c, choice);
      if (r.kind === 'takeTheirs') {
        void ctx.api.annotation(c.annotationId).then((f) => open(f), report);
      } else {
        void verdict(action, r.version);
      }
    }));
  }

  void load();
  return () => {
    aborter.abort();
    view?.dispose();
    ctx.dismiss(errKey);
  };
};

/** The annotation's kind (issue 16) before its class, e.g. "box "; empty for polygons and servers that do not say. */
function kindLabel(f: AnnotationFeature): string {
  const kind = (f.properties as { kind?: unknown }).kind;
  return typeof kind === 'string' && kind !== 'polygon' && kind in KIND_LABELS ? `${KIND_LABELS[kind as AnnotationKind]} ` : '';
}
