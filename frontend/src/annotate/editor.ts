// What the annotation screen is working on, as one immutable snapshot (the unit of undo/redo and of the draft):
// a prompt session with the model, or a shape drawn by hand, or an existing annotation being edited.
import type { AnnotationProperties, GeoJsonMultiPolygon } from '../types';
import type { EditTarget } from './draft';
import type { KindShape } from './kinds';
import { currentGeometry, EMPTY_SESSION, editGeometry, hasPrompts, type PromptSession } from './promptSession';

export interface Snapshot {
  session: PromptSession;
  manual: GeoJsonMultiPolygon | null;
  edit: EditTarget | null;
  /** A box, rotated box, point or line being drawn or edited (annotate/kinds); absent or null: none. */
  shape?: KindShape | null;
}

export const EMPTY_SNAPSHOT: Snapshot = { session: EMPTY_SESSION, manual: null, edit: null };

export type CommitKind = 'acceptProposal' | 'createManual' | 'saveEdit' | 'saveShape' | null;

/** Why the user may not change an annotation, as the server says (null when they may, or when it does not say:
 *  the server checks every change anyway). A refused annotation is shown, never opened for editing. */
export function editRefusal(p: Pick<AnnotationProperties, 'id' | 'can_edit' | 'edit_refusal'>): string | null {
  if (p.can_edit !== false) return null;
  return p.edit_refusal || `You may not change annotation ${p.id}.`;
}

/** The shape shown as editable (vertex handles, add/cut target). */
export function workingGeometry(s: Snapshot): GeoJsonMultiPolygon | null {
  if (s.shape) return null;
  if (s.edit) return s.edit.geometry;
  return currentGeometry(s.session) ?? s.manual;
}

/** What Enter does. */
export function commitKind(s: Snapshot): CommitKind {
  if (s.shape) return 'saveShape';
  if (s.edit) return 'saveEdit';
  if (s.session.proposal) return 'acceptProposal';
  if (s.manual) return 'createManual';
  return null;
}

export function isEmpty(s: Snapshot): boolean {
  return !s.shape && !s.edit && !s.manual && !hasPrompts(s.session) && !s.session.proposal;
}

/** Replaces the working shape after an edit by hand (add/cut/vertex move). An empty result is kept as null. */
export function withShape(s: Snapshot, geometry: GeoJsonMultiPolygon | null, verticesMoved = 0): Snapshot {
  if (s.edit) {
    if (!geometry) return s; // deleting an annotation is its own command, never an empty edit
    return { ...s, edit: { ...s.edit, geometry, verticesMoved: s.edit.verticesMoved + verticesMoved } };
  }
  if (s.session.proposal) {
    if (!geometry) return s;
    return { ...s, session: editGeometry(s.session, geometry, verticesMoved) };
  }
  return { ...s, manual: geometry };
}

/** A snapshot holding only a shape of another kind (whatever else was on screen is dropped; undo brings it back). */
export function withKindShape(shape: KindShape): Snapshot {
  return { session: EMPTY_SESSION, manual: null, edit: null, shape };
}

export function withSession(s: Snapshot, session: PromptSession): Snapshot {
  return { ...s, session };
}

/** Starts editing an existing annotation (whatever else was on screen is dropped). */
export function editAnnotation(id: number, version: number, geometry: GeoJsonMultiPolygon): Snapshot {
  return { session: EMPTY_SESSION, manual: null, edit: { annotationId: id, version, geometry, verticesMoved: 0 } };
}

/** The edit target changed on the server (take theirs, or a live event while nothing is edited locally). */
export function adoptVersion(s: Snapshot, id: number, version: number, geometry: GeoJsonMultiPolygon | null): Snapshot {
  if (!s.edit || s.edit.annotationId !== id) return s;
  if (!geometry) return EMPTY_SNAPSHOT;
  return { ...s, edit: { ...s.edit, version, geometry } };
}
