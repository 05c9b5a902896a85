// Find similar's batch review, as pure state: the batch's proposals in order, the one on screen, what was done to
// each, and which key does what while the batch is open (A accept, R reject, F fix, arrows move, Esc leaves).
import type { KeyLike } from './keys';

export type SimilarOutcome = 'accepted' | 'edited' | 'rejected' | 'deleted' | null;

export interface SimilarProposal {
  id: number;
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] } | null;
  quality: number | null;
  similarity: number | null;
  outcome: SimilarOutcome | string | null;
  annotation: number | null;
}

export interface BatchReview {
  batchId: number;
  proposals: SimilarProposal[];
  index: number;
}

export type BatchCommand = 'accept' | 'reject' | 'fix' | 'next' | 'previous' | 'leave';

export const SIMILAR_SHORTCUTS: [string, string][] = [
  ['S', 'find similar to the selected annotation (and the exemplars added with +)'],
  ['A (in a find-similar batch)', 'accept the proposal on screen'],
  ['R (in a find-similar batch)', 'reject it'],
  ['F (in a find-similar batch)', 'fix it: accept, leave the batch and edit it with the usual tools'],
  ['→ / ← (in a find-similar batch)', 'next / previous proposal'],
  ['Esc (in a find-similar batch)', 'leave the batch'],
];

/** The batch command of a key while a batch is open (null: not one of the batch's keys). */
export function batchCommandForKey(e: KeyLike): BatchCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  switch (key) {
    case 'a':
      return 'accept';
    case 'r':
      return 'reject';
    case 'f':
      return 'fix';
    case 'ArrowRight':
    case 'ArrowDown':
      return 'next';
    case 'ArrowLeft':
    case 'ArrowUp':
      return 'previous';
    case 'Escape':
      return 'leave';
  }
  return null;
}

export function startReview(batchId: number, proposals: SimilarProposal[]): BatchReview {
  const first = proposals.findIndex((p) => p.outcome === null);
  return { batchId, proposals, index: first < 0 ? 0 : first };
}

export function current(r: BatchReview): SimilarProposal | null {
  return r.proposals[r.index] ?? null;
}

/** Moves by one (wrapping), or to the next proposal still open after a decision (`open`); the same index when
 * nothing else is left. */
export function move(r: BatchReview, step: 1 | -1, open = false): BatchReview {
  const n = r.proposals.length;
  if (n === 0) return r;
  for (let k = 1; k <= n; k++) {
    const i = (((r.index + step * k) % n) + n) % n;
    if (!open || r.proposals[i]!.outcome === null) return { ...r, index: i };
  }
  return r;
}

/** The review after the proposal on screen got ``outcome`` (and became ``annotation``). */
export function decided(r: BatchReview, outcome: SimilarOutcome, annotation: number | null = null): BatchReview {
  const proposals = r.proposals.map((p, i) => (i === r.index ? { ...p, outcome, annotation } : p));
  return { ...r, proposals };
}

export function counts(r: BatchReview): { total: number; open: number; accepted: number; rejected: number } {
  let open = 0;
  let accepted = 0;
  let rejected = 0;
  for (const p of r.proposals) {
    if (p.outcome === null) open++;
    else if (p.outcome === 'rejected') rejected++;
    else accepted++;
  }
  return { total: r.proposals.length, open, accepted, rejected };
}

/** "3 / 12 · 2 accepted · 1 rejected · 9 open" */
export function counterText(r: BatchReview): string {
  const c = counts(r);
  if (c.total === 0) return 'No similar objects found.';
  return `${r.index + 1} / ${c.total} · ${c.accepted} accepted · ${c.rejected} rejected · ${c.open} open`;
}

/** Extent [minx, miny, maxx, maxy] of a GeoJSON MultiPolygon's coordinates (any CRS), or null when empty. */
export function extentOf(g: SimilarProposal['geometry']): [number, number, number, number] | null {
  if (!g) return null;
  let minx = Infinity;
  let miny = Infinity;
  let maxx = -Infinity;
  let maxy = -Infinity;
  for (const poly of g.coordinates) for (const ring of poly) for (const [x, y] of ring) {
    minx = Math.min(minx, x!);
    miny = Math.min(miny, y!);
    maxx = Math.max(maxx, x!);
    maxy = Math.max(maxy, y!);
  }
  return Number.isFinite(minx) ? [minx, miny, maxx, maxy] : null;
}
