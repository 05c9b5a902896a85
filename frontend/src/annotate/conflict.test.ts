import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { conflictFrom, resolveConflict } from './conflict';

const mine = { type: 'MultiPolygon' as const, coordinates: [[[[0, 0], [2, 0], [2, 2], [0, 0]]]] };
const theirs = { type: 'MultiPolygon' as const, coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] };

describe('conflicts', () => {
  it('reads the 409 body: their version and geometry', () => {
    const err = new ApiError(409, 'changed since you loaded it', '/api/annotations/4/', {
      detail: 'changed', code: 'conflict', current_version: 5, geometry: theirs,
      current: { properties: { deleted: false } },
    });
    const c = conflictFrom(err, 4, mine);
    expect(c).toMatchObject({ annotationId: 4, theirVersion: 5, theirGeometry: theirs, deleted: false, mine });
    expect(resolveConflict(c!, 'takeTheirs')).toEqual({ kind: 'takeTheirs', annotationId: 4, version: 5, geometry: theirs });
    // Overwriting sends my geometry against their version: the server accepts it as a deliberate new version.
    expect(resolveConflict(c!, 'overwrite')).toEqual({ kind: 'overwrite', annotationId: 4, version: 5, geometry: mine });
  });

  it('knows a deleted annotation', () => {
    const err = new ApiError(409, 'deleted; restore it first', '/x', { code: 'conflict', reason: 'deleted' });
    expect(conflictFrom(err, 4, mine)?.deleted).toBe(true);
  });

  it('is null for other errors and other 409s', () => {
    expect(conflictFrom(new ApiError(400, 'bad', '/x', {}), 1, mine)).toBeNull();
    expect(conflictFrom(new ApiError(409, 'not ready', '/x', { code: 'not_ready' }), 1, mine)).toBeNull();
    expect(conflictFrom(new Error('x'), 1, mine)).toBeNull();
  });
});
