// The annotate screen's tags panel: the project's tag groups for the current scene and, with a task, for the task;
// radio buttons for single-label groups, check boxes for multi-label ones, each group's review state beside it.
// Keyboard: T moves into the panel; there 1–9 choose the focused group's n-th value (a single-label value chosen
// again clears it), ↑/↓ move between groups, Esc goes back to the map. Every change is saved at once (PUT with the
// version last read; a stale version reloads the tags and says so).
import { ApiError } from '../../api';
import type { Ctx } from '../../app';
import { isTypingTarget } from '../../annotate/keys';
import { chooseValue, tagApi, tagOf, valueForKey, type Tag, type TagGroup, type TagTarget } from '../../tags';
import { h } from '../../ui/dom';

export interface TagsPanelIds {
  projectId: number;
  sceneId: number;
  taskId: number | null;
}

export function mountTagsPanel(host: HTMLElement, ctx: Ctx, ids: TagsPanelIds, mapEl: HTMLElement): () => void {
  const api = tagApi(ctx.api);
  const aborter = new AbortController();
  const errKey = `tags-${ids.sceneId}`;
  const panel = h('div', { class: 'tags-panel', 'data-testid': 'tags-panel' });
  host.append(panel);
  let groups: TagGroup[] = [];
  let tags: Tag[] = [];
  let saving = false;

  const targets: { target: TagTarget; title: string }[] = [
    ...(ids.taskId !== null ? [{ target: { kind: 'task', id: ids.taskId } as TagTarget, title: `Task ${ids.taskId}` }] : []),
    { target: { kind: 'scene', id: ids.sceneId }, title: 'Scene' },
  ];

  const load = async (): Promise<void> => {
    try {
      [groups, tags] = await Promise.all([api.groups(ids.projectId, aborter.signal), api.sceneTags(ids.sceneId, aborter.signal)]);
      render();
    } catch (err) {
      ctx.report(err, errKey);
    }
  };

  const choose = async (group: TagGroup, target: TagTarget, value: string): Promise<void> => {
    if (saving) return;
    const tag = tagOf(tags, group.id, target);
    const values = chooseValue(group, tag?.values ?? [], value);
    saving = true;
    panel.dataset.saving = 'true';
    try {
      const saved = await api.set(target, group.id, values, tag ? tag.version : null);
      tags = [...tags.filter((t) => t.id !== saved.id), saved];
      ctx.dismiss(errKey);
    } catch (err) {
      ctx.report(err instanceof ApiError && err.status === 409 ? new Error(`${err.message} The tags were reloaded.`) : err, errKey);
      if (err instanceof ApiError && err.status === 409) tags = await api.sceneTags(ids.sceneId, aborter.signal).catch(() => tags);
    } finally {
      saving = false;
      panel.dataset.saving = 'false';
      const focusedGroup = (document.activeElement as HTMLElement | null)?.closest('fieldset')?.dataset.key;
      render();
      if (focusedGroup) focusGroup(focusedGroup);
    }
  };

  const fieldsets = (): HTMLFieldSetElement[] => Array.from(panel.querySelectorAll('fieldset'));
  const focusGroup = (key: string): void => {
    const set = fieldsets().find((f) => f.dataset.key === key);
    (set?.querySelector('input:checked') as HTMLElement | null ?? set?.querySelector('input') as HTMLElement | null)?.focus();
  };

  function groupBox(group: TagGroup, target: TagTarget): HTMLFieldSetElement {
    const tag = tagOf(tags, group.id, target);
    const current = tag?.values ?? [];
    const name = `tag-${target.kind}-${group.id}`;
    const state = tag && tag.values.length ? tag.review_state : '';
    return h('fieldset', { class: 'tag-group', 'data-testid': 'tag-group', 'data-key': `${target.kind}-${group.id}`, 'data-target': target.kind,
      'data-group': group.name, 'data-multi': String(group.multi), 'data-values': current.join(';'), 'data-version': tag?.version ?? '' },
    h('legend', {}, group.name, group.multi ? h('span', { class: 'muted' }, ' (any)') : '',
      state ? h('span', { class: `tag review-${state}`, 'data-testid': 'tag-review-state', title: tag?.review_reason || '' }, state.replace('_', ' ')) : ''),
    ...group.values.map((value, i) =>
      h('label', { class: 'tag-value' },
        h('input', { type: group.multi ? 'checkbox' : 'radio', name, value, checked: current.includes(value), 'data-testid': 'tag-value',
          onclick: (e: Event) => { e.preventDefault(); void choose(group, target, value); } }),
        h('kbd', {}, i < 9 ? String(i + 1) : ''), ' ', value)),
    tag?.review_state === 'rejected' && tag.review_reason ? h('div', { class: 'muted', 'data-testid': 'tag-review-reason' }, `rejected: ${tag.review_reason}`) : '');
  }

  function render(): void {
    const live = groups.filter((g) => !g.archived);
    if (!live.length) {
      panel.replaceChildren(h('h3', {}, 'Tags'), h('p', { class: 'muted' }, 'This project has no tag groups.'));
      return;
    }
    panel.replaceChildren(
      h('h3', {}, 'Tags ', h('span', { class: 'muted', title: 'T: go to the tags; 1–9: choose; ↑/↓: group; Esc: back to the map' }, '(T, 1–9, ↑↓, Esc)')),
      ...targets.map(({ target, title }) =>
        h('div', { class: 'tag-target', 'data-testid': `tags-${target.kind}` }, h('h4', {}, title), ...live.map((g) => groupBox(g, target)))),
    );
  }

  panel.addEventListener('keydown', (e: KeyboardEvent) => {
    const set = (e.target as HTMLElement).closest('fieldset');
    if (!set || e.ctrlKey || e.metaKey || e.altKey) return;
    const all = fieldsets();
    const index = all.indexOf(set);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      const next = all[(index + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length];
      if (next?.dataset.key) focusGroup(next.dataset.key);
    } else if (e.key === 'Escape') {
      e.stopPropagation();
      mapEl.focus();
    } else if (/^[1-9]$/.test(e.key)) {
      e.preventDefault();
      e.stopPropagation();
      const [kind, id] = (set.dataset.key ?? '').split('-');
      const group = groups.find((g) => String(g.id) === id);
      const target = targets.find((t) => t.target.kind === kind)?.target;
      const value = group ? valueForKey(group, e.key) : null;
      if (group && target && value !== null) void choose(group, target, value);
    }
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.key.toLowerCase() !== 't' || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
    const first = fieldsets()[0];
    if (!first?.dataset.key) return;
    e.preventDefault();
    focusGroup(first.dataset.key);
  };
  window.addEventListener('keydown', onKey);

  void load();
  return () => {
    aborter.abort();
    window.removeEventListener('keydown', onKey);
    ctx.dismiss(errKey);
  };
}
