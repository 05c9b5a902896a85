// Exports of a project: pick a format (its options come from GET /api/exports/formats/), filter, start; watch the
// progress over the scene sockets; download; each export's manifest; cancel; remove old archives (admins).
import type { Screen } from '../app';
import { dataApi } from '../data/api';
import {
  applyProgress,
  chosen,
  DEFAULT_STATUSES,
  filtersFrom,
  filtersText,
  formatBytes,
  isActive,
  label,
  manifestRows,
  optionText,
  parametersFrom,
  SOURCES,
  STATUSES,
  statusText,
  type FilterForm,
} from '../data/exportForm';
import { ExportProgressSockets, socketsToHold } from '../data/progressSockets';
import type { ExportFormat, ExportJob, ExportProgressEvent, FormatOption } from '../data/types';
import type { LabelClass, Project, Scene } from '../types';
import { h } from '../ui/dom';

/** While an export runs the list is refetched this often too (events may be missed; big exports have no socket). */
const POLL_MS = 5000;

export const mountExports: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'exports') throw new Error('exports screen mounted on another route');
  const { projectId } = route;
  const api = dataApi(ctx.api);
  const aborter = new AbortController();
  const report = (err: unknown) => ctx.report(err, `exports-${projectId}`);
  let formats: ExportFormat[] = [];
  let jobs: ExportJob[] = [];
  let timer: number | undefined;
  let countTimer: number | undefined;
  const openManifests = new Set<number>();

  const title = h('h1', {}, 'Exports');
  const formatSelect = h('select', { 'data-testid': 'export-format', onchange: () => renderOptions() });
  const description = h('p', { class: 'muted', 'data-testid': 'format-description' });
  const optionsBox = h('div', { class: 'option-grid', 'data-testid': 'format-options' });
  const optionInputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const scenesBox = h('div', { class: 'check-list', 'data-testid': 'filter-scenes' }, h('span', { class: 'muted' }, 'Loading…'));
  const classesBox = h('div', { class: 'check-list', 'data-testid': 'filter-classes' }, h('span', { class: 'muted' }, 'Loading…'));
  const statusesBox = checks('filter-statuses', STATUSES, DEFAULT_STATUSES);
  const sourcesBox = checks('filter-sources', SOURCES, SOURCES);
  const reviewedOnly = h('input', { type: 'checkbox', 'data-testid': 'filter-reviewed' });
  const since = h('input', { type: 'date', 'data-testid': 'filter-since' });
  const until = h('input', { type: 'date', 'data-testid': 'filter-until' });
  const selection = h('p', { class: 'muted', 'data-testid': 'export-selection' });
  const startButton = h('button', { type: 'submit', 'data-testid': 'export-start' }, 'Start export');
  const form = h('form', { class: 'export-form', 'data-testid': 'export-form' },
    h('div', { class: 'field-row' }, h('label', {}, 'Format ', formatSelect), description),
    h('fieldset', {}, h('legend', {}, 'Options'), optionsBox),
    h('fieldset', { class: 'filters' }, h('legend', {}, 'Filters'),
      h('div', { class: 'filter' }, h('h3', {}, 'Scenes'), h('small', { class: 'muted' }, 'none ticked = every ready scene'), scenesBox),
      h('div', { class: 'filter' }, h('h3', {}, 'Classes'), h('small', { class: 'muted' }, 'none ticked = every class'), classesBox),
      h('div', { class: 'filter' }, h('h3', {}, 'Status'), statusesBox, h('h3', {}, 'Source'), sourcesBox,
        h('label', { class: 'check' }, reviewedOnly, ' reviewed (approved) only')),
      h('div', { class: 'filter dates' }, h('h3', {}, 'Created'), h('label', {}, 'from', since), h('label', {}, 'to (included)', until))),
    h('div', { class: 'actions' }, startButton, selection),
  );
  const history = h('table', { class: 'grid jobs', 'data-testid': 'export-history' });
  const retention = h('section', { class: 'retention', hidden: true, 'data-testid': 'export-retention' });
  el.append(h('section', { class: 'panel exports' },
    h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), title,
    h('h2', {}, 'New export'), form, h('h2', {}, 'History'), history, retention));

  const sockets = new ExportProgressSockets((e) => onProgress(e), () => void loadJobs());

  // ---- the form
  function checks(testid: string, values: readonly string[], checked: readonly string[]): HTMLDivElement {
    return h('div', { class: 'check-list', 'data-testid': testid }, ...values.map((v) =>
      h('label', { class: 'check' }, h('input', { type: 'checkbox', value: v, checked: checked.includes(v), onchange: () => countSoon() }), ` ${v}`)));
  }
  const ticked = (box: HTMLElement): string[] =>
    [...box.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked')].map((i) => i.value);

  function renderOptions(): void {
    const format = formats.find((f) => f.name === formatSelect.value);
    description.textContent = format?.description ?? '';
    optionInputs.clear();
    const options = format?.options ?? [];
    optionsBox.replaceChildren(...(options.length ? options.map(optionField) : [h('span', { class: 'muted' }, 'This format has no options.')]));
  }

  function optionField(option: FormatOption): HTMLLabelElement {
    let input: HTMLInputElement | HTMLSelectElement;
    if (option.type === 'boolean') {
      input = h('input', { type: 'checkbox', checked: option.default === true });
    } else if (option.choices) {
      input = h('select', {}, ...option.choices.map((c) => h('option', { value: String(c), selected: c === option.default }, String(c))));
    } else {
      const numeric = option.type === 'integer' || option.type === 'number';
      input = h('input', { type: numeric ? 'number' : 'text', step: option.type === 'integer' ? 1 : 'any', value: optionText(option) });
    }
    input.setAttribute('data-testid', `option-${option.name}`);
    input.setAttribute('name', option.name);
    optionInputs.set(option.name, input);
    const hint = option.type === 'number_list' ? ' (comma-separated)' : '';
    return h('label', { class: option.type === 'boolean' ? 'check' : 'option' }, `${label(option.name)}${hint} `, input);
  }

  function filterForm(): FilterForm {
    return {
      scenes: ticked(scenesBox).map(Number),
      classes: ticked(classesBox),
      statuses: chosen(ticked(statusesBox), STATUSES),
      sources: ticked(sourcesBox).length === SOURCES.length ? [] : chosen(ticked(sourcesBox), SOURCES),
      reviewedOnly: reviewedOnly.checked,
      since: since.value,
      until: until.value,
    };
  }

  function countSoon(): void {
    window.clearTimeout(countTimer);
    countTimer = window.setTimeout(() => void count(), 300);
  }

  async function count(): Promise<void> {
    const filters = filtersFrom(filterForm());
    if ('error' in filters) {
      selection.textContent = filters.error;
      return;
    }
    try {
      const c = await api.exportCount(projectId, filters, aborter.signal);
      const perClass = Object.entries(c.by_class).map(([k, v]) => `${k} ${v}`).join(', ');
      selection.textContent = `Selects ${c.annotations} annotation${c.annotations === 1 ? '' : 's'} on ${c.scenes} scene${c.scenes === 1 ? '' : 's'}${perClass ? ` (${perClass})` : ''}.`;
    } catch (err) {
      selection.textContent = err instanceof Error ? err.message : String(err);
    }
  }

  form.addEventListener('change', (e) => {
    if ((e.target as HTMLElement).closest('.filters')) countSoon();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void start();
  });

  async function start(): Promise<void> {
    const format = formats.find((f) => f.name === formatSelect.value);
    if (!format) return;
    const raw: Record<string, string | boolean> = {};
    for (const [name, input] of optionInputs) raw[name] = input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value;
    const { parameters, errors } = parametersFrom(format.options, raw);
    const filters = filtersFrom(filterForm());
    if ('error' in filters) errors.push(filters.error);
    if (errors.length) {
      report(new Error(errors.join(' ')));
      return;
    }
    startButton.disabled = true;
    try {
      const job = await api.exportStart(projectId, { format: format.name, filters: filters as Exclude<typeof filters, { error: string }>, parameters });
      ctx.dismiss(`exports-${projectId}`);
      jobs = [job, ...jobs.filter((j) => j.id !== job.id)];
      renderJobs();
    } catch (err) {
      report(err);
    } finally {
      startButton.disabled = false;
    }
  }

  // ---- history
  function onProgress(e: ExportProgressEvent): void {
    const index = jobs.findIndex((j) => j.id === e.export_id);
    if (index < 0) return;
    const before = jobs[index]!;
    const after = applyProgress(before, e);
    if (after === before) return;
    jobs[index] = after;
    if (!isActive(after)) void loadJobs(); // the manifest and the download link come with the row
    else updateRow(after);
  }

  function renderJobs(): void {
    history.replaceChildren(
      h('tr', {}, h('th', {}, '#'), h('th', {}, 'format'), h('th', {}, 'filters'), h('th', {}, 'status'), h('th', {}, 'started'), h('th', {}, 'by'), h('th', {})),
      ...(jobs.length ? jobs.flatMap(jobRows) : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, 'No exports yet.'))]),
    );
    const active = jobs.filter(isActive);
    sockets.follow(socketsToHold(active.map((j) => j.scene_ids)));
    window.clearTimeout(timer);
    if (active.length) timer = window.setTimeout(() => void loadJobs(), POLL_MS);
  }

  function progressCell(job: ExportJob): HTMLTableCellElement {
    const bar = h('progress', { max: 1, value: job.progress, 'data-testid': 'export-progress' });
    return h('td', { class: `job-status status-${job.expired ? 'expired' : job.status}` },
      isActive(job) ? bar : null,
      h('span', { 'data-testid': 'export-status' }, statusText(job)),
      job.status === 'failed' || job.status === 'cancelled' ? h('div', { class: 'reason' }, job.error) : null);
  }

  function updateRow(job: ExportJob): void {
    const row = history.querySelector<HTMLTableRowElement>(`tr[data-export-id="${job.id}"]`);
    const cell = row?.querySelector('td.job-status');
    if (row && cell) cell.replaceWith(progressCell(job));
    else renderJobs();
  }

  function jobRows(job: ExportJob): HTMLTableRowElement[] {
    const actions = h('div', { class: 'job-actions' },
      job.download_url && h('a', { href: job.download_url, class: 'button', download: '', 'data-testid': 'export-download' }, 'Download'),
      isActive(job) && h('button', { type: 'button', 'data-testid': 'export-cancel', onclick: () => void cancel(job) }, 'Cancel'),
      job.status === 'succeeded' && h('button', { type: 'button', 'data-testid': 'export-manifest-toggle', onclick: () => toggleManifest(job.id) },
        openManifests.has(job.id) ? 'Hide manifest' : 'Manifest'));
    const row = h('tr', { 'data-testid': 'export-item', 'data-export-id': job.id, 'data-status': job.status },
      h('td', {}, String(job.id)), h('td', {}, job.format), h('td', { class: 'muted' }, filtersText(job.filters)),
      progressCell(job), h('td', {}, new Date(job.created_at).toLocaleString()), h('td', {}, job.created_by ?? ''), h('td', {}, actions));
    if (!openManifests.has(job.id) || job.status !== 'succeeded') return [row];
    const rows = manifestRows(job.manifest);
    const table = h('table', { class: 'manifest', 'data-testid': 'export-manifest' },
      ...rows.map((r) => h('tr', {}, h('th', {}, r.label), h('td', {}, r.value))));
    return [row, h('tr', { class: 'manifest-row' }, h('td', { colspan: 7 }, table))];
  }

  function toggleManifest(id: number): void {
    if (openManifests.has(id)) openManifests.delete(id);
    else openManifests.add(id);
    renderJobs();
  }

  async function cancel(job: ExportJob): Promise<void> {
    if (!window.confirm(`Cancel export ${job.id}? What it has written so far is removed.`)) return;
    try {
      const updated = await api.exportCancel(job.id);
      jobs = jobs.map((j) => (j.id === updated.id ? updated : j));
      renderJobs();
    } catch (err) {
      report(err);
      void loadJobs();
    }
  }

  async function loadJobs(): Promise<void> {
    try {
      jobs = await api.exports(projectId, aborter.signal);
      renderJobs();
    } catch (err) {
      report(err);
    }
  }

  // ---- retention (project admins)
  async function loadRetention(project: Project | undefined): Promise<void> {
    if (project?.role !== 'admin') return;
    const { retention_days: days } = await api.exportRetention(projectId, aborter.signal);
    const input = h('input', { type: 'number', min: 0, step: 1, value: days || 30, 'data-testid': 'purge-days' });
    const result = h('span', { class: 'muted', 'data-testid': 'purge-result' });
    const purge = async () => {
      const n = Number(input.value);
      if (!Number.isInteger(n) || n < 0) {
        report(new Error('Days must be a whole number, 0 or more.'));
        return;
      }
      if (!window.confirm(`Remove the archives of exports finished more than ${n} day(s) ago? Their manifests stay.`)) return;
      try {
        const r = await api.exportPurge(projectId, n);
        result.textContent = `Removed ${r.removed} archive${r.removed === 1 ? '' : 's'} (${formatBytes(r.freed_bytes)}).`;
        await loadJobs();
      } catch (err) {
        report(err);
      }
    };
    retention.hidden = false;
    retention.replaceChildren(h('h2', {}, 'Retention'),
      h('p', { class: 'muted' }, days ? `Archives are removed automatically ${days} days after they were made; their manifests stay.` : 'Archives are kept until removed here.'),
      h('div', { class: 'inline-form' }, h('label', {}, 'Remove archives older than ', input, ' days'),
        h('button', { type: 'button', 'data-testid': 'purge-start', onclick: () => void purge() }, 'Remove now'), result));
  }

  // ---- load
  Promise.all([api.formats(aborter.signal), ctx.api.scenes(projectId, aborter.signal), ctx.api.classes(projectId, aborter.signal), ctx.api.projects(aborter.signal)]).then(
    ([fs, scenes, classes, projects]: [ExportFormat[], Scene[], LabelClass[], Project[]]) => {
      formats = fs;
      formatSelect.replaceChildren(...fs.map((f) => h('option', { value: f.name }, f.name)));
      renderOptions();
      const ready = scenes.filter((s) => s.status === 'ready');
      scenesBox.replaceChildren(...(ready.length ? ready.map((s) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: s.id }), ` ${s.name}`)) : [h('span', { class: 'muted' }, 'No ready scenes.')]));
      classesBox.replaceChildren(...(classes.length ? classes.map((c) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: c.name }), ' ', h('span', { class: 'swatch', style: `background:${c.color}` }), ` ${c.name}`)) : [h('span', { class: 'muted' }, 'No classes.')]));
      const project = projects.find((p) => p.id === projectId);
      title.textContent = project ? `Exports of ${project.name}` : `Exports of project ${projectId}`;
      void count();
      loadRetention(project).catch(report);
    },
    report,
  );
  void loadJobs();

  return () => {
    aborter.abort();
    window.clearTimeout(timer);
    window.clearTimeout(countTimer);
    sockets.close();
  };
};
