/**
 * One published figure: its value when it may be shown (rounded if the policy says so), or the
 * fact that it is withheld. A withheld figure keeps no trace of its value, so nothing downstream
 * (a report, a sentence, a CSV) can print it by mistake.
 */
import { minimumFor, type DisclosurePolicy } from './disclosurePolicy.js';

/** The mark printed in place of a withheld figure (as in ONS tables: "confidential"). */
export const SUPPRESSED_MARK = '[c]';

export type Suppression = 'primary' | 'secondary';

export type DisclosedFigure =
  | { suppressed: false; value: number; rounded: boolean }
  | { suppressed: Suppression; value: null; rounded: false };

export const withheld = (why: Suppression): DisclosedFigure => ({
  suppressed: why,
  value: null,
  rounded: false,
});

/** Whether a count is too small to publish under a minimum (zero never is). */
export function isSmall(count: number, minimum: number): boolean {
  return count !== 0 && Math.abs(count) < minimum;
}

export function roundCount(count: number, base: number | null): number {
  if (base === null || base <= 1) return count;
  return Math.round(count / base) * base;
}

export function shown(value: number, policy: DisclosurePolicy): DisclosedFigure {
  const rounded = roundCount(value, policy.rounding);
  return { suppressed: false, value: rounded, rounded: rounded !== value };
}

/** A single count on its own (no totals published beside it). */
export function discloseFigure(
  count: number,
  policy: DisclosurePolicy,
  sources: readonly string[] = [],
): DisclosedFigure {
  if (isSmall(count, minimumFor(policy, sources))) return withheld('primary');
  return shown(count, policy);
}

export function formatFigure(
  figure: DisclosedFigure,
  format: (n: number) => string = (n) => n.toLocaleString('en-GB'),
): string {
  return figure.suppressed === false ? format(figure.value) : SUPPRESSED_MARK;
}
