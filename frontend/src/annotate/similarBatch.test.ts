import { describe, expect, it } from 'vitest';
import { batchCommandForKey, counterText, current, decided, extentOf, move, startReview, type SimilarProposal } from './similarBatch';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods,
});

const prop = (id: number, outcome: string | null = null): SimilarProposal => ({
  id, outcome, annotation: null, quality: 0.8, similarity: 0.7,
  geometry: { type: 'MultiPolygon', coordinates: [[[[id, 0], [id + 1, 0], [id + 1, 2], [id, 0]]]] },
});

describe('find-similar batch review', () => {
  it('maps the batch keys and leaves the rest to the screen', () => {
    expect(batchCommandForKey(key('a'))).toBe('accept');
    expect(batchCommandForKey(key('A', { shiftKey: true }))).toBe('accept');
    expect(batchCommandForKey(key('r'))).toBe('reject');
    expect(batchCommandForKey(key('f'))).toBe('fix');
    expect(batchCommandForKey(key('ArrowRight'))).toBe('next');
    expect(batchCommandForKey(key('ArrowLeft'))).toBe('previous');
    expect(batchCommandForKey(key('Escape'))).toBe('leave');
    expect(batchCommandForKey(key('z', { ctrlKey: true }))).toBeNull();
    expect(batchCommandForKey(key('a', { ctrlKey: true }))).toBeNull();
    expect(batchCommandForKey(key('b'))).toBeNull();
  });

  it('starts at the first open proposal and moves over the open ones after a decision', () => {
    let r = startReview(7, [prop(1, 'accepted'), prop(2), prop(3), prop(4)]);
    expect(current(r)?.id).toBe(2);
    r = decided(r, 'rejected');
    expect(r.proposals[1]!.outcome).toBe('rejected');
    r = move(r, 1, true);
    expect(current(r)?.id).toBe(3);
    r = move(decided(r, 'accepted', 99), 1, true);
    expect(current(r)?.id).toBe(4);
    expect(counterText(r)).toBe('4 / 4 · 2 accepted · 1 rejected · 1 open');
    r = move(decided(r, 'rejected'), 1, true);
    expect(current(r)?.id).toBe(4); // nothing open is left: stays
    expect(move(r, 1).index).toBe(0); // arrows still move over all of them, wrapping
    expect(move(startReview(1, [prop(1), prop(2)]), -1).index).toBe(1);
  });

  it('says when nothing was found and measures a proposal', () => {
    const empty = startReview(1, []);
    expect(current(empty)).toBeNull();
    expect(counterText(empty)).toBe('No similar objects found.');
    expect(move(empty, 1)).toBe(empty);
    expect(extentOf(prop(3).geometry)).toEqual([3, 0, 4, 2]);
    expect(extentOf(null)).toBeNull();
  });
});
