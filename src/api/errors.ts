/**
 * The answer of any endpoint that fails: `{ error }`, the object `svd … --json` prints, with an
 * HTTP status from its kind. Pure type declarations.
 */

/** What went wrong, which decides the exit code of the command line and the HTTP status. */
export type ErrorKind = 'usage' | 'input' | 'workspace' | 'network' | 'internal';

/** One of further problems of the same failure (e.g. the first errors of each bad file). */
export interface ErrorProblem {
  message: string;
  file?: string;
  line?: number;
  field?: string;
  value?: string;
}

/** An error as it is answered (SvdError's toJSON): what, where, and how to fix it. */
export interface ErrorDetail {
  kind: ErrorKind;
  /** A stable code, e.g. NO_BOUNDARIES. */
  code: string;
  message: string;
  /** Where: the file as the user named it, the 1-based line, the field and the value. */
  file?: string;
  line?: number;
  field?: string;
  value?: string;
  fix?: string;
  problems?: ErrorProblem[];
}

export interface ErrorAnswer {
  error: ErrorDetail;
}
