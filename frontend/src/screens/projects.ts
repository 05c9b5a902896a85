import type { Screen } from '../app';
import type { Project } from '../types';
import { h } from '../ui/dom';

export const mountProjects: Screen = (el, ctx) => {
  const aborter = new AbortController();
  const list = h('ul', { class: 'items', 'data-testid': 'project-list' }, h('li', { class: 'muted' }, 'Loading…'));
  el.append(h('section', { class: 'panel' }, h('h1', {}, 'Projects'), list));

  ctx.api.projects(aborter.signal).then((projects) => {
    list.replaceChildren(
      ...(projects.length ? projects.map(projectItem) : [h('li', { class: 'muted' }, 'You are not a member of any project yet.')]),
    );
  }, (err: unknown) => {
    list.replaceChildren(h('li', { class: 'muted' }, 'Could not load the projects.'));
    ctx.report(err);
  });

  return () => aborter.abort();
};

function projectItem(project: Project): HTMLLIElement {
  return h(
    'li',
    { 'data-testid': 'project-item', 'data-project-id': project.id, class: project.archived ? 'archived' : null },
    h('a', { href: `#/projects/${project.id}` }, project.name),
    h('span', { class: 'tag' }, project.slug),
    project.role && h('span', { class: 'tag' }, project.role),
    project.archived && h('span', { class: 'tag' }, 'archived'),
  );
}
