import { describe, expect, it } from 'vitest';
import { chooseValue, parseValues, tagOf, valueForKey, type Tag } from './tags';

const single = { multi: false, values: ['clear', 'partly', 'overcast'] };
const multi = { multi: true, values: ['urban', 'forest', 'water'] };

describe('tags', () => {
  it('a single-label group takes one value, choosing it again clears', () => {
    expect(chooseValue(single, [], 'partly')).toEqual(['partly']);
    expect(chooseValue(single, ['partly'], 'clear')).toEqual(['clear']);
    expect(chooseValue(single, ['clear'], 'clear')).toEqual([]);
    expect(chooseValue(single, ['clear'], 'snow')).toEqual(['clear']);
  });
  it('a multi-label group toggles values and keeps the group order', () => {
    expect(chooseValue(multi, ['water'], 'urban')).toEqual(['urban', 'water']);
    expect(chooseValue(multi, ['urban', 'water'], 'urban')).toEqual(['water']);
  });
  it('digit keys name the n-th value', () => {
    expect(valueForKey(multi, '2')).toBe('forest');
    expect(valueForKey(multi, '4')).toBeNull();
    expect(valueForKey(multi, 'a')).toBeNull();
  });
  it('finds the tag of a group on a scene or a task', () => {
    const base = { group_name: 'g', values: ['x'], version: 1, review_state: 'pending' as const, review_reason: '', author: null, updated_at: '' };
    const tags: Tag[] = [
      { ...base, id: 1, group: 5, target: 'scene', scene: 9, task: null },
      { ...base, id: 2, group: 5, target: 'task', scene: 9, task: 3 },
    ];
    expect(tagOf(tags, 5, { kind: 'scene', id: 9 })?.id).toBe(1);
    expect(tagOf(tags, 5, { kind: 'task', id: 3 })?.id).toBe(2);
    expect(tagOf(tags, 6, { kind: 'task', id: 3 })).toBeUndefined();
  });
  it('parses a comma-separated list of values', () => {
    expect(parseValues(' urban, forest ,,urban, water')).toEqual(['urban', 'forest', 'water']);
  });
});
