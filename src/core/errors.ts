/**
 * Errors that reach a person. Each carries a stable code, what went wrong, where (file, line,
 * field, value) and what to do about it. The command line maps the kind to an exit code; the
 * server will map it to an HTTP status with the same message.
 */
import type { ErrorDetail, ErrorKind } from '../api/errors.js';

/** Documented exit codes of the `svd` command (see README, "Exit codes"). */
export const EXIT_CODES: Readonly<Record<ErrorKind | 'ok', number>> = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  workspace: 4,
  network: 5,
};

export interface ErrorLocation {
  /** The file as the user named it (for an archive member: `archive.zip!member.csv`). */
  file?: string;
  /** 1-based line number; the header is line 1. */
  line?: number;
  field?: string;
  value?: string;
}

export interface Problem extends ErrorLocation {
  message: string;
}

export interface SvdErrorOptions {
  kind: ErrorKind;
  code: string;
  message: string;
  location?: ErrorLocation;
  fix?: string;
  /** Further problems of the same failure (e.g. the first errors of each bad file). */
  problems?: Problem[];
  cause?: unknown;
}

export class SvdError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly location: ErrorLocation;
  readonly fix: string | undefined;
  readonly problems: Problem[];

  constructor(options: SvdErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SvdError';
    this.kind = options.kind;
    this.code = options.code;
    this.location = options.location ?? {};
    this.fix = options.fix;
    this.problems = options.problems ?? [];
  }

  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }

  toJSON(): ErrorDetail {
    return {
      kind: this.kind,
      code: this.code,
      message: this.message,
      ...this.location,
      fix: this.fix,
      problems: this.problems,
    };
  }
}

/** "file, line 5, field "Longitude"" — the place part of a message, omitting what is unknown. */
export function describeLocation(location: ErrorLocation): string {
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(location.file);
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.field !== undefined) parts.push(`field "${location.field}"`);
  return parts.join(', ');
}

/** Quote a value for a message, shortened so one bad cell cannot flood the terminal. */
export function quoteValue(value: string, max = 60): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}

export function formatProblem(problem: Problem): string {
  const where = describeLocation(problem);
  return where === '' ? problem.message : `${where}: ${problem.message}`;
}

/** The text printed for an error on the terminal. */
export function formatError(error: SvdError): string {
  const lines: string[] = [];
  const where = describeLocation(error.location);
  lines.push(`error[${error.code}]: ${where === '' ? '' : `${where}: `}${error.message}`);
  for (const problem of error.problems) lines.push(`  - ${formatProblem(problem)}`);
  if (error.fix !== undefined) lines.push(`  fix: ${error.fix}`);
  return lines.join('\n');
}

export function usageError(code: string, message: string, fix?: string): SvdError {
  return new SvdError({ kind: 'usage', code, message, fix });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
