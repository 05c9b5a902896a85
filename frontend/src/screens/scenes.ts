import type { Screen } from '../app';
import { stackApi } from '../data/stack';
import type { Project, Scene } from '../types';
import { mountPairsPanel } from '../pairs/pairsPanel';
import { h } from '../ui/dom';
import { composeSceneForm } from './composeScene';

/** While a scene is ingesting the list is polled (progress over the WebSocket comes later). */
const POLL_MS = 4000;

export const mountScenes: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'scenes') throw new Error('scenes screen mounted on another route');
  const { projectId } = route;
  const aborter = new AbortController();
  let timer: number | undefined;

  const title = h('h1', {}, 'Scenes');
  const list = h('ul', { class: 'items', 'data-testid': 'scene-list' }, h('li', { class: 'muted' }, 'Loading…'));
  const nextTask = async (): Promise<void> => {
    try {
      const task = await ctx.api.taskNext(projectId, null);
      if (task) ctx.navigate({ name: 'annotate', projectId, sceneId: task.scene, taskId: task.id });
      else ctx.report(new Error('No free task in this project right now.'), `next-task-${projectId}`);
    } catch (err) {
      ctx.report(err);
    }
  };
  // Exports are for reviewers and admins, imports for admins: the links show once the role is known.
  const exportsLink = h('a', { href: `#/projects/${projectId}/exports`, 'data-testid': 'exports-link', hidden: true }, 'Exports');
  const importsLink = h('a', { href: `#/projects/${projectId}/imports`, 'data-testid': 'imports-link', hidden: true }, 'Import');
  const projectBar = h(
    'div',
    { class: 'project-bar' },
    h('button', { type: 'button', 'data-testid': 'next-task', onclick: () => void nextTask() }, 'Next task'),
    h('a', { href: `#/projects/${projectId}/review`, 'data-testid': 'review-link' }, 'Review queue'),
    h('a', { href: `#/projects/${projectId}/admin`, 'data-testid': 'admin-link' }, 'Admin'),
    exportsLink,
    importsLink,
    h('a', { href: `#/projects/${projectId}/models`, 'data-testid': 'models-link' }, 'Models'),
    h('a', { href: `#/projects/${projectId}/settings`, 'data-testid': 'settings-link' }, 'Settings'),
  );
  const compose = h('div', { hidden: true });
  const pairsBox = h('div', { class: 'pairs-panel', 'data-testid': 'pairs-panel' });
  el.append(h('section', { class: 'panel' }, h('a', { href: '#/', class: 'back' }, '← Projects'), title, projectBar, compose, list, pairsBox));
  const disposePairs = mountPairsPanel(pairsBox, ctx, projectId);

  ctx.api.projects(aborter.signal).then(
    (projects: Project[]) => {
      const project = projects.find((p) => p.id === projectId);
      title.textContent = project ? `Scenes of ${project.name}` : `Scenes of project ${projectId}`;
      exportsLink.hidden = !(project?.role === 'reviewer' || project?.role === 'admin');
      importsLink.hidden = project?.role !== 'admin';
      if (project?.role === 'admin') {
        compose.replaceChildren(composeSceneForm(projectId, stackApi(ctx.api), () => { window.clearTimeout(timer); load(); }, (err, key) => ctx.report(err, key)));
        compose.hidden = false;
      }
    },
    (err: unknown) => ctx.report(err),
  );

  const load = (): void => {
    ctx.api.scenes(projectId, aborter.signal).then(
      (scenes) => {
        list.replaceChildren(
          ...(scenes.length ? scenes.map((s) => sceneItem(projectId, s)) : [h('li', { class: 'muted' }, 'No scenes yet.')]),
        );
        if (scenes.some((s) => s.status === 'ingesting')) timer = window.setTimeout(load, POLL_MS);
      },
      (err: unknown) => {
        list.replaceChildren(h('li', { class: 'muted' }, 'Could not load the scenes.'));
        ctx.report(err);
      },
    );
  };
  load();

  return () => {
    aborter.abort();
    window.clearTimeout(timer);
    disposePairs();
  };
};

function sceneItem(projectId: number, scene: Scene): HTMLLIElement {
  // the name opens the scene page (its map and render-recipe editor)
  const name =
    scene.status === 'ready'
      ? h('a', { href: `#/projects/${projectId}/scenes/${scene.id}`, title: 'Scene page: map and render recipe' }, scene.name)
      : h('span', {}, scene.name);
  return h(
    'li',
    { 'data-testid': 'scene-item', 'data-scene-id': scene.id, 'data-status': scene.status, class: scene.status },
    name,
    h('span', { class: `tag status-${scene.status}` }, scene.status === 'ingesting' ? `ingesting ${Math.round(scene.progress * 100)}%` : scene.status),
    scene.status === 'ready' && h('span', { class: 'muted' }, describeScene(scene)),
    scene.status === 'ready' &&
      h('button', { type: 'button', 'data-testid': 'annotate-link', onclick: () => { window.location.hash = `#/projects/${projectId}/scenes/${scene.id}/annotate`; } }, 'Annotate'),
    scene.status === 'failed' && h('span', { class: 'reason' }, scene.status_reason),
  );
}

export function describeScene(scene: Scene): string {
  const bands = `${scene.band_count} band${scene.band_count === 1 ? '' : 's'}`;
  const gsd = scene.gsd ? `, ${formatGsd(scene.gsd)}` : '';
  return `${scene.width}×${scene.height} px, ${bands} ${scene.dtype}, ${scene.crs}${gsd}`;
}

function formatGsd(gsd: number): string {
  return gsd < 1 ? `${(gsd * 100).toFixed(0)} cm/px` : `${gsd.toFixed(gsd < 10 ? 1 : 0)} m/px`;
}
