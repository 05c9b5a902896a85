// Others' changes, live: every annotation event refreshes the vector tiles (debounced); a change to the annotation
// under edit is followed when nothing of mine would be lost, else announced (saving then asks via the conflict).
import { adoptVersion, EMPTY_SNAPSHOT, withKindShape } from '../../annotate/editor';
import { shapeFromFeature } from '../../annotate/kinds';
import { debounce } from '../../annotate/debounce';
import type { AnnotationEvent } from '../../types';
import type { Shared } from './context';

export function createLiveEvents(sh: Shared) {
  const { history, state } = sh;
  const refreshTiles = debounce(() => sh.parts.tiles?.refresh(), 150);

  function onEvent(e: AnnotationEvent): void {
    refreshTiles();
    const s = history.present;
    if (s.shape) {
      followShape(e);
      return;
    }
    if (!s.edit || s.edit.annotationId !== e.id || e.version <= s.edit.version) return;
    const deleted = e.type === 'annotation.deleted' || e.deleted === true;
    if (!sh.editDirty(s)) {
      // Nothing of mine to lose: follow their change.
      state.loaded = deleted || !e.geometry ? null : { id: e.id, version: e.version, geometry: e.geometry, classId: e.class?.id ?? null };
      history.reset(adoptVersion(s, e.id, e.version, deleted ? null : e.geometry ?? s.edit.geometry));
      sh.showNotice(deleted ? `Annotation ${e.id} was deleted by someone else.` : `Annotation ${e.id} was changed by someone else (now version ${e.version}).`);
      sh.render();
    } else {
      sh.showNotice(`Annotation ${e.id} was changed by someone else while you edit it; saving will ask which version to keep.`);
    }
  }

  /** The same for a selected box, point or line (the events carry kind, width_m and shape beside the footprint). */
  function followShape(e: AnnotationEvent): void {
    const s = history.present;
    const mine = s.shape;
    // busy: my own save is in flight (its event may come before its answer)
    if (!mine || state.busy || mine.annotationId !== e.id || e.version <= (mine.version ?? 0)) return;
    const deleted = e.type === 'annotation.deleted' || e.deleted === true;
    if (sh.editDirty(s)) {
      sh.showNotice(`Annotation ${e.id} was changed by someone else while you edit it; saving now would be refused as stale.`);
      return;
    }
    const k = e as AnnotationEvent & { kind?: unknown; width_m?: unknown; shape?: unknown };
    const theirs = deleted || !e.geometry ? null
      : shapeFromFeature({ id: e.id, geometry: e.geometry, properties: { version: e.version, kind: k.kind, width_m: k.width_m, shape: k.shape } });
    state.loadedShape = theirs;
    state.loaded = theirs && e.geometry ? { id: e.id, version: e.version, geometry: e.geometry, classId: e.class?.id ?? null } : null;
    history.reset(theirs ? withKindShape(theirs) : EMPTY_SNAPSHOT);
    sh.showNotice(deleted ? `Annotation ${e.id} was deleted by someone else.` : `Annotation ${e.id} was changed by someone else (now version ${e.version}).`);
    sh.render();
  }

  return { onEvent, dispose: () => refreshTiles.cancel() };
}
