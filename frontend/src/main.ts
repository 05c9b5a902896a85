import 'ol/ol.css';
import './styles.css';
import { ApiError, createApi } from './api';
import { createApp, createAppStore } from './app';
import { listenToHash, parseRoute } from './router';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');

const api = createApi({ fetch: (input, init) => window.fetch(input, init), cookies: () => document.cookie });
const store = createAppStore(parseRoute(window.location.hash));
const ctx = createApp(root, api, store);
listenToHash(window, (route) => store.set({ route }));

api.me().then(
  (user) => store.set({ user }),
  (err: unknown) => {
    store.set({ user: null });
    if (!(err instanceof ApiError && err.status === 401)) ctx.report(err);
  },
);
