import { describe, expect, it } from 'vitest';
import type { AttributeDef } from '../types';
import { defsFromRows, parseAttributes, rowFromDef } from './attributes';

const defs: AttributeDef[] = [
  { name: 'occluded', type: 'boolean', required: false },
  { name: 'floors', type: 'number', required: true, min: 1, max: 200, integer: true },
  { name: 'roof', type: 'choice', required: false, choices: ['flat', 'gabled'] },
  { name: 'note', type: 'text', required: false, max_length: 5 },
];

describe('class attributes', () => {
  it('parses typed values', () => {
    expect(parseAttributes(defs, { occluded: true, floors: '3', roof: 'flat', note: ' ok ' })).toEqual({
      values: { occluded: true, floors: 3, roof: 'flat', note: 'ok' },
      errors: {},
    });
  });
  it('names what is refused', () => {
    const { errors } = parseAttributes(defs, { floors: '2.5', roof: 'dome', note: 'too long' });
    expect(Object.keys(errors).sort()).toEqual(['floors', 'note', 'roof']);
    expect(parseAttributes(defs, {}).errors.floors).toBe('floors is required.');
    expect(parseAttributes(defs, { floors: '500' }).errors.floors).toContain('at most 200');
  });
  it('round-trips settings rows', () => {
    const rows = defs.map(rowFromDef);
    expect(rows[2]!.choices).toBe('flat, gabled');
    const back = defsFromRows([...rows, { name: ' ', type: 'text', required: false, min: '', max: '', choices: '' }]);
    expect(back.map((d) => d.name)).toEqual(['occluded', 'floors', 'roof', 'note']);
    expect(back[1]).toMatchObject({ min: 1, max: 200 });
    expect(back[2]!.choices).toEqual(['flat', 'gabled']);
  });
});
