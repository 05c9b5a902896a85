// The training settings (every-N-corrections threshold, steps, learning rate, clicks, gate tolerances,
// auto-promotion) and the retraining schedule (preset or custom crontab, enabled, next run), edited with validation.
import { ApiError } from '../../api';
import type { Ctx } from '../../app';
import { PRESETS, crontabProblem, describeCrontab, presetOf, type Preset } from '../../models/crontab';
import type { SettingRange, TrainingSchedule, TrainingSettings } from '../../types';
import { h } from '../../ui/dom';

const LABELS: Record<string, string> = {
  retrain_every_n: 'Train after every N corrections (0: off)',
  auto_promote: 'Promote automatically when the gate passes',
  train_steps: 'Fine-tuning steps',
  train_lr: 'Learning rate',
  train_max_clicks: 'Most simulated clicks per sample',
  train_iou_weight: 'Weight: quality-head regression on real IoU',
  train_rank_weight: 'Weight: ranking of candidates (0: off)',
  eval_max_clicks: 'Clicks per object in evaluation',
  held_out_share: 'Held-out share of blocks',
  split_block_m: 'Spatial block size (m, 0: from the objects)',
  gate_alpha: 'Gate significance level (paired test)',
  gate_tolerance_iou: 'Gate tolerance: mIoU / ECE',
  gate_tolerance_clicks: 'Gate tolerance: NoC (clicks)',
  gate_benchmark: 'Also score on the Atlanta benchmark',
};

/** Field errors of a DRF/GeoLoop 400: {"field": ["msg"]} or {"field": "name", "detail": "msg"}. */
export function fieldErrors(err: unknown): Record<string, string> {
  if (!(err instanceof ApiError) || err.status !== 400 || !err.body || typeof err.body !== 'object') return {};
  const body = err.body as Record<string, unknown>;
  if (typeof body.field === 'string' && typeof body.detail === 'string') return { [body.field]: body.detail };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) out[k] = v.map(String).join(' ');
    else if (typeof v === 'string' && k !== 'code' && k !== 'detail') out[k] = v;
  }
  return out;
}

export function createSettingsForm(ctx: Ctx, projectId: number, signal: AbortSignal, report: (err: unknown) => void): { el: HTMLElement; load(): Promise<void> } {
  const form = h('form', { class: 'settings-form', 'data-testid': 'training-settings', novalidate: true });
  const saved = h('span', { class: 'muted', 'data-testid': 'settings-saved' });
  let inputs: Record<string, HTMLInputElement> = {};
  let errors: Record<string, HTMLElement> = {};

  function field(key: string, value: number | boolean, r: SettingRange): HTMLElement {
    const err = h('span', { class: 'field-error', 'data-testid': 'setting-error', 'data-setting': key });
    const input = r.kind === 'bool'
      ? h('input', { type: 'checkbox', checked: Boolean(value), 'data-setting': key })
      : h('input', { type: 'number', value: String(value), min: r.min ?? '', max: r.max ?? '', step: r.kind === 'int' ? 1 : 'any', required: true, 'data-setting': key });
    inputs[key] = input;
    errors[key] = err;
    const range = r.kind === 'bool' ? '' : `${r.min}–${r.max}`;
    return h('label', { class: r.kind === 'bool' ? 'check' : '', title: r.help }, h('span', {}, LABELS[key] ?? key, range ? h('small', { class: 'muted' }, ` (${range})`) : null), input, err);
  }

  function render(data: TrainingSettings): void {
    inputs = {};
    errors = {};
    const settings: Record<string, number | boolean | undefined> = data.settings;
    const fields = Object.entries(data.ranges).map(([k, r]) => field(k, settings[k] ?? (r.kind === 'bool' ? false : 0), r));
    form.replaceChildren(h('div', { class: 'settings-grid' }, ...fields), h('div', { class: 'row' }, h('button', { type: 'submit', 'data-testid': 'settings-save' }, 'Save settings'), saved));
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });

  async function save(): Promise<void> {
    for (const el of Object.values(errors)) el.textContent = '';
    saved.textContent = '';
    const values: Record<string, number | boolean> = {};
    for (const [k, input] of Object.entries(inputs)) {
      if (input.type === 'checkbox') values[k] = input.checked;
      else if (input.value.trim() === '' || !Number.isFinite(Number(input.value))) {
        errors[k]!.textContent = 'A number is needed.';
        return;
      } else values[k] = Number(input.value);
    }
    try {
      render(await ctx.api.trainingSettingsUpdate(projectId, values));
      saved.textContent = 'Saved.';
    } catch (err) {
      const fe = fieldErrors(err);
      const known = Object.keys(fe).filter((k) => errors[k]);
      for (const k of known) errors[k]!.textContent = fe[k]!;
      if (!known.length) report(err);
    }
  }

  return {
    el: form,
    load: async () => {
      try {
        render(await ctx.api.trainingSettings(projectId, signal));
      } catch (err) {
        report(err);
      }
    },
  };
}

