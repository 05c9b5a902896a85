// Where the time between a prompt click and its mask on screen goes, one record per prompt (performance.now() ms).
// Filled by the annotation screen, read by the browser tests through `window.__geoloop.maskTrace`.

export interface MaskTrace {
  requestId: string;
  /** The input event's own timestamp (pointerup), when known; else the handler's start. */
  input: number;
  /** The click handler started (after OpenLayers' event dispatch). */
  handler: number;
  /** The prompt went out on the socket. */
  sent: number;
  /** The mask message was received (parsed JSON). */
  received?: number;
  /** Its geometry was read into the edit layer and the screen state updated. */
  applied?: number;
  /** The next map frame started (precompose) and finished (postrender). */
  frameStart?: number;
  drawn?: number;
  /** The first animation frame after that one: by then the browser has painted the mask. */
  painted?: number;
  /** The server's own total for this prompt (timings.total_ms), and its other timings (decode_ms, ...). */
  serverMs?: number | null;
  server?: Record<string, number>;
  vertices?: number;
}

export interface MaskPhases {
  clickToDrawn: number;
  handler: number;
  clickToSend: number;
  roundTrip: number;
  server: number | null;
  apply: number;
  waitFrame: number;
  frame: number;
}

export function phases(t: MaskTrace): MaskPhases | null {
  if (t.received === undefined || t.applied === undefined || t.drawn === undefined) return null;
  const frameStart = t.frameStart ?? t.applied;
  return {
    clickToDrawn: t.drawn - t.input,
    handler: t.handler - t.input,
    clickToSend: t.sent - t.handler,
    roundTrip: t.received - t.sent,
    server: t.serverMs ?? null,
    apply: t.applied - t.received,
    waitFrame: frameStart - t.applied,
    frame: t.drawn - frameStart,
  };
}

export function countVertices(g: { coordinates: number[][][][] } | null | undefined): number {
  let n = 0;
  for (const poly of g?.coordinates ?? []) for (const ring of poly) n += ring.length;
  return n;
}
