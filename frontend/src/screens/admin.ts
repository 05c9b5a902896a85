// Project admin for daily work: members and roles, cutting scenes into tasks, and the way to the Models screen
// (training, schedules, model versions). Everything else stays in the Django admin.
import type { Screen } from '../app';
import type { Member, Role, Scene } from '../types';
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
  el.append(
    h('section', { class: 'panel admin' },
      h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'),
      h('h1', {}, 'Project admin'),
      h('p', {}, h('a', { href: `#/projects/${projectId}/settings`, 'data-testid': 'admin-settings-link' }, 'Label classes and their attributes: project settings')),
      h('h2', {}, 'Members'), members, memberForm,
      h('h2', {}, 'Cut scenes into tasks'),
      h('p', { class: 'muted' }, 'Square cells in metres from the scene\'s top-left corner; a piece smaller than a quarter of a cell merges with its neighbour (no slivers).'),
      scenes,
      h('h2', {}, 'Models'),
      h('p', {}, 'Training runs, schedules, training settings, model versions (promote, roll back) and comparisons: ',
        h('a', { href: `#/projects/${projectId}/models`, 'data-testid': 'models-link' }, 'open the Models screen'), '.')),
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

  void loadMembers();
  void loadScenes();
  return () => aborter.abort();
};
