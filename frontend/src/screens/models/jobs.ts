// Training jobs: "Train now", the running job's live progress over the training socket (phase, steps, ETA, the
// phase's current figure, loss curve, log tail), cancel, and the recent jobs.
import type { Ctx } from '../../app';
import { ReconnectingSocket, wsUrl, type SocketLike } from '../../net/reconnectingSocket';
import { lineChart } from '../../models/charts';
import { formatDuration, smooth } from '../../models/plot';
import type { TrainingEvent, TrainingJob } from '../../types';
import { h } from '../../ui/dom';

const PHASES = [
  ['dataset', 'Dataset'],
  ['train', 'Fine-tune'],
  ['evaluate', 'Evaluate'],
] as const;
const OPEN = new Set(['queued', 'running']);
const LOG_REFRESH_MS = 2000;

export interface JobsPanel {
  el: HTMLElement;
  load(): Promise<void>;
  dispose(): void;
}

export function createJobsPanel(ctx: Ctx, projectId: number, signal: AbortSignal, report: (err: unknown) => void, onFinished: (job: TrainingJob) => void): JobsPanel {
  let jobs: TrainingJob[] = [];
  let current: TrainingJob | null = null;
  let logTimer: ReturnType<typeof setTimeout> | null = null;
  let lastLogFetch = 0;
  // A missed push (a socket reconnecting) must not leave a finished run showing as running: poll while one runs.
  const poll = setInterval(() => {
    if (current && OPEN.has(current.status) && Date.now() - lastLogFetch > 5000) void refreshJob(current.id);
  }, 5000);

  const trainBtn = h('button', { type: 'button', class: 'primary', 'data-testid': 'train-now' }, 'Train now');
  const socketState = h('span', { class: 'muted', 'data-testid': 'training-socket' }, 'connecting…');
  const currentBox = h('div', { class: 'job-current', 'data-testid': 'job-current' });
  const history = h('table', { class: 'grid', 'data-testid': 'training-jobs' });
  const el = h('section', { class: 'models-jobs' },
    h('div', { class: 'row' }, trainBtn, socketState), currentBox, h('h3', {}, 'Recent runs'), history);

  trainBtn.addEventListener('click', () => void trainNow());

  async function trainNow(): Promise<void> {
    trainBtn.disabled = true;
    try {
      const job = await ctx.api.trainingJobCreate(projectId);
      current = job;
      jobs = [job, ...jobs.filter((j) => j.id !== job.id)];
      render();
    } catch (err) {
      report(err);
    } finally {
      trainBtn.disabled = current !== null && OPEN.has(current.status);
    }
  }

  async function cancel(job: TrainingJob): Promise<void> {
    try {
      const updated = await ctx.api.trainingJobCancel(job.id);
      merge(updated);
    } catch (err) {
      report(err);
    }
  }

  function merge(job: TrainingJob): void {
    jobs = jobs.some((j) => j.id === job.id) ? jobs.map((j) => (j.id === job.id ? job : j)) : [job, ...jobs];
    if (!current || current.id === job.id || OPEN.has(job.status)) current = job;
    render();
  }

  async function refreshJob(id: number): Promise<void> {
    lastLogFetch = Date.now();
    try {
      const job = await ctx.api.trainingJob(id, signal);
      const wasOpen = current?.id === id && OPEN.has(current.status);
      merge(job);
      if (wasOpen && !OPEN.has(job.status)) onFinished(job);
    } catch (err) {
      report(err);
    }
  }

  /** Log lines are not pushed: fetch the job (its log tail) at most every LOG_REFRESH_MS while it runs. */
  function scheduleLogRefresh(id: number): void {
    if (logTimer !== null) return;
    const wait = Math.max(0, LOG_REFRESH_MS - (Date.now() - lastLogFetch));
    logTimer = setTimeout(() => {
      logTimer = null;
      void refreshJob(id);
    }, wait);
  }

  function onEvent(ev: TrainingEvent): void {
    if (typeof ev.job !== 'number') return;
    const known = jobs.find((j) => j.id === ev.job);
    if (!known || ev.type !== 'training.progress') {
      void refreshJob(ev.job); // a new job, or a change of status: the whole record
      return;
    }
    const job: TrainingJob = { ...known, status: ev.status, progress: ev.progress, result_model: ev.result_model };
    merge(job);
    scheduleLogRefresh(ev.job);
  }

  const socket = new ReconnectingSocket<TrainingEvent>({
    url: wsUrl(`/ws/projects/${projectId}/training/`, window.location),
    create: (url) => new WebSocket(url) as unknown as SocketLike,
    onMessage: onEvent,
    onState: (st, info) => {
      socketState.textContent = st === 'open' ? 'live' : st === 'connecting' ? 'connecting…' : info.retryInMs !== undefined ? `reconnecting in ${Math.ceil(info.retryInMs / 1000)} s` : 'offline';
      socketState.dataset.state = st;
    },
    onReopen: () => void load(),
  });

  function phaseSteps(job: TrainingJob): HTMLElement {
    const phase = job.progress.phase;
    const at = PHASES.findIndex(([k]) => k === phase);
    const done = job.status === 'succeeded';
    return h('ol', { class: 'phases' }, ...PHASES.map(([key, label], i) =>
      h('li', { class: done || i < at ? 'done' : i === at && OPEN.has(job.status) ? 'active' : '', 'data-phase': key }, label)));
  }

  function renderCurrent(): void {
    if (!current) {
      currentBox.replaceChildren(h('p', { class: 'muted' }, 'No training run yet. "Train now" fine-tunes the model in use on this project\'s corrections.'));
      return;
    }
    const job = current;
    const p = job.progress ?? {};
    const c = p.current ?? p;
    const total = c.total ?? 0;
    const step = c.step ?? 0;
    const share = total > 0 ? Math.min(1, step / total) : 0;
    const open = OPEN.has(job.status);
    const bar = h('div', { class: 'bar', 'data-testid': 'job-progress-bar' }, h('div', { class: 'fill', style: `width:${(open ? share : job.status === 'succeeded' ? 1 : share) * 100}%` }));
    const gate = (job.metrics as { gate?: { promote?: boolean; reasons?: string[] } }).gate;
    const fig = open ? c.figure : gate ? { name: `gate ${gate.promote ? 'passed' : 'refused'}: ${(gate.reasons ?? []).join('; ')}`, value: null } : null;
    const figure = fig ? (fig.value !== null && fig.value !== undefined ? `${fig.name}: ${Number(fig.value).toFixed(3)}` : fig.name) : '';
    const where = p.phase === 'evaluate' && c.split ? ` (${c.split.replace('_', '-')}, ${c.model})` : '';
    const stats = h('div', { class: 'job-stats' },
      h('span', { 'data-testid': 'job-status', 'data-status': job.status, class: `tag status-${job.status}` }, job.status),
      h('span', { 'data-testid': 'job-phase' }, open ? (p.phase ? `${p.phase}${where}` : 'waiting for a worker') : job.status === 'succeeded' ? 'done' : p.phase ? `stopped during ${p.phase}` : ''),
      h('span', { 'data-testid': 'job-steps' }, open ? (total ? `${step} / ${total}` : '') : p.total ? `${p.step ?? 0} / ${p.total} training steps` : ''),
      h('span', { 'data-testid': 'job-eta' }, open && c.eta_s !== undefined && c.eta_s !== null ? `ETA ${formatDuration(c.eta_s)}` : ''),
      h('span', { 'data-testid': 'job-figure' }, figure));
    const cancelBtn = open ? h('button', { type: 'button', 'data-testid': 'job-cancel', disabled: job.cancel_requested, onclick: () => void cancel(job) }, job.cancel_requested ? 'Cancelling…' : 'Cancel') : null;
    const curve = p.curve ?? [];
    const chart = curve.length >= 2
      ? lineChart([
          { name: 'loss', color: '#98a2b3', points: curve },
          { name: 'smoothed', color: '#1f6feb', points: smooth(curve, Math.max(2, Math.round(curve.length / 15))) },
        ], { xLabel: 'step', yLabel: 'loss', testid: 'loss-curve', width: 460, height: 220, integerX: true })
      : h('p', { class: 'muted', 'data-testid': 'loss-curve-empty' }, 'The loss curve appears once fine-tuning starts.');
    const log = h('pre', { class: 'log', 'data-testid': 'job-log' }, job.log || '');
    currentBox.replaceChildren(
      h('div', { class: 'row' }, h('strong', {}, `Run ${job.id}`), h('span', { class: 'muted' }, `${job.trigger}, started ${job.started_at ? new Date(job.started_at).toLocaleTimeString() : '–'}`), cancelBtn),
      phaseSteps(job), bar, stats,
      h('div', { class: 'job-body' }, chart, log),
    );
    log.scrollTop = log.scrollHeight;
  }

  function renderHistory(): void {
    const gate = (j: TrainingJob) => {
      const g = (j.metrics as { gate?: { promote?: boolean } }).gate;
      return g ? (g.promote ? 'passed' : 'refused') : '';
    };
    const took = (j: TrainingJob) => (j.started_at && j.finished_at ? formatDuration((Date.parse(j.finished_at) - Date.parse(j.started_at)) / 1000) : '');
    history.replaceChildren(
      h('tr', {}, ...['run', 'trigger', 'status', 'created', 'took', 'candidate', 'gate', ''].map((t) => h('th', {}, t))),
      ...jobs.map((j) => h('tr', { 'data-testid': 'training-job', 'data-job-id': j.id, class: current?.id === j.id ? 'selected' : null },
        h('td', {}, j.id), h('td', {}, j.trigger), h('td', {}, j.status), h('td', {}, new Date(j.created_at).toLocaleString()),
        h('td', {}, took(j)), h('td', {}, j.result_model ?? ''), h('td', {}, gate(j)),
        h('td', {}, h('button', { type: 'button', onclick: () => { current = j; render(); void refreshJob(j.id); } }, 'Show')))),
    );
    if (!jobs.length) history.append(h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No runs yet.')));
  }

  function render(): void {
    trainBtn.disabled = current !== null && OPEN.has(current.status);
    renderCurrent();
    renderHistory();
  }

  async function load(): Promise<void> {
    try {
      jobs = await ctx.api.trainingJobs(projectId, signal);
      current = jobs.find((j) => OPEN.has(j.status)) ?? (current ? jobs.find((j) => j.id === current!.id) ?? null : jobs[0] ?? null);
      render();
    } catch (err) {
      report(err);
    }
  }

  return {
    el,
    load,
    dispose: () => {
      socket.close();
      clearInterval(poll);
      if (logTimer !== null) clearTimeout(logTimer);
    },
  };
}
