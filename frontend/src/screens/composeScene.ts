// "Compose a scene from several files" (admins, on the scenes screen): pick GeoTIFFs (e.g. SAR amplitude and optical
// bands), their order is the bands' order; the server reprojects them onto one grid (the finest file's, or the one
// chosen as reference) and ingests the stack like any upload (its progress shows in the list).
import type { StackApi } from '../data/stack';
import type { Scene } from '../types';
import { h } from '../ui/dom';

export function composeSceneForm(
  projectId: number,
  api: StackApi,
  onCreated: (scene: Scene) => void,
  report: (err: unknown, key?: string) => void,
): HTMLElement {
  const files = h('input', { type: 'file', multiple: true, accept: '.tif,.tiff,image/tiff', 'data-testid': 'compose-files' });
  const name = h('input', { type: 'text', placeholder: 'scene name (optional)', 'data-testid': 'compose-name', maxlength: 200 });
  const reference = h('select', { 'data-testid': 'compose-reference', 'aria-label': 'reference grid' });
  const order = h('ol', { 'data-testid': 'compose-order' });
  const submit = h('button', { type: 'button', 'data-testid': 'compose-submit', disabled: true }, 'Compose scene');
  const state = h('span', { class: 'muted', 'data-testid': 'compose-state' });

  const chosen = (): File[] => Array.from(files.files ?? []);
  files.addEventListener('change', () => {
    const list = chosen();
    order.replaceChildren(...list.map((f) => h('li', {}, `${f.name} (${sizeText(f.size)})`)));
    reference.replaceChildren(
      h('option', { value: '' }, 'Grid of the finest file'),
      ...list.map((f, i) => h('option', { value: i }, `Grid of ${f.name}`)),
    );
    submit.disabled = list.length < 2;
    state.textContent = list.length === 1 ? 'Pick at least two files.' : '';
  });
  reference.append(h('option', { value: '' }, 'Grid of the finest file'));

  submit.addEventListener('click', () => {
    const list = chosen();
    submit.disabled = true;
    state.textContent = `Uploading ${list.length} files…`;
    api.compose(projectId, list, name.value.trim(), reference.value === '' ? null : Number(reference.value)).then(
      (scene) => {
        state.textContent = `Scene "${scene.name}" is ingesting.`;
        files.value = '';
        name.value = '';
        order.replaceChildren();
        onCreated(scene);
      },
      (err: unknown) => {
        state.textContent = '';
        submit.disabled = chosen().length < 2;
        report(err, `compose-${projectId}`);
      },
    );
  });

  return h(
    'details',
    { class: 'compose-scene', 'data-testid': 'compose-scene' },
    h('summary', {}, 'Compose a scene from several files'),
    h('p', { class: 'muted' }, 'Bands follow the files’ order; every file is reprojected onto one grid over the area they share.'),
    h('div', { class: 'row' }, files, name, reference),
    order,
    h('div', { class: 'row' }, submit, state),
  );
}

function sizeText(bytes: number): string {
  return bytes < 1024 ** 2 ? `${Math.max(1, Math.round(bytes / 1024))} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
