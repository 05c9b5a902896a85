import { describe, expect, it } from 'vitest';
import { parseRoute, routeToHash } from '../router';
import {
  applyProgress,
  filtersFrom,
  filtersText,
  formatBytes,
  label,
  manifestRows,
  optionText,
  parametersFrom,
  parseOption,
  statusText,
  type FilterForm,
} from './exportForm';
import type { FormatOption } from './types';

// As GET /api/exports/formats/ describes coco.
const COCO: FormatOption[] = [
  { name: 'mode', type: 'string', default: 'scenes', choices: ['scenes', 'chips'] },
  { name: 'include_images', type: 'boolean', default: true, choices: null },
  { name: 'size', type: 'integer', default: 512, choices: null },
  { name: 'min_labelled_share', type: 'number', default: 0, choices: null },
  { name: 'splits', type: 'number_list', default: [0.7, 0.15, 0.15], choices: null },
];
const opt = (name: string) => COCO.find((o) => o.name === name)!;

describe('format options from the API description', () => {
  it('parses each type and refuses what does not fit', () => {
    expect(parseOption(opt('size'), '256')).toEqual({ ok: true, value: 256 });
    expect(parseOption(opt('size'), '25.6').ok).toBe(false);
    expect(parseOption(opt('min_labelled_share'), '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(parseOption(opt('min_labelled_share'), '').ok).toBe(false);
    expect(parseOption(opt('splits'), '0.8, 0.1 0.1')).toEqual({ ok: true, value: [0.8, 0.1, 0.1] });
    expect(parseOption(opt('splits'), '0.8, x').ok).toBe(false);
    expect(parseOption(opt('include_images'), false)).toEqual({ ok: true, value: false });
    expect(parseOption(opt('mode'), 'chips')).toEqual({ ok: true, value: 'chips' });
    const bad = parseOption(opt('mode'), 'tiles');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain('scenes, chips');
  });

  it('sends only what differs from the defaults, and every error at once', () => {
    const raw = { mode: 'scenes', include_images: false, size: '512', min_labelled_share: '0', splits: '0.7, 0.15, 0.15' };
    expect(parametersFrom(COCO, raw)).toEqual({ parameters: { include_images: false }, errors: [] });
    const wrong = parametersFrom(COCO, { ...raw, size: 'big', splits: '' });
    expect(wrong.errors).toHaveLength(2);
  });

  it('labels and starting texts', () => {
    expect(label('min_labelled_share')).toBe('Min labelled share');
    expect(optionText(opt('splits'))).toBe('0.7, 0.15, 0.15');
  });
});

describe('filters', () => {
  const base: FilterForm = { scenes: [], classes: [], statuses: [], sources: [], reviewedOnly: false, since: '', until: '' };

  it('leaves out what means "all" and includes the last day of the range', () => {
    expect(filtersFrom(base)).toEqual({});
    expect(filtersFrom({ ...base, scenes: [4, 2], classes: ['building'], statuses: ['accepted'], reviewedOnly: true, since: '2024-05-01', until: '2024-05-31' })).toEqual({
      scenes: [2, 4], classes: ['building'], statuses: ['accepted'], reviewed_only: true,
      since: '2024-05-01T00:00:00Z', until: '2024-06-01T00:00:00Z',
    });
    expect(filtersFrom({ ...base, since: '2024-06-02', until: '2024-06-01' })).toEqual({ error: 'The date range ends before it starts.' });
  });

  it('reads back as one line', () => {
    expect(filtersText({})).toBe('everything');
    expect(filtersText({ scenes: [3], statuses: ['draft', 'accepted'], sources: ['model', 'human', 'imported'], reviewed_only: true })).toBe(
      'scenes 3 · draft + accepted · reviewed only',
    );
  });
});

describe('jobs', () => {
  it('progress never goes back and an ended job stays ended', () => {
    const job = { status: 'running' as const, progress: 0.5 };
    expect(applyProgress(job, { status: 'running', progress: 0.3 }).progress).toBe(0.5);
    expect(applyProgress(job, { status: 'running', progress: 0.7 }).progress).toBe(0.7);
    const done = applyProgress(job, { status: 'succeeded', progress: 1 });
    expect(done).toEqual({ status: 'succeeded', progress: 1 });
    expect(applyProgress(done, { status: 'running', progress: 0.9 })).toBe(done);
  });

  it('status texts', () => {
    expect(statusText({ status: 'running', progress: 0.426, expired: false })).toBe('running 42%');
    expect(statusText({ status: 'succeeded', progress: 1, expired: true })).toBe('archive removed');
    expect(statusText({ status: 'cancelled', progress: 0.2, expired: false })).toBe('cancelled');
  });

  it('manifest rows carry counts, checksums and model versions', () => {
    const rows = manifestRows({
      counts: { annotations: 43, scenes: 1, per_class: { building: 40, shed: 3 } },
      scenes: [{ id: 7, name: 'atlanta', checksum: 'abc' }],
      model_versions: [2, 5],
      files: { 'annotations.geojson': 'def' },
    });
    const byLabel = Object.fromEntries(rows.map((r) => [r.label, r.value]));
    expect(byLabel).toEqual({
      Annotations: '43', Scenes: '1', 'Per class': 'building 40, shed 3', 'Scene 7 (atlanta)': 'sha256 abc',
      'Model versions': '2, 5', 'annotations.geojson': 'sha256 def',
    });
    expect(manifestRows({}).find((r) => r.label === 'Model versions')?.value).toContain('none');
  });

  it('bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(formatBytes(300 * 1024)).toBe('300 KiB');
  });
});

describe('routes', () => {
  it('exports and imports pages', () => {
    expect(parseRoute('#/projects/3/exports')).toEqual({ name: 'exports', projectId: 3 });
    expect(parseRoute('#/projects/3/imports?scene=7')).toEqual({ name: 'imports', projectId: 3 });
    expect(routeToHash({ name: 'exports', projectId: 3 })).toBe('#/projects/3/exports');
    expect(routeToHash({ name: 'imports', projectId: 3 })).toBe('#/projects/3/imports');
  });
});
