// Prompting and the live preview: clicks and boxes become prompts on the segmentation socket, masks come back and
// are drawn; undo/redo travel re-asks for a step whose mask never came. Each prompt is traced (annotate/maskTrace).
import { getPointResolution } from 'ol/proj';
import { withSession, type Snapshot } from '../../annotate/editor';
import { countVertices, type MaskTrace } from '../../annotate/maskTrace';
import { addPoint, applyMask, failRequest, hasPrompts, newRequestId, promptMessage, setBox, type Label, type LonLat } from '../../annotate/promptSession';
import { annotationIdOf } from '../../map/annotationTiles';
import type { LonLatBounds, SegmentationMessage } from '../../types';
import type { Shared } from './context';

export interface Prompting {
  mapResolution(): number;
  onClick(lonlat: LonLat, negativeModifier: boolean, pixel: number[], inputTime: number, selectModifier?: boolean): Promise<void>;
  onBox(bounds: LonLatBounds): Promise<void>;
  onSegmentation(msg: SegmentationMessage): void;
  /** Shows an undo/redo step (or a restored draft), asking again for a mask that never arrived. */
  travel(s: Snapshot | null): void;
  /** ms from each prompt click to its mask drawn, and where that time went. */
  maskTimes: number[];
  maskTrace: MaskTrace[];
}

export function createPrompting(
  sh: Shared,
  editing: { leaveEdit(): Promise<boolean>; selectAnnotation(id: number): Promise<void> },
): Prompting {
  const { history, state, parts } = sh;
  const traces = new Map<string, MaskTrace>();
  const maskTimes: number[] = [];
  const maskTrace: MaskTrace[] = [];
  let clickAt: { input: number; handler: number } | null = null;

  function mapResolution(): number {
    const view = parts.sceneMap!.map.getView();
    const res = view.getResolution() ?? 1;
    return getPointResolution('EPSG:3857', res, view.getCenter() ?? [0, 0]);
  }

  function sendPrompt(s: Snapshot, requestId: string): void {
    const now = performance.now();
    const at = clickAt ?? { input: now, handler: now };
    clickAt = null;
    if (!parts.segmentation) return;
    state.encoding = false;
    parts.segmentation.prompt(promptMessage(s.session, requestId, mapResolution(), state.classId));
    traces.set(requestId, { requestId, input: at.input, handler: at.handler, sent: performance.now() });
  }

  async function onClick(lonlat: LonLat, negativeModifier: boolean, pixel: number[], inputTime: number, selectModifier = false): Promise<void> {
    const handler = performance.now();
    let s = history.present;
    const { sceneMap, tiles } = parts;
    // Ctrl/Cmd-click selects an existing annotation for editing; a plain click always prompts the model, even
    // inside an annotation (a wrong, oversized annotation must not swallow the clicks meant for what lies in it).
    if (selectModifier) {
      const hit = sceneMap && tiles ? sceneMap.map.forEachFeatureAtPixel(pixel, (f) => f, { layerFilter: (l) => l === tiles.layer, hitTolerance: 4 }) : undefined;
      const id = hit ? annotationIdOf(hit) : null;
      if (id === null) {
        sh.say('Nothing to select here: Ctrl/Cmd-click on an annotation to edit it.');
        return;
      }
      if (hasPrompts(s.session) || s.manual) {
        sh.say('Accept (Enter) or discard (Esc) the current shape before selecting another annotation.');
        return;
      }
      if (id !== (s.edit?.annotationId ?? s.shape?.annotationId)) {
        if (!(await editing.leaveEdit())) return;
        await editing.selectAnnotation(id);
      }
      return;
    }
    if (s.edit || s.shape) {
      if (!(await editing.leaveEdit())) return;
      s = history.present;
    }
    const label: Label = state.negative !== negativeModifier ? 0 : 1;
    const requestId = newRequestId();
    clickAt = { input: inputTime > 0 && inputTime <= handler ? inputTime : handler, handler };
    const next = withSession(s, addPoint(s.session, lonlat, label, requestId, Date.now()));
    sh.step(next);
    sendPrompt(next, requestId);
  }

  async function onBox(bounds: LonLatBounds): Promise<void> {
    if ((history.present.edit || history.present.shape) && !(await editing.leaveEdit())) return;
    const s = history.present;
    const requestId = newRequestId();
    const next = withSession(s, setBox(s.session, bounds, requestId, Date.now()));
    sh.step(next);
    sendPrompt(next, requestId);
  }

  /** Marks when the mask's frame starts and ends (and the frame after, by which the browser has painted it). */
  function traceDrawn(trace: MaskTrace): void {
    const map = parts.sceneMap?.map;
    if (!map) return;
    trace.applied = performance.now();
    map.once('precompose', () => {
      trace.frameStart = performance.now();
    });
    map.once('postrender', () => {
      trace.drawn = performance.now();
      const ms = trace.drawn - trace.input;
      maskTimes.push(ms);
      maskTrace.push(trace);
      sh.view.mapEl.dataset.lastMaskMs = ms.toFixed(1);
      requestAnimationFrame(() => {
        trace.painted = performance.now();
      });
    });
    map.render();
  }

  function onSegmentation(msg: SegmentationMessage): void {
    const s = history.present;
    if (msg.type === 'mask') {
      const trace = traces.get(msg.request_id);
      traces.delete(msg.request_id);
      if (trace) {
        trace.received = performance.now();
        trace.serverMs = msg.timings?.total_ms ?? null;
        trace.server = msg.timings;
        trace.vertices = countVertices(msg.geometry);
      }
      const next = applyMask(s.session, msg);
      if (next === s.session) return; // an answer to a prompt since undone or superseded
      state.encoding = false;
      history.replace(withSession(s, next));
      sh.render();
      if (!msg.geometry) sh.say('The model found no object at these prompts: click elsewhere, add points, or undo.');
      if (trace) traceDrawn(trace);
    } else if (msg.type === 'encoding') {
      if (msg.request_id === null || msg.request_id === s.session.pendingRequestId) {
        state.encoding = true;
        sh.render();
      }
    } else if (msg.type === 'error') {
      if (msg.request_id) traces.delete(msg.request_id);
      state.encoding = false;
      history.replace(withSession(s, failRequest(s.session, msg.request_id)));
      sh.render();
      sh.report(new Error(`Segmentation failed (${msg.code}): ${msg.detail}`));
    }
  }

  function travel(s: Snapshot | null): void {
    if (!s) return;
    // A step whose mask never arrived asks again (the answer to the old request id is ignored).
    if (hasPrompts(s.session) && (s.session.pendingRequestId !== null || !s.session.proposal)) {
      const requestId = newRequestId();
      const resent = withSession(s, { ...s.session, pendingRequestId: requestId });
      history.replace(resent);
      sendPrompt(resent, requestId);
    }
    sh.render();
  }

  return { mapResolution, onClick, onBox, onSegmentation, travel, maskTimes, maskTrace };
}
