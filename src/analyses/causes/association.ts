/**
 * The association of serious violence with each small-area indicator across the LSOAs of the
 * selection: counts regressed on the indicator with the residents as offset — Poisson (R's
 * `glm(family = poisson)`) and negative binomial (`MASS::glm.nb`), once per standard deviation of
 * the indicator and once per decile of it among the areas — with 95% Wald intervals
 * (`confint.default`), Spearman's ρ of the rates with its interval, and Moran's I of the negative
 * binomial fit's Pearson residuals over contiguous LSOAs (`spdep::moran.test`, row-standardised
 * weights, randomisation), which says whether the model leaves spatial pattern unexplained
 * (docs/decisions/0080-causes.md). Association across areas is not cause.
 */
import type { AssociationRow, MoranSummary, RateRatio } from '../../api/causes.js';
import { countRegressions, type GlmFit } from '../../core/statistics/glm.js';
import { moranTest } from '../../core/statistics/moran.js';
import { averageRanks, spearman } from '../../core/statistics/spearman.js';
import { formatInterval, formatP, formatRatio } from '../selection/plainWords.js';
import type { IndicatorMeta } from './indicatorData.js';

export interface SmallArea {
  code: string;
  count: number;
  population: number;
}

/** Whether an indicator is built from recorded crime, so that its association is partly circular. */
export function isCircular(meta: Pick<IndicatorMeta, 'id' | 'name'>): boolean {
  return /crime|violence|burglary|theft|criminal_damage|public_order|anti_social|stalking/i.test(
    `${meta.id} ${meta.name}`,
  );
}

/** The mean, the values added from the first. */
export function mean(xs: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** The sample standard deviation (n − 1), the squares added from the first. */
export function standardDeviation(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** An indicator's value by area code: undefined when absent, null when not published. */
export interface ValueLookup {
  get(code: string): number | null | undefined;
}

/** Deciles among the values: ⌈10 · r / n⌉ of the average rank r (ties share a decile), 10 = highest. */
export function decilesOf(values: readonly number[]): number[] {
  const n = values.length;
  return averageRanks(values).map((r) => Math.max(1, Math.ceil((10 * r) / n - 1e-12)));
}

function slope(fit: GlmFit | null): RateRatio | null {
  const b = fit?.converged === true ? fit.coefficients[1] : undefined;
  if (b === undefined) return null;
  return {
    rateRatio: Math.exp(b.estimate),
    lower: Math.exp(b.lower),
    upper: Math.exp(b.upper),
    pValue: b.p,
  };
}

const FITS = { nullDeviance: false } as const;

/** A fit, or null for the RangeError met in its place (see tryFit). */
function fitted<T>(fit: T | RangeError | undefined): T | null {
  return fit === undefined || fit instanceof RangeError ? null : fit;
}

function tryFit<T>(fit: () => T): T | null {
  try {
    return fit();
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

export interface AssociationInput {
  meta: IndicatorMeta;
  period: string;
  /** The selection's areas with their counts and residents (residents > 0). */
  areas: readonly SmallArea[];
  /** The indicator's value for each area code (missing when absent or null). */
  values: ValueLookup;
  /** Neighbour lists over `areas` (indices). */
  neighbours: readonly (readonly number[])[];
}

/** One indicator's row, or null when fewer than 10 areas have a value. */
export function associate(input: AssociationInput): AssociationRow | null {
  const keep: number[] = [];
  input.areas.forEach((a, i) => {
    const v = input.values.get(a.code);
    if (v !== undefined && v !== null && Number.isFinite(v)) keep.push(i);
  });
  if (keep.length < 10) return null;
  const y = keep.map((i) => input.areas[i]!.count);
  const offset = keep.map((i) => Math.log(input.areas[i]!.population));
  const x = keep.map((i) => input.values.get(input.areas[i]!.code)!);
  const m = mean(x);
  const sd = standardDeviation(x);
  const z = x.map((v) => (v - m) / sd);
  const deciles = decilesOf(x);
  // The null deviances are not reported: their fits are not made.
  const perSdFits = sd > 0 ? tryFit(() => countRegressions(y, [z], offset, FITS)) : null;
  const perDecileFits = sd > 0 ? tryFit(() => countRegressions(y, [deciles], offset, FITS)) : null;
  const poissonSd = perSdFits?.poisson ?? null;
  const nbSd = fitted(perSdFits?.negativeBinomial);
  const poissonDecile = perDecileFits?.poisson ?? null;
  const nbDecile = fitted(perDecileFits?.negativeBinomial);
  const rates = keep.map((i) => input.areas[i]!.count / input.areas[i]!.population);
  const s = spearman(x, rates);
  // Neighbours as indices into the areas kept: those of every area as they are when all are kept.
  let lists: readonly (readonly number[])[] = input.neighbours;
  if (keep.length !== input.areas.length || input.neighbours.length !== keep.length) {
    const at = new Map(keep.map((i, k) => [i, k]));
    lists = keep.map((i) => {
      const list: number[] = [];
      for (const j of input.neighbours[i] ?? []) {
        const k = at.get(j);
        if (k !== undefined) list.push(k);
      }
      return list;
    });
  }
  let moran: MoranSummary | null = null;
  if (nbSd?.converged === true && lists.some((l) => l.length > 0)) {
    const t = tryFit(() => moranTest(nbSd.pearsonResiduals, lists));
    if (t !== null)
      moran = {
        statistic: t.statistic,
        expectation: t.expectation,
        variance: t.variance,
        z: t.standardDeviate,
        pValue: t.p,
      };
  }
  const perSd = { poisson: slope(poissonSd), negativeBinomial: slope(nbSd) };
  const circular = isCircular(input.meta);
  return {
    indicator: input.meta.id,
    name: input.meta.name,
    unit: input.meta.unit,
    polarity: input.meta.polarity,
    period: input.period,
    areas: keep.length,
    missing: input.areas.length - keep.length,
    mean: m,
    sd,
    perSd,
    perDecile: { poisson: slope(poissonDecile), negativeBinomial: slope(nbDecile) },
    dispersion: poissonSd?.converged === true ? poissonSd.dispersion : null,
    theta:
      nbSd?.converged === true && !nbSd.thetaCapped
        ? { value: nbSd.theta, se: nbSd.thetaStandardError }
        : null,
    spearman: s === null ? null : { rho: s.rho, lower: s.lower, upper: s.upper, pValue: s.pValue },
    moran,
    circular,
    summary: describeRow(input.meta.name, perSd.negativeBinomial, moran, circular),
  };
}

function describeRow(
  name: string,
  nb: RateRatio | null,
  moran: MoranSummary | null,
  circular: boolean,
): string {
  if (nb === null) return `${name}: the model could not be fitted`;
  const direction = nb.lower > 1 ? 'higher' : nb.upper < 1 ? 'lower' : 'no clearly different';
  const core =
    direction === 'no clearly different'
      ? `${name}: no clear association (rate ratio per standard deviation ${formatRatio(nb.rateRatio)}, 95% interval ${formatInterval(nb.lower, nb.upper, 'ratio')})`
      : `${name}: areas one standard deviation higher have ${direction} rates of serious violence, ${formatRatio(nb.rateRatio)} times (95% interval ${formatInterval(nb.lower, nb.upper, 'ratio')}; ${formatP(nb.pValue)})`;
  const spatial =
    moran !== null && moran.pValue < 0.05
      ? '; the residuals cluster in space, so nearby areas share something the indicator does not capture and the interval is too narrow'
      : '';
  return `${core}${spatial}${circular ? '; partly circular: the indicator is built from recorded crime' : ''}`;
}
