// The task under work: its lease (renewed by heartbeats while the screen is open, with a warning before it
// expires), "next task" and "submit task".
import { ApiError } from '../../api';
import { hasPrompts } from '../../annotate/promptSession';
import { isEmpty } from '../../annotate/editor';
import { formatDuration, leaseStatus } from '../../annotate/lease';
import type { Shared } from './context';

export interface Tasks {
  heartbeat(): Promise<void>;
  nextTask(): Promise<void>;
  submitTask(): Promise<void>;
  dispose(): void;
}

export function createTasks(sh: Shared, editing: { leaveEdit(): Promise<boolean> }): Tasks {
  const { ctx, state, view, taskId, aborter } = sh;
  let leaseTimer: number | undefined;
  let skewMs = 0;
  let lastBeat = 0;

  function scheduleLease(): void {
    window.clearTimeout(leaseTimer);
    const st = state.task ? leaseStatus(state.task.lease_expires_at, Date.now(), skewMs) : null;
    if (!st) {
      view.leaseInfo.textContent = '';
      return;
    }
    view.leaseInfo.textContent = st.expired ? 'lease expired' : `lease ${formatDuration(st.msLeft)}`;
    view.leaseInfo.className = `lease-info${st.warn || st.expired ? ' warn' : ''}`;
    if (st.warn) sh.showNotice(`Your lease on task ${state.task!.id} expires in ${formatDuration(st.msLeft)}: keep the tab open and online, or submit.`);
    leaseTimer = window.setTimeout(() => void heartbeat(), Math.min(st.nextHeartbeatMs, 10_000));
  }

  async function heartbeat(): Promise<void> {
    if (!state.task) return;
    const st = leaseStatus(state.task.lease_expires_at, Date.now(), skewMs);
    if (st && Date.now() - lastBeat < st.nextHeartbeatMs && !st.expired) {
      scheduleLease(); // only refresh the countdown
      return;
    }
    try {
      state.task = await ctx.api.taskHeartbeat(state.task.id);
      lastBeat = Date.now();
      skewMs = 0;
      ctx.dismiss(`lease-${taskId}`);
    } catch (err) {
      if (!aborter.signal.aborted) ctx.report(err instanceof ApiError ? new Error(`Could not renew the lease on task ${state.task.id}: ${err.message}`) : err, `lease-${taskId}`);
    }
    if (!aborter.signal.aborted) scheduleLease();
  }

  async function nextTask(): Promise<void> {
    if (!(await editing.leaveEdit())) return;
    try {
      const t = await ctx.api.taskNext(sh.projectId, null);
      if (!t) {
        sh.showNotice('No free task in this project right now.');
        return;
      }
      ctx.navigate({ name: 'annotate', projectId: sh.projectId, sceneId: t.scene, taskId: t.id });
    } catch (err) {
      sh.report(err);
    }
  }

  async function submitTask(): Promise<void> {
    if (!state.task) return;
    if (!isEmpty(sh.history.present) && !(await editing.leaveEdit())) return;
    if (hasPrompts(sh.history.present.session) && !window.confirm('Your current mask is not accepted. Submit anyway?')) return;
    try {
      state.task = await ctx.api.taskSubmit(state.task.id);
      window.clearTimeout(leaseTimer);
      sh.drafts.clear();
      view.taskInfo.textContent = `Task ${state.task.id}: ${state.task.status}`;
      view.leaseInfo.textContent = '';
      sh.showNotice(`Task ${state.task.id} submitted.`);
      view.submitBtn.disabled = true;
    } catch (err) {
      sh.report(err);
    }
  }

  return { heartbeat, nextTask, submitTask, dispose: () => window.clearTimeout(leaseTimer) };
}
