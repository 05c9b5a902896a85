// Project settings (admins): label classes (name, colour, order, archive: classes are never deleted, their
// annotations keep them) and each class's typed attributes; members, roles and task grids stay on the Admin page.
import { defsFromRows, rowFromDef, type AttributeRow } from '../annotate/attributes';
import type { Screen } from '../app';
import type { AttributeDef, LabelClass } from '../types';
import { h } from '../ui/dom';
import { tagVocabularySection } from './settingsTags';

const TYPES: AttributeDef['type'][] = ['boolean', 'number', 'choice', 'text'];

export const mountSettings: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'settings') throw new Error('settings screen mounted on another route');
  const { projectId } = route;
  const aborter = new AbortController();
  const key = `settings-${projectId}`;
  const report = (err: unknown) => ctx.report(err, key);

  const title = h('h1', {}, 'Project settings');
  const classes = h('table', { class: 'grid', 'data-testid': 'class-list' });
  const newName = h('input', { type: 'text', placeholder: 'class name', required: true, 'data-testid': 'class-new-name' });
  const newColour = h('input', { type: 'color', value: '#f58231', class: 'swatch-input', 'data-testid': 'class-new-colour' });
  const newForm = h('form', { class: 'inline-form', 'data-testid': 'class-new' }, newName, newColour, h('button', { type: 'submit' }, 'Add class'));
  el.append(
    h('section', { class: 'panel settings', 'data-testid': 'settings-screen' },
      h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'),
      title,
      h('h2', {}, 'Label classes'),
      h('p', { class: 'muted' }, 'Order is the palette order (keys 1–9 while annotating). An archived class is kept with its annotations but no longer offered.'),
      classes,
      newForm,
      tagVocabularySection(ctx, projectId, aborter.signal),
      h('h2', {}, 'Members, roles and task grids'),
      h('p', {}, 'Add members and set their roles, and cut scenes into tasks, on the ',
        h('a', { href: `#/projects/${projectId}/admin`, 'data-testid': 'settings-admin-link' }, 'Admin page'),
        '. Task cells smaller than a quarter of the cell size merge with a neighbour, so no task is a sliver.'),
    ),
  );

  let list: LabelClass[] = [];
  const load = async (): Promise<void> => {
    try {
      const [project, all] = await Promise.all([ctx.api.project(projectId, aborter.signal), ctx.api.classesAll(projectId, aborter.signal)]);
      title.textContent = `Settings of ${project.name}`;
      list = all;
      render();
    } catch (err) {
      report(err);
    }
  };
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
      ctx.dismiss(key);
      await load();
    } catch (err) {
      report(err);
    }
  };
  const move = (index: number, delta: number) => {
    const ids = list.map((c) => c.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + delta, 0, moved!);
    void act(() => ctx.api.classOrder(projectId, ids));
  };

  const attributeEditor = (c: LabelClass): HTMLElement => {
    const rows: AttributeRow[] = (c.attributes ?? []).map(rowFromDef);
    const box = h('div', { class: 'attr-editor', 'data-testid': 'attr-editor' });
    const draw = () => {
      box.replaceChildren(
        ...rows.map((r, i) => {
          const field = (k: 'name' | 'min' | 'max' | 'choices', attrs: Record<string, string>) =>
            h('input', { type: 'text', value: r[k], 'data-testid': `attr-${k}`, oninput: (e: Event) => { r[k] = (e.target as HTMLInputElement).value; }, ...attrs });
          return h('div', { class: 'attr-row', 'data-testid': 'attr-row' },
            field('name', { placeholder: 'name' }),
            h('select', { 'data-testid': 'attr-type', onchange: (e: Event) => { r.type = (e.target as HTMLSelectElement).value as AttributeDef['type']; draw(); } },
              ...TYPES.map((t) => h('option', { value: t, selected: t === r.type }, t))),
            h('label', {}, h('input', { type: 'checkbox', checked: r.required, 'data-testid': 'attr-required', onchange: (e: Event) => { r.required = (e.target as HTMLInputElement).checked; } }), ' required'),
            r.type === 'number' && field('min', { placeholder: 'min', class: 'num' }),
            r.type === 'number' && field('max', { placeholder: 'max', class: 'num' }),
            r.type === 'choice' && field('choices', { placeholder: 'choices, comma-separated' }),
            h('button', { type: 'button', title: 'remove', onclick: () => { rows.splice(i, 1); draw(); } }, '×'));
        }),
        h('div', { class: 'attr-row' },
          h('button', { type: 'button', 'data-testid': 'attr-add', onclick: () => { rows.push({ name: '', type: 'text', required: false, min: '', max: '', choices: '' }); draw(); } }, 'Add attribute'),
          h('button', { type: 'button', 'data-testid': 'attr-save', onclick: () => void act(() => ctx.api.classUpdate(c.id, { attributes: defsFromRows(rows) })) }, 'Save attributes')),
      );
    };
    draw();
    return box;
  };

  const describe = (a: AttributeDef) =>
    `${a.name} (${a.type}${a.type === 'number' && (a.min != null || a.max != null) ? ` ${a.min ?? '…'}–${a.max ?? '…'}` : ''}${a.type === 'choice' ? `: ${(a.choices ?? []).join('/')}` : ''}${a.required ? ', required' : ''})`;

  function render(): void {
    classes.replaceChildren(
      h('tr', {}, ...['', 'colour', 'name', 'attributes', 'order', ''].map((t) => h('th', {}, t))),
      ...list.flatMap((c, i) => {
        const name = h('input', { type: 'text', value: c.name, 'data-testid': 'class-name',
          onchange: () => void act(() => ctx.api.classUpdate(c.id, { name: name.value.trim() })) });
        const colour = h('input', { type: 'color', value: c.color, class: 'swatch-input', 'data-testid': 'class-colour',
          onchange: () => void act(() => ctx.api.classUpdate(c.id, { color: colour.value })) });
        const details = h('tr', { class: 'attr-details', hidden: true }, h('td', { colspan: 6 }, attributeEditor(c)));
        const row = h('tr', { class: `class-row${c.archived ? ' archived' : ''}`, 'data-testid': 'class-row', 'data-class-id': c.id, 'data-class-name': c.name },
          h('td', {}, c.archived ? h('span', { class: 'tag' }, 'archived') : ''),
          h('td', {}, colour),
          h('td', {}, name),
          h('td', { 'data-testid': 'class-attributes' }, (c.attributes ?? []).map(describe).join('; ') || h('span', { class: 'muted' }, 'none'), ' ',
            h('button', { type: 'button', 'data-testid': 'class-edit-attributes', onclick: () => { details.hidden = !details.hidden; } }, 'Edit attributes')),
          h('td', {},
            h('button', { type: 'button', title: 'move up', disabled: i === 0, 'data-testid': 'class-up', onclick: () => move(i, -1) }, '↑'),
            h('button', { type: 'button', title: 'move down', disabled: i === list.length - 1, 'data-testid': 'class-down', onclick: () => move(i, 1) }, '↓')),
          h('td', {}, h('button', { type: 'button', 'data-testid': c.archived ? 'class-unarchive' : 'class-archive',
            onclick: () => void act(() => ctx.api.classUpdate(c.id, { archived: !c.archived })) }, c.archived ? 'Unarchive' : 'Archive')));
        return [row, details];
      }),
    );
    if (!list.length) classes.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No classes yet.')));
  }

  newForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = newName.value.trim();
    if (!name) return;
    void act(() => ctx.api.classCreate(projectId, { name, color: newColour.value })).then(() => { newName.value = ''; });
  });

  void load();
  return () => aborter.abort();
};
