// The exports and imports endpoints, on top of the app's Api (JSON) plus one multipart upload.
import { ApiError, errorMessage, isAbort, readCookie, type Api } from '../api';
import type {
  ExportCount,
  ExportFilters,
  ExportFormat,
  ExportJob,
  ImportOptions,
  ImportPreview,
  ImportReport,
  OptionValue,
  PurgeResult,
} from './types';

export interface UploadDeps {
  fetch: typeof fetch;
  cookies: () => string;
}

const browserDeps: UploadDeps = { fetch: (...args) => window.fetch(...args), cookies: () => document.cookie };

/** POST a multipart form; failures become ApiError with the body kept (per-item errors). */
export async function postForm<T>(path: string, form: FormData, deps: UploadDeps = browserDeps, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = readCookie('csrftoken', deps.cookies());
  if (token) headers['X-CSRFToken'] = token;
  let response: Response;
  try {
    response = await deps.fetch(path, { method: 'POST', headers, body: form, credentials: 'same-origin', signal });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, `POST ${path}: network error (${String(err)})`, path);
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* keep the text */
  }
  if (!response.ok) {
    const fallback = `POST ${path} failed: ${response.status} ${response.statusText}`.trim();
    const readable = typeof body !== 'string' || (body.length < 300 && !body.trimStart().startsWith('<'));
    throw new ApiError(response.status, readable ? errorMessage(body, fallback) : fallback, path, body);
  }
  return body as T;
}

export function dataApi(api: Api, deps: UploadDeps = browserDeps) {
  return {
    formats: (signal?: AbortSignal) => api.request<ExportFormat[]>('GET', '/api/exports/formats/', { signal }),
    exports: (projectId: number, signal?: AbortSignal) =>
      api.request<ExportJob[]>('GET', `/api/projects/${projectId}/exports/`, { signal }),
    exportJob: (id: number, signal?: AbortSignal) => api.request<ExportJob>('GET', `/api/exports/${id}/`, { signal }),
    exportStart: (projectId: number, body: { format: string; filters: ExportFilters; parameters: Record<string, OptionValue> }) =>
      api.request<ExportJob>('POST', `/api/projects/${projectId}/exports/`, { body }),
    exportCount: (projectId: number, filters: ExportFilters, signal?: AbortSignal) =>
      api.request<ExportCount>('POST', `/api/projects/${projectId}/exports/count/`, { body: { filters }, signal }),
    exportCancel: (id: number) => api.request<ExportJob>('POST', `/api/exports/${id}/cancel/`),
    exportRetention: (projectId: number, signal?: AbortSignal) =>
      api.request<{ retention_days: number }>('GET', `/api/projects/${projectId}/exports/purge/`, { signal }),
    exportPurge: (projectId: number, olderThanDays: number) =>
      api.request<PurgeResult>('POST', `/api/projects/${projectId}/exports/purge/`, { body: { older_than_days: olderThanDays } }),

    importPreview: (sceneId: number, file: File, options: ImportOptions) => {
      const form = new FormData();
      form.append('file', file, file.name);
      for (const [key, value] of Object.entries(options)) if (value) form.append(key, value);
      return postForm<ImportPreview>(`/api/scenes/${sceneId}/imports/preview/`, form, deps);
    },
    importCommit: (sceneId: number, token: string, skipInvalid: boolean) =>
      api.request<ImportReport>('POST', `/api/scenes/${sceneId}/imports/${encodeURIComponent(token)}/commit/`, {
        body: { skip_invalid: skipInvalid },
      }),
    importDiscard: (sceneId: number, token: string) =>
      api.request<void>('DELETE', `/api/scenes/${sceneId}/imports/${encodeURIComponent(token)}/`),
  };
}

export type DataApi = ReturnType<typeof dataApi>;
