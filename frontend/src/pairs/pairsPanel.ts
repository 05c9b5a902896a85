// On the scenes screen: the project's scene pairs (links to the pair screen) and, for admins, a form pairing two
// ready scenes, and deletes a pair (after a confirmation; its change annotations go with it). A refusal (different projects, not ready, disjoint footprints...) shows the server's reason.
import type { Ctx } from '../app';
import type { Scene } from '../types';
import { h } from '../ui/dom';
import { pairApi, type ScenePair } from './pairApi';

const POLL_MS = 2000;

export function mountPairsPanel(el: HTMLElement, ctx: Ctx, projectId: number): () => void {
  const api = pairApi(ctx.api);
  const aborter = new AbortController();
  let timer: number | undefined;
  let admin = false;
  const list = h('ul', { class: 'items', 'data-testid': 'pair-list' });
  const before = h('select', { 'data-testid': 'pair-before', 'aria-label': 'Before scene' });
  const after = h('select', { 'data-testid': 'pair-after', 'aria-label': 'After scene' });
  const name = h('input', { type: 'text', placeholder: 'name (optional)', 'data-testid': 'pair-name', maxlength: 200 });
  const message = h('p', { class: 'muted', 'data-testid': 'pair-message', role: 'status' });
  const create = async (): Promise<void> => {
    message.textContent = '';
    message.className = 'muted';
    try {
      const pair = await api.pairCreate(projectId, { before: Number(before.value), after: Number(after.value), name: name.value });
      message.textContent = pair.resampled
        ? `Pair created; the after scene is being resampled onto the before scene's grid (${pair.grid_differences.join(', ')}).`
        : 'Pair created on one grid.';
      load();
    } catch (err) {
      message.className = 'reason';
      message.textContent = err instanceof Error ? err.message : String(err);
    }
  };
  const form = h(
    'form',
    { class: 'pair-form', 'data-testid': 'pair-form', hidden: true, onsubmit: (e: Event) => { e.preventDefault(); void create(); } },
    h('label', {}, 'Before ', before),
    h('label', {}, 'After ', after),
    name,
    h('button', { type: 'submit', 'data-testid': 'pair-create' }, 'Pair scenes'),
  );
  el.append(h('h2', {}, 'Image pairs (change detection)'), form, message, list);

  const remove = async (pair: ScenePair): Promise<void> => {
    if (!window.confirm(`Delete the pair ${pair.name} (${pair.before_name} → ${pair.after_name})? Its change annotations are deleted with it.`)) return;
    message.className = 'muted';
    try {
      await api.pairDelete(pair.id);
      message.textContent = `Pair ${pair.name} deleted.`;
    } catch (err) {
      message.className = 'reason';
      message.textContent = err instanceof Error ? err.message : String(err);
    }
    load();
  };
  const item = (pair: ScenePair): HTMLLIElement => {
    const label = `${pair.name} (${pair.before_name} → ${pair.after_name})`;
    return h(
      'li',
      { 'data-testid': 'pair-item', 'data-pair-id': pair.id, 'data-status': pair.status },
      pair.status === 'ready' ? h('a', { href: `#/projects/${projectId}/pairs/${pair.id}`, 'data-testid': 'pair-link' }, label) : h('span', {}, label),
      h('span', { class: `tag status-${pair.status}` }, pair.status === 'resampling' ? `resampling ${Math.round(pair.progress * 100)}%` : pair.status),
      h('span', { class: 'muted' }, `${pair.grid.width}×${pair.grid.height} px common grid, overlap ${(pair.overlap_share * 100).toFixed(0)}%`),
      pair.status === 'failed' && h('span', { class: 'reason' }, pair.status_reason),
      admin && h('button', { type: 'button', 'data-testid': 'pair-delete', onclick: () => void remove(pair) }, 'Delete'),
    );
  };
  const load = (): void => {
    window.clearTimeout(timer);
    api.pairs(projectId, aborter.signal).then(
      (pairs) => {
        list.replaceChildren(...(pairs.length ? pairs.map(item) : [h('li', { class: 'muted' }, 'No pairs yet.')]));
        if (pairs.some((p) => p.status === 'resampling')) timer = window.setTimeout(load, POLL_MS);
      },
      (err: unknown) => ctx.report(err),
    );
  };
  load();
  Promise.all([ctx.api.projects(aborter.signal), ctx.api.scenes(projectId, aborter.signal)]).then(
    ([projects, scenes]) => {
      const project = projects.find((p) => p.id === projectId);
      const ready = scenes.filter((s: Scene) => s.status === 'ready');
      admin = project?.role === 'admin';
      form.hidden = !admin || ready.length < 2;
      if (admin) load();
      const options = () => ready.map((s) => h('option', { value: s.id }, s.name));
      before.replaceChildren(...options());
      after.replaceChildren(...options());
      if (ready.length > 1) after.value = String(ready[1]?.id);
    },
    (err: unknown) => ctx.report(err),
  );
  return () => {
    aborter.abort();
    window.clearTimeout(timer);
  };
}
