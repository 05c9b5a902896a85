// Typed fetch wrapper for the Django API. Every failure becomes an ApiError with a message fit for a person.
import type { AnnotationKind, KindGeometry } from './annotate/kinds';
import type {
  AcceptResult,
  AnnotationFeature,
  AttributeValue,
  ClassCreateBody,
  ClassPatchBody,
  EditableFeature,
  EditedFeature,
  GeoJsonMultiPolygon,
  Histogram,
  LabelClass,
  LoginResponse,
  Member,
  MemberBody,
  Project,
  PromoteResult,
  ProposalAcceptBody,
  ProposalRejectBody,
  Recipe,
  RecipeChanges,
  RecipeInfo,
  RejectResult,
  ReviewQueue,
  Role,
  RollbackResult,
  Scene,
  ScheduleBody,
  ScheduleEnvelope,
  Task,
  TaskGrid,
  TrainingJob,
  TrainingJobBody,
  TrainingSettings,
  TrainingSettingsBody,
  User,
  VersionComparison,
  VersionPair,
} from './types';

/** URL of the whole scene drawn with a draft recipe edit (nothing saved). */
export function recipePreviewUrl(sceneId: number, changes: Partial<Recipe> | Record<string, unknown>, size = 512): string {
  const query = new URLSearchParams({ recipe: JSON.stringify(changes), size: String(size) });
  return `/api/scenes/${sceneId}/recipe/preview.png?${query.toString()}`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when no response arrived (network failure, bad JSON). */
    readonly status: number,
    message: string,
    readonly url: string,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isUnauthenticated(): boolean {
    return this.status === 401;
  }
}

/** True for the error fetch throws when its AbortSignal fires (a screen was left): not worth showing. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

/** Value of one cookie from a `document.cookie` style string, or null. */
export function readCookie(name: string, cookies: string): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/**
 * A readable message from a DRF error body: {"detail": "..."}, {"field": ["msg", ...]},
 * {"non_field_errors": [...]}, a list of messages, or plain text.
 */
export function errorMessage(body: unknown, fallback: string): string {
  if (typeof body === 'string') return body.trim() || fallback;
  if (Array.isArray(body)) {
    const parts = body.map((b) => errorMessage(b, '')).filter(Boolean);
    return parts.length ? parts.join(' ') : fallback;
  }
  if (body && typeof body === 'object') {
    const obj = body as Record<string, unknown>;
    if (typeof obj.detail === 'string') return obj.detail;
    const parts = Object.entries(obj).map(([key, value]) => {
      const msg = errorMessage(value, '');
      return key === 'non_field_errors' || !msg ? msg : `${key}: ${msg}`;
    });
    const joined = parts.filter(Boolean).join(' ');
    return joined || fallback;
  }
  return fallback;
}

