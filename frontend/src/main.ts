import 'ol/ol.css';
import './styles.css';
import { ApiError, createApi } from './api';
import { createApp, createAppStore } from './app';
import { listenToHash, parseRoute, sameRoute } from './router';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');

const api = createApi({ fetch: (input, init) => window.fetch(input, init), cookies: () => document.cookie });
const store = createAppStore(parseRoute(window.location.hash));
const ctx = createApp(root, api, store);
// Errors belong to the screen they happened on: a new route starts with a clean banner.
listenToHash(window, (route) => {
  if (!sameRoute(route, store.get().route)) store.set({ route, errors: [] });
});

api.me().then(
  (user) => store.set({ user }),
  (err: unknown) => {
    store.set({ user: null });
    // 401 (or 403 from an API without an authentication header) just means: nobody is logged in.
    if (!(err instanceof ApiError && (err.status === 401 || err.status === 403))) ctx.report(err);
  },
);
