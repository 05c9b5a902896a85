// Annotations of the other kinds (issue 16) on the annotation screen: a box, rotated box, point or line drawn with
// its tool becomes the working shape (one undoable step per drawing or vertex drag); Enter saves it (created, or a new
// version of the selected one), Delete deletes it. Ctrl/Cmd-click on a saved one selects it for editing.
import { toLonLat } from 'ol/proj';
import { EMPTY_SNAPSHOT, withKindShape } from '../../annotate/editor';
import { KIND_LABELS, resizeRect, shapeBody, shapeDirty, shapeFromFeature, shapeProblem, type KindShape, type ShapeKind, type XY } from '../../annotate/kinds';
import type { AnnotationFeature } from '../../types';
import type { Shared } from './context';

export type Shapes = ReturnType<typeof createShapes>;

/** What the API answers for an annotation, with the kinds' fields (kinds-api adds them to the schema). */
type KindFeature = AnnotationFeature & { properties: { kind?: unknown; width_m?: unknown; shape?: unknown } };

export function createShapes(sh: Shared) {
  const { ctx, history, state, parts } = sh;

  const toLonLatAll = (coords: XY[]): XY[] => coords.map((p) => toLonLat(p).map((v) => Math.round(v * 1e9) / 1e9));

  const dirty = (shape: KindShape | null | undefined = history.present.shape): boolean => shapeDirty(shape, state.loadedShape);

  async function onDrawn(kind: ShapeKind, mapCoords: XY[], leave: () => Promise<boolean>): Promise<void> {
    if (!(await leave())) return;
    const shape: KindShape = { kind, coords: toLonLatAll(mapCoords), widthM: kind === 'line' ? state.lineWidthM : null, annotationId: null, version: null };
    sh.step(withKindShape(shape));
    sh.say(`New ${KIND_LABELS[kind]}: Enter saves it, Esc drops it, drag its vertices to adjust.`);
  }

  function onModified(before: XY[], after: XY[]): void {
    const s = history.present.shape;
    if (!s) return;
    const coords = s.kind === 'box' || s.kind === 'rotated_box' ? resizeRect(before, after) : after;
    sh.step(withKindShape({ ...s, coords: toLonLatAll(coords) }));
  }

  /** The line width field: the default for new lines, and the selected line's width (an undoable step). */
  function setWidth(widthM: number): void {
    state.lineWidthM = widthM;
    const s = history.present.shape;
    if (s?.kind === 'line' && s.widthM !== widthM) sh.step(withKindShape({ ...s, widthM }));
    else sh.render();
  }

  function adopt(f: KindFeature): KindShape | null {
    const shape = shapeFromFeature(f as Parameters<typeof shapeFromFeature>[0]);
    if (!shape) return null;
    state.loadedShape = shape;
    state.loaded = { id: f.id, version: f.properties.version, geometry: f.geometry, classId: f.properties.class?.id ?? null };
    if (f.properties.class) state.classId = f.properties.class.id;
    if (shape.kind === 'line' && shape.widthM !== null) state.lineWidthM = shape.widthM;
    history.reset(withKindShape(shape));
    sh.render();
    return shape;
  }

  /** Selects a saved annotation of another kind (false: it is a polygon, edit it as one). */
  function select(f: AnnotationFeature): boolean {
    const shape = adopt(f as KindFeature);
    if (shape) sh.say(`${KIND_LABELS[shape.kind]} ${f.id} (version ${f.properties.version}). Drag its vertices; Enter saves, Delete deletes.`);
    return shape !== null;
  }

  async function save(): Promise<boolean> {
    const s = history.present.shape;
    if (!s || state.busy) return false;
    if (!dirty(s)) {
      history.reset(EMPTY_SNAPSHOT);
      state.loadedShape = null;
      sh.render();
      return true;
    }
    const problem = shapeProblem(s);
    if (problem) {
      sh.say(problem);
      return false;
    }
    state.busy = true;
    sh.render();
    try {
      const body = shapeBody(s);
      const f = (s.annotationId === null
        ? await ctx.api.annotationCreate(sh.sceneId, { ...body, label_class: state.classId, task: sh.taskId })
        : await ctx.api.annotationUpdate(s.annotationId, { ...body, version: s.version ?? 0, reason: 'edited in the annotation screen' })) as KindFeature;
      sh.drafts.clear();
      parts.tiles?.refresh();
      state.busy = false;
      const kept = adopt(f);
      sh.showNotice(`Saved ${KIND_LABELS[(kept ?? s).kind]} ${f.id} (version ${f.properties.version}).`);
      if (!kept) {
        history.reset(EMPTY_SNAPSHOT);
        state.loadedShape = null;
      }
      return true;
    } catch (err) {
      sh.report(err);
      return false;
    } finally {
      state.busy = false;
      sh.render();
    }
  }

  /** Before anything else takes the screen: save the shape if it has unsaved changes (false if that failed). */
  async function leave(): Promise<boolean> {
    const s = history.present.shape;
    if (!s) return true;
    if (dirty(s)) return save();
    history.reset(EMPTY_SNAPSHOT);
    state.loadedShape = null;
    return true;
  }

  async function remove(): Promise<void> {
    const s = history.present.shape;
    if (!s || state.busy) return;
    if (s.annotationId === null) {
      history.reset(EMPTY_SNAPSHOT);
      sh.render();
      return;
    }
    if (!window.confirm(`Delete ${KIND_LABELS[s.kind]} ${s.annotationId}?`)) return;
    state.busy = true;
    sh.render();
    try {
      await ctx.api.annotationDelete(s.annotationId, s.version ?? 0);
      history.reset(EMPTY_SNAPSHOT);
      state.loadedShape = null;
      state.loaded = null;
      sh.drafts.clear();
      parts.tiles?.refresh();
      sh.showNotice(`Deleted ${KIND_LABELS[s.kind]} ${s.annotationId}.`);
    } catch (err) {
      sh.report(err);
    } finally {
      state.busy = false;
      sh.render();
    }
  }

  /** A new class for the selected saved shape (at once, as for polygons). */
  async function changeClass(classId: number): Promise<void> {
    const s = history.present.shape;
    if (!s || s.annotationId === null || state.loaded?.classId === classId || state.busy) return;
    state.busy = true;
    sh.render();
    try {
      const f = await ctx.api.annotationUpdate(s.annotationId, { version: s.version ?? 0, label_class: classId, reason: 'class changed' });
      const version = f.properties.version;
      if (state.loadedShape) state.loadedShape = { ...state.loadedShape, version };
      if (state.loaded) state.loaded = { ...state.loaded, version, classId };
      const now = history.present.shape;
      if (now && now.annotationId === s.annotationId) history.replace(withKindShape({ ...now, version }));
      parts.tiles?.refresh();
    } catch (err) {
      sh.report(err);
    } finally {
      state.busy = false;
      sh.render();
    }
  }

  function forget(): void {
    state.loadedShape = null;
  }

  return { onDrawn, onModified, setWidth, select, save, leave, remove, dirty, forget, changeClass };
}
