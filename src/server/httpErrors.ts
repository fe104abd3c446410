/**
 * Errors as the server answers them: the same `{ error }` object, with the same kind, code,
 * message and fix, that `svd … --json` prints, and an HTTP status from the error's kind (as the
 * command line maps it to an exit code).
 */
import type { ErrorAnswer, ErrorKind } from '../api/errors.js';
import { SvdError } from '../core/errors.js';

export const HTTP_STATUS: Readonly<Record<ErrorKind, number>> = {
  usage: 400,
  input: 422,
  workspace: 409,
  network: 502,
  internal: 500,
};

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
  validation?: unknown;
}

function isFastifyError(error: unknown): error is FastifyLikeError {
  return typeof error === 'object' && error !== null && 'message' in error;
}

/** Codes whose status says more than their kind's. */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  // The workspace held by an upload (or by another process during one): try again shortly.
  WORKSPACE_BUSY: 503,
  // A request naming another host (DNS rebinding): not this server's to answer.
  HOST_NOT_ALLOWED: 421,
  // A request that is not a GET, from another site.
  ORIGIN_NOT_ALLOWED: 403,
  // No session (or it ended), or a sign-in that failed: sign in.
  SIGN_IN_REQUIRED: 401,
  SIGN_IN_FAILED: 401,
  // Signed in, but the role or the agreements in force do not give this.
  NOT_PERMITTED: 403,
  CSRF_TOKEN_MISSING: 403,
  RATE_LIMITED: 429,
};

/** The status and body for any error a route throws. Internal faults say nothing of their cause. */
export function errorResponse(error: unknown): { status: number; body: ErrorAnswer } {
  if (error instanceof SvdError)
    return {
      status: STATUS_OF_CODE[error.code] ?? HTTP_STATUS[error.kind],
      body: { error: error.toJSON() },
    };
  if (isFastifyError(error)) {
    if (error.validation !== undefined)
      return {
        status: 400,
        body: {
          error: new SvdError({
            kind: 'usage',
            code: 'BAD_REQUEST',
            message: error.message,
            fix: 'see /api/openapi.json for the parameters each endpoint takes',
          }).toJSON(),
        },
      };
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413)
      return {
        status: 413,
        body: {
          error: new SvdError({
            kind: 'input',
            code: 'TOO_LARGE',
            message: 'the request body is larger than this server accepts; nothing was stored',
            fix: 'start svd serve with a larger --max-upload-mb, or ingest the file with the command line',
          }).toJSON(),
        },
      };
    if (
      error.statusCode !== undefined &&
      error.statusCode >= 400 &&
      error.statusCode < 500 &&
      error.code !== undefined
    )
      return {
        status: error.statusCode,
        body: {
          error: new SvdError({
            kind: 'usage',
            code: error.code.replace(/^FST_ERR_/, ''),
            message: error.message,
          }).toJSON(),
        },
      };
  }
  return {
    status: 500,
    body: {
      error: new SvdError({
        kind: 'internal',
        code: 'INTERNAL',
        message:
          'a fault in svd; nothing was stored by the failed step. Please report it with what you did',
      }).toJSON(),
    },
  };
}
