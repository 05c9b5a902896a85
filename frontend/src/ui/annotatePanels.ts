// DOM pieces of the annotation screen: class palette, tool bar, help overlay, conflict dialog. No state of their own.
import { SHORTCUTS } from '../annotate/keys';
import type { Conflict } from '../annotate/conflict';
import type { LabelClass } from '../types';
import { h } from './dom';

export type Tool = 'point' | 'box' | 'add' | 'cut';

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
  el.replaceChildren(
    h('h2', {}, 'Tool'),
    h(
      'div',
      { class: 'tool-row' },
      ...tools.map(([t, label, key]) =>
        h('button', { type: 'button', class: t === tool ? 'selected' : null, 'data-testid': `tool-${t}`, 'aria-pressed': String(t === tool), title: `key ${key}`, onclick: () => pick(t) }, label),
      ),
    ),
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
