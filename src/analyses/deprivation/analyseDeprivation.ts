/**
 * `analyseDeprivation`: the selected incidents against deprivation — rates per 1,000 residents by
 * IMD 2019 decile (1 = most deprived) with exact Poisson intervals, the decile 1 : decile 10 rate
 * ratio with its exact interval (the conditional binomial method, residents as exposure), and the
 * Spearman correlation between LSOA rates and each deprivation domain. IMD 2019 is published for
 * 2011 LSOAs, so incidents are counted in their LSOA 2011 and residents carried to LSOA 2011 (see
 * the population method in params).
 */
import type { Reporter } from '../../core/reporter.js';
import { SvdError } from '../../core/errors.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { Params, Warnings } from '../selection/analysisResult.js';
import { formatCount, formatInterval, formatP, formatRatio } from '../selection/plainWords.js';
import { formatMonthRange } from '../../core/months.js';
import { definitionParams, resolveSelection, type Selection } from '../selection/selection.js';
import { heldPeriod } from '../selection/selectionCoverage.js';
import { warnAboutSelection } from '../selection/selectionWarnings.js';
import type { AreaLevel } from '../../geo/levels.js';
import { computeRates } from '../rates/computeRates.js';
import type { IncidentCounting } from '../counts/incidentCounting.js';
import { comparePoissonCounts } from '../../core/statistics/comparePoissonCounts.js';
import { spearman } from '../../core/statistics/spearman.js';
import type { AnalysisResult, DeprivationResult, DomainCorrelation } from '../../api/analyses.js';

export interface DeprivationOptions {
  population?: string;
  within?: { level: AreaLevel; codes: string[] };
  smallCount?: number;
}

const DOMAIN_ORDER = [
  'imd',
  'income',
  'employment',
  'education',
  'health',
  'crime',
  'barriers',
  'living_environment',
];

