// DOM pieces of the annotation screen: class palette, tool bar, help overlay, conflict dialog. No state of their own.
import { SHORTCUTS } from '../annotate/keys';
import type { Conflict } from '../annotate/conflict';
import { inputText, parseAttributes, type RawInputs } from '../annotate/attributes';
import type { AttributeValue, LabelClass } from '../types';
import { h } from './dom';

import type { KindTool } from '../map/kindLayers';

export type Tool = 'point' | 'box' | 'add' | 'cut' | KindTool;

export const isKindTool = (t: Tool): t is KindTool => t === 'rect' || t === 'rotated' || t === 'marker' || t === 'line';

export function renderPalette(el: HTMLElement, classes: LabelClass[], selected: number | null, pick: (id: number) => void): void {
  el.replaceChildren(
    h('h2', {}, 'Class'),
    ...classes.filter((c) => !c.archived).map((c, i) =>
      h(
        'button',
        {
          type: 'button',
          class: `class-item${c.id === selected ? ' selected' : ''}`,
          'data-testid': 'class-item',
          'data-class-id': c.id,
          'aria-pressed': c.id === selected ? 'true' : 'false',
          title: i < 9 ? `key ${i + 1}` : '',
          onclick: () => pick(c.id),
        },
        h('span', { class: 'swatch', style: `background:${c.color}` }),
        c.name,
        i < 9 ? h('kbd', {}, String(i + 1)) : null,
      ),
    ),
  );
}

export function renderTools(el: HTMLElement, tool: Tool, negative: boolean, pick: (t: Tool) => void, toggleNegative: () => void): void {
  const tools: [Tool, string, string][] = [
    ['point', 'Points', 'P'],
    ['box', 'Box', 'B'],
    ['add', 'Add', 'A'],
    ['cut', 'Cut', 'C'],
  ];
  const kinds: [Tool, string, string][] = [
    ['rect', 'Box', 'R'],
    ['rotated', 'Rotated', 'O'],
    ['marker', 'Point', 'M'],
    ['line', 'Line', 'L'],
  ];
  const row = (list: [Tool, string, string][]) =>
    h(
      'div',
      { class: 'tool-row' },
      ...list.map(([t, label, key]) =>
        h('button', { type: 'button', class: t === tool ? 'selected' : null, 'data-testid': `tool-${t}`, 'aria-pressed': String(t === tool), title: `key ${key}`, onclick: () => pick(t) }, label),
      ),
    );
  el.replaceChildren(
    h('h2', {}, 'Tool'),
    row(tools),
    h('div', { class: 'tool-caption' }, 'Draw by hand'),
    row(kinds),
    h(
      'label',
      { class: 'negative-toggle' },
      h('input', { type: 'checkbox', 'data-testid': 'negative-toggle', checked: negative, onchange: toggleNegative }),
      'negative clicks (N, or hold Alt/Shift)',
    ),
  );
}

export function helpOverlay(close: () => void): HTMLElement {
  return h(
    'div',
    { class: 'overlay', 'data-testid': 'help-overlay', hidden: true, onclick: (e: Event) => { if (e.target === e.currentTarget) close(); } },
    h(
      'div',
      { class: 'dialog' },
      h('h2', {}, 'Shortcuts'),
      h('table', {}, ...SHORTCUTS.map(([k, what]) => h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, what)))),
      h('button', { type: 'button', onclick: close }, 'Close (?)'),
    ),
  );
}

export function conflictDialog(c: Conflict, choose: (choice: 'takeTheirs' | 'overwrite' | 'cancel') => void): HTMLElement {
  return h(
    'div',
    { class: 'overlay', 'data-testid': 'conflict-dialog' },
    h(
      'div',
      { class: 'dialog' },
      h('h2', {}, c.deleted ? 'Deleted by someone else' : 'Changed by someone else'),
      h('p', {}, c.message),
      c.deleted
        ? h('p', {}, 'It was deleted while you edited it. Your change cannot be applied; restore it from its history first.')
        : h('p', {}, `Their version is ${c.theirVersion}. Take theirs (your change is dropped), or overwrite theirs with yours on purpose.`),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', 'data-testid': 'conflict-take-theirs', onclick: () => choose('takeTheirs') }, 'Take theirs'),
        !c.deleted && h('button', { type: 'button', class: 'danger', 'data-testid': 'conflict-overwrite', onclick: () => choose('overwrite') }, 'Overwrite with mine'),
        h('button', { type: 'button', onclick: () => choose('cancel') }, 'Decide later'),
      ),
    ),
  );
}

export interface AttributeTarget {
  annotationId: number;
  version: number;
  labelClass: LabelClass | null;
  values: Record<string, AttributeValue> | undefined;
  missing: string[];
}

/** The selected annotation's class attributes as a form. Rebuilt only when the annotation, its version or its
 * class changes (so typing is never interrupted by a re-render). Nothing selected, or a class without attributes:
 * the panel is hidden. */
export function renderAttributes(el: HTMLElement, target: AttributeTarget | null, editable: boolean, save: (values: Record<string, AttributeValue>) => void): void {
  const defs = target?.labelClass?.attributes ?? [];
  const key = target && defs.length ? `${target.annotationId}:${target.version}:${target.labelClass?.id}:${target.values ? 'v' : '-'}` : '';
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  el.hidden = key === '';
  if (!target || key === '') {
    el.replaceChildren();
    return;
  }
  const values = target.values ?? {};
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const errors = new Map<string, HTMLElement>();
  const fields = defs.map((def) => {
    const error = h('span', { class: 'error', 'data-testid': `attribute-error-${def.name}` });
    errors.set(def.name, error);
    const testid = `attribute-${def.name}`;
    const label = `${def.name}${def.required ? ' *' : ''}`;
    if (def.type === 'boolean') {
      const input = h('input', { type: 'checkbox', checked: values[def.name] === true, 'data-testid': testid, disabled: !editable });
      inputs.set(def.name, input);
      return h('label', { class: 'check' }, input, label, error);
    }
    let input: HTMLInputElement | HTMLSelectElement;
    if (def.type === 'choice') {
      input = h('select', { 'data-testid': testid, disabled: !editable },
        h('option', { value: '' }, '—'),
        ...(def.choices ?? []).map((c) => h('option', { value: c, selected: values[def.name] === c }, c)));
    } else {
      input = h('input', {
        type: def.type === 'number' ? 'number' : 'text', step: def.type === 'number' ? 'any' : null,
        min: def.min ?? null, max: def.max ?? null, maxlength: def.max_length ?? null,
        value: inputText(values[def.name]), 'data-testid': testid, disabled: !editable,
      });
    }
    inputs.set(def.name, input);
    return h('label', {}, h('span', {}, label), input, error);
  });
  const form = h('form', { 'data-testid': 'attributes-form', novalidate: true },
    ...fields,
    target.missing.length ? h('span', { class: 'missing', 'data-testid': 'attributes-missing' }, `Missing: ${target.missing.join(', ')}`) : null,
    editable && h('button', { type: 'submit', 'data-testid': 'attributes-save' }, 'Save attributes'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const raw: RawInputs = {};
    for (const [name, input] of inputs) raw[name] = input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value;
    const parsed = parseAttributes(defs, raw);
    for (const [name, span] of errors) span.textContent = parsed.errors[name] ?? '';
    if (Object.keys(parsed.errors).length === 0) save(parsed.values);
  });
  // keys typed here are not annotation shortcuts
  form.addEventListener('keydown', (e) => e.stopPropagation());
  el.replaceChildren(h('h2', {}, `Attributes · ${target.labelClass?.name ?? ''}`), form);
}
