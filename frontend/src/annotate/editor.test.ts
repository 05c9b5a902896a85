import { describe, expect, it } from 'vitest';
import type { MaskMessage } from '../types';
import { adoptVersion, commitKind, editAnnotation, editRefusal, EMPTY_SNAPSHOT, isEmpty, withSession, withShape, workingGeometry } from './editor';
import { addPoint, applyMask, EMPTY_SESSION } from './promptSession';

const g = (d: number) => ({ type: 'MultiPolygon' as const, coordinates: [[[[0, 0], [d, 0], [d, d], [0, 0]]]] });
const mask: MaskMessage = { type: 'mask', request_id: 'r', proposal_id: 1, geometry: g(1), predicted_iou: 0.8, model_version: 1, window: null, timings: {} };

describe('editor snapshot', () => {
  it('Enter accepts a proposal, creates a hand-drawn shape, or saves an edit', () => {
    expect(commitKind(EMPTY_SNAPSHOT)).toBeNull();
    expect(isEmpty(EMPTY_SNAPSHOT)).toBe(true);
    const prompted = withSession(EMPTY_SNAPSHOT, applyMask(addPoint(EMPTY_SESSION, [0, 0], 1, 'r', 0), mask));
    expect(commitKind(prompted)).toBe('acceptProposal');
    expect(commitKind(withShape(EMPTY_SNAPSHOT, g(2)))).toBe('createManual');
    expect(commitKind(editAnnotation(3, 1, g(1)))).toBe('saveEdit');
  });

  it('routes shape edits to what is being worked on, counting moved vertices', () => {
    const prompted = withSession(EMPTY_SNAPSHOT, applyMask(addPoint(EMPTY_SESSION, [0, 0], 1, 'r', 0), mask));
    const edited = withShape(prompted, g(3), 2);
    expect(workingGeometry(edited)).toEqual(g(3));
    expect(edited.session.verticesMoved).toBe(2);
    const e = withShape(editAnnotation(3, 1, g(1)), g(4), 1);
    expect(e.edit).toMatchObject({ geometry: g(4), verticesMoved: 1, version: 1 });
    // An edit cannot empty an annotation: deleting is its own command.
    expect(withShape(e, null)).toBe(e);
  });

  it('adopts a newer version of the annotation being edited, and drops it when deleted', () => {
    const e = editAnnotation(3, 1, g(1));
    expect(adoptVersion(e, 3, 2, g(5)).edit).toMatchObject({ version: 2, geometry: g(5) });
    expect(adoptVersion(e, 4, 2, g(5))).toBe(e);
    expect(adoptVersion(e, 3, 2, null)).toEqual(EMPTY_SNAPSHOT);
  });
});

describe('edit refusal', () => {
  it('opens an annotation for editing only when the server allows it', () => {
    expect(editRefusal({ id: 4, can_edit: true, edit_refusal: null })).toBeNull();
    expect(editRefusal({ id: 4 })).toBeNull(); // an older server that does not say: it still checks every change
    expect(editRefusal({ id: 4, can_edit: false, edit_refusal: 'approved annotations are changed only by reviewers and admins' }))
      .toBe('approved annotations are changed only by reviewers and admins');
    expect(editRefusal({ id: 4, can_edit: false })).toBe('You may not change annotation 4.');
  });
});
