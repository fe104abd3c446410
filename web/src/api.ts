/** Calls to the dashboard's API; errors carry the server's message, code and fix. */
import type { ErrorAnswer, ErrorDetail } from '@api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorDetail,
  ) {
    super(body.message);
  }
}

async function answer<T>(response: Response): Promise<T> {
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
    );
  }
  return json as T;
}

export async function getJson<T>(path: string, params?: URLSearchParams): Promise<T> {
  const query = params === undefined || [...params].length === 0 ? '' : `?${params.toString()}`;
  return answer<T>(await fetch(`${path}${query}`, { headers: { accept: 'application/json' } }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }),
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
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
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
      answer<T>(new Response(xhr.responseText, { status: xhr.status })).then(resolve, reject);
    };
    xhr.send(file);
  });
}
