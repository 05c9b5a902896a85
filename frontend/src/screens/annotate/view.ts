// The annotation screen's DOM (header, side panel, actions, map element, overlays) and its render from the state.
import { commitKind, isEmpty, workingGeometry } from '../../annotate/editor';
import type { Command } from '../../annotate/keys';
import { KIND_LABELS, parseWidth } from '../../annotate/kinds';
import { FALLBACK_COLOUR } from '../../map/annotationTiles';
import { helpOverlay, renderAttributes, renderPalette, renderTools } from '../../ui/annotatePanels';
import type { AttributeValue } from '../../types';
import { h } from '../../ui/dom';
import type { Shared } from './context';

export interface ViewHandlers {
  run(cmd: Command): void;
  nextTask(): void;
  submitTask(): void;
  toggleHelp(show?: boolean): void;
}

export type AnnotateView = ReturnType<typeof createView>;

export function createView(el: HTMLElement, ids: { projectId: number; sceneId: number; taskId: number | null }, on: ViewHandlers) {
  const title = h('h1', {}, `Scene ${ids.sceneId}`);
  const taskInfo = h('span', { class: 'task-info', 'data-testid': 'task-info' });
  const leaseInfo = h('span', { class: 'lease-info', 'data-testid': 'lease-info' });
  const socketInfo = h('span', { class: 'tag', 'data-testid': 'socket-state' }, 'connecting…');
  const notice = h('div', { class: 'notice', 'data-testid': 'notice', hidden: true });
  const status = h('div', { class: 'status', 'data-testid': 'annotate-status', 'aria-live': 'polite' }, 'Click inside an object.');
  const quality = h('div', { class: 'quality', 'data-testid': 'mask-quality' });
  const candidates = h('div', { class: 'candidates', 'data-testid': 'candidates', hidden: true });
  const whyToggles = h('div', { class: 'why-toggles' });
  const palette = h('div', { class: 'palette', 'data-testid': 'class-palette' });
  const tools = h('div', { class: 'tools' });
  const attributes = h('div', { class: 'attributes-panel', 'data-testid': 'attributes-panel', hidden: true });
  const shapePanel = h('div', { class: 'shape-panel', 'data-testid': 'shape-panel', hidden: true });
  const btn = (id: string, label: string, onclick: () => void, titleText = '') =>
    h('button', { type: 'button', 'data-testid': id, onclick, title: titleText }, label);
  const acceptBtn = btn('accept', 'Accept ⏎', () => on.run('accept'), 'Enter');
  const discardBtn = btn('discard', 'Discard', () => on.run('discard'), 'Esc');
  const undoBtn = btn('undo', 'Undo', () => on.run('undo'), 'Ctrl+Z');
  const redoBtn = btn('redo', 'Redo', () => on.run('redo'), 'Ctrl+Shift+Z');
  const deleteBtn = btn('delete', 'Delete', () => on.run('delete'), 'Delete');
  const nextBtn = btn('next-task', 'Next task', () => on.nextTask());
  const submitBtn = btn('submit-task', 'Submit task', () => on.submitTask());
  submitBtn.hidden = ids.taskId === null;
  const helpBtn = btn('help', '?', () => on.toggleHelp(), 'Shortcuts (?)');
  const mapEl = h('div', { class: 'map', 'data-testid': 'map', tabindex: 0 });
  const mousePosition = h('div', { class: 'mouse-position', 'data-testid': 'mouse-position' });
  const help = helpOverlay(() => on.toggleHelp(false));
  const dialogHost = h('div', { class: 'dialog-host' });
  const root = h(
    'section',
    { class: 'annotate', 'data-testid': 'annotate-screen', 'data-state': 'loading' },
    h('div', { class: 'scene-head' }, h('a', { href: `#/projects/${ids.projectId}`, class: 'back' }, '← Scenes'), title, taskInfo, leaseInfo, socketInfo, nextBtn, submitBtn, helpBtn, mousePosition),
    notice,
    h(
      'div',
      { class: 'annotate-body' },
      h('aside', { class: 'side' }, palette, tools, h('div', { class: 'actions' }, acceptBtn, discardBtn, undoBtn, redoBtn, deleteBtn), shapePanel, attributes, quality, candidates, whyToggles, status),
      mapEl,
    ),
    help,
    dialogHost,
  );
  el.append(root);
  return {
    root, title, taskInfo, leaseInfo, socketInfo, notice, status, quality, candidates, whyToggles, palette, tools, attributes, shapePanel,
    acceptBtn, discardBtn, undoBtn, redoBtn, deleteBtn, submitBtn, mapEl, mousePosition, help, dialogHost,
  };
}

