// The scene page: the map of the scene and, beside it, the render-recipe editor: presets, band per channel, per-band
// min/max over the band's histogram, gamma, colour ramp, dB scale, a live preview of the draft (nothing saved until
// "Save recipe", admins only; the server audits it and the tiles follow).
import { recipePreviewUrl } from '../api';
import type { Screen } from '../app';
import { debounce } from '../annotate/debounce';
import { createSceneMap, type SceneMap } from '../map/sceneMap';
import { stackApi } from '../data/stack';
import { mountModelBands } from '../settings/modelBands';
import { applyPreset, changesOf, draftOf, histogramBars, setBand, setChannels, type Draft } from '../settings/recipeEdit';
import type { Histogram, RecipeInfo, Scene } from '../types';
import { h } from '../ui/dom';
import { describeScene } from './scenes';

const SVG = 'http://www.w3.org/2000/svg';
const CHANNELS = ['Red', 'Green', 'Blue'];

export const mountSceneView: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'scene') throw new Error('scene screen mounted on another route');
  const { projectId, sceneId } = route;
  const aborter = new AbortController();
  let sceneMap: SceneMap | null = null;
  const tileErrorKey = `tiles-${sceneId}`;
  const recipeKey = `recipe-${sceneId}`;

  const title = h('h1', {}, `Scene ${sceneId}`);
  const info = h('p', { class: 'muted', 'data-testid': 'scene-info' });
  const mapEl = h('div', { class: 'map', 'data-testid': 'map' });
  const mousePosition = h('div', { class: 'mouse-position', 'data-testid': 'mouse-position', title: 'lon, lat (EPSG:4326)' });
  const editor = h('aside', { class: 'recipe-editor', 'data-testid': 'recipe-editor', hidden: true });
  const modelPanel = h('section', { class: 'model-bands', 'data-testid': 'model-bands' });
  el.append(
    h(
      'section',
      { class: 'scene-view' },
      h('div', { class: 'scene-head' }, h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), title, info, mousePosition),
      h('div', { class: 'scene-body' }, mapEl, editor),
    ),
  );

  const show = (scene: Scene): void => {
    if (aborter.signal.aborted) return; // the screen was left while the answer was on its way
    title.textContent = scene.name;
    info.textContent = describeScene(scene);
    if (scene.status !== 'ready') {
      info.textContent = `This scene is ${scene.status}${scene.status_reason ? `: ${scene.status_reason}` : ''}.`;
      return;
    }
    sceneMap = createSceneMap({
      target: mapEl,
      scene,
      mousePositionTarget: mousePosition,
      onTileError: (failed, tile) =>
        ctx.report(new Error(`${failed} tile${failed === 1 ? '' : 's'} of this scene failed to load (last: ${tile})`), tileErrorKey),
    });
    ctx.api.recipe(sceneId, aborter.signal).then((r) => mountEditor(r), (err: unknown) => ctx.report(err, recipeKey));
    mountModelBands(modelPanel, sceneId, stackApi(ctx.api), (err, key) => ctx.report(err, key), aborter.signal);
  };

  // ---- the recipe editor ----
  const histograms = new Map<string, Promise<Histogram>>();
  const histogram = (band: number, scale: string): Promise<Histogram> => {
    const key = `${band}/${scale}`;
    let found = histograms.get(key);
    if (!found) {
      found = ctx.api.histogram(sceneId, band, scale, aborter.signal);
      histograms.set(key, found);
      found.catch(() => histograms.delete(key));
    }
    return found;
  };

  function mountEditor(recipeInfo: RecipeInfo): void {
    let saved = recipeInfo;
    let draft: Draft = draftOf(saved.recipe);
    const preview = h('img', { class: 'recipe-preview', 'data-testid': 'recipe-preview', alt: 'preview of the draft recipe' });
    const previewState = h('span', { class: 'muted', 'data-testid': 'recipe-preview-state' });
    const body = h('div', { class: 'recipe-body' });
    const saveBtn = h('button', { type: 'button', 'data-testid': 'recipe-save', disabled: !saved.can_edit }, 'Save recipe');
    const resetBtn = h('button', { type: 'button', 'data-testid': 'recipe-reset' }, 'Reset');
    const note = h('p', { class: 'muted' }, saved.can_edit ? 'Changes show in the preview; Save applies them to the tiles and the model.' : 'Only a project admin can change the recipe.');
    editor.replaceChildren(
      h('h2', {}, 'Render recipe'),
      h('div', { class: 'presets', 'data-testid': 'recipe-presets' },
        ...saved.presets.map((p) => h('button', { type: 'button', 'data-testid': `preset-${p.name}`, onclick: () => update(applyPreset(draft, p)) }, p.label))),
      h('div', { class: 'preview-box' }, preview, previewState),
      h('div', { class: 'actions' }, saveBtn, resetBtn),
      note,
      body,
      modelPanel,
    );
    editor.hidden = false;

    preview.addEventListener('load', () => {
      previewState.textContent = '';
      editor.dataset.previewSrc = preview.src;
      editor.dataset.previewLoads = String(Number(editor.dataset.previewLoads ?? '0') + 1);
    });
    preview.addEventListener('error', () => {
      previewState.textContent = 'This recipe cannot be drawn; check the values.';
      // fetch the same URL once to show the server's reason in the banner
      fetch(preview.src, { credentials: 'same-origin' })
        .then(async (r) => (r.ok ? null : ((await r.json()) as { detail?: string }).detail))
        .then((detail) => detail && ctx.report(new Error(detail), recipeKey), () => undefined);
    });
    const refreshPreview = debounce(() => {
      previewState.textContent = 'drawing…';
      ctx.dismiss(recipeKey);
      preview.src = recipePreviewUrl(sceneId, changesOf(draft));
    }, 250);

    const update = (next: Draft): void => {
      draft = next;
      render();
      refreshPreview();
    };

    const numberInput = (value: number | null, testid: string, onchange: (v: number | null) => void, extra: Record<string, string | number> = {}) =>
      h('input', {
        type: 'number', step: 'any', value: value === null ? '' : String(value), placeholder: 'auto', 'data-testid': testid, ...extra,
        onchange: (e: Event) => {
          const text = (e.target as HTMLInputElement).value.trim();
          onchange(text === '' ? null : Number(text));
        },
      });

    const histogramSvg = (channel: number): SVGSVGElement => {
      const svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('viewBox', '0 0 100 30');
      svg.setAttribute('preserveAspectRatio', 'none');
      svg.setAttribute('class', 'histogram');
      svg.dataset.testid = `histogram-${channel}`;
      const band = draft.bands[channel]!;
      histogram(band, draft.scale).then((hist) => {
        const { bars, minX, maxX } = histogramBars(hist, draft.min[channel] ?? hist.p2, draft.max[channel] ?? hist.p98);
        for (const [x, w, height] of bars) {
          const r = document.createElementNS(SVG, 'rect');
          Object.entries({ x, y: 30 - height * 30, width: Math.max(w, 0.2), height: height * 30 }).forEach(([k, v]) => r.setAttribute(k, String(v)));
          r.setAttribute('class', 'bar');
          svg.append(r);
        }
        for (const [x, cls] of [[minX, 'min'], [maxX, 'max']] as [number | null, string][]) {
          if (x === null) continue;
          const line = document.createElementNS(SVG, 'line');
          Object.entries({ x1: x, x2: x, y1: 0, y2: 30 }).forEach(([k, v]) => line.setAttribute(k, String(v)));
          line.setAttribute('class', `marker ${cls}`);
          svg.append(line);
        }
        const lo = hist.edges[0]!;
        const hi = hist.edges[hist.edges.length - 1]!;
        svg.dataset.range = `${lo}..${hi}`;
        svg.setAttribute('aria-label', `band ${band} histogram, ${lo} to ${hi}${hist.scale === 'db' ? ' dB' : ''}`);
      }, (err: unknown) => ctx.report(err, recipeKey));
      return svg;
    };

    const bandOptions = (selected: number) =>
      Array.from({ length: saved.band_count }, (_, i) => h('option', { value: i + 1, selected: i + 1 === selected }, `band ${i + 1}`));

    const channelRow = (channel: number) => {
      const label = draft.bands.length === 1 ? 'Band' : CHANNELS[channel]!;
      const select = h('select', { 'data-testid': `recipe-band-${channel}`, onchange: () => update(setBand(draft, channel, Number(select.value))) }, ...bandOptions(draft.bands[channel]!));
      const set = (key: 'min' | 'max', v: number | null) => update({ ...draft, [key]: draft[key].map((x, i) => (i === channel ? v : x)) });
      return h('fieldset', { class: 'channel', 'data-testid': 'recipe-channel' },
        h('legend', {}, label, ' ', select),
        histogramSvg(channel),
        h('div', { class: 'row' },
          h('label', {}, 'min ', numberInput(draft.min[channel] ?? null, `recipe-min-${channel}`, (v) => set('min', v))),
          h('label', {}, 'max ', numberInput(draft.max[channel] ?? null, `recipe-max-${channel}`, (v) => set('max', v))),
          h('label', {}, 'gamma ', numberInput(draft.gamma[channel] ?? 1, `recipe-gamma-${channel}`,
            (v) => update({ ...draft, gamma: draft.gamma.map((g, i) => (i === channel ? v ?? 1 : g)) }), { min: 0.1, max: 10, step: 0.1 }))));
    };

    function render(): void {
      const mode = h('select', { 'data-testid': 'recipe-channels', onchange: () => update(setChannels(draft, mode.value === '1' ? 1 : 3)) },
        h('option', { value: '3', selected: draft.bands.length === 3 }, 'Three bands (red, green, blue)'),
        h('option', { value: '1', selected: draft.bands.length === 1 }, 'One band'));
      const ramp = draft.bands.length === 1 &&
        h('label', {}, 'colour ramp ',
          h('select', { 'data-testid': 'recipe-colormap', onchange: (e: Event) => update({ ...draft, colormap: (e.target as HTMLSelectElement).value || null }) },
            h('option', { value: '', selected: draft.colormap === null }, 'grey'),
            ...saved.colormaps.map((c) => h('option', { value: c, selected: c === draft.colormap }, c))));
      const scale = (saved.dtype.startsWith('float') || draft.scale === 'db') &&
        h('label', {}, 'values ',
          h('select', { 'data-testid': 'recipe-scale', onchange: (e: Event) => update({ ...draft, scale: (e.target as HTMLSelectElement).value as Draft['scale'], min: draft.min.map(() => null), max: draft.max.map(() => null) }) },
            h('option', { value: 'linear', selected: draft.scale === 'linear' }, saved.radiometry === 'amplitude_db' ? 'as stored (amplitude dB)' : 'linear'),
            h('option', { value: 'db', selected: draft.scale === 'db' }, 'in dB (10·log10, intensity)')));
      body.replaceChildren(h('div', { class: 'row' }, mode, ramp, scale), ...draft.bands.map((_, i) => channelRow(i)));
    }

    saveBtn.addEventListener('click', () => {
      saveBtn.disabled = true;
      ctx.api.recipeUpdate(sceneId, changesOf(draft)).then(
        (r) => {
          saved = r;
          draft = draftOf(r.recipe);
          render();
          sceneMap?.reloadTiles();
          editor.dataset.saved = JSON.stringify(r.recipe);
          note.textContent = `Saved at ${new Date().toLocaleTimeString()}: the map shows it.`;
          saveBtn.disabled = false;
        },
        (err: unknown) => {
          saveBtn.disabled = false;
          ctx.report(err, recipeKey);
        },
      );
    });
    resetBtn.addEventListener('click', () => update(draftOf(saved.recipe)));
    render();
    refreshPreview();
    refreshPreview.flush();
  }

  ctx.api.scene(sceneId, aborter.signal).then(show, (err: unknown) => ctx.report(err));

  return () => {
    aborter.abort();
    sceneMap?.dispose();
    ctx.dismiss(tileErrorKey);
    ctx.dismiss(recipeKey);
  };
};
