// Imports into a scene: upload GeoJSON, GeoPackage or COCO (a zip with its sidecars), see a preview (counts per
// class, what will be refused and why; nothing is stored yet), then commit it or discard it; per-item errors after.
import { ApiError } from '../api';
import type { Screen } from '../app';
import { dataApi } from '../data/api';
import { commitChoice, itemErrorsOf, previewSummary, reasonsText, reportText } from '../data/importPreview';
import type { ImportFormat, ImportPreview, ItemError } from '../data/types';
import type { LabelClass, Project, Scene } from '../types';
import { append, h } from '../ui/dom';
import { tagImportSection } from './importTags';

const FORMATS: [ImportFormat, string][] = [
  ['', 'guess from the file'],
  ['geojson', 'GeoJSON'],
  ['geopackage', 'GeoPackage'],
  ['coco', 'COCO (JSON, or a zip with its georeference sidecars)'],
];
/** Refused items shown at most; the count says how many there are. */
const MAX_ROWS = 200;

export const mountImports: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'imports') throw new Error('imports screen mounted on another route');
  const { projectId } = route;
  const api = dataApi(ctx.api);
  const aborter = new AbortController();
  const report = (err: unknown) => ctx.report(err, `imports-${projectId}`);
  let preview: ImportPreview | null = null;
  let previewScene = 0;

  const title = h('h1', {}, 'Import annotations');
  const sceneSelect = h('select', { 'data-testid': 'import-scene', required: true });
  const fileInput = h('input', { type: 'file', accept: '.geojson,.json,.gpkg,.zip', 'data-testid': 'import-file', required: true });
  const formatSelect = h('select', { 'data-testid': 'import-format' }, ...FORMATS.map(([v, t]) => h('option', { value: v }, t)));
  const layer = h('input', { type: 'text', placeholder: 'first layer', 'data-testid': 'import-layer' });
  const classProperty = h('input', { type: 'text', placeholder: 'class, label, category or class_name', 'data-testid': 'import-class-property' });
  const defaultClass = h('select', { 'data-testid': 'import-default-class' }, h('option', { value: '' }, 'none: features must name theirs'));
  const previewButton = h('button', { type: 'submit', 'data-testid': 'import-preview' }, 'Preview');
  const form = h('form', { class: 'import-form', 'data-testid': 'import-form' },
    h('label', {}, 'Scene ', sceneSelect),
    h('label', {}, 'File ', fileInput),
    h('label', {}, 'Format ', formatSelect),
    h('details', {}, h('summary', {}, 'More options'),
      h('label', {}, 'GeoPackage layer ', layer),
      h('label', {}, 'Property naming the class ', classProperty),
      h('label', {}, 'Class of features that name none ', defaultClass)),
    h('div', { class: 'actions' }, previewButton));
  const previewBox = h('section', { class: 'import-preview', 'data-testid': 'import-preview-box', hidden: true });
  const resultBox = h('section', { class: 'import-result', 'data-testid': 'import-result', hidden: true });
  el.append(h('section', { class: 'panel imports' },
    h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), title,
    h('p', { class: 'muted' }, 'Nothing is stored until you commit the preview. Imported annotations are marked "imported" and can be reviewed like any other.'),
    form, previewBox, resultBox, tagImportSection(ctx, projectId)));

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void runPreview();
  });

  async function runPreview(): Promise<void> {
    const file = fileInput.files?.[0];
    const sceneId = Number(sceneSelect.value);
    if (!file || !sceneId) {
      report(new Error('Pick a scene and a file first.'));
      return;
    }
    await discard();
    previewButton.disabled = true;
    previewButton.textContent = 'Reading…';
    resultBox.hidden = true;
    try {
      preview = await api.importPreview(sceneId, file, {
        format: formatSelect.value as ImportFormat, layer: layer.value.trim(), class_property: classProperty.value.trim(), default_class: defaultClass.value,
      });
      previewScene = sceneId;
      ctx.dismiss(`imports-${projectId}`);
      renderPreview(preview);
    } catch (err) {
      const errors = err instanceof ApiError ? itemErrorsOf(err.body) : [];
      if (errors.length) showResult(err instanceof Error ? err.message : String(err), errors, 'refused');
      else report(err);
    } finally {
      previewButton.disabled = false;
      previewButton.textContent = 'Preview';
    }
  }

  function renderPreview(p: ImportPreview): void {
    const summary = previewSummary(p);
    const choice = commitChoice(p);
    const commitButton = h('button', { type: 'button', 'data-testid': 'import-commit', disabled: choice.kind === 'none', class: 'primary',
      onclick: () => void commit(choice.kind === 'valid') }, choice.label);
    previewBox.hidden = false;
    previewBox.replaceChildren();
    append(previewBox,
      h('h2', {}, 'Preview'),
      h('p', { 'data-testid': 'import-headline' }, summary.headline),
      h('table', { class: 'grid counts', 'data-testid': 'import-class-counts' },
        h('tr', {}, h('th', {}, 'class'), h('th', {}, 'to import')),
        ...summary.classes.map((c) => h('tr', { 'data-class': c.name }, h('td', {}, c.name), h('td', {}, String(c.count))))),
      ...summary.notes.map((n) => h('p', { class: 'muted' }, n)),
      p.refused ? h('p', { class: 'reason' }, `Refused: ${reasonsText(p.refusal_reasons)}`) : null,
      p.errors.length ? errorTable(p.errors, 'import-refused') : null,
      h('div', { class: 'actions' }, commitButton,
        h('button', { type: 'button', 'data-testid': 'import-discard', onclick: () => void discard(true) }, 'Discard')),
      h('p', { class: 'muted' }, `The upload is kept until ${new Date(p.expires_at).toLocaleTimeString()}.`));
  }

  function errorTable(errors: ItemError[], testid: string): HTMLTableElement {
    const shown = errors.slice(0, MAX_ROWS);
    return h('table', { class: 'grid item-errors', 'data-testid': testid },
      h('tr', {}, h('th', {}, 'item'), h('th', {}, 'reason'), h('th', {}, 'why')),
      ...shown.map((e) => h('tr', {}, h('td', {}, e.item), h('td', {}, e.reason.replace(/_/g, ' ')), h('td', {}, e.message))),
      errors.length > shown.length ? h('tr', {}, h('td', { colspan: 3, class: 'muted' }, `… and ${errors.length - shown.length} more`)) : null);
  }

  function showResult(text: string, errors: ItemError[], kind: 'done' | 'refused'): void {
    resultBox.hidden = false;
    resultBox.className = `import-result ${kind}`;
    resultBox.replaceChildren();
    append(resultBox, h('h2', {}, kind === 'done' ? 'Imported' : 'Not imported'),
      h('p', { 'data-testid': 'import-result-text' }, text),
      errors.length && kind === 'done' ? h('p', { class: 'muted' }, 'Skipped:') : null,
      errors.length ? errorTable(errors, 'import-errors') : null,
      kind === 'done' ? h('a', { href: `#/projects/${projectId}/scenes/${previewScene}` }, 'Open the scene') : null);
  }

  async function commit(skipInvalid: boolean): Promise<void> {
    if (!preview) return;
    const buttons = previewBox.querySelectorAll('button');
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const r = await api.importCommit(previewScene, preview.token, skipInvalid);
      preview = null;
      previewBox.hidden = true;
      showResult(reportText(r), r.skipped ?? [], 'done');
    } catch (err) {
      buttons.forEach((b) => { b.disabled = false; });
      const errors = err instanceof ApiError ? itemErrorsOf(err.body) : [];
      if (errors.length) showResult(err instanceof Error ? err.message : String(err), errors, 'refused');
      else report(err);
    }
  }

  async function discard(clear = false): Promise<void> {
    if (!preview) return;
    const { token } = preview;
    preview = null;
    previewBox.hidden = true;
    if (clear) fileInput.value = '';
    try {
      await api.importDiscard(previewScene, token);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) report(err);
    }
  }

  Promise.all([ctx.api.scenes(projectId, aborter.signal), ctx.api.classes(projectId, aborter.signal), ctx.api.projects(aborter.signal)]).then(
    ([scenes, classes, projects]: [Scene[], LabelClass[], Project[]]) => {
      const ready = scenes.filter((s) => s.status === 'ready');
      const wanted = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('scene');
      sceneSelect.replaceChildren(...(ready.length ? ready.map((s) => h('option', { value: s.id, selected: String(s.id) === wanted }, s.name)) : [h('option', { value: '' }, 'no ready scene')]));
      defaultClass.append(...classes.filter((c) => !c.archived).map((c) => h('option', { value: c.name }, c.name)));
      const project = projects.find((p) => p.id === projectId);
      title.textContent = project ? `Import annotations into ${project.name}` : 'Import annotations';
    },
    report,
  );

  return () => {
    aborter.abort();
    void discard();
  };
};
