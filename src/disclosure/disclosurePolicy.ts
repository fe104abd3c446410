/**
 * Who a figure is for, and what that allows. Every output that may leave the analysts' hands
 * passes through one policy, built once by `disclosurePolicy()` with every default filled in:
 *
 * - `analyst` sees every figure as computed;
 * - `partner` (partnership members) sees every figure except small counts of health data, which
 *   NHS rules hide below 8 (counts of 1–7) wherever they are shown;
 * - `public` sees no small count: health data hides 1–7, other data hides counts below a
 *   configurable minimum (5 unless told otherwise), and figures may be rounded.
 *
 * Zero is always shown as zero: an empty cell identifies nobody, and hiding zeros would make
 * every table look more alarming than it is.
 */
import { DEFAULT_PUBLIC_MINIMUM, HEALTH_MINIMUM } from '../core/disclosureMinimums.js';
import { usageError } from '../core/errors.js';

export const AUDIENCES = ['public', 'partner', 'analyst'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Families of data with their own rules; health data follows the NHS small-number rule. */
export type SourceFamily = 'health' | 'other';

/**
 * Record sources that carry health data (anonymised and aggregated: hospital admissions, A&E
 * attendances, ambulance call-outs). Anything else is `other`.
 */
export const HEALTH_SOURCES: readonly string[] = [
  'health',
  'hes',
  'hospital-admissions',
  'ae',
  'a-and-e',
  'istv',
  'istv-counts',
  'ambulance',
];

export { DEFAULT_PUBLIC_MINIMUM, HEALTH_MINIMUM };

export interface DisclosurePolicy {
  audience: Audience;
  /** The smallest count that may be published, per family; counts 1 … minimum−1 are hidden. */
  minimum: Record<SourceFamily, number>;
  /** Published counts are rounded to the nearest multiple of this (null: not rounded). */
  rounding: number | null;
  /** Human-readable account of the rules, for a report's method section. */
  description: string;
}

export interface DisclosureOptions {
  audience: Audience;
  /** Public minimum for data other than health (default 5). */
  minimum?: number;
  /** Minimum for health data (default 8, the NHS rule); never lowered below it for the public. */
  healthMinimum?: number;
  /** Round published counts to a multiple of this (e.g. 5); public only. */
  rounding?: number;
}

export function parseAudience(value: string): Audience {
  if ((AUDIENCES as readonly string[]).includes(value)) return value as Audience;
  throw usageError(
    'BAD_AUDIENCE',
    `invalid audience: ${value}`,
    `use one of ${AUDIENCES.join(', ')}`,
  );
}

export function disclosurePolicy(options: DisclosureOptions): DisclosurePolicy {
  const { audience } = options;
  const check = (name: string, v: number | undefined, least: number): void => {
    if (v !== undefined && !(Number.isInteger(v) && v >= least))
      throw usageError(
        'BAD_DISCLOSURE',
        `${name} must be a whole number of at least ${least}: ${v}`,
      );
  };
  check('the minimum count', options.minimum, 1);
  check('the health minimum', options.healthMinimum, 1);
  check('the rounding base', options.rounding, 1);
  const health = Math.max(options.healthMinimum ?? HEALTH_MINIMUM, HEALTH_MINIMUM);
  if (audience === 'analyst')
    return {
      audience,
      minimum: { health: 0, other: 0 },
      rounding: null,
      description: 'analyst view: every figure as computed, nothing suppressed or rounded',
    };
  if (audience === 'partner')
    return {
      audience,
      minimum: { health, other: 0 },
      rounding: null,
      description: `partner view: health counts of 1–${health - 1} are not shown, and other figures that would reveal them are withheld too; other data as computed`,
    };
  const other = options.minimum ?? DEFAULT_PUBLIC_MINIMUM;
  const rounding = options.rounding ?? null;
  return {
    audience,
    minimum: { health, other },
    rounding,
    description: `public view: counts of 1–${other - 1} (health data: 1–${health - 1}) are not published, nor any figure from which one could be worked out (secondary suppression); zero is shown as zero${rounding === null ? '' : `; counts are rounded to the nearest ${rounding}`}`,
  };
}

export function sourceFamily(source: string): SourceFamily {
  return HEALTH_SOURCES.includes(source.toLowerCase()) ? 'health' : 'other';
}

/** The smallest publishable count for figures drawn from these sources (the strictest applies). */
export function minimumFor(policy: DisclosurePolicy, sources: readonly string[]): number {
  const families = sources.length === 0 ? (['other'] as SourceFamily[]) : sources.map(sourceFamily);
  return Math.max(...families.map((f) => policy.minimum[f]));
}
