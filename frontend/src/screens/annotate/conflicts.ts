// A stale-version conflict (409) on save, class change or delete: the dialog, then take theirs or overwrite
// deliberately with the same change against their version.
import { conflictFrom, resolveConflict, type Conflict } from '../../annotate/conflict';
import { adoptVersion, EMPTY_SNAPSHOT, editAnnotation } from '../../annotate/editor';
import type { GeoJsonMultiPolygon } from '../../types';
import { conflictDialog } from '../../ui/annotatePanels';
import type { Shared } from './context';

/** What I tried to change: a geometry, a class, or a delete. */
export interface MyChange {
  geometry?: GeoJsonMultiPolygon;
  labelClass?: number;
  delete?: boolean;
}

export function showConflict(sh: Shared, c: Conflict, mine: MyChange): void {
  const { history, state, view, ctx } = sh;
  const close = () => view.dialogHost.replaceChildren();
  view.dialogHost.replaceChildren(
    conflictDialog(c, async (choice) => {
      close();
      if (choice === 'cancel') return;
      const r = resolveConflict(c, choice);
      if (r.kind === 'takeTheirs') {
        if (!r.geometry) {
          history.reset(EMPTY_SNAPSHOT);
          state.loaded = null;
        } else {
          state.loaded = { id: r.annotationId, version: r.version, geometry: r.geometry, classId: state.loaded?.classId ?? null };
          history.reset(adoptVersion(history.present, r.annotationId, r.version, r.geometry));
        }
        sh.drafts.clear();
        sh.parts.tiles?.refresh();
        sh.showNotice(`Took their version ${r.version}.`);
        sh.render();
        return;
      }
      // Overwrite deliberately: the same change, against their version.
      try {
        if (mine.delete) {
          await ctx.api.annotationDelete(r.annotationId, r.version);
          history.reset(EMPTY_SNAPSHOT);
          state.loaded = null;
        } else {
          const f = await ctx.api.annotationUpdate(r.annotationId, {
            version: r.version,
            ...(mine.geometry ? { geometry: mine.geometry } : {}),
            ...(mine.labelClass !== undefined ? { label_class: mine.labelClass } : {}),
            reason: 'overwrote a concurrent change',
          });
          state.loaded = { id: f.id, version: f.properties.version, geometry: f.geometry, classId: f.properties.class?.id ?? null };
          history.reset(editAnnotation(f.id, f.properties.version, f.geometry));
          sh.showNotice(`Overwrote with your version (now ${f.properties.version}).`);
        }
        sh.drafts.clear();
        sh.parts.tiles?.refresh();
        sh.render();
      } catch (err) {
        const again = conflictFrom(err, r.annotationId, mine.geometry ?? null);
        if (again) showConflict(sh, again, mine);
        else sh.report(err);
      }
    }),
  );
}