export const colourOf = (sh: Shared, id: number | null) => sh.state.classes.find((c) => c.id === id)?.color ?? FALLBACK_COLOUR;

/** Everything on screen from the state; `pickClass`, `setTool` and `toggleNegative` back the palette and tool bar. */
export function renderScreen(
  sh: Shared,
  on: {
    pickClass(id: number): void;
    setTool(t: Shared['state']['tool']): void;
    toggleNegative(): void;
    saveAttributes(values: Record<string, AttributeValue>): void;
    keepCandidate(index: number): void;
    toggleWhy(what: 'window' | 'uncertainty'): void;
    setLineWidth(widthM: number): void;
  },
): void {
  const { history, state, view: v } = sh;
  const { edit, tiles } = sh.parts;
  const s = history.present;
  const g = workingGeometry(s);
  const kind = s.edit ? 'edit' : s.session.proposal ? 'proposal' : 'manual';
  edit?.setPrompts(s.session.points, s.session.box);
  edit?.setWorking(g, kind, colourOf(sh, state.classId));
  edit?.setPending(s.session.pendingRequestId !== null);
  tiles?.setHidden(s.edit?.annotationId ?? s.shape?.annotationId ?? null);
  sh.parts.kinds?.setShape(s.shape ?? null, colourOf(sh, state.classId));
  const dirty = sh.editDirty(s);
  const screenState = s.shape ? 'shape' : s.session.pendingRequestId ? (state.encoding ? 'encoding' : 'waiting') : s.edit ? 'edit' : s.session.proposal ? 'mask' : s.manual ? 'manual' : 'idle';
  v.root.dataset.state = screenState;
  v.root.dataset.proposalId = String(s.session.proposal?.id ?? '');
  v.root.dataset.annotationId = String(s.edit?.annotationId ?? s.shape?.annotationId ?? '');
  v.root.dataset.annotationVersion = String(s.edit?.version ?? s.shape?.version ?? '');
  v.root.dataset.kind = s.shape?.kind ?? (s.edit ? 'polygon' : '');
  v.root.dataset.dirty = String(dirty);
  const p = s.session.proposal;
  v.quality.textContent = p ? qualityText(p) : '';
  v.quality.className = `quality${p && p.quality !== null ? (p.quality >= 0.85 ? ' good' : p.quality >= 0.7 ? ' fair' : ' poor') : ''}`;
  v.quality.title = p && p.quality !== null ? 'Expected overlap with what you will keep, learned from this project’s accepted and corrected answers' : '';
  if (s.shape) {
    const what = KIND_LABELS[s.shape.kind];
    sh.say(s.shape.annotationId === null
      ? `New ${what}: Enter saves it, Esc drops it; drag its vertices to adjust.`
      : `${what[0]!.toUpperCase()}${what.slice(1)} ${s.shape.annotationId} (version ${s.shape.version})${dirty ? ' — unsaved changes, Enter saves' : ''}. Drag its vertices; Delete deletes it.`);
  } else if (screenState === 'encoding') sh.say('Encoding this part of the image…');
  else if (screenState === 'waiting') sh.say('Segmenting…');
  else if (screenState === 'mask') sh.say(`${s.session.points.length} point${s.session.points.length === 1 ? '' : 's'}${s.session.box ? ' + box' : ''}. Enter accepts, click to refine, Esc discards.`);
  else if (screenState === 'edit') sh.say(`Annotation ${s.edit?.annotationId} (version ${s.edit?.version})${dirty ? ' — unsaved changes, Enter saves' : ''}. Drag vertices; A/C add or cut.`);
  else if (screenState === 'manual') sh.say('Hand-drawn shape. Enter saves it.');
  else sh.say('Click inside an object (Alt/Shift-click excludes, Ctrl/Cmd-click selects an annotation), or drag a box with B.');
  v.acceptBtn.disabled = commitKind(s) === null || state.busy;
  v.discardBtn.disabled = isEmpty(s);
  v.undoBtn.disabled = !history.canUndo;
  v.redoBtn.disabled = !history.canRedo;
  v.deleteBtn.disabled = (!s.edit && !s.shape) || state.busy;
  renderShapePanel(sh, on.setLineWidth);
  renderWhy(sh, on);
  renderPalette(v.palette, state.classes, state.classId, on.pickClass);
  renderTools(v.tools, state.tool, state.negative, on.setTool, on.toggleNegative);
  const loaded = s.edit && state.loaded?.id === s.edit.annotationId ? state.loaded : null;
  renderAttributes(
    v.attributes,
    loaded && {
      annotationId: loaded.id,
      version: loaded.version,
      labelClass: state.classes.find((c) => c.id === loaded.classId) ?? null,
      values: loaded.attributes,
      missing: loaded.missing ?? [],
    },
    !state.busy,
    on.saveAttributes,
  );
  sh.saveDraft();
}

