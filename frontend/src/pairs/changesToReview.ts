// Review mode's change annotations: the project's scene pairs holding change annotations that wait for review, each
// linking to the pair screen (where a reviewer accepts, rejects with a reason, or fixes them).
import type { Ctx } from '../app';
import { h } from '../ui/dom';
import { pairApi } from './pairApi';

export function changesToReviewSection(ctx: Ctx, projectId: number, signal: AbortSignal): HTMLElement {
  const api = pairApi(ctx.api);
  const list = h('ol', { class: 'queue', 'data-testid': 'change-review-pairs' });
  const box = h('div', { class: 'change-review', 'data-testid': 'change-review' }, h('h3', {}, 'Changes to review'), list);
  api.changesToReview(projectId, signal).then(
    (pairs) => {
      list.replaceChildren(...(pairs.length ? pairs.map((p) =>
        h('li', { 'data-testid': 'change-review-pair', 'data-pair-id': p.pair },
          h('a', { href: `#/projects/${projectId}/pairs/${p.pair}`, 'data-testid': 'change-review-link' }, p.name || `pair ${p.pair}`),
          h('span', { class: 'muted' }, ` ${p.before_name} → ${p.after_name} · ${p.pending} pending`))) :
        [h('li', { class: 'muted' }, 'No change annotations to review.')]));
    },
    (err: unknown) => ctx.report(err, `review-changes-${projectId}`),
  );
  return box;
}
