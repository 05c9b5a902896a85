// The shell: header, error banner, and one mounted screen chosen from (user, route).
import { ApiError, isAbort, type Api } from './api';
import { navigate, routeToHash, type Route } from './router';
import { mountLogin } from './screens/login';
import { mountProjects } from './screens/projects';
import { mountScenes } from './screens/scenes';
import { mountSceneView } from './screens/sceneView';
import { mountAnnotate } from './screens/annotate';
import { mountReview } from './screens/review';
import { mountPair } from './screens/pair';
import { mountAdmin } from './screens/admin';
import { mountExports } from './screens/exports';
import { mountImports } from './screens/imports';
import { mountModels } from './screens/models';
import { mountSettings } from './screens/settings';
import { createStore, type Store } from './store';
import type { User } from './types';
import { h } from './ui/dom';
import { renderErrorBanner } from './ui/errorBanner';

export interface AppError {
  id: number;
  /** Errors with the same key replace each other (e.g. one line for all failed tiles of a map). */
  key: string | null;
  message: string;
}

export interface AppState {
  /** undefined while /api/auth/me/ is pending; null when nobody is logged in. */
  user: User | null | undefined;
  route: Route;
  errors: AppError[];
}

export interface Ctx {
  api: Api;
  store: Store<AppState>;
  /** Shows an error in the banner (ignores aborted requests; a 401 sends the user to the login form). */
  report(err: unknown, key?: string): void;
  dismiss(key: string): void;
  navigate(route: Route): void;
}

/** A screen renders into `el` and returns its clean-up (abort requests, dispose the map, close sockets). */
export type Screen = (el: HTMLElement, ctx: Ctx) => () => void;

let nextErrorId = 1;

export function createAppStore(route: Route): Store<AppState> {
  return createStore<AppState>({ user: undefined, route, errors: [] });
}

export function createApp(root: HTMLElement, api: Api, store: Store<AppState>): Ctx {
  const ctx: Ctx = {
    api,
    store,
    navigate,
    report(err, key) {
      if (isAbort(err)) return;
      if (err instanceof ApiError && err.isUnauthenticated && store.get().user) {
        store.set({ user: null });
      }
      const message = err instanceof Error ? err.message : String(err);
      console.error(err);
      const errors = store.get().errors.filter((e) => key === undefined || e.key !== key);
      store.set({ errors: [...errors, { id: nextErrorId++, key: key ?? null, message }] });
    },
    dismiss(key) {
      store.set({ errors: store.get().errors.filter((e) => e.key !== key) });
    },
  };

  const userBox = h('div', { class: 'user' });
  const banner = h('div', { class: 'error-banner', role: 'alert', 'data-testid': 'error-banner', hidden: true });
  const outlet = h('main', { class: 'outlet' });
  root.replaceChildren(
    h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '#/' }, 'GeoLoop'), userBox),
    banner,
    outlet,
  );

  let mounted: { key: string; dispose: () => void } | null = null;

  function screenFor(state: AppState): [string, Screen | null] {
    if (state.user === undefined) return ['loading', null];
    if (state.user === null) return ['login', mountLogin];
    const key = routeToHash(state.route);
    switch (state.route.name) {
      case 'projects':
        return [key, mountProjects];
      case 'scenes':
        return [key, mountScenes];
      case 'scene':
        return [key, mountSceneView];
      case 'annotate':
        return [key, mountAnnotate];
      case 'pair':
        return [key, mountPair];
      case 'review':
        return [key, mountReview];
      case 'admin':
        return [key, mountAdmin];
      case 'exports':
        return [key, mountExports];
      case 'imports':
        return [key, mountImports];
      case 'models':
        return [key, mountModels];
      case 'settings':
        return [key, mountSettings];
      case 'notFound':
        return [key, mountNotFound];
    }
  }

  function renderUser(user: User | null | undefined): void {
    if (!user) {
      userBox.replaceChildren();
      return;
    }
    const logout = async () => {
      try {
        await api.logout();
        store.set({ user: null, errors: [] });
      } catch (err) {
        ctx.report(err);
      }
    };
    userBox.replaceChildren(
      h('span', { 'data-testid': 'current-user' }, user.username),
      h('button', { type: 'button', 'data-testid': 'logout', onclick: logout }, 'Log out'),
    );
  }

  function render(state: AppState, previous: AppState | null): void {
    if (!previous || state.errors !== previous.errors) {
      renderErrorBanner(banner, state.errors, (id) =>
        store.set({ errors: store.get().errors.filter((e) => e.id !== id) }),
      );
    }
    if (!previous || state.user !== previous.user) renderUser(state.user);
    const [key, screen] = screenFor(state);
    if (mounted?.key === key) return;
    mounted?.dispose();
    outlet.replaceChildren();
    if (screen === null) {
      outlet.append(h('p', { class: 'muted' }, 'Loading…'));
      mounted = { key, dispose: () => undefined };
    } else {
      mounted = { key, dispose: screen(outlet, ctx) };
    }
  }

  store.subscribe(render);
  render(store.get(), null);
  return ctx;
}

const mountNotFound: Screen = (el, ctx) => {
  const route = ctx.store.get().route;
  el.append(
    h('section', { class: 'panel' }, h('h1', {}, 'Not found'), h('p', {}, `No page at ${routeToHash(route)}. `),
      h('a', { href: '#/' }, 'Back to the projects')),
  );
  return () => undefined;
};
