import { describe, expect, it } from 'vitest';
import { hashBbox, parseRoute, routeToHash, type Route } from './router';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['', { name: 'projects' }],
    ['#', { name: 'projects' }],
    ['#/', { name: 'projects' }],
    ['#/projects', { name: 'projects' }],
    ['#/projects/3', { name: 'scenes', projectId: 3 }],
    ['#/projects/3/', { name: 'scenes', projectId: 3 }],
    ['#/projects/3/scenes/7', { name: 'scene', projectId: 3, sceneId: 7 }],
    ['#/projects/3/scenes/7?x=1', { name: 'scene', projectId: 3, sceneId: 7 }],
    ['#/projects/0', { name: 'notFound', path: '/projects/0' }],
    ['#/projects/abc', { name: 'notFound', path: '/projects/abc' }],
    ['#/projects/3/scenes/', { name: 'notFound', path: '/projects/3/scenes/' }],
    ['#/elsewhere', { name: 'notFound', path: '/elsewhere' }],
    ['#/projects/3/scenes/7/annotate', { name: 'annotate', projectId: 3, sceneId: 7, taskId: null }],
    ['#/projects/3/scenes/7/tasks/11', { name: 'annotate', projectId: 3, sceneId: 7, taskId: 11 }],
    ['#/projects/3/review', { name: 'review', projectId: 3 }],
    ['#/projects/3/admin/', { name: 'admin', projectId: 3 }],
    ['#/projects/3/models', { name: 'models', projectId: 3 }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips with routeToHash', () => {
    const routes: Route[] = [
      { name: 'projects' },
      { name: 'scenes', projectId: 12 },
      { name: 'scene', projectId: 12, sceneId: 345 },
      { name: 'annotate', projectId: 1, sceneId: 2, taskId: null },
      { name: 'annotate', projectId: 1, sceneId: 2, taskId: 3 },
      { name: 'review', projectId: 4 },
      { name: 'admin', projectId: 4 },
      { name: 'models', projectId: 4 },
    ];
    for (const route of routes) expect(parseRoute(routeToHash(route))).toEqual(route);
  });
});

describe('hashBbox', () => {
  it('reads a lon/lat box to zoom to, refusing anything malformed', () => {
    expect(hashBbox('#/projects/1/scenes/2/annotate?bbox=-84.4,33.7,-84.39,33.71')).toEqual([-84.4, 33.7, -84.39, 33.71]);
    expect(hashBbox('#/projects/1/scenes/2/annotate')).toBeNull();
    expect(hashBbox('#/x?bbox=1,2,3')).toBeNull();
    expect(hashBbox('#/x?bbox=3,2,1,4')).toBeNull();
    expect(hashBbox('#/x?bbox=a,b,c,d')).toBeNull();
    expect(hashBbox('#/x?bbox=-190,0,0,1')).toBeNull();
  });
});

describe('pair route', () => {
  it('parses and prints the pair screen', () => {
    expect(parseRoute('#/projects/3/pairs/9')).toEqual({ name: 'pair', projectId: 3, pairId: 9 });
    expect(routeToHash({ name: 'pair', projectId: 3, pairId: 9 })).toBe('#/projects/3/pairs/9');
    expect(parseRoute('#/projects/3/pairs/0').name).toBe('notFound');
  });
});
