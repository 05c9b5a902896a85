// The prompt session of one object: the clicks and box given so far, the mask the model answered last, and what
// the feedback app needs when it is accepted (clicks added, vertices moved, seconds spent). Pure and immutable:
// every operation returns a new session, so sessions are what the undo/redo stack holds.
import type { GeoJsonMultiPolygon, LonLatBounds, MaskMessage } from '../types';

export type Label = 1 | 0;
export type LonLat = [number, number];

export interface PromptPoint {
  lonlat: LonLat;
  label: Label;
}

/** One of the answer's candidates (SAM's multimask outputs): index 0 is the model's answer. */
export interface Candidate {
  index: number;
  /** Calibrated quality in [0, 1], by the calibrator that chose the answer. */
  quality: number;
  /** null: an empty candidate (nothing to keep). */
  geometry: GeoJsonMultiPolygon | null;
}

export interface Proposal {
  id: number;
  requestId: string;
  geometry: GeoJsonMultiPolygon;
  predictedIou: number;
  /** Calibrated quality in [0, 1]; null when the server sent none. */
  quality: number | null;
  parts: number | null;
  modelVersion: number | string | null;
  totalMs: number | null;
  /** The answer and its alternatives (absent in drafts from before candidates were sent). */
  candidates?: Candidate[];
  /** Which candidate is shown and would be kept (0: the answer); `geometry` is its polygon. */
  kept?: number;
  /** The window the model saw: its four corners [lon, lat] (null when the server sent none). */
  window?: LonLat[] | null;
}

export interface PromptSession {
  points: PromptPoint[];
  box: LonLatBounds | null;
  /** The request whose answer is awaited (null when none); answers to older requests are ignored. */
  pendingRequestId: string | null;
  /** The model's latest answer for these prompts. */
  proposal: Proposal | null;
  /** The geometry as edited by hand after the model's answer (add/cut/vertex moves); null = the proposal as is. */
  edited: GeoJsonMultiPolygon | null;
  clicks: number;
  verticesMoved: number;
  /** ms timestamp of the first prompt (null before it). */
  startedAt: number | null;
}

export const EMPTY_SESSION: PromptSession = {
  points: [],
  box: null,
  pendingRequestId: null,
  proposal: null,
  edited: null,
  clicks: 0,
  verticesMoved: 0,
  startedAt: null,
};

export interface PromptMessage {
  type: 'prompt';
  request_id: string;
  points: LonLat[];
  labels: Label[];
  box: LonLatBounds | null;
  map_resolution: number;
  previous_proposal_id: number | null;
  /** The class being drawn: the server scores the candidates against this class's accepted sizes. */
  label_class?: number;
}

export function hasPrompts(s: PromptSession): boolean {
  return s.points.length > 0 || s.box !== null;
}

export function addPoint(s: PromptSession, lonlat: LonLat, label: Label, requestId: string, now: number): PromptSession {
  return {
    ...s,
    points: [...s.points, { lonlat, label }],
    pendingRequestId: requestId,
    clicks: s.clicks + 1,
    startedAt: s.startedAt ?? now,
  };
}

export function setBox(s: PromptSession, box: LonLatBounds, requestId: string, now: number): PromptSession {
  const [minLon, minLat, maxLon, maxLat] = box;
  const ordered: LonLatBounds = [
    Math.min(minLon, maxLon),
    Math.min(minLat, maxLat),
    Math.max(minLon, maxLon),
    Math.max(minLat, maxLat),
  ];
  return { ...s, box: ordered, pendingRequestId: requestId, clicks: s.clicks + 1, startedAt: s.startedAt ?? now };
}

/** The WebSocket message for the session's current prompts. */
export function promptMessage(s: PromptSession, requestId: string, mapResolution: number, labelClass: number | null = null): PromptMessage {
  return {
    type: 'prompt',
    request_id: requestId,
    points: s.points.map((p) => p.lonlat),
    labels: s.points.map((p) => p.label),
    box: s.box,
    map_resolution: mapResolution,
    previous_proposal_id: s.proposal?.id ?? null,
    ...(labelClass !== null ? { label_class: labelClass } : {}),
  };
}

