/**
 * Calls to the dashboard's API; errors carry the server's message, code and fix. Every request
 * that is not a GET carries the session's CSRF token, and a 401 from any of them ends the session
 * here, in one place, so that the app shows the sign-in screen again.
 */
import type { ErrorAnswer, ErrorDetail } from '@api';
import { csrfToken, sessionEnded } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorDetail,
    /** Seconds to wait before trying again, when the server said so (429 Retry-After). */
    readonly retryAfter: number | null = null,
  ) {
    super(body.message);
  }
}

/** The headers of a request that changes something: its content type and the CSRF token. */
function writeHeaders(contentType?: string): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (contentType !== undefined) headers['content-type'] = contentType;
  const token = csrfToken();
  if (token !== null) headers['x-csrf-token'] = token;
  return headers;
}

function retryAfterOf(response: Response): number | null {
  const value = response.headers.get('retry-after');
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * The JSON of an answer, or an ApiError. A 401 ends the session (the sign-in screen comes back)
 * unless the request was about signing in itself (a 401 of the sign-in means wrong credentials).
 */
async function answer<T>(response: Response, signingIn = false): Promise<T> {
  if (response.status === 401 && !signingIn) sessionEnded();
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, {
      kind: 'internal',
      code: 'BAD_ANSWER',
      message: `the server answered ${response.status} without JSON`,
    });
  }
  if (!response.ok) {
    const error = (json as Partial<ErrorAnswer>).error;
    throw new ApiError(
      response.status,
      error ?? { kind: 'internal', code: 'HTTP', message: `HTTP ${response.status}` },
      retryAfterOf(response),
    );
  }
  return json as T;
}

export async function getJson<T>(path: string, params?: URLSearchParams): Promise<T> {
  const query = params === undefined || [...params].length === 0 ? '' : `?${params.toString()}`;
  return answer<T>(await fetch(`${path}${query}`, { headers: { accept: 'application/json' } }));
}

/**
 * `GET /api/session`: who the dashboard is answering. Its answer never ends a session (it is how
 * the app learns that one has ended).
 */
export async function getSession<T>(): Promise<T> {
  return answer<T>(await fetch('/api/session', { headers: { accept: 'application/json' } }), true);
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: writeHeaders('application/json'),
      body: JSON.stringify(body),
    }),
  );
}

/** A POST without a body (e.g. signing out), answered 204 or with JSON. */
export async function post<T = undefined>(path: string): Promise<T> {
  return answer<T>(await fetch(path, { method: 'POST', headers: writeHeaders() }));
}

/** Signs a local account in: its 401 is "wrong credentials", not "session ended". */
export async function signIn<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: writeHeaders('application/json'),
      body: JSON.stringify(body),
    }),
    true,
  );
}

/** Sends a file as the request body, reporting the share sent; resolves with the JSON answer. */
export function uploadFile<T>(
  url: string,
  file: File,
  onProgress: (sent: number, total: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(writeHeaders('application/octet-stream')))
      xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () =>
      reject(
        new ApiError(0, {
          kind: 'network',
          code: 'NETWORK',
          message: 'the upload did not reach the server',
        }),
      );
    xhr.onload = () => {
      const retryAfter = xhr.getResponseHeader('retry-after');
      answer<T>(
        new Response(xhr.status === 204 ? null : xhr.responseText, {
          status: xhr.status,
          headers: retryAfter === null ? {} : { 'retry-after': retryAfter },
        }),
      ).then(resolve, reject);
    };
    xhr.send(file);
  });
}
