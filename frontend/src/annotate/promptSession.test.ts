import { describe, expect, it } from 'vitest';
import type { GeoJsonMultiPolygon, MaskMessage } from '../types';
import {
  acceptBody,
  addPoint,
  applyMask,
  currentGeometry,
  cycleCandidate,
  editGeometry,
  EMPTY_SESSION,
  failRequest,
  keepCandidate,
  newRequestId,
  promptMessage,
  secondsSpent,
  setBox,
} from './promptSession';

const square = (d: number): GeoJsonMultiPolygon => ({
  type: 'MultiPolygon',
  coordinates: [[[[0, 0], [d, 0], [d, d], [0, d], [0, 0]]]],
});

const mask = (requestId: string, id = 7): MaskMessage => ({
  type: 'mask', request_id: requestId, proposal_id: id, geometry: square(1), predicted_iou: 0.91,
  model_version: 3, window: null, timings: { total_ms: 42 },
});

describe('prompt session', () => {
  it('builds the contract message from points and box', () => {
    let s = addPoint(EMPTY_SESSION, [-84.4, 33.7], 1, 'r1', 1000);
    s = addPoint(s, [-84.41, 33.71], 0, 'r2', 2000);
    s = setBox(s, [2, 3, 1, 0], 'r3', 3000);
    expect(promptMessage(s, 'r3', 0.25)).toEqual({
      type: 'prompt', request_id: 'r3', points: [[-84.4, 33.7], [-84.41, 33.71]], labels: [1, 0],
      box: [1, 0, 2, 3], map_resolution: 0.25, previous_proposal_id: null,
    });
    expect(s.clicks).toBe(3);
    expect(s.startedAt).toBe(1000);
  });

  it('applies only the answer to the awaited request, and chains proposals', () => {
    let s = addPoint(EMPTY_SESSION, [0, 0], 1, 'r1', 0);
    s = addPoint(s, [1, 1], 1, 'r2', 10);
    expect(applyMask(s, mask('r1'))).toBe(s); // stale answer: ignored
    s = applyMask(s, mask('r2', 11));
    expect(s.pendingRequestId).toBeNull();
    expect(s.proposal).toMatchObject({ id: 11, predictedIou: 0.91, totalMs: 42, quality: null });
    s = addPoint(s, [2, 2], 0, 'r3', 20);
    expect(promptMessage(s, 'r3', 1).previous_proposal_id).toBe(11);
    expect(promptMessage(s, 'r3', 1)).not.toHaveProperty('label_class'); // no class chosen: project-wide sizes
    expect(promptMessage(s, 'r3', 1, 7).label_class).toBe(7);
  });

  it('an error clears the awaited request only when it is that request', () => {
    const s = addPoint(EMPTY_SESSION, [0, 0], 1, 'r1', 0);
    expect(failRequest(s, 'other')).toBe(s);
    expect(failRequest(s, 'r1').pendingRequestId).toBeNull();
    expect(failRequest(s, null).pendingRequestId).toBeNull();
  });

  it('accept body carries the feedback metrics and the edited geometry only when edited', () => {
    let s = addPoint(EMPTY_SESSION, [0, 0], 1, 'r1', 1_000);
    s = applyMask(s, mask('r1'));
    expect(acceptBody(s, 4, null, 3_500)).toEqual({
      label_class: 4, geometry: null, task: null, clicks_added: 1, vertices_moved: 0, seconds_spent: 2.5, candidate: null,
    });
    s = editGeometry(s, square(2), 3);
    const body = acceptBody(s, 4, 9, 5_000);
    expect(body.geometry).toEqual(square(2));
    expect(body.vertices_moved).toBe(3);
    expect(body.task).toBe(9);
    expect(currentGeometry(s)).toEqual(square(2));
  });

  it('switches among the candidates and says which one is kept', () => {
    const msg: MaskMessage = {
      ...mask('c'),
      quality: 0.8,
      window: { outline: [[0, 1], [1, 1], [1, 0], [0, 0]] },
      candidates: [
        { index: 0, token: 2, quality: 0.8, predicted_iou: 0.9, chosen: true, geometry: null },
        { index: 1, token: 3, quality: 0.6, predicted_iou: 0.8, chosen: false, geometry: square(2) },
        { index: 2, token: 1, quality: 0, predicted_iou: 0.1, chosen: false, geometry: null },
      ],
    };
    let s = applyMask(addPoint(EMPTY_SESSION, [0, 0], 1, 'c', 0), msg);
    expect(s.proposal?.window).toEqual([[0, 1], [1, 1], [1, 0], [0, 0]]);
    expect(s.proposal?.candidates?.map((c) => c.geometry)).toEqual([square(1), square(2), null]);
    expect(acceptBody(s, null, null, 0).candidate).toBe(0);
    expect(cycleCandidate(s, 1)).toBe(1); // the empty candidate is skipped
    s = editGeometry(s, square(5));
    s = keepCandidate(s, 1);
    expect(s.edited).toBeNull();
    expect(currentGeometry(s)).toEqual(square(2));
    expect(s.proposal?.quality).toBe(0.6);
    expect(acceptBody(s, null, null, 0)).toMatchObject({ candidate: 1, geometry: null });
    expect(keepCandidate(s, 2)).toBe(s); // empty: nothing to keep
    expect(cycleCandidate(s, 1)).toBe(0);
    expect(cycleCandidate(s, -1)).toBe(0);
  });

  it('a new mask replaces hand edits', () => {
    let s = applyMask(addPoint(EMPTY_SESSION, [0, 0], 1, 'a', 0), mask('a'));
    s = editGeometry(s, square(3));
    s = applyMask(addPoint(s, [1, 1], 1, 'b', 1), mask('b', 8));
    expect(s.edited).toBeNull();
    expect(currentGeometry(s)).toEqual(square(1));
  });

  it('seconds spent is 0 before the first prompt', () => {
    expect(secondsSpent(EMPTY_SESSION, 99)).toBe(0);
  });

  it('request ids are unique', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newRequestId()));
    expect(ids.size).toBe(50);
  });
});

describe('calibrated quality', () => {
  it('keeps the server quality, clamped to [0, 1], and the part count', async () => {
    const { applyMask, EMPTY_SESSION } = await import('./promptSession');
    const base = { ...EMPTY_SESSION, pendingRequestId: 'q1' };
    const msg = { type: 'mask' as const, request_id: 'q1', proposal_id: 5, geometry: { type: 'MultiPolygon' as const, coordinates: [] },
      predicted_iou: 1.07, quality: 0.42, parts: 2, model_version: 1, window: null, timings: {} };
    expect(applyMask(base, msg).proposal).toMatchObject({ quality: 0.42, parts: 2, predictedIou: 1.07 });
    expect(applyMask(base, { ...msg, quality: 1.3 }).proposal?.quality).toBe(1);
    expect(applyMask(base, { ...msg, quality: Number.NaN }).proposal?.quality).toBeNull();
  });
});
