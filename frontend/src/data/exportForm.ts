// Pure pieces of the exports page: a format's options read from what the API says it takes (never a form per
// format), the filters a form gives, and how a job and its manifest read to a person.
import type { ExportFilters, ExportJob, ExportManifest, FormatOption, OptionValue } from './types';

export type Parsed = { ok: true; value: OptionValue } | { ok: false; error: string };

/** The value typed into an option's input (a checkbox gives a boolean), checked against the option's type. */
export function parseOption(option: FormatOption, raw: string | boolean): Parsed {
  if (option.type === 'boolean') return { ok: true, value: raw === true || raw === 'true' };
  const text = String(raw).trim();
  let value: OptionValue;
  if (option.type === 'integer') {
    if (!/^-?\d+$/.test(text)) return { ok: false, error: `${label(option.name)} takes a whole number.` };
    value = Number(text);
  } else if (option.type === 'number') {
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) return { ok: false, error: `${label(option.name)} takes a number.` };
    value = n;
  } else if (option.type === 'number_list') {
    const parts = text.split(/[\s,]+/).filter(Boolean).map(Number);
    if (!parts.length || parts.some((n) => !Number.isFinite(n))) {
      return { ok: false, error: `${label(option.name)} takes numbers separated by commas.` };
    }
    value = parts;
  } else {
    value = text;
  }
  if (option.choices && !option.choices.some((c) => sameValue(c, value))) {
    return { ok: false, error: `${label(option.name)} must be one of ${option.choices.join(', ')}.` };
  }
  return { ok: true, value };
}

/** The text an option's input starts with. */
export function optionText(option: FormatOption): string {
  return Array.isArray(option.default) ? option.default.join(', ') : String(option.default);
}

/** "min_labelled_share" -> "Min labelled share". */
export function label(name: string): string {
  const words = name.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function sameValue(a: OptionValue, b: OptionValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The parameters to send: only those that differ from the defaults, or the errors to show. */
export function parametersFrom(
  options: FormatOption[],
  raw: Record<string, string | boolean>,
): { parameters: Record<string, OptionValue>; errors: string[] } {
  const parameters: Record<string, OptionValue> = {};
  const errors: string[] = [];
  for (const option of options) {
    if (!(option.name in raw)) continue;
    const parsed = parseOption(option, raw[option.name]!);
    if (!parsed.ok) errors.push(parsed.error);
    else if (!sameValue(parsed.value, option.default)) parameters[option.name] = parsed.value;
  }
  return { parameters, errors };
}

export type StatusFilter = NonNullable<ExportFilters['statuses']>[number];
export type SourceFilter = NonNullable<ExportFilters['sources']>[number];
export const STATUSES: readonly StatusFilter[] = ['draft', 'accepted', 'rejected'];
export const DEFAULT_STATUSES: readonly StatusFilter[] = ['draft', 'accepted'];
export const SOURCES: readonly SourceFilter[] = ['model', 'human', 'imported'];

/** The values of `allowed` among `values` (ticked checkboxes), typed as the API's choices. */
export function chosen<T extends string>(values: readonly string[], allowed: readonly T[]): T[] {
  return allowed.filter((a) => values.includes(a));
}

export interface FilterForm {
  scenes: number[];
  classes: string[];
  statuses: StatusFilter[];
  sources: SourceFilter[];
  reviewedOnly: boolean;
  /** "YYYY-MM-DD" from a date input, or "". */
  since: string;
  until: string;
}

/** Filters for the API; an empty choice means "all" and is left out. The date range is in UTC days, the end day
 * included. */
export function filtersFrom(form: FilterForm): ExportFilters | { error: string } {
  const out: ExportFilters = {};
  if (form.scenes.length) out.scenes = [...form.scenes].sort((a, b) => a - b);
  if (form.classes.length) out.classes = [...form.classes];
  if (form.statuses.length) out.statuses = [...form.statuses];
  if (form.sources.length) out.sources = [...form.sources];
  if (form.reviewedOnly) out.reviewed_only = true;
  if (form.since) out.since = `${form.since}T00:00:00Z`;
  if (form.until) out.until = `${nextDay(form.until)}T00:00:00Z`;
  if (form.since && form.until && form.since > form.until) return { error: 'The date range ends before it starts.' };
  return out;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function isActive(job: Pick<ExportJob, 'status'>): boolean {
  return job.status === 'queued' || job.status === 'running';
}

/** "42%" while running, the status otherwise. */
export function statusText(job: Pick<ExportJob, 'status' | 'progress' | 'expired'>): string {
  if (job.status === 'running') return `running ${Math.floor(job.progress * 100)}%`;
  if (job.status === 'succeeded' && job.expired) return 'archive removed';
  return job.status;
}

/** A job after an `export.progress` event: progress never goes back, an ended job stays ended. */
export function applyProgress<J extends Pick<ExportJob, 'status' | 'progress'>>(
  job: J,
  event: { status: ExportJob['status']; progress: number },
): J {
  if (!isActive(job)) return job;
  const progress = event.status === 'running' ? Math.max(job.progress, event.progress) : event.progress;
  return { ...job, status: event.status, progress };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** One line for a job's filters: "scenes 3, 4 · classes building · accepted · reviewed only · from 2024-05-01". */
export function filtersText(filters: ExportFilters): string {
  const parts: string[] = [];
  if (filters.scenes?.length) parts.push(`scenes ${filters.scenes.join(', ')}`);
  if (filters.classes?.length) parts.push(`classes ${filters.classes.join(', ')}`);
  if (filters.statuses?.length) parts.push(filters.statuses.join(' + '));
  if (filters.sources?.length && filters.sources.length < 3) parts.push(`from ${filters.sources.join(' + ')}`);
  if (filters.reviewed_only) parts.push('reviewed only');
  if (filters.since) parts.push(`since ${filters.since.slice(0, 10)}`);
  if (filters.until) parts.push(`before ${filters.until.slice(0, 10)}`);
  return parts.join(' · ') || 'everything';
}

export interface ManifestRow {
  label: string;
  value: string;
}

/** What a person checks in a manifest: counts, per class, scenes with checksums, model versions, file sums. */
export function manifestRows(manifest: ExportManifest): ManifestRow[] {
  const rows: ManifestRow[] = [];
  const counts = manifest.counts;
  if (counts) {
    rows.push({ label: 'Annotations', value: String(counts.annotations) });
    rows.push({ label: 'Scenes', value: String(counts.scenes) });
    const perClass = Object.entries(counts.per_class ?? {}).map(([k, v]) => `${k} ${v}`);
    if (perClass.length) rows.push({ label: 'Per class', value: perClass.join(', ') });
  }
  for (const scene of manifest.scenes ?? []) {
    rows.push({ label: `Scene ${scene.id} (${scene.name})`, value: `sha256 ${scene.checksum}` });
  }
  const versions = manifest.model_versions ?? [];
  rows.push({ label: 'Model versions', value: versions.length ? versions.join(', ') : 'none (human or imported only)' });
  for (const [name, sum] of Object.entries(manifest.files ?? {})) rows.push({ label: name, value: `sha256 ${sum}` });
  return rows;
}
