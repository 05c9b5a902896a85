import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, errorMessage, readCookie } from './api';

function respond(status: number, body: string, statusText = ''): Response {
  return new Response(body === '' ? null : body, { status, statusText });
}

function setup(response: Response | Error, cookies = 'csrftoken=abc%3D123; sessionid=s') {
  const fetch = vi.fn(async () => {
    if (response instanceof Error) throw response;
    return response;
  });
  return { fetch, api: createApi({ fetch: fetch as unknown as typeof globalThis.fetch, cookies: () => cookies }) };
}

describe('readCookie', () => {
  it('finds and decodes a cookie among others', () => {
    expect(readCookie('csrftoken', 'a=1; csrftoken=x%2By; b=2')).toBe('x+y');
    expect(readCookie('csrftoken', 'xcsrftoken=1')).toBeNull();
    expect(readCookie('csrftoken', '')).toBeNull();
  });
});

describe('errorMessage', () => {
  it('reads the DRF error shapes', () => {
    expect(errorMessage({ detail: 'Invalid credentials.' }, 'x')).toBe('Invalid credentials.');
    expect(errorMessage({ username: ['This field is required.'] }, 'x')).toBe('username: This field is required.');
    expect(errorMessage({ non_field_errors: ['Bad.'] }, 'x')).toBe('Bad.');
    expect(errorMessage(['One.', 'Two.'], 'x')).toBe('One. Two.');
    expect(errorMessage({}, 'fallback')).toBe('fallback');
    expect(errorMessage(null, 'fallback')).toBe('fallback');
  });
});

describe('createApi', () => {
  it('sends credentials and the CSRF header on unsafe requests only', async () => {
    const { fetch, api } = setup(respond(200, '{"token":"t","user":{"id":1,"username":"ann","is_staff":false}}'));
    const result = await api.login('ann', 'pw');
    expect(result.user.username).toBe('ann');
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/auth/login/');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(init.headers).toMatchObject({ 'X-CSRFToken': 'abc=123', 'Content-Type': 'application/json' });
    expect(JSON.parse(init.body as string)).toEqual({ username: 'ann', password: 'pw' });

    const get = setup(respond(200, '[]'));
    await get.api.projects();
    const [, getInit] = get.fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(getInit.credentials).toBe('same-origin');
    expect(getInit.headers).not.toHaveProperty('X-CSRFToken');
  });

  it('fetches the CSRF cookie before logging in when there is none', async () => {
    let cookies = 'sessionid=s';
    const fetch = vi.fn(async (url: string) => {
      if (url === '/api/auth/csrf/') {
        cookies = 'sessionid=s; csrftoken=fresh';
        return respond(200, '{"csrftoken":"fresh"}');
      }
      return respond(200, '{"token":"t","expires_at":"2030-01-01T00:00:00Z","user":{"id":1,"username":"ann","is_staff":false}}');
    });
    const api = createApi({ fetch: fetch as unknown as typeof globalThis.fetch, cookies: () => cookies });
    await api.login('ann', 'pw');
    const calls = fetch.mock.calls as unknown as [string, RequestInit][];
    expect(calls.map(([url, init]) => `${init.method} ${url}`)).toEqual(['GET /api/auth/csrf/', 'POST /api/auth/login/']);
    expect(calls[1]?.[1].headers).toMatchObject({ 'X-CSRFToken': 'fresh' });
  });

  it('replaces a stale CSRF cookie and retries the login once', async () => {
    let cookies = 'csrftoken=stale';
    const fetch = vi.fn(async (url: string) => {
      if (url === '/api/auth/csrf/') {
        cookies = 'csrftoken=fresh';
        return respond(200, '{"csrftoken":"fresh"}');
      }
      if (cookies === 'csrftoken=stale') return respond(403, '{"detail":"CSRF Failed: CSRF token incorrect."}');
      return respond(200, '{"token":"t","expires_at":"2030-01-01T00:00:00Z","user":{"id":1,"username":"ann","is_staff":false}}');
    });
    const api = createApi({ fetch: fetch as unknown as typeof globalThis.fetch, cookies: () => cookies });
    expect((await api.login('ann', 'pw')).user.username).toBe('ann');
    const calls = fetch.mock.calls as unknown as [string, RequestInit][];
    expect(calls.map(([url, init]) => `${init.method} ${url}`)).toEqual([
      'POST /api/auth/login/',
      'GET /api/auth/csrf/',
      'POST /api/auth/login/',
    ]);
  });

  it('turns a 400 {detail} into an ApiError carrying the detail', async () => {
    const { api } = setup(respond(400, '{"detail":"Unable to log in with provided credentials."}'));
    const err = await api.login('ann', 'wrong').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect((err as ApiError).message).toBe('Unable to log in with provided credentials.');
    expect((err as ApiError).body).toEqual({ detail: 'Unable to log in with provided credentials.' });
  });

  it('marks 401 as unauthenticated', async () => {
    const { api } = setup(respond(401, '{"detail":"Authentication credentials were not provided."}'));
    const err = (await api.me().catch((e: unknown) => e)) as ApiError;
    expect(err.isUnauthenticated).toBe(true);
  });

  it('does not put an HTML error page in the message', async () => {
    const { api } = setup(respond(500, '<!doctype html><html>…traceback…</html>', 'Internal Server Error'));
    const err = (await api.projects().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(500);
    expect(err.message).toBe('GET /api/projects/ failed: 500 Internal Server Error');
  });

  it('reports network failures and non-JSON success bodies', async () => {
    const down = setup(new TypeError('Failed to fetch'));
    const err = (await down.api.projects().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.message).toContain('network error');

    const html = setup(respond(200, '<html>login page</html>'));
    const err2 = (await html.api.projects().catch((e: unknown) => e)) as ApiError;
    expect(err2.message).toContain('did not answer JSON');
  });

  it('accepts an empty 204 body', async () => {
    const { api } = setup(respond(204, ''));
    await expect(api.logout()).resolves.toBeNull();
  });

  it('lets an abort through untouched', async () => {
    const abort = new DOMException('aborted', 'AbortError');
    const { api } = setup(abort);
    await expect(api.projects()).rejects.toBe(abort);
  });
});
