import { describe, expect, it } from 'vitest';
import { countVertices, phases } from './maskTrace';

describe('mask trace', () => {
  it('splits click -> drawn into phases', () => {
    const p = phases({ requestId: 'r', input: 0, handler: 1, sent: 3, received: 203, applied: 206, frameStart: 214, drawn: 217, serverMs: 190 });
    expect(p).toEqual({ clickToDrawn: 217, handler: 1, clickToSend: 2, roundTrip: 200, server: 190, apply: 3, waitFrame: 8, frame: 3 });
  });
  it('is null until drawn', () => {
    expect(phases({ requestId: 'r', input: 0, handler: 1, sent: 3, received: 10 })).toBeNull();
  });
  it('counts vertices of a multipolygon', () => {
    expect(countVertices({ coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[2, 2], [3, 2], [2, 3], [2, 2]]]] })).toBe(8);
    expect(countVertices(null)).toBe(0);
  });
});
