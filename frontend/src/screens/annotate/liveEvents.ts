// Others' changes, live: every annotation event refreshes the vector tiles (debounced); a change to the annotation
// under edit is followed when nothing of mine would be lost, else announced (saving then asks via the conflict).
import { adoptVersion } from '../../annotate/editor';
import { debounce } from '../../annotate/debounce';
import type { AnnotationEvent } from '../../types';
import type { Shared } from './context';

export function createLiveEvents(sh: Shared) {
  const { history, state } = sh;
  const refreshTiles = debounce(() => sh.parts.tiles?.refresh(), 150);

  function onEvent(e: AnnotationEvent): void {
    refreshTiles();
    const s = history.present;
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

  return { onEvent, dispose: () => refreshTiles.cancel() };
}
