// The model-bands chooser on the scene page, beside the render recipe: which band(s) feed the model and their
// stretch. "Follow the render recipe" is the default; a change makes the model encode the scene again.
import { modelBandsBody, type ModelBandsInfo, type StackApi } from '../data/stack';
import { h } from '../ui/dom';

type Mode = 'recipe' | 'one' | 'three';
const CHANNELS = ['R', 'G', 'B'];

export function mountModelBands(
  panel: HTMLElement,
  sceneId: number,
  api: StackApi,
  report: (err: unknown, key?: string) => void,
  signal?: AbortSignal,
): void {
  const key = `model-bands-${sceneId}`;
  api.modelBands(sceneId, signal).then((info) => render(info), (err: unknown) => report(err, key));

  function render(info: ModelBandsInfo, message = ''): void {
    const effective = info.effective;
    let mode: Mode = info.model_bands ? (info.model_bands.bands.length === 1 ? 'one' : 'three') : 'recipe';
    const bandName = (b: number): string => {
      const name = info.band_descriptions[b - 1];
      return name ? `${b}: ${name}` : `band ${b}`;
    };
    const selects = CHANNELS.map((channel, i) => {
      const select = h('select', { 'data-testid': `model-band-${i}`, 'aria-label': `model channel ${channel}`, disabled: !info.can_edit });
      for (let b = 1; b <= info.band_count; b += 1) select.append(h('option', { value: b }, bandName(b)));
      select.value = String(effective.bands[Math.min(i, effective.bands.length - 1)] ?? 1);
      return select;
    });
    const labels = CHANNELS.map((channel) => h('span', {}, channel));
    const rows = selects.map((select, i) => h('label', { class: 'row' }, labels[i], select));
    const modeSelect = h(
      'select',
      { 'data-testid': 'model-bands-mode', disabled: !info.can_edit },
      h('option', { value: 'recipe' }, 'Follow the render recipe'),
      h('option', { value: 'one' }, 'One band (repeated as grey)'),
      h('option', { value: 'three' }, 'Three bands'),
    );
    modeSelect.value = mode;
    const stretch = h('p', { class: 'muted', 'data-testid': 'model-bands-stretch' });
    const showRows = (): void => {
      rows.forEach((row, i) => {
        row.hidden = mode === 'recipe' || (mode === 'one' && i > 0);
      });
      labels[0]!.textContent = mode === 'one' ? 'Grey' : 'R';
      const current = info.model_bands ?? (mode === 'recipe' ? effective : null);
      stretch.textContent = current
        ? `The model sees ${current.bands.map(bandName).join(' · ')}, stretched ${current.min.map((m, i) => `${m}..${current.max[i]}`).join(', ')}.`
        : 'New bands are stretched over their 2-98 percentiles.';
    };
    modeSelect.addEventListener('change', () => {
      mode = modeSelect.value as Mode;
      showRows();
    });
    const save = h('button', { type: 'button', 'data-testid': 'model-bands-save', disabled: !info.can_edit }, 'Save model bands');
    const state = h('span', { class: 'muted', 'data-testid': 'model-bands-state' }, message);
    save.addEventListener('click', () => {
      const bands = selects.map((s) => Number(s.value));
      const body = modelBandsBody(mode, bands, info.model_bands ?? null);
      save.disabled = true;
      state.textContent = 'Saving…';
      api.modelBandsUpdate(sceneId, body).then(
        (updated) => {
          render(updated, 'Saved: the model encodes the scene again with these bands.');
          panel.dataset.saved = String(Number(panel.dataset.saved ?? '0') + 1);
        },
        (err: unknown) => {
          state.textContent = '';
          save.disabled = false;
          report(err, key);
        },
      );
    });
    panel.replaceChildren(
      h('h2', {}, 'Model bands'),
      h('p', { class: 'muted' }, 'The band(s) the model sees, apart from how the scene is drawn.'),
      modeSelect,
      ...rows,
      stretch,
      h('div', { class: 'actions' }, save, state),
      ...(info.can_edit ? [] : [h('p', { class: 'muted' }, 'Only a project admin can change the model bands.')]),
    );
    panel.dataset.mode = info.model_bands ? (info.model_bands.bands.length === 1 ? 'one' : 'three') : 'recipe';
    showRows();
  }
}
