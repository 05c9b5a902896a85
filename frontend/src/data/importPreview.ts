// Pure pieces of the imports page: what a preview says, in a person's words, and what a commit may do.
import type { ImportPreview, ImportReport, ItemError } from './types';

export const NO_CLASS = '(no class)';

export interface PreviewSummary {
  headline: string;
  classes: { name: string; count: number }[];
  notes: string[];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function previewSummary(p: ImportPreview): PreviewSummary {
  const headline = p.refused
    ? `${plural(p.features, 'feature')} read from ${p.file}: ${p.valid} can be imported, ${p.refused} refused.`
    : `${plural(p.features, 'feature')} read from ${p.file}: all can be imported.`;
  const classes = Object.entries(p.by_class).map(([name, count]) => ({ name: name || NO_CLASS, count }));
  const notes: string[] = [];
  if (p.repaired) notes.push(`${plural(p.repaired, 'geometry')} repaired (made valid).`.replace('geometrys', 'geometries'));
  if (p.clipped) notes.push(`${plural(p.clipped, 'feature')} clipped to the scene.`);
  const fileErrors = p.errors.filter((e) => e.item === 'file');
  for (const e of fileErrors) notes.push(e.message);
  return { headline, classes, notes };
}

export type CommitChoice =
  | { kind: 'all'; label: string }
  | { kind: 'valid'; label: string }
  | { kind: 'none'; label: string };

/** What the commit button offers: everything, the valid part (skipping the refused), or nothing. */
export function commitChoice(p: ImportPreview): CommitChoice {
  if (p.can_import) return { kind: 'all', label: `Import ${plural(p.valid, 'annotation')}` };
  if (p.can_import_valid) {
    return { kind: 'valid', label: `Import the ${p.valid} valid, skip ${p.refused} refused` };
  }
  return { kind: 'none', label: 'Nothing can be imported' };
}

/** Refusal reasons with their counts, most frequent first. */
export function reasonsText(reasons: Record<string, number>): string {
  return Object.entries(reasons)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([reason, n]) => `${reason.replace(/_/g, ' ')} ×${n}`)
    .join(', ');
}

/** The per-item errors of a refused commit (the 400 body), or [] when the body is something else. */
export function itemErrorsOf(body: unknown): ItemError[] {
  if (!body || typeof body !== 'object') return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (e): e is ItemError => !!e && typeof e === 'object' && typeof (e as ItemError).item === 'string' && typeof (e as ItemError).message === 'string',
  );
}

export function reportText(r: ImportReport): string {
  const skipped = r.skipped?.length ?? 0;
  return `Imported ${plural(r.imported, 'annotation')}${skipped ? `, skipped ${skipped}` : ''}.`;
}