export function createScheduleForm(ctx: Ctx, projectId: number, signal: AbortSignal, report: (err: unknown) => void): { el: HTMLElement; load(): Promise<void> } {
  const preset = h('select', { 'data-testid': 'schedule-preset' },
    h('option', { value: 'nightly' }, 'Nightly (02:00)'), h('option', { value: 'weekly' }, 'Weekly (Sunday 02:00)'), h('option', { value: 'custom' }, 'Custom crontab'));
  const cron = h('input', { type: 'text', 'data-testid': 'schedule-crontab', placeholder: 'minute hour day-of-month month day-of-week', style: 'width:16rem' });
  const enabled = h('input', { type: 'checkbox', 'data-testid': 'schedule-enabled', checked: true });
  const problem = h('span', { class: 'field-error', 'data-testid': 'schedule-error' });
  const status = h('p', { class: 'muted', 'data-testid': 'schedule-status' });
  const removeBtn = h('button', { type: 'button', 'data-testid': 'schedule-remove' }, 'Remove schedule');
  const form = h('form', { class: 'schedule-form', 'data-testid': 'schedule-form', novalidate: true },
    h('div', { class: 'row' }, preset, cron, h('label', { class: 'check' }, enabled, 'enabled'), h('button', { type: 'submit', 'data-testid': 'schedule-save' }, 'Save schedule'), removeBtn),
    problem, status);

  const syncCron = () => {
    const p = preset.value as Preset;
    if (p !== 'custom') cron.value = PRESETS[p];
    cron.disabled = p !== 'custom';
  };
  preset.addEventListener('change', syncCron);
  cron.addEventListener('input', () => {
    problem.textContent = crontabProblem(cron.value) ?? '';
  });

  function show(s: TrainingSchedule | null): void {
    removeBtn.hidden = s === null;
    if (!s) {
      status.textContent = 'No schedule: runs start by hand or after every N corrections.';
      status.dataset.state = 'none';
      return;
    }
    preset.value = presetOf(s.crontab);
    cron.value = s.crontab;
    enabled.checked = s.enabled;
    syncCron();
    const next = s.enabled && s.next_run_at ? `next run ${new Date(s.next_run_at).toLocaleString()}` : 'disabled';
    const last = s.last_run_at ? `, last ran ${new Date(s.last_run_at).toLocaleString()}` : '';
    status.textContent = `Retrains ${describeCrontab(s.crontab)} (${s.timezone}): ${next}${last}.`;
    status.dataset.state = s.enabled ? 'enabled' : 'disabled';
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = preset.value as Preset;
    const expr = cron.value.trim();
    const bad = p === 'custom' ? crontabProblem(expr) : null;
    problem.textContent = bad ?? '';
    if (bad) return;
    const body = p === 'custom' ? { crontab: expr, enabled: enabled.checked } : { preset: p, enabled: enabled.checked };
    ctx.api.trainingScheduleSet(projectId, body).then((r) => show(r.schedule), (err: unknown) => {
      const fe = fieldErrors(err);
      if (fe.crontab || fe.preset) problem.textContent = fe.crontab ?? fe.preset ?? '';
      else report(err);
    });
  });
  removeBtn.addEventListener('click', () => {
    ctx.api.trainingScheduleDelete(projectId).then(() => show(null), report);
  });

  syncCron();
  return {
    el: form,
    load: async () => {
      try {
        show((await ctx.api.trainingSchedule(projectId, signal)).schedule);
      } catch (err) {
        report(err);
      }
    },
  };
}
