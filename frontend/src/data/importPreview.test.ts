import { describe, expect, it } from 'vitest';
import { commitChoice, itemErrorsOf, previewSummary, reasonsText, reportText } from './importPreview';
import { isExportProgress, socketsToHold } from './progressSockets';
import type { ImportPreview } from './types';

const preview = (over: Partial<ImportPreview> = {}): ImportPreview => ({
  token: 't', file: 'labels.geojson', expires_at: '2026-01-01T00:00:00Z', format: 'geojson', features: 43, valid: 43,
  by_class: { building: 40, '': 3 }, repaired: 1, clipped: 2, refused: 0, errors: [], refusal_reasons: {},
  can_import: true, can_import_valid: true, with_attributes: 0, ...over,
});

describe('import preview', () => {
  it('summarises counts per class, repairs and clips', () => {
    const s = previewSummary(preview());
    expect(s.headline).toBe('43 features read from labels.geojson: all can be imported.');
    expect(s.classes).toEqual([{ name: 'building', count: 40 }, { name: '(no class)', count: 3 }]);
    expect(s.notes).toEqual(['1 geometry repaired (made valid).', '2 features clipped to the scene.']);
  });

  it('offers everything, the valid part or nothing', () => {
    expect(commitChoice(preview())).toEqual({ kind: 'all', label: 'Import 43 annotations' });
    const some = preview({ valid: 41, refused: 2, can_import: false });
    expect(commitChoice(some)).toEqual({ kind: 'valid', label: 'Import the 41 valid, skip 2 refused' });
    expect(previewSummary(some).headline).toContain('41 can be imported, 2 refused');
    expect(commitChoice(preview({ valid: 0, can_import: false, can_import_valid: false })).kind).toBe('none');
  });

  it('reasons, most frequent first', () => {
    expect(reasonsText({ unknown_class: 1, outside_scene: 4 })).toBe('outside scene ×4, unknown class ×1');
  });

  it('reads per-item errors out of a 400 body only', () => {
    const body = { detail: 'x', code: 'import_rejected', errors: [{ item: 'feature 3', reason: 'unknown_class', message: 'No class tree.' }, { bogus: 1 }] };
    expect(itemErrorsOf(body)).toEqual([{ item: 'feature 3', reason: 'unknown_class', message: 'No class tree.' }]);
    expect(itemErrorsOf('oops')).toEqual([]);
    expect(itemErrorsOf({ detail: 'no' })).toEqual([]);
  });

  it('report text', () => {
    expect(reportText({ imported: 1, ids: [1], format: 'coco', repaired: 0, clipped: 0 })).toBe('Imported 1 annotation.');
    expect(reportText({ imported: 4, ids: [], format: 'coco', repaired: 0, clipped: 0, skipped: [{ item: 'a', reason: 'b', message: 'c' }] })).toBe(
      'Imported 4 annotations, skipped 1.',
    );
  });
});

describe('export progress sockets', () => {
  it('hold one scene per running export first, then the rest, capped', () => {
    expect(socketsToHold([[1, 2, 3], [4, 5], [2]], 4)).toEqual([1, 4, 2, 3]);
    expect(socketsToHold([[1, 2], [2, 3]], 8)).toEqual([1, 2, 3]);
    expect(socketsToHold([[], [9]], 8)).toEqual([9]);
  });

  it('knows an export.progress event', () => {
    expect(isExportProgress({ type: 'export.progress', export_id: 1, status: 'running', progress: 0.5, format: 'coco', message: '' })).toBe(true);
    expect(isExportProgress({ type: 'annotation.created', id: 1 })).toBe(false);
    expect(isExportProgress(null)).toBe(false);
  });
});