/** Applies the model's answer when it is for the awaited request; otherwise returns the session unchanged. */
export function applyMask(s: PromptSession, msg: MaskMessage): PromptSession {
  if (msg.request_id !== s.pendingRequestId) return s;
  if (!msg.geometry) return { ...s, pendingRequestId: null }; // nothing found: the prompts stay, to refine or undo
  return {
    ...s,
    pendingRequestId: null,
    edited: null,
    proposal: {
      id: msg.proposal_id,
      requestId: msg.request_id,
      geometry: msg.geometry,
      predictedIou: msg.predicted_iou,
      quality: typeof msg.quality === 'number' && Number.isFinite(msg.quality) ? Math.min(1, Math.max(0, msg.quality)) : null,
      parts: typeof msg.parts === 'number' ? msg.parts : null,
      modelVersion: msg.model_version,
      totalMs: msg.timings?.total_ms ?? null,
      candidates: candidatesOf(msg),
      kept: 0,
      window: outlineOf(msg.window),
    },
  };
}

function unit(q: unknown): number {
  return typeof q === 'number' && Number.isFinite(q) ? Math.min(1, Math.max(0, q)) : 0;
}

/** The message's candidates, the answer's polygon standing in for index 0's (the server leaves it out). */
function candidatesOf(msg: MaskMessage): Candidate[] {
  const list = Array.isArray(msg.candidates) ? msg.candidates : [];
  return list.map((c) => ({
    index: c.index,
    quality: unit(c.quality),
    geometry: c.index === 0 ? msg.geometry : ((c.geometry as GeoJsonMultiPolygon | null) ?? null),
  }));
}

function outlineOf(window: unknown): LonLat[] | null {
  const outline = (window as { outline?: unknown } | null)?.outline;
  if (!Array.isArray(outline) || outline.length !== 4) return null;
  return outline.map((p) => [Number(p[0]), Number(p[1])] as LonLat);
}

/** Shows and keeps another candidate (hand edits since the last answer are dropped: they were of another shape).
 * Returns the session unchanged when there is no such candidate or it is empty. */
export function keepCandidate(s: PromptSession, index: number): PromptSession {
  const p = s.proposal;
  const c = p?.candidates?.find((x) => x.index === index);
  if (!p || !c || !c.geometry || (p.kept ?? 0) === index) return s;
  return { ...s, edited: null, proposal: { ...p, geometry: c.geometry, kept: index, quality: c.quality } };
}

/** The next (step 1) or previous (step -1) non-empty candidate, wrapping around; null when there is none. */
export function cycleCandidate(s: PromptSession, step: 1 | -1): number | null {
  const list = (s.proposal?.candidates ?? []).filter((c) => c.geometry !== null);
  if (list.length < 2) return null;
  const at = Math.max(0, list.findIndex((c) => c.index === (s.proposal?.kept ?? 0)));
  return list[(at + step + list.length) % list.length]?.index ?? null;
}

/** The request failed: nothing is awaited any more (the prompts stay, so the user can undo or click again). */
export function failRequest(s: PromptSession, requestId: string | null): PromptSession {
  if (requestId !== null && requestId !== s.pendingRequestId) return s;
  return { ...s, pendingRequestId: null };
}

export function editGeometry(s: PromptSession, geometry: GeoJsonMultiPolygon, verticesMoved = 0): PromptSession {
  return { ...s, edited: geometry, verticesMoved: s.verticesMoved + verticesMoved };
}

/** What would be accepted now: the hand-edited geometry, else the model's. */
export function currentGeometry(s: PromptSession): GeoJsonMultiPolygon | null {
  return s.edited ?? s.proposal?.geometry ?? null;
}

export interface AcceptBody {
  label_class: number | null;
  geometry: GeoJsonMultiPolygon | null;
  task: number | null;
  clicks_added: number;
  vertices_moved: number;
  seconds_spent: number;
  /** The candidate kept (0: the answer); null for a proposal that offered none. */
  candidate: number | null;
}

/** Body of POST /api/proposals/{id}/accept/ (geometry only when edited by hand). */
export function acceptBody(s: PromptSession, labelClass: number | null, task: number | null, now: number): AcceptBody {
  return {
    label_class: labelClass,
    geometry: s.edited,
    task,
    clicks_added: s.clicks,
    vertices_moved: s.verticesMoved,
    seconds_spent: secondsSpent(s, now),
    candidate: s.proposal?.candidates?.length ? (s.proposal.kept ?? 0) : null,
  };
}

export function secondsSpent(s: PromptSession, now: number): number {
  return s.startedAt === null ? 0 : Math.max(0, Math.round((now - s.startedAt) / 100) / 10);
}

let counter = 0;
/** Unique within the page (a reload starts again, and the server only echoes it back). */
export function newRequestId(prefix = 'r'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}-${counter}`;
}
