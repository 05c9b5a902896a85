// Typed class attributes in the annotation panel: raw form inputs -> typed values, with the server's rules checked
// first so that a person sees the problem before saving (the server checks again: annotator/attributes.py).
import type { AttributeDef, AttributeValue } from '../types';

/** What a form field holds: a checkbox gives a boolean, the other inputs text. */
export type RawInputs = Record<string, string | boolean | undefined>;

export interface ParsedAttributes {
  values: Record<string, AttributeValue>;
  /** Attribute name -> why its input is refused. */
  errors: Record<string, string>;
}

export function parseAttributes(defs: AttributeDef[], raw: RawInputs): ParsedAttributes {
  const values: Record<string, AttributeValue> = {};
  const errors: Record<string, string> = {};
  for (const def of defs) {
    const input = raw[def.name];
    if (def.type === 'boolean') {
      values[def.name] = input === true;
      continue;
    }
    const text = typeof input === 'string' ? input.trim() : '';
    if (text === '') {
      if (def.required) errors[def.name] = `${def.name} is required.`;
      continue;
    }
    if (def.type === 'number') {
      const n = Number(text);
      if (!Number.isFinite(n)) errors[def.name] = `${def.name} must be a number.`;
      else if (def.integer && !Number.isInteger(n)) errors[def.name] = `${def.name} must be a whole number.`;
      else if (def.min !== null && def.min !== undefined && n < def.min) errors[def.name] = `${def.name} must be at least ${def.min}.`;
      else if (def.max !== null && def.max !== undefined && n > def.max) errors[def.name] = `${def.name} must be at most ${def.max}.`;
      else values[def.name] = n;
    } else if (def.type === 'choice') {
      if (!(def.choices ?? []).includes(text)) errors[def.name] = `${def.name} must be one of ${(def.choices ?? []).join(', ')}.`;
      else values[def.name] = text;
    } else {
      const limit = def.max_length ?? 1000;
      if (text.length > limit) errors[def.name] = `${def.name} is longer than ${limit} characters.`;
      else values[def.name] = text;
    }
  }
  return { values, errors };
}

/** The text an input shows for a stored value. */
export function inputText(value: AttributeValue | undefined): string {
  return value === undefined || value === null || typeof value === 'boolean' ? '' : String(value);
}

/** Attribute definitions from the settings form's rows ("choices" as comma-separated text). */
export interface AttributeRow {
  name: string;
  type: AttributeDef['type'];
  required: boolean;
  min: string;
  max: string;
  choices: string;
}

export function defsFromRows(rows: AttributeRow[]): AttributeDef[] {
  return rows
    .filter((r) => r.name.trim() !== '')
    .map((r) => {
      const def: AttributeDef = { name: r.name.trim(), type: r.type, required: r.required };
      if (r.type === 'number') {
        if (r.min.trim() !== '') def.min = Number(r.min);
        if (r.max.trim() !== '') def.max = Number(r.max);
      }
      if (r.type === 'choice') def.choices = r.choices.split(',').map((c) => c.trim()).filter(Boolean);
      return def;
    });
}

export function rowFromDef(def: AttributeDef): AttributeRow {
  return {
    name: def.name,
    type: def.type,
    required: def.required,
    min: def.min === null || def.min === undefined ? '' : String(def.min),
    max: def.max === null || def.max === undefined ? '' : String(def.max),
    choices: (def.choices ?? []).join(', '),
  };
}
