import { describe, expect, it } from 'vitest';
import { DraftStore, draftKey, memoryStorage } from './draft';
import { addPoint, EMPTY_SESSION } from './promptSession';

const geometry = { type: 'MultiPolygon' as const, coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] };

describe('DraftStore', () => {
  it('saves and restores the work of a scene and task, with nothing awaited after a reload', () => {
    const storage = memoryStorage();
    const store = new DraftStore(storage, 3, 9);
    const session = addPoint(EMPTY_SESSION, [1, 2], 1, 'r1', 5);
    expect(store.save({ classId: 2, session, manual: null, edit: null }, 100)).toBe(true);
    const again = new DraftStore(storage, 3, 9).load();
    expect(again?.session.points).toEqual([{ lonlat: [1, 2], label: 1 }]);
    expect(again?.session.pendingRequestId).toBeNull();
    expect(again?.classId).toBe(2);
    expect(again?.savedAt).toBe(100);
    // Another task of the same scene has its own draft.
    expect(new DraftStore(storage, 3, null).load()).toBeNull();
  });

  it('clears when there is no work left', () => {
    const storage = memoryStorage();
    const store = new DraftStore(storage, 1, null);
    store.save({ classId: null, session: EMPTY_SESSION, manual: geometry, edit: null }, 1);
    expect(storage.data.has(draftKey(1, null))).toBe(true);
    store.save({ classId: null, session: EMPTY_SESSION, manual: null, edit: null }, 2);
    expect(storage.data.size).toBe(0);
  });

  it('drops unreadable or foreign drafts', () => {
    const storage = memoryStorage();
    storage.setItem(draftKey(1, null), '{not json');
    expect(new DraftStore(storage, 1, null).load()).toBeNull();
    expect(storage.data.size).toBe(0);
    storage.setItem(draftKey(1, null), JSON.stringify({ schema: 0, sceneId: 1 }));
    expect(new DraftStore(storage, 1, null).load()).toBeNull();
  });

  it('keeps an edit of an existing annotation', () => {
    const storage = memoryStorage();
    const store = new DraftStore(storage, 1, null);
    const edit = { annotationId: 5, version: 2, geometry, verticesMoved: 1 };
    store.save({ classId: null, session: EMPTY_SESSION, manual: null, edit }, 1);
    expect(store.load()?.edit).toEqual(edit);
  });

  it('reports a refused write (quota) instead of throwing', () => {
    const store = new DraftStore(
      { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => undefined },
      1, null,
    );
    expect(store.save({ classId: null, session: EMPTY_SESSION, manual: geometry, edit: null }, 1)).toBe(false);
  });
});