/** The kind of the shape on screen and, for lines (or with the line tool), the width field. */
function renderShapePanel(sh: Shared, setLineWidth: (w: number) => void): void {
  const { history, state, view: v } = sh;
  const shape = history.present.shape ?? null;
  const showWidth = shape?.kind === 'line' || state.tool === 'line';
  const key = `${shape?.kind ?? ''}|${showWidth}`;
  const width = shape?.kind === 'line' && shape.widthM !== null ? shape.widthM : state.lineWidthM;
  v.shapePanel.hidden = !shape && !showWidth;
  if (v.shapePanel.dataset.key !== key) {
    v.shapePanel.dataset.key = key;
    const error = h('span', { class: 'error', 'data-testid': 'line-width-error' });
    const input = h('input', { type: 'number', min: '0.1', step: '0.1', 'data-testid': 'line-width', value: String(width) }) as HTMLInputElement;
    const commit = () => {
      const r = parseWidth(input.value);
      error.textContent = r.ok ? '' : r.reason;
      input.setAttribute('aria-invalid', String(!r.ok));
      if (r.ok) setLineWidth(r.value);
    };
    input.addEventListener('change', commit);
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        commit();
      }
    });
    v.shapePanel.replaceChildren(
      h('h2', {}, 'Shape'),
      h('div', { 'data-testid': 'shape-kind' }, shape ? `Kind: ${KIND_LABELS[shape.kind]}` : 'New lines'),
      ...(showWidth ? [h('label', { class: 'line-width' }, 'Line width (m) ', input), error] : []),
    );
  }
  const input = v.shapePanel.querySelector<HTMLInputElement>('[data-testid="line-width"]');
  if (input && document.activeElement !== input) input.value = String(width);
}

/** Show why: the candidates panel, the toggles, and the window / uncertainty layers of the current answer. */
function renderWhy(sh: Shared, on: { keepCandidate(index: number): void; toggleWhy(what: 'window' | 'uncertainty'): void }): void {
  const { history, state, view: v } = sh;
  const p = history.present.edit ? null : history.present.session.proposal;
  const list = p?.candidates ?? [];
  v.candidates.hidden = list.length < 2;
  v.candidates.replaceChildren(
    h('div', { class: 'candidates-head' }, 'Candidates (Tab)'),
    ...list.map((c) => {
      const kept = (p?.kept ?? 0) === c.index;
      const label = `${c.index + 1} · ${c.geometry ? `quality ${(c.quality * 100).toFixed(0)}%` : 'empty'}${c.index === 0 ? ' · model’s choice' : ''}`;
      return h('button', {
        type: 'button', class: `candidate${kept ? ' kept' : ''}`, 'data-testid': `candidate-${c.index}`,
        'aria-pressed': String(kept), disabled: !c.geometry, onclick: () => on.keepCandidate(c.index),
      }, label);
    }),
  );
  v.root.dataset.candidate = p ? String(p.kept ?? 0) : '';
  const toggle = (what: 'window' | 'uncertainty', label: string, key: string, on_: boolean) =>
    h('label', { class: 'why-toggle', title: key },
      h('input', { type: 'checkbox', 'data-testid': `toggle-${what}`, checked: on_, onchange: () => on.toggleWhy(what) }), ` ${label} (${key})`);
  v.whyToggles.replaceChildren(
    toggle('window', 'model’s window', 'W', state.showWindow),
    toggle('uncertainty', 'uncertainty', 'U', state.showUncertainty),
  );
  v.root.dataset.showWindow = String(state.showWindow);
  v.root.dataset.showUncertainty = String(state.showUncertainty);
  const why = sh.parts.why;
  if (!why) return;
  why.setWindow(p?.window ?? null);
  why.setUncertainty(p && state.showUncertainty ? p.id : null, p?.window ?? null);
  why.setVisible({ window: state.showWindow, uncertainty: state.showUncertainty });
}

/** The calibrated quality (expected IoU with what is kept), the part count, the time; never the raw model figure. */
export function qualityText(p: { quality: number | null; parts: number | null; totalMs: number | null }): string {
  const q = p.quality !== null ? `quality ${(p.quality * 100).toFixed(0)}%` : 'quality n/a';
  const parts = p.parts !== null && p.parts > 1 ? ` · ${p.parts} parts` : '';
  return `${q}${parts}${p.totalMs !== null ? ` · ${Math.round(p.totalMs)} ms` : ''}`;
}