export async function analyseDeprivation(
  ws: Workspace,
  selection: Selection,
  options: DeprivationOptions,
  context: {
    cwd: string;
    reporter: Reporter;
    /** Where the incidents are counted (default: the workspace's records). */
    counting?: IncidentCounting;
  },
): Promise<AnalysisResult<DeprivationResult>> {
  const params = new Params();
  const warnings = new Warnings();
  const resolved = await resolveSelection(ws, selection, { ...context, params });
  await warnAboutSelection(ws, resolved, warnings, context.counting);
  const domains = await ws.db.allMemo<{ domain: string; n: number }>(
    `SELECT domain, count(*) AS n FROM deprivation GROUP BY 1`,
  );
  if (domains.length === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_DEPRIVATION',
      message: 'no deprivation data is loaded in this workspace',
      fix: 'load the English Indices of Deprivation 2019: svd deprivation load File_2_-_IoD2019_Domains_of_Deprivation.csv.gz',
    });
  const smallCount = params.resolve('smallCount', options.smallCount, () => ({
    value: 10,
    explanation: 'counts below 10 are flagged as small, as svd rates does',
  }));
  const rateOptions = {
    reporter: context.reporter,
    dimensions: resolved.dimensions,
    ...definitionParams(resolved),
    ...(context.counting === undefined ? {} : { counting: context.counting }),
  };
  const query = {
    where: resolved.where,
    smallCount,
    ...(options.population === undefined ? {} : { population: options.population }),
    ...(options.within === undefined ? {} : { within: options.within }),
  };
  const byDecile = await computeRates(ws, { ...query, level: 'imd_decile' }, rateOptions);
  const byLsoa = await computeRates(ws, { ...query, level: 'lsoa11' }, rateOptions);
  const m = byDecile.metadata;
  params.given(
    'deprivation',
    'English Indices of Deprivation 2019, by LSOA 2011 (decile 1 = most deprived nationally)',
  );
  params.given(
    'lsoaVintage',
    'LSOA 2011: incidents counted in their LSOA 2011 (published, else found by their point)',
  );
  const population = {
    dataset: m.population.dataset,
    year: m.population.year,
    bands: m.population.bands,
    method: m.population.method,
  };
  if (options.population === undefined)
    params.automatic(
      'population',
      population,
      'the most recent population dataset in the workspace',
    );
  else params.given('population', population);
  if (m.within.basis === 'given') params.given('within', m.within);
  else if (m.within.basis === 'selection')
    params.automatic(
      'within',
      m.within,
      `the area of the selection (${m.within.level} ${m.within.codes.join(', ')}): its LSOAs and their residents are the denominators of the rates and the LSOAs of the correlations, and an LSOA of it without incidents counts as 0`,
    );
  else
    params.automatic(
      'within',
      m.within,
      'areas of the force areas with data (the selection names no area), so an LSOA without incidents counts as 0 and LSOAs outside the data are left out',
    );
  // Rates per year: the counts over the complete months of the period, scaled to twelve months
  // (the SNA's rule), so that a part period is not read as a year and periods compare.
  const { monthsHeld, perYear } = await heldPeriod(ws, selection, context.counting);
  params.given(
    'rates',
    `per ${m.per.toLocaleString('en-GB')} residents over the whole period selected, and per year (scaled from the ${monthsHeld} complete month${monthsHeld === 1 ? '' : 's'} held to twelve); ${m.interval}`,
  );
  params.given(
    'ratio',
    'decile 1 rate ÷ decile 10 rate; exact conditional binomial test and Clopper–Pearson-based interval with residents as exposure (as R poisson.test)',
  );
  params.given(
    'correlation',
    "Spearman's ρ over LSOAs between the rate per 1,000 and deprivation (the domain rank reversed, so positive means higher rates where deprivation is higher); p from Student's t with n − 2 df; interval by Fisher's z with variance 1.06/(n − 3)",
  );
  // The rates' period note (not per year) is left out: the page and the summary read `perYear`.
  for (const note of m.notes) warnings.add('RATES_NOTE', note);
  const deciles = byDecile.rows
    .map((r) => ({
      ...r,
      decile: Number(r.code),
      perYear: { rate: perYear(r.rate), lower: perYear(r.lower), upper: perYear(r.upper) },
    }))
    .filter((r) => Number.isInteger(r.decile))
    .sort((a, b) => a.decile - b.decile);
  const small = deciles.filter((d) => d.small);
  if (small.length > 0)
    warnings.add(
      'SMALL_NUMBERS',
      `decile${small.length === 1 ? '' : 's'} ${small.map((d) => d.decile).join(', ')} ha${small.length === 1 ? 's' : 've'} fewer than ${smallCount} incidents: their rates are unreliable`,
    );
  const d1 = deciles.find((d) => d.decile === 1);
  const d10 = deciles.find((d) => d.decile === 10);
  let ratio: DeprivationResult['ratio'] = null;
  if (d1 === undefined || d10 === undefined || !(d1.population! > 0) || !(d10.population! > 0)) {
    warnings.add(
      'NO_RATIO',
      `the areas hold no residents in decile ${d1 === undefined || !(d1.population! > 0) ? 1 : 10}: no decile 1 : decile 10 ratio`,
    );
  } else {
    const c = comparePoissonCounts(
      { count: d1.count, exposure: d1.population! },
      { count: d10.count, exposure: d10.population! },
    );
    ratio = {
      rateRatio: c.rateRatio,
      lower: c.lower,
      upper: c.upper,
      pValue: c.pValue,
      summary:
        c.rateRatio === null
          ? 'no incidents in the least deprived decile: the ratio is unbounded'
          : d1.count === 0
            ? `no incidents in the most deprived tenth of areas, against ${formatCount(d10.count)} in the least deprived (rate ratio 95% interval ${formatInterval(c.lower, c.upper, 'ratio')}; ${formatP(c.pValue)})`
            : `the rate in the most deprived tenth of areas is ${formatRatio(c.rateRatio)} times that in the least deprived (95% interval ${formatInterval(c.lower, c.upper, 'ratio')}; ${formatP(c.pValue)})`,
    };
  }
  const rates = new Map(byLsoa.rows.filter((r) => r.rate !== null).map((r) => [r.code, r.rate!]));
  // Every LSOA's ranks (a quarter of a million rows for England), read once until the next write:
  // the same for every selection. Only read below, never changed.
  const ranks = await ws.db.memo('deprivation-ranks', () =>
    ws.db.all<{ code: string; domain: string; rank: number }>(
      `SELECT lsoa11_code AS code, domain, rank FROM deprivation WHERE rank IS NOT NULL`,
    ),
  );
  const byDomain = new Map<string, { x: number[]; y: number[] }>();
  for (const r of ranks) {
    const rate = rates.get(r.code);
    if (rate === undefined) continue;
    const d = byDomain.get(r.domain) ?? { x: [], y: [] };
    d.x.push(rate);
    d.y.push(-r.rank);
    byDomain.set(r.domain, d);
  }
  const correlations: DomainCorrelation[] = [...byDomain.entries()]
    .sort(([a], [b]) => DOMAIN_ORDER.indexOf(a) - DOMAIN_ORDER.indexOf(b))
    .map(([domain, d]) => {
      const s = spearman(d.x, d.y);
      return {
        domain,
        lsoas: d.x.length,
        rho: s?.rho ?? null,
        lower: s?.lower ?? null,
        upper: s?.upper ?? null,
        pValue: s?.pValue ?? null,
      };
    });
  if (correlations.some((c) => c.domain === 'crime'))
    warnings.add(
      'CRIME_DOMAIN',
      'the crime domain of the IMD is itself built from recorded crime (including violence), so its correlation with these rates is partly circular',
    );
  const strongest = correlations
    .filter((c) => c.rho !== null && c.domain !== 'crime')
    .sort((a, b) => Math.abs(b.rho!) - Math.abs(a.rho!))[0];
  const total = deciles.reduce((s, d) => s + d.count, 0);
  const summary = [
    `${formatCount(total)} incidents placed in an LSOA with an IMD decile, ${m.months.from === null || m.months.to === null ? 'no month' : formatMonthRange(m.months.from, m.months.to)}; rates per ${m.per.toLocaleString('en-GB')} residents a year (${m.population.dataset}; the counts over the ${monthsHeld} complete month${monthsHeld === 1 ? '' : 's'} held, scaled to twelve)`,
    ...(ratio === null ? [] : [ratio.summary]),
    ...(strongest === undefined
      ? []
      : [
          `across ${formatCount(strongest.lsoas)} LSOAs the rate is most closely related to ${strongest.domain === 'imd' ? 'overall deprivation (the IMD)' : `${strongest.domain.replace('_', ' ')} deprivation`} (Spearman ρ = ${strongest.rho!.toFixed(2)}${strongest.lower === null || strongest.upper === null ? '' : `, 95% interval ${formatInterval(strongest.lower, strongest.upper, 'ratio')}`}; ${formatP(strongest.pValue!)}); a correlation between areas says nothing about individuals or about cause`,
        ]),
  ];
  return {
    result: {
      per: m.per,
      months: m.months,
      monthsHeld,
      deciles,
      ratio,
      correlations,
      unplaced: byDecile.unplaced,
      summary,
    },
    params: params.all(),
    warnings: warnings.list(),
  };
}
