// Editing and saving: select an existing annotation, add/cut by a drawn polygon, move vertices, accept a mask or a
// hand-drawn shape, save an edit, change class, discard, delete. Stale versions go to the conflict dialog.
import GeoJSON from 'ol/format/GeoJSON';
import { MultiPolygon } from 'ol/geom';
import { transformExtent } from 'ol/proj';
import { conflictFrom } from '../../annotate/conflict';
import { swallowQuestion } from '../../annotate/coverage';
import { commitKind, EMPTY_SNAPSHOT, editAnnotation, editRefusal, withShape } from '../../annotate/editor';
import { addPolygon, countMovedVertices, cutPolygon, type MultiPolygonCoords } from '../../annotate/polygonOps';
import { acceptBody, secondsSpent } from '../../annotate/promptSession';
import { toGeoJson, toMapGeometry } from '../../map/editLayers';
import type { AnnotationFeature, AttributeValue, GeoJsonMultiPolygon } from '../../types';
import { showConflict } from './conflicts';
import { createShapes } from './shapes';
import type { Shared } from './context';

export type Editing = ReturnType<typeof createEditing>;

export function createEditing(sh: Shared) {
  const { ctx, history, state, parts } = sh;
  const shapes = createShapes(sh);

  function currentMapCoords(): MultiPolygonCoords {
    const f = parts.edit?.workingFeature();
    return f ? (f.getGeometry() as MultiPolygon).getCoordinates() : [];
  }

  function coordsToGeoJson(coords: MultiPolygonCoords): GeoJsonMultiPolygon | null {
    if (coords.length === 0) return null;
    return toGeoJson(new MultiPolygon(coords));
  }

  function onDraw(ring: number[][], how: 'add' | 'cut'): void {
    const s = history.present;
    if (s.shape) {
      sh.say('Save (Enter) or drop (Esc) the box, point or line first: add and cut change polygons.');
      return;
    }
    const shape = currentMapCoords();
    if (how === 'cut' && shape.length === 0) {
      sh.say('Nothing to cut from: make or select a shape first.');
      return;
    }
    const out = how === 'add' ? addPolygon(shape, [ring]) : cutPolygon(shape, [ring]);
    if (out.length === 0 && s.edit) {
      sh.say('That cut removes the whole shape: use Delete to delete an annotation.');
      sh.render();
      return;
    }
    sh.step(withShape(s, coordsToGeoJson(out)));
  }

  function onModify(before: MultiPolygonCoords, after: MultiPolygonCoords): void {
    const moved = countMovedVertices(before, after, 1e-6);
    sh.step(withShape(history.present, coordsToGeoJson(after), moved));
  }

  async function selectAnnotation(id: number): Promise<void> {
    try {
      const f = await ctx.api.annotation(id, sh.aborter.signal);
      const refusal = editRefusal(f.properties);
      if (refusal) {
        // No vertex handles, no delete, no class change: the server would refuse them.
        sh.showNotice(`Annotation ${f.id} is read-only for you. ${refusal}`);
        return;
      }
      if (shapes.select(f)) return;
      shapes.forget();
      state.loaded = { id: f.id, version: f.properties.version, geometry: f.geometry, classId: f.properties.class?.id ?? null, ...attributesOf(f) };
      if (f.properties.class) state.classId = f.properties.class.id;
      history.reset(editAnnotation(f.id, f.properties.version, f.geometry));
      sh.render();
      void loadNeighbours(f.geometry);
    } catch (err) {
      sh.report(err);
    }
  }

  async function loadNeighbours(g: GeoJsonMultiPolygon): Promise<void> {
    const ext = toMapGeometry(g).getExtent();
    const [a, b, c, d] = transformExtent(ext, 'EPSG:3857', 'EPSG:4326');
    const pad = 0.0003;
    try {
      const fc = await ctx.api.request<{ features: unknown[] }>('GET',
        `/api/scenes/${sh.sceneId}/annotations/?bbox=${[a! - pad, b! - pad, c! + pad, d! + pad].join(',')}&limit=200`, { signal: sh.aborter.signal });
      sh.neighbours.clear();
      sh.neighbours.addFeatures(new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }).readFeatures(fc));
    } catch (err) {
      sh.report(err);
    }
  }

  async function withBusy<T>(fn: () => Promise<T>): Promise<T> {
    state.busy = true;
    sh.render();
    try {
      return await fn();
    } finally {
      state.busy = false;
      sh.render();
    }
  }

  /** Before a new prompt or task: save a dirty edit (false when that failed), or just drop a clean one. */
  async function leaveEdit(): Promise<boolean> {
    const s = history.present;
    if (s.shape) return shapes.leave();
    if (s.edit && sh.editDirty(s)) return saveEdit();
    if (s.edit) history.reset(EMPTY_SNAPSHOT);
    return true;
  }

  async function accept(): Promise<void> {
    const s = history.present;
    const kind = commitKind(s);
    if (state.busy || kind === null) return;
    if (kind === 'saveShape') {
      await shapes.save();
      return;
    }
    if (kind === 'saveEdit') {
      if (!sh.editDirty(s)) {
        history.reset(EMPTY_SNAPSHOT);
        sh.render();
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
          const question = swallowQuestion(proposal.geometry, state.task?.area ?? null, state.sceneFootprint ?? null);
          if (question !== null && !window.confirm(question)) return;
          const body = acceptBody(s.session, state.classId, sh.taskId, Date.now());
          const result = await ctx.api.proposalAccept(proposal.id, body);
          id = result.annotation.id;
          sh.showNotice(`Accepted as annotation ${id} (${body.clicks_added} click${body.clicks_added === 1 ? '' : 's'}, ${body.seconds_spent} s).`);
        } else {
          const created = await ctx.api.annotationCreate(sh.sceneId, { geometry: s.manual!, label_class: state.classId, task: sh.taskId });
          id = created.id;
          sh.showNotice(`Saved annotation ${id}.`);
        }
        sh.drafts.clear();
        parts.tiles?.refresh();
        // The new annotation stays selected: its vertices can be moved at once.
        await selectAnnotation(id);
      } catch (err) {
        sh.report(err);
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
        state.loaded = { id: f.id, version: f.properties.version, geometry: f.geometry, classId: f.properties.class?.id ?? null, ...attributesOf(f) };
        history.reset(editAnnotation(f.id, f.properties.version, f.geometry));
        sh.drafts.clear();
        parts.tiles?.refresh();
        sh.showNotice(`Saved annotation ${f.id} (version ${f.properties.version}).`);
        return true;
      } catch (err) {
        const c = conflictFrom(err, target.annotationId, target.geometry);
        if (c) showConflict(sh, c, { geometry: target.geometry });
        else sh.report(err);
        return false;
      }
    });
  }

  async function pickClass(id: number): Promise<void> {
    state.classId = id;
    const s = history.present;
    sh.render();
    if (s.shape) {
      await shapes.changeClass(id);
      return;
    }
    if (!s.edit || state.loaded?.classId === id) return;
    const target = s.edit;
    await withBusy(async () => {
      try {
        const f = await ctx.api.annotationUpdate(target.annotationId, { version: target.version, label_class: id, reason: 'class changed' });
        state.loaded = { id: f.id, version: f.properties.version, geometry: state.loaded?.geometry ?? f.geometry, classId: id, ...attributesOf(f) };
        history.replace({ ...history.present, edit: history.present.edit && { ...history.present.edit, version: f.properties.version } });
        parts.tiles?.refresh();
      } catch (err) {
        const c = conflictFrom(err, target.annotationId, null);
        if (c) showConflict(sh, c, { labelClass: id });
        else sh.report(err);
      }
    });
  }

  /** Saves the selected annotation's attribute values (the full set; the server checks them against its class). */
  async function saveAttributes(values: Record<string, AttributeValue>): Promise<void> {
    const s = history.present;
    if (!s.edit) return;
    const target = s.edit;
    await withBusy(async () => {
      try {
        const f = await ctx.api.annotationUpdate(target.annotationId, { version: target.version, attributes: values, reason: 'attributes changed' });
        state.loaded = { id: f.id, version: f.properties.version, geometry: state.loaded?.geometry ?? f.geometry, classId: f.properties.class?.id ?? null, ...attributesOf(f) };
        history.replace({ ...history.present, edit: history.present.edit && { ...history.present.edit, version: f.properties.version } });
        parts.tiles?.refresh();
        sh.showNotice(`Saved the attributes of annotation ${f.id} (version ${f.properties.version}).`);
      } catch (err) {
        const c = conflictFrom(err, target.annotationId, null);
        if (c) showConflict(sh, c, {});
        else sh.report(err);
      }
    });
  }

  async function discard(): Promise<void> {
    const s = history.present;
    const proposal = s.session.proposal;
    history.reset(EMPTY_SNAPSHOT);
    state.loaded = null;
    shapes.forget();
    sh.drafts.clear();
    sh.render();
    if (proposal) {
      // A discarded mask is feedback too: the model was not good enough here.
      try {
        await ctx.api.proposalReject(proposal.id, { clicks_added: s.session.clicks, seconds_spent: secondsSpent(s.session, Date.now()) });
      } catch (err) {
        sh.report(err);
      }
    }
  }

  async function remove(): Promise<void> {
    const s = history.present;
    if (s.shape) {
      await shapes.remove();
      return;
    }
    if (!s.edit || state.busy) return;
    const target = s.edit;
    if (!window.confirm(`Delete annotation ${target.annotationId}?`)) return;
    await withBusy(async () => {
      try {
        await ctx.api.annotationDelete(target.annotationId, target.version);
        history.reset(EMPTY_SNAPSHOT);
        state.loaded = null;
        sh.drafts.clear();
        parts.tiles?.refresh();
        sh.showNotice(`Deleted annotation ${target.annotationId}.`);
      } catch (err) {
        const c = conflictFrom(err, target.annotationId, null);
        if (c) showConflict(sh, c, { delete: true });
        else sh.report(err);
      }
    });
  }

  return { onDraw, onModify, selectAnnotation, leaveEdit, accept, saveEdit, pickClass, saveAttributes, discard, remove, shapes };
}

function attributesOf(f: AnnotationFeature): { attributes: Record<string, AttributeValue>; missing: string[] } {
  return { attributes: f.properties.attributes ?? {}, missing: f.properties.attributes_missing ?? [] };
}
