// Find similar on the annotation screen: the selected annotation (and any added with "+") are the exemplars; the
// search covers the task's area, else the map's view; a progress bar while the worker runs; then the batch review,
// driven by the keyboard (annotate/similarBatch): the map zooms to each proposal, A accepts, R rejects, F fixes
// (accepts, leaves the batch and opens the annotation for editing with the usual tools), arrows move, Esc leaves.
// Accept and reject are the usual proposal routes, so each outcome is feedback tagged with its batch.
import { transformExtent } from 'ol/proj';
import type { components } from '../../api/schema';
import {
  batchCommandForKey, counterText, current, decided, extentOf, move, startReview,
  type BatchReview, type SimilarOutcome, type SimilarProposal,
} from '../../annotate/similarBatch';
import { isTypingTarget } from '../../annotate/keys';
import { createSimilarLayer, type SimilarLayer } from '../../map/similarLayer';
import { h } from '../../ui/dom';
import type { Shared } from './context';
import type { Editing } from './editing';

type SimilarBatchState = components['schemas']['SimilarBatchOutput'];
type SimilarStart = components['schemas']['SimilarStartInput'];

export interface Similar {
  /** Adds the map layer once the scene's map exists. */
  attach(): void;
  dispose(): void;
}

export function createSimilar(sh: Shared, editing: Editing): Similar {
  const { ctx, state, view } = sh;
  const exemplars: number[] = [];
  let review: BatchReview | null = null;
  let batch: SimilarBatchState | null = null;
  let layer: SimilarLayer | null = null;
  let timer: number | undefined;
  let busy = false;

  const chips = h('span', { class: 'similar-exemplars', 'data-testid': 'similar-exemplars' });
  const addBtn = h('button', { type: 'button', 'data-testid': 'similar-add', title: 'Add the selected annotation as an exemplar', onclick: () => addExemplar() }, '+ exemplar');
  const findBtn = h('button', { type: 'button', 'data-testid': 'find-similar', title: 'Find similar (S)', onclick: () => void start() }, 'Find similar');
  const bar = h('progress', { class: 'similar-progress', 'data-testid': 'similar-progress', max: 1, value: 0, hidden: true });
  const counter = h('div', { class: 'similar-counter', 'data-testid': 'similar-counter', 'aria-live': 'polite' });
  const keysHint = h('div', { class: 'similar-keys', hidden: true }, 'A accept · R reject · F fix · ←/→ move · Esc leave');
  const panel = h('div', { class: 'similar-panel', 'data-testid': 'similar-panel', 'data-state': 'idle' },
    h('div', { class: 'similar-head' }, 'Find similar'), h('div', { class: 'similar-row' }, addBtn, findBtn), chips, bar, counter, keysHint);
  view.status.before(panel);

  function setState(s: 'idle' | 'running' | 'review' | 'failed'): void {
    panel.dataset.state = s;
    view.root.dataset.similar = s;
    keysHint.hidden = s !== 'review';
  }

  function renderChips(): void {
    chips.textContent = exemplars.length ? `Exemplars: ${exemplars.map((id) => `#${id}`).join(', ')}` : '';
  }

  function selected(): number | null {
    return sh.history.present.edit?.annotationId ?? state.loaded?.id ?? null;
  }

  function addExemplar(): void {
    const id = selected();
    if (id === null) {
      sh.showNotice('Select an annotation first (Ctrl/Cmd-click it), then add it as an exemplar.');
      return;
    }
    if (!exemplars.includes(id)) exemplars.push(id);
    renderChips();
  }

  function area(): { task: number } | { bbox: [number, number, number, number] } | null {
    if (sh.taskId !== null) return { task: sh.taskId };
    const map = sh.parts.sceneMap?.map;
    const size = map?.getSize();
    if (!map || !size) return null;
    const [a, b, c, d] = transformExtent(map.getView().calculateExtent(size), 'EPSG:3857', 'EPSG:4326');
    return { bbox: [a!, b!, c!, d!] };
  }

  async function start(): Promise<void> {
    if (busy || batch?.status === 'queued' || batch?.status === 'running') return;
    const ids = [...exemplars];
    const sel = selected();
    if (sel !== null && !ids.includes(sel)) ids.push(sel);
    const where = area();
    if (ids.length === 0 || where === null) {
      sh.showNotice('Find similar needs an exemplar: select an accepted annotation (Ctrl/Cmd-click it) first.');
      return;
    }
    busy = true;
    try {
      leave();
      const body: SimilarStart = { exemplars: ids, ...where };
      batch = await ctx.api.request<SimilarBatchState>('POST', '/api/similar/', { body });
      view.root.dataset.similarBatch = String(batch.id);
      setState('running');
      bar.hidden = false;
      showProgress();
      poll();
    } catch (err) {
      sh.report(err);
    } finally {
      busy = false;
    }
  }

  function showProgress(): void {
    if (!batch) return;
    bar.value = batch.progress;
    const stage = batch.stage === 'encode' ? 'reading the image' : batch.stage === 'similarity' ? 'comparing with the exemplars' : batch.stage === 'decode' ? 'outlining candidates' : batch.status;
    counter.textContent = `Finding similar objects… ${Math.round(batch.progress * 100)}% (${stage})`;
  }

  function poll(): void {
    window.clearTimeout(timer);
    timer = window.setTimeout(async () => {
      if (!batch || sh.aborter.signal.aborted) return;
      try {
        batch = await ctx.api.request<SimilarBatchState>('GET', `/api/similar/${batch.id}/`, { signal: sh.aborter.signal });
      } catch (err) {
        if (!sh.aborter.signal.aborted) sh.report(err);
        return;
      }
      showProgress();
      if (batch.status === 'done') void openReview();
      else if (batch.status === 'failed') {
        setState('failed');
        bar.hidden = true;
        counter.textContent = `Find similar failed: ${batch.error}`;
      } else poll();
    }, 700);
  }

  async function openReview(): Promise<void> {
    if (!batch) return;
    const proposals = await ctx.api.request<SimilarProposal[]>('GET', `/api/similar/${batch.id}/proposals/`, { signal: sh.aborter.signal });
    bar.hidden = true;
    review = startReview(batch.id, proposals);
    if (proposals.length === 0) {
      setState('idle');
      counter.textContent = 'No similar objects found.';
      review = null;
      return;
    }
    setState('review');
    view.mapEl.focus();
    show(true);
  }

  function show(zoom: boolean): void {
    if (!review) return;
    const p = current(review);
    counter.textContent = counterText(review);
    view.root.dataset.similarProposal = String(p?.id ?? '');
    view.root.dataset.similarOpen = String(review.proposals.filter((x) => x.outcome === null).length);
    layer?.show(review.proposals, p?.id ?? null);
    const ext = extentOf(p?.geometry ?? null);
    const map = sh.parts.sceneMap?.map;
    if (zoom && ext && map) {
      const [a, b, c, d] = ext;
      const pad = Math.max(c - a, d - b) * 1.5; // some of the surroundings: is it really one of them?
      map.getView().fit(transformExtent([a - pad, b - pad, c + pad, d + pad], 'EPSG:4326', 'EPSG:3857'), { size: map.getSize(), duration: 150 });
    }
  }

  function leave(): void {
    review = null;
    layer?.clear();
    setState('idle');
    keysHint.hidden = true;
    view.root.dataset.similarProposal = '';
  }

  async function decide(cmd: 'accept' | 'reject' | 'fix'): Promise<void> {
    if (!review || busy) return;
    const p = current(review);
    if (!p) return;
    if (p.outcome !== null) {
      sh.showNotice(`Proposal ${p.id} was already ${p.outcome}.`);
      return;
    }
    busy = true;
    try {
      let outcome: SimilarOutcome = 'rejected';
      let annotation: number | null = null;
      if (cmd === 'reject') {
        await ctx.api.proposalReject(p.id, {});
      } else {
        const body = { label_class: batch?.label_class ?? state.classId, task: sh.taskId };
        const res = await ctx.api.proposalAccept(p.id, body);
        outcome = 'accepted';
        annotation = res.annotation.id;
        sh.parts.tiles?.refresh();
      }
      review = decided(review, outcome, annotation);
      if (cmd === 'fix' && annotation !== null) {
        leave();
        counter.textContent = `Fixing annotation ${annotation} (from proposal ${p.id}); Find similar again to resume.`;
        await editing.selectAnnotation(annotation);
        return;
      }
      const open = review.proposals.some((x) => x.outcome === null);
      review = move(review, 1, true);
      show(true);
      if (!open) counter.textContent = `${counterText(review)} — batch reviewed; Esc leaves.`;
    } catch (err) {
      sh.report(err);
    } finally {
      busy = false;
    }
  }

  const onKey = (e: KeyboardEvent) => {
    if (isTypingTarget(e.target) || view.dialogHost.childElementCount > 0) return;
    if (!review) {
      if (!e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === 's') {
        e.preventDefault();
        e.stopImmediatePropagation();
        void start();
      }
      return;
    }
    const cmd = batchCommandForKey(e);
    if (!cmd) return;
    // the batch owns these keys while it is open: the screen's own shortcuts (A add, Esc discard) wait
    e.preventDefault();
    e.stopImmediatePropagation();
    if (cmd === 'next' || cmd === 'previous') {
      review = move(review, cmd === 'next' ? 1 : -1);
      show(true);
    } else if (cmd === 'leave') {
      leave();
      counter.textContent = '';
    } else void decide(cmd);
  };
  window.addEventListener('keydown', onKey, true);
  setState('idle');

  return {
    attach() {
      const map = sh.parts.sceneMap?.map;
      if (!map || layer) return;
      layer = createSimilarLayer();
      map.addLayer(layer.layer);
    },
    dispose() {
      window.clearTimeout(timer);
      window.removeEventListener('keydown', onKey, true);
    },
  };
}
