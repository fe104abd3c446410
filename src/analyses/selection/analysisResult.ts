/**
 * What every analysis returns: `{ result, params, warnings }`. `params` holds every resolved
 * option, the automatic ones marked and explained (so that a report's method section can list
 * them); warnings are deduplicated and counted, never repeated.
 */
import type { AnalysisWarning, ResolvedParam } from '../../api/analyses.js';

/** Collects warnings, keeping one entry per code and message with a count. */
export class Warnings {
  private readonly byKey = new Map<string, AnalysisWarning>();

  add(code: string, message: string, count = 1): void {
    const key = `${code}\u0000${message}`;
    const found = this.byKey.get(key);
    if (found === undefined) this.byKey.set(key, { code, message, count });
    else found.count += count;
  }

  merge(others: readonly AnalysisWarning[]): void {
    for (const w of others) this.add(w.code, w.message, w.count);
  }

  list(): AnalysisWarning[] {
    return [...this.byKey.values()];
  }
}

/** Records resolved options: given ones as they were given, automatic ones with their reason. */
export class Params {
  private readonly values: Record<string, ResolvedParam> = {};

  given(name: string, value: unknown, unit?: string): void {
    this.values[name] = { value, automatic: false, ...(unit === undefined ? {} : { unit }) };
  }

  automatic(name: string, value: unknown, explanation: string, unit?: string): void {
    this.values[name] = {
      value,
      automatic: true,
      explanation,
      ...(unit === undefined ? {} : { unit }),
    };
  }

  /** Records `given` when the caller supplied a value, else the default as automatic. */
  resolve<T>(
    name: string,
    given: T | undefined,
    fallback: () => { value: T; explanation: string },
    unit?: string,
  ): T {
    if (given !== undefined) {
      this.given(name, given, unit);
      return given;
    }
    const { value, explanation } = fallback();
    this.automatic(name, value, explanation, unit);
    return value;
  }

  all(): Record<string, ResolvedParam> {
    return { ...this.values };
  }
}

/** The sentence a person sees for an automatic parameter, e.g. "cell size set to 300 m automatically (…)". */
export function announceParam(name: string, p: ResolvedParam): string {
  const value = `${String(p.value)}${p.unit === undefined ? '' : ` ${p.unit}`}`;
  return `${name} set to ${value} automatically${p.explanation === undefined ? '' : ` (${p.explanation})`}`;
}
