// Project admin for daily work: members and roles, cutting scenes into tasks, the model versions (promote against
// the gate only with a reason, roll back in one action).
// Everything else stays in the Django admin.
import type { Screen } from '../app';
import type { Member, ModelVersionRow, Role, Scene } from '../types';
import { h } from '../ui/dom';

const ROLES: Role[] = ['annotator', 'reviewer', 'admin'];

export const mountAdmin: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'admin') throw new Error('admin screen mounted on another route');
  const { projectId } = route;
  const aborter = new AbortController();
  const report = (err: unknown) => ctx.report(err, `admin-${projectId}`);

  const members = h('table', { class: 'grid', 'data-testid': 'member-list' });
  const username = h('input', { type: 'text', placeholder: 'username', 'data-testid': 'member-username', required: true });
  const role = h('select', { 'data-testid': 'member-role' }, ...ROLES.map((r) => h('option', { value: r }, r)));
  const memberForm = h('form', { class: 'inline-form', 'data-testid': 'member-form' }, username, role, h('button', { type: 'submit' }, 'Add / set role'));
  const scenes = h('table', { class: 'grid', 'data-testid': 'task-scenes' });
  const versions = h('table', { class: 'grid', 'data-testid': 'model-versions' });
  el.append(
    h('section', { class: 'panel admin' },
      h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'),
      h('h1', {}, 'Project admin'),
      h('p', {}, h('a', { href: `#/projects/${projectId}/settings`, 'data-testid': 'admin-settings-link' }, 'Label classes and their attributes: project settings')),
      h('h2', {}, 'Members'), members, memberForm,
      h('h2', {}, 'Cut scenes into tasks'),
      h('p', { class: 'muted' }, 'Square cells in metres from the scene\'s top-left corner; a piece smaller than a quarter of a cell merges with its neighbour (no slivers).'),
      scenes,
      h('h2', {}, 'Model versions'), versions),
  );

  const loadMembers = async () => {
    try {
      const list = await ctx.api.members(projectId, aborter.signal);
      members.replaceChildren(h('tr', {}, h('th', {}, 'user'), h('th', {}, 'role'), h('th', {})), ...list.map(memberRow));
    } catch (err) {
      report(err);
    }
  };
  const memberRow = (m: Member) => {
    const select = h('select', { 'data-testid': 'member-role-select', onchange: () => void setRole(m.username, select.value as Role) },
      ...ROLES.map((r) => h('option', { value: r, selected: r === m.role }, r)));
    return h('tr', { 'data-testid': 'member-item', 'data-username': m.username }, h('td', {}, m.username), h('td', {}, select),
      h('td', {}, h('button', { type: 'button', onclick: () => void removeMember(m) }, 'Remove')));
  };
  const setRole = async (name: string, r: Role) => {
    try {
      await ctx.api.memberSet(projectId, name, r);
      await loadMembers();
    } catch (err) {
      report(err);
    }
  };
  const removeMember = async (m: Member) => {
    if (!window.confirm(`Remove ${m.username} from the project?`)) return;
    try {
      await ctx.api.memberRemove(projectId, m.user_id);
      await loadMembers();
    } catch (err) {
      report(err);
    }
  };
  memberForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void setRole(username.value.trim(), role.value as Role).then(() => (username.value = ''));
  });

  const sceneRow = (s: Scene, taskCount: number) => {
    const cell = h('input', { type: 'number', min: 10, step: 10, value: 100, 'data-testid': 'task-cell-size', style: 'width:6rem' });
    const out = h('span', { class: 'muted', 'data-testid': 'task-count' }, `${taskCount} task${taskCount === 1 ? '' : 's'}`);
    const cut = async () => {
      try {
        const r = await ctx.api.taskGrid(s.id, Number(cell.value));
        out.textContent = `${taskCount + r.count} tasks (${r.count} new)`;
      } catch (err) {
        report(err);
      }
    };
    return h('tr', { 'data-testid': 'task-scene', 'data-scene-id': s.id }, h('td', {}, s.name),
      h('td', {}, cell, ' m cells'), h('td', {}, h('button', { type: 'button', 'data-testid': 'task-grid', onclick: () => void cut(), disabled: s.status !== 'ready' }, 'Cut into tasks')), h('td', {}, out));
  };
  const loadScenes = async () => {
    try {
      const [list, tasks] = await Promise.all([ctx.api.scenes(projectId, aborter.signal), ctx.api.tasks(projectId, null, aborter.signal)]);
      scenes.replaceChildren(...list.map((s) => sceneRow(s, tasks.filter((t) => t.scene === s.id).length)));
    } catch (err) {
      report(err);
    }
  };

  const metric = (v: number | null | undefined) => (v === null || v === undefined ? '–' : Number(v).toFixed(2));
  const gateText = (v: ModelVersionRow) => (v.gate_passed === true ? 'passed' : v.gate_passed === false ? 'refused' : 'not run');
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await loadVersions();
    } catch (err) {
      report(err);
    }
  };
  // A version the gate did not pass is promoted only with a reason, typed in a form that opens under its row.
  const promoteForm = (v: ModelVersionRow) => {
    const reason = h('input', { type: 'text', required: true, minlength: 10, placeholder: 'why promote against the gate (kept in the audit trail)', 'data-testid': 'override-reason', style: 'width:28rem' });
    const form = h('form', { class: 'inline-form', 'data-testid': 'override-form' }, reason, h('button', { type: 'submit' }, 'Promote anyway'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void act(() => ctx.api.modelVersionPromote(v.id, reason.value.trim()));
    });
    return h('tr', { class: 'override' }, h('td', { colspan: 11 }, form));
  };
  const actions = (v: ModelVersionRow, row: HTMLElement) => {
    if (v.in_use) return h('td', {});
    const buttons: HTMLElement[] = [];
    if (v.project !== null && v.state !== 'active') {
      buttons.push(h('button', { type: 'button', 'data-testid': 'version-promote', onclick: () => {
        if (v.gate_passed === true) void act(() => ctx.api.modelVersionPromote(v.id, ''));
        else if (!row.nextElementSibling?.classList.contains('override')) row.after(promoteForm(v));
      } }, 'Promote'));
    }
    if (v.project === null || v.promoted_at) {
      buttons.push(h('button', { type: 'button', 'data-testid': 'version-rollback', onclick: () => {
        if (window.confirm(`Roll back to ${v.name}? Prompts will use it at once.`)) void act(() => ctx.api.modelVersionRollback(v.id, projectId));
      } }, 'Roll back to'));
    }
    return h('td', {}, ...buttons);
  };
  const versionRow = (v: ModelVersionRow) => {
    const row = h('tr', { 'data-testid': 'model-version', 'data-version-id': v.id, class: v.in_use ? 'in-use' : null },
      h('td', {}, v.name), h('td', {}, v.state), h('td', {}, v.in_use ? 'yes' : ''), h('td', {}, v.parent ?? ''),
      h('td', {}, metric(v.held_out?.['NoC@85'])), h('td', {}, metric(v.held_out?.['mIoU@1'])),
      h('td', {}, metric(v.benchmark?.['NoC@85'])), h('td', { 'data-testid': 'version-gate' }, gateText(v)),
      h('td', {}, v.promoted_at ? new Date(v.promoted_at).toLocaleString() : ''), h('td', { 'data-testid': 'version-override' }, v.override_reason));
    row.append(actions(v, row));
    return row;
  };
  const loadVersions = async () => {
    try {
      const { versions: rows } = await ctx.api.modelVersions(projectId, aborter.signal);
      versions.replaceChildren(
        h('tr', {}, ...['name', 'state', 'in use', 'parent', 'NoC@85 held-out', 'mIoU@1 held-out', 'NoC@85 benchmark', 'gate', 'promoted', 'override reason', ''].map((t) => h('th', {}, t))),
        ...rows.map(versionRow),
      );
      if (!rows.length) versions.append(h('tr', {}, h('td', { colspan: 11, class: 'muted' }, 'No model versions yet.')));
    } catch (err) {
      report(err);
    }
  };

  void loadMembers();
  void loadScenes();
  void loadVersions();
  return () => aborter.abort();
};
