/**
 * How `svd analyse …` commands hand a result to the person: automatic choices announced (hidden by
 * --quiet), warnings shown (always, on stderr), and with --json the whole
 * `{ result, params, warnings }` on stdout, so that the CLI's numbers are the core's numbers.
 */
import { usageError } from '../core/errors.js';
import type { CommandContext } from './context.js';
import type { AnalysisResult, ResolvedParam } from '../api/analyses.js';

function shown(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

export function announce(name: string, p: ResolvedParam): string {
  return `${name} set to ${shown(p.value)}${p.unit === undefined ? '' : ` ${p.unit}`} automatically${p.explanation === undefined ? '' : ` (${p.explanation})`}`;
}

/** Announces and warns; prints the JSON and returns true under --json. */
export function reportAnalysis<T>(ctx: CommandContext, analysis: AnalysisResult<T>): boolean {
  for (const [name, p] of Object.entries(analysis.params))
    if (p.automatic) ctx.reporter.info(announce(name, p));
  for (const w of analysis.warnings)
    ctx.reporter.warn(`${w.message}${w.count > 1 ? ` (×${w.count})` : ''}`);
  if (ctx.json) {
    ctx.printJson(analysis);
    return true;
  }
  return false;
}

export function parseNumberOption(
  name: string,
  text: string | undefined,
  check: (x: number) => boolean,
  what: string,
): number | undefined {
  if (text === undefined) return undefined;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || !check(x))
    throw usageError('BAD_OPTION', `--${name} ${JSON.stringify(text)} is not ${what}`);
  return x;
}

export const fixed = (v: number | null | undefined, digits = 2): string | null =>
  v === null || v === undefined ? null : v.toFixed(digits);

export const percent = (v: number | null | undefined, digits = 1): string | null =>
  v === null || v === undefined ? null : `${(v * 100).toFixed(digits)}%`;
