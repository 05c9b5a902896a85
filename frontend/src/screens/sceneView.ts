import type { Screen } from '../app';
import { createSceneMap, type SceneMap } from '../map/sceneMap';
import type { Scene } from '../types';
import { h } from '../ui/dom';
import { describeScene } from './scenes';

export const mountSceneView: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  if (route.name !== 'scene') throw new Error('scene screen mounted on another route');
  const { projectId, sceneId } = route;
  const aborter = new AbortController();
  let sceneMap: SceneMap | null = null;
  const tileErrorKey = `tiles-${sceneId}`;

  const title = h('h1', {}, `Scene ${sceneId}`);
  const info = h('p', { class: 'muted', 'data-testid': 'scene-info' });
  const mapEl = h('div', { class: 'map', 'data-testid': 'map' });
  const mousePosition = h('div', { class: 'mouse-position', 'data-testid': 'mouse-position', title: 'lon, lat (EPSG:4326)' });
  el.append(
    h(
      'section',
      { class: 'scene-view' },
      h('div', { class: 'scene-head' }, h('a', { href: `#/projects/${projectId}`, class: 'back' }, '← Scenes'), title, info, mousePosition),
      mapEl,
    ),
  );

  const show = (scene: Scene): void => {
    if (aborter.signal.aborted) return; // the screen was left while the answer was on its way
    title.textContent = scene.name;
    info.textContent = describeScene(scene);
    if (scene.status !== 'ready') {
      info.textContent = `This scene is ${scene.status}${scene.status_reason ? `: ${scene.status_reason}` : ''}.`;
      return;
    }
    sceneMap = createSceneMap({
      target: mapEl,
      scene,
      mousePositionTarget: mousePosition,
      onTileError: (failed, tile) =>
        ctx.report(new Error(`${failed} tile${failed === 1 ? '' : 's'} of this scene failed to load (last: ${tile})`), tileErrorKey),
    });
  };

  ctx.api.scene(sceneId, aborter.signal).then(show, (err: unknown) => ctx.report(err));

  return () => {
    aborter.abort();
    sceneMap?.dispose();
    ctx.dismiss(tileErrorKey);
  };
};
