// Imports screen: a CSV of tags (as the tags_csv export writes it) back into the project. Preview first (what would
// be created, changed or left, and every refused row with its reason; nothing stored), then import: all or nothing.
import { ApiError } from '../api';
import type { Ctx } from '../app';
import { postForm } from '../data/api';
import type { components } from '../api/schema';
import { h } from '../ui/dom';

type Report = components['schemas']['TagImportReport'];
interface RowError { item: string; reason: string; message: string }

export function tagImportSection(ctx: Ctx, projectId: number): HTMLElement {
  const key = `import-tags-${projectId}`;
  const file = h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'tag-import-file' });
  const previewBtn = h('button', { type: 'button', 'data-testid': 'tag-import-preview' }, 'Preview');
  const commitBtn = h('button', { type: 'button', 'data-testid': 'tag-import-commit', disabled: true }, 'Import tags');
  const out = h('div', { class: 'tag-import-report', 'data-testid': 'tag-import-report' });

  const send = async (commit: boolean): Promise<void> => {
    const chosen = file.files?.[0];
    if (!chosen) {
      ctx.report(new Error('Choose a CSV of tags first.'), key);
      return;
    }
    const form = new FormData();
    form.append('file', chosen, chosen.name);
    form.append('commit', commit ? 'true' : 'false');
    try {
      const report = await postForm<Report>(`/api/projects/${projectId}/tags/import/`, form);
      ctx.dismiss(key);
      show(report, []);
      commitBtn.disabled = commit || report.errors.length > 0 || report.create + report.update === 0;
    } catch (err) {
      const errors = err instanceof ApiError && err.body && typeof err.body === 'object' ? ((err.body as { errors?: RowError[] }).errors ?? []) : [];
      if (!errors.length) ctx.report(err, key);
      show(null, errors);
      commitBtn.disabled = true;
    }
  };

  function show(report: Report | null, errors: RowError[]): void {
    const rows = report ? (report.errors as unknown as RowError[]) : errors;
    out.dataset.state = report ? (report.committed ? 'imported' : 'previewed') : 'refused';
    out.replaceChildren(
      report ? h('p', { 'data-testid': 'tag-import-summary' }, report.committed
        ? `Imported ${report.imported} tag${report.imported === 1 ? '' : 's'} (${report.unchanged} unchanged).`
        : `${report.rows} rows: ${report.create} to create, ${report.update} to change, ${report.unchanged} unchanged. Nothing is stored yet.`)
        : h('p', { 'data-testid': 'tag-import-summary' }, `Refused: ${rows.length} row${rows.length === 1 ? '' : 's'} in error; nothing was imported.`),
      rows.length ? h('ul', { class: 'errors', 'data-testid': 'tag-import-errors' }, ...rows.slice(0, 200).map((e) => h('li', {}, `${e.item}: ${e.message}`))) : '',
    );
  }

  previewBtn.addEventListener('click', () => void send(false));
  commitBtn.addEventListener('click', () => void send(true));
  file.addEventListener('change', () => { commitBtn.disabled = true; out.replaceChildren(); });
  return h('section', { class: 'tag-import', 'data-testid': 'tag-import' },
    h('h2', {}, 'Import tags (CSV)'),
    h('p', { class: 'muted' }, 'Columns target_type (scene or task), target_id, group, values (";" between the values of a multi-label group), as the tags_csv export writes them. All rows or none.'),
    h('div', { class: 'actions' }, file, previewBtn, commitBtn), out);
}
