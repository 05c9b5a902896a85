// Review mode's tags: the tags waiting for review (oldest change first), each with its target and values;
// accept, or reject with a reason (each verdict is versioned; a rejection becomes feedback on the server).
import type { Ctx } from '../app';
import { tagApi, type Tag, type TagVerdict } from '../tags';
import { h } from '../ui/dom';

export function reviewTagsSection(ctx: Ctx, projectId: number, signal: AbortSignal): HTMLElement {
  const api = tagApi(ctx.api);
  const key = `review-tags-${projectId}`;
  const list = h('ol', { class: 'queue', 'data-testid': 'tag-review-queue' });
  const reason = h('input', { type: 'text', placeholder: 'reason (for reject)', 'data-testid': 'tag-review-reason-input' });
  const said = h('div', { class: 'muted', 'data-testid': 'tag-review-status', 'aria-live': 'polite' });
  const box = h('div', { class: 'tag-review', 'data-testid': 'tag-review' }, h('h3', {}, 'Tags to review'), reason, list, said);

  const verdict = async (tag: Tag, action: TagVerdict): Promise<void> => {
    if (action === 'reject' && !reason.value.trim()) {
      ctx.report(new Error('Give a reason to reject.'), key);
      reason.focus();
      return;
    }
    try {
      await api.review(tag.id, { action, version: tag.version, reason: reason.value.trim() });
      box.dataset.lastVerdict = `${action}:${tag.id}`;
      said.textContent = `${action === 'accept' ? 'Accepted' : action === 'reject' ? 'Rejected' : 'Fixed'} ${tag.group_name} of ${tag.target === 'task' ? `task ${tag.task}` : `scene ${tag.scene}`}.`;
      reason.value = '';
      ctx.dismiss(key);
    } catch (err) {
      ctx.report(err, key);
    }
    await load();
  };

  async function load(): Promise<void> {
    try {
      const tags = await api.queue(projectId, signal);
      list.replaceChildren(...(tags.length ? tags.map((t) =>
        h('li', { 'data-testid': 'tag-review-item', 'data-tag-id': t.id },
          h('a', { href: t.task !== null ? `#/projects/${projectId}/scenes/${t.scene}/tasks/${t.task}` : `#/projects/${projectId}/scenes/${t.scene}/annotate` },
            `${t.target === 'task' ? `task ${t.task}` : `scene ${t.scene}`}`),
          ` · ${t.group_name}: `, h('strong', {}, t.values.join(', ')), t.author ? ` (${t.author})` : '',
          h('span', { class: 'tag-review-actions' },
            h('button', { type: 'button', 'data-testid': 'tag-review-accept', onclick: () => void verdict(t, 'accept') }, 'Accept'),
            h('button', { type: 'button', 'data-testid': 'tag-review-reject', onclick: () => void verdict(t, 'reject') }, 'Reject')))) :
        [h('li', { class: 'muted' }, 'No tags to review.')]));
    } catch (err) {
      ctx.report(err, key);
    }
  }
  void load();
  return box;
}
