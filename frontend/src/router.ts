// Hash routing: "#/", "#/projects/3", "#/projects/3/scenes/7". Django only ever serves "/".

export type Route =
  | { name: 'projects' }
  | { name: 'scenes'; projectId: number }
  | { name: 'scene'; projectId: number; sceneId: number }
  /** The annotation screen, on a whole scene (taskId null) or on one task's area. */
  | { name: 'annotate'; projectId: number; sceneId: number; taskId: number | null }
  /** Change detection on a scene pair: the two dates side by side or as a swipe. */
  | { name: 'pair'; projectId: number; pairId: number }
  | { name: 'review'; projectId: number }
  | { name: 'admin'; projectId: number }
  | { name: 'exports'; projectId: number }
  | { name: 'imports'; projectId: number }
  /** Training jobs, schedules, training settings and model versions side by side (admins). */
  | { name: 'models'; projectId: number }
  | { name: 'settings'; projectId: number }
  | { name: 'notFound'; path: string };

const ID = '([1-9][0-9]*)';
const PATTERNS: [RegExp, (m: RegExpMatchArray) => Route][] = [
  [/^\/?$/, () => ({ name: 'projects' })],
  [/^\/projects\/?$/, () => ({ name: 'projects' })],
  [new RegExp(`^/projects/${ID}/?$`), (m) => ({ name: 'scenes', projectId: Number(m[1]) })],
  [
    new RegExp(`^/projects/${ID}/scenes/${ID}/?$`),
    (m) => ({ name: 'scene', projectId: Number(m[1]), sceneId: Number(m[2]) }),
  ],
  [
    new RegExp(`^/projects/${ID}/scenes/${ID}/annotate/?$`),
    (m) => ({ name: 'annotate', projectId: Number(m[1]), sceneId: Number(m[2]), taskId: null }),
  ],
  [
    new RegExp(`^/projects/${ID}/scenes/${ID}/tasks/${ID}/?$`),
    (m) => ({ name: 'annotate', projectId: Number(m[1]), sceneId: Number(m[2]), taskId: Number(m[3]) }),
  ],
  [
    new RegExp(`^/projects/${ID}/pairs/${ID}/?$`),
    (m) => ({ name: 'pair', projectId: Number(m[1]), pairId: Number(m[2]) }),
  ],
  [new RegExp(`^/projects/${ID}/review/?$`), (m) => ({ name: 'review', projectId: Number(m[1]) })],
  [new RegExp(`^/projects/${ID}/admin/?$`), (m) => ({ name: 'admin', projectId: Number(m[1]) })],
  [new RegExp(`^/projects/${ID}/exports/?$`), (m) => ({ name: 'exports', projectId: Number(m[1]) })],
  [new RegExp(`^/projects/${ID}/imports/?$`), (m) => ({ name: 'imports', projectId: Number(m[1]) })],
  [new RegExp(`^/projects/${ID}/models/?$`), (m) => ({ name: 'models', projectId: Number(m[1]) })],
  [new RegExp(`^/projects/${ID}/settings/?$`), (m) => ({ name: 'settings', projectId: Number(m[1]) })],
];

/** Parses `location.hash` ("#/projects/3", "" or "#") into a Route. Query strings are ignored by the route (see
 * `hashQuery`). */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  for (const [pattern, build] of PATTERNS) {
    const match = path.match(pattern);
    if (match) return build(match);
  }
  return { name: 'notFound', path };
}

/** The query part of a hash ("#/projects/3/scenes/7/annotate?bbox=..." -> its parameters). */
export function hashQuery(hash: string): URLSearchParams {
  const i = hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
}

/** `?bbox=w,s,e,n` of a hash as four finite numbers (west < east, south < north, within lon/lat), else null. */
export function hashBbox(hash: string): [number, number, number, number] | null {
  const raw = hashQuery(hash).get('bbox');
  if (!raw) return null;
  const v = raw.split(',').map(Number);
  if (v.length !== 4 || v.some((n) => !Number.isFinite(n))) return null;
  const [w, s, e, n] = v as [number, number, number, number];
  if (w > e || s > n || w < -180 || e > 180 || s < -90 || n > 90) return null;
  return [w, s, e, n];
}

export function routeToHash(route: Route): string {
  switch (route.name) {
    case 'projects':
      return '#/';
    case 'scenes':
      return `#/projects/${route.projectId}`;
    case 'scene':
      return `#/projects/${route.projectId}/scenes/${route.sceneId}`;
    case 'annotate':
      return route.taskId === null
        ? `#/projects/${route.projectId}/scenes/${route.sceneId}/annotate`
        : `#/projects/${route.projectId}/scenes/${route.sceneId}/tasks/${route.taskId}`;
    case 'pair':
      return `#/projects/${route.projectId}/pairs/${route.pairId}`;
    case 'review':
      return `#/projects/${route.projectId}/review`;
    case 'admin':
      return `#/projects/${route.projectId}/admin`;
    case 'exports':
      return `#/projects/${route.projectId}/exports`;
    case 'imports':
      return `#/projects/${route.projectId}/imports`;
    case 'models':
      return `#/projects/${route.projectId}/models`;
    case 'settings':
      return `#/projects/${route.projectId}/settings`;
    case 'notFound':
      return `#${route.path}`;
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeToHash(a) === routeToHash(b);
}

/** Calls `onChange` with the parsed route now and on every hash change; returns an unsubscribe function. */
export function listenToHash(win: Window, onChange: (route: Route) => void): () => void {
  const handler = () => onChange(parseRoute(win.location.hash));
  win.addEventListener('hashchange', handler);
  handler();
  return () => win.removeEventListener('hashchange', handler);
}

export function navigate(route: Route): void {
  window.location.hash = routeToHash(route);
}
