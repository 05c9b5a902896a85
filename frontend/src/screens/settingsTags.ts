// Project settings: the tag vocabulary (admins). Each tag group is one question asked of every scene or task, with
// its values; single-label (one value per target) or multi-label (any subset). Values in use cannot be removed and a
// group whose targets carry several values cannot become single-label: the server says which, in the banner.
import type { Ctx } from '../app';
import { parseValues, tagApi, type TagGroup } from '../tags';
import { h } from '../ui/dom';

export function tagVocabularySection(ctx: Ctx, projectId: number, signal: AbortSignal): HTMLElement {
  const api = tagApi(ctx.api);
  const key = `settings-tags-${projectId}`;
  const table = h('table', { class: 'grid', 'data-testid': 'tag-group-list' });
  const newName = h('input', { type: 'text', placeholder: 'group name, e.g. cloud cover', 'data-testid': 'tag-group-new-name' });
  const newValues = h('input', { type: 'text', placeholder: 'values, comma-separated', size: 40, 'data-testid': 'tag-group-new-values' });
  const newMulti = h('input', { type: 'checkbox', 'data-testid': 'tag-group-new-multi' });
  const form = h('form', { class: 'inline-form', 'data-testid': 'tag-group-new' }, newName, newValues,
    h('label', {}, newMulti, ' multi-label'), h('button', { type: 'submit' }, 'Add tag group'));
  let list: TagGroup[] = [];

  const load = async (): Promise<void> => {
    try {
      list = await api.groups(projectId, signal, true);
      render();
    } catch (err) {
      ctx.report(err, key);
    }
  };
  const act = async (work: () => Promise<unknown>): Promise<boolean> => {
    try {
      await work();
      ctx.dismiss(key);
      await load();
      return true;
    } catch (err) {
      ctx.report(err, key);
      await load();
      return false;
    }
  };

  function render(): void {
    table.replaceChildren(
      h('tr', {}, ...['', 'name', 'kind', 'values', ''].map((t) => h('th', {}, t))),
      ...list.map((g) => {
        const name = h('input', { type: 'text', value: g.name, 'data-testid': 'tag-group-name',
          onchange: () => void act(() => api.groupUpdate(g.id, { name: name.value.trim() })) });
        const values = h('input', { type: 'text', value: g.values.join(', '), size: 40, 'data-testid': 'tag-group-values',
          onchange: () => void act(() => api.groupUpdate(g.id, { values: parseValues(values.value) })) });
        const multi = h('select', { 'data-testid': 'tag-group-multi',
          onchange: () => void act(() => api.groupUpdate(g.id, { multi: multi.value === 'multi' })) },
        h('option', { value: 'single', selected: !g.multi }, 'single-label'), h('option', { value: 'multi', selected: g.multi }, 'multi-label'));
        return h('tr', { class: `tag-group-row${g.archived ? ' archived' : ''}`, 'data-testid': 'tag-group-row', 'data-group-name': g.name },
          h('td', {}, g.archived ? h('span', { class: 'tag' }, 'archived') : ''),
          h('td', {}, name), h('td', {}, multi), h('td', {}, values),
          h('td', {}, h('button', { type: 'button', 'data-testid': g.archived ? 'tag-group-unarchive' : 'tag-group-archive',
            onclick: () => void act(() => api.groupUpdate(g.id, { archived: !g.archived })) }, g.archived ? 'Unarchive' : 'Archive')));
      }),
    );
    if (!list.length) table.append(h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No tag groups yet.')));
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = newName.value.trim();
    if (!name) return;
    void act(() => api.groupCreate(projectId, { name, multi: newMulti.checked, values: parseValues(newValues.value) })).then((ok) => {
      if (ok) {
        newName.value = '';
        newValues.value = '';
        newMulti.checked = false;
      }
    });
  });
  void load();
  return h('div', { class: 'tag-vocabulary', 'data-testid': 'tag-vocabulary' },
    h('h2', {}, 'Tags'),
    h('p', { class: 'muted' }, 'Tag groups classify a whole scene or task. Single-label: one value per target (radio buttons); multi-label: any subset (check boxes). Annotators choose with 1–9 in the annotate screen’s tags panel (T).'),
    table, form);
}