export interface RequestOptions {
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiDeps {
  fetch: typeof fetch;
  /** Returns the current `document.cookie` string (read on each request: Django rotates the CSRF token at login). */
  cookies: () => string;
}

export function createApi(deps: ApiDeps) {
  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (!SAFE_METHODS.has(method)) {
      const token = readCookie('csrftoken', deps.cookies());
      if (token) headers['X-CSRFToken'] = token;
    }
    let response: Response;
    try {
      response = await deps.fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      });
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError(0, `${method} ${path}: network error (${String(err)})`, path);
    }
    const text = await response.text();
    let body: unknown = null;
    let parsed = false;
    if (text) {
      try {
        body = JSON.parse(text);
        parsed = true;
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      // An HTML error page (Django debug 500, proxy error) would flood the banner: name the status instead.
      const readable = parsed || (text.length < 300 && !text.trimStart().startsWith('<'));
      const fallback = `${method} ${path} failed: ${response.status} ${response.statusText}`.trim();
      throw new ApiError(response.status, readable ? errorMessage(body, fallback) : fallback, path, body);
    }
    if (text && !parsed) {
      throw new ApiError(0, `${method} ${path}: the server did not answer JSON`, path, body);
    }
    return body as T;
  }

  /** The CSRF cookie the server checks on every unsafe request, login included (GET /api/auth/csrf/ sets it). */
  async function ensureCsrfCookie(force = false): Promise<void> {
    if (force || !readCookie('csrftoken', deps.cookies())) await request<unknown>('GET', '/api/auth/csrf/');
  }

  /** Session login. Login is CSRF-checked, so the cookie is fetched first; a stale one is replaced and the login
   * retried once. */
  async function login(username: string, password: string): Promise<LoginResponse> {
    await ensureCsrfCookie();
    const post = () => request<LoginResponse>('POST', '/api/auth/login/', { body: { username, password } });
    try {
      return await post();
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 403 && /CSRF/i.test(err.message))) throw err;
      await ensureCsrfCookie(true);
      return post();
    }
  }

  return {
    request,
    me: (signal?: AbortSignal) => request<User>('GET', '/api/auth/me/', { signal }),
    login,
    logout: () => request<void>('POST', '/api/auth/logout/'),
    projects: (signal?: AbortSignal) => request<Project[]>('GET', '/api/projects/', { signal }),
    scenes: (projectId: number, signal?: AbortSignal) =>
      request<Scene[]>('GET', `/api/projects/${projectId}/scenes/`, { signal }),
    scene: (sceneId: number, signal?: AbortSignal) => request<Scene>('GET', `/api/scenes/${sceneId}/`, { signal }),
    project: (projectId: number, signal?: AbortSignal) => request<Project>('GET', `/api/projects/${projectId}/`, { signal }),
    classes: (projectId: number, signal?: AbortSignal) =>
      request<LabelClass[]>('GET', `/api/projects/${projectId}/classes/`, { signal }),

    // annotations
    annotation: (id: number, signal?: AbortSignal) => request<EditableFeature>('GET', `/api/annotations/${id}/`, { signal }),
    annotationCreate: (sceneId: number, body: { geometry: GeoJsonMultiPolygon | KindGeometry; label_class: number | null; task: number | null; kind?: AnnotationKind; width_m?: number }) =>
      request<EditedFeature>('POST', `/api/scenes/${sceneId}/annotations/`, { body }),
    annotationUpdate: (
      id: number,
      body: { version: number; geometry?: GeoJsonMultiPolygon | KindGeometry; label_class?: number; reason?: string; attributes?: Record<string, AttributeValue>; kind?: AnnotationKind; width_m?: number },
    ) =>
      request<EditedFeature>('PATCH', `/api/annotations/${id}/`, { body }),
    annotationDelete: (id: number, version: number) =>
      request<EditableFeature>('DELETE', `/api/annotations/${id}/`, { body: { version } }),

    // proposals (feedback)
    proposalAccept: (id: number, body: ProposalAcceptBody) => request<AcceptResult>('POST', `/api/proposals/${id}/accept/`, { body }),
    proposalReject: (id: number, body: ProposalRejectBody) =>
      request<RejectResult>('POST', `/api/proposals/${id}/reject/`, { body }),

    // tasks
    tasks: (projectId: number, sceneId: number | null, signal?: AbortSignal) =>
      request<Task[]>('GET', `/api/projects/${projectId}/tasks/${sceneId === null ? '' : `?scene=${sceneId}`}`, { signal }),
    /** null when no task is free (204). */
    taskNext: (projectId: number, sceneId: number | null) =>
      request<Task | null>('POST', `/api/projects/${projectId}/tasks/next/`, { body: sceneId === null ? {} : { scene: sceneId } }),
    taskHeartbeat: (id: number) => request<Task>('POST', `/api/tasks/${id}/heartbeat/`),
    taskSubmit: (id: number) => request<Task>('POST', `/api/tasks/${id}/submit/`),
    taskGrid: (sceneId: number, cellSizeM: number) =>
      request<TaskGrid>('POST', `/api/scenes/${sceneId}/tasks/grid/`, { body: { cell_size_m: cellSizeM } }),

    // review
    reviewQueue: (projectId: number, signal?: AbortSignal) =>
      request<ReviewQueue>('GET', `/api/projects/${projectId}/review/queue/`, { signal }),
    review: (id: number, body: { action: 'accept' | 'reject' | 'fix'; version: number; reason?: string; geometry?: GeoJsonMultiPolygon }) =>
      request<AnnotationFeature>('POST', `/api/annotations/${id}/review/`, { body }),

    // scene page: render recipe
    recipe: (sceneId: number, signal?: AbortSignal) => request<RecipeInfo>('GET', `/api/scenes/${sceneId}/recipe/`, { signal }),
    recipeUpdate: (sceneId: number, changes: RecipeChanges) =>
      request<RecipeInfo>('PATCH', `/api/scenes/${sceneId}/recipe/`, { body: changes }),
    histogram: (sceneId: number, band: number, scale: string, signal?: AbortSignal) =>
      request<Histogram>('GET', `/api/scenes/${sceneId}/histogram/?band=${band}&scale=${encodeURIComponent(scale)}`, { signal }),

    // project settings: label classes
    classesAll: (projectId: number, signal?: AbortSignal) =>
      request<LabelClass[]>('GET', `/api/projects/${projectId}/classes/?archived=1`, { signal }),
    classCreate: (projectId: number, body: ClassCreateBody) =>
      request<LabelClass>('POST', `/api/projects/${projectId}/classes/`, { body }),
    classUpdate: (classId: number, body: ClassPatchBody) =>
      request<LabelClass>('PATCH', `/api/classes/${classId}/`, { body }),
    classOrder: (projectId: number, classIds: number[]) =>
      request<LabelClass[]>('POST', `/api/projects/${projectId}/classes/order/`, { body: { classes: classIds } }),

    // admin
    members: (projectId: number, signal?: AbortSignal) => request<Member[]>('GET', `/api/projects/${projectId}/members/`, { signal }),
    memberSet: (projectId: number, username: string, role: Role) =>
      request<Member>('POST', `/api/projects/${projectId}/members/`, { body: { username, role } satisfies MemberBody }),
    memberRemove: (projectId: number, userId: number) => request<void>('DELETE', `/api/projects/${projectId}/members/${userId}/`),
    modelVersionPromote: (id: number, overrideReason: string) =>
      request<PromoteResult>('POST', `/api/model-versions/${id}/promote/`, { body: { override_reason: overrideReason } }),
    modelVersionRollback: (id: number, projectId: number) =>
      request<RollbackResult>('POST', `/api/model-versions/${id}/rollback/`, { body: { project: projectId } }),
    modelVersions: (projectId: number, signal?: AbortSignal) =>
      request<VersionComparison>('GET', `/api/projects/${projectId}/model-versions/compare/`, { signal }),
    modelVersionPair: (projectId: number, a: number, b: number, signal?: AbortSignal) =>
      request<VersionPair>('GET', `/api/projects/${projectId}/model-versions/pair/?a=${a}&b=${b}`, { signal }),

    // training (Models screen)
    trainingJobs: (projectId: number, signal?: AbortSignal) =>
      request<TrainingJob[]>('GET', `/api/projects/${projectId}/training-jobs/`, { signal }),
    trainingJob: (id: number, signal?: AbortSignal) => request<TrainingJob>('GET', `/api/training-jobs/${id}/`, { signal }),
    trainingJobCreate: (projectId: number, parameters: TrainingJobBody['parameters'] = {}) =>
      request<TrainingJob>('POST', `/api/projects/${projectId}/training-jobs/`, { body: { parameters } satisfies TrainingJobBody }),
    trainingJobCancel: (id: number) => request<TrainingJob>('POST', `/api/training-jobs/${id}/cancel/`),
    trainingSettings: (projectId: number, signal?: AbortSignal) =>
      request<TrainingSettings>('GET', `/api/projects/${projectId}/training-settings/`, { signal }),
    trainingSettingsUpdate: (projectId: number, values: TrainingSettingsBody) =>
      request<TrainingSettings>('PATCH', `/api/projects/${projectId}/training-settings/`, { body: values }),
    trainingSchedule: (projectId: number, signal?: AbortSignal) =>
      request<ScheduleEnvelope>('GET', `/api/projects/${projectId}/training-schedule/`, { signal }),
    trainingScheduleSet: (projectId: number, body: ScheduleBody) =>
      request<ScheduleEnvelope>('PUT', `/api/projects/${projectId}/training-schedule/`, { body }),
    trainingScheduleDelete: (projectId: number) => request<void>('DELETE', `/api/projects/${projectId}/training-schedule/`),
  };
}

export type Api = ReturnType<typeof createApi>;
