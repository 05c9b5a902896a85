// The visible error banner: every failed request ends up here, never in the console only.
import type { AppError } from '../app';
import { h } from './dom';

export function renderErrorBanner(el: HTMLElement, errors: readonly AppError[], dismiss: (id: number) => void): void {
  el.hidden = errors.length === 0;
  el.replaceChildren(
    ...errors.map((e) =>
      h(
        'div',
        { class: 'error', 'data-testid': 'error-message' },
        h('span', {}, e.message),
        h('button', { type: 'button', class: 'dismiss', title: 'Dismiss', onclick: () => dismiss(e.id) }, '×'),
      ),
    ),
  );
}
