/**
 * `analyseCauses`: serious violence beside its risk and protective factors, for the area and
 * period of the selection (docs/decisions/0080-causes.md):
 *   - association with each small-area indicator across the LSOAs 2021 of the area (association.ts);
 *   - the neighbourhood risk index and its quadrants (riskIndex.ts, weights from a versioned YAML);
 *   - the area against England, its region and the most similar local authorities, for each
 *     indicator published by local authority, and serious violence against the force and its
 *     partnerships (comparators.ts);
 *   - each key indicator's trend beside serious violence's.
 * Association across areas is not cause; the caution is part of the answer.
 */
import type { Reporter } from '../../core/reporter.js';
import { SvdError } from '../../core/errors.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type {
  AssociationRow,
  CausesResult,
  ComparatorRow,
  IndicatorTrend,
  ViolenceComparator,
  ViolenceYear,
} from '../../api/causes.js';
import type { AnalysisResult } from '../../api/analyses.js';
import { Params, Warnings } from '../selection/analysisResult.js';
import { definitionParams, resolveSelection, type Selection } from '../selection/selection.js';
import { heldPeriod } from '../selection/selectionCoverage.js';
import { warnAboutSelection } from '../selection/selectionWarnings.js';
import { COUNTING_LSOA_DIMENSION, computeRates } from '../rates/computeRates.js';
import { countIncidentsEach } from '../counts/countIncidents.js';
import type { IncidentCounting } from '../counts/incidentCounting.js';
import {
  areaLevelOfDimension,
  finestSelectionArea,
  selectionAreas,
} from '../../geo/selectionAreas.js';
import type { AreaLevel } from '../../geo/levels.js';
import { storedPartnershipConfig } from '../../geo/partnershipConfig.js';
import { formatMonthRange } from '../../core/months.js';
import { associate, type SmallArea, type ValueLookup } from './association.js';
import { lsoa11Parts, lsoa21Neighbours } from './lsoaNeighbours.js';
import {
  indicatorAreaName,
  indicatorMetas,
  indicatorSeries,
  indicatorValuesOfAreas,
  type AreaValue,
  indicatorsAtLevel,
} from './indicatorData.js';
import { readRiskWeights } from './riskWeights.js';
import { riskIndex } from './riskIndex.js';
import {
  DEFAULT_NEIGHBOURS,
  DEFAULT_SIMILAR_BY,
  ENGLAND,
  comparatorRow,
  similarAreas,
} from './comparators.js';
import { formatCount, formatRatio } from '../selection/plainWords.js';

/** The same reporter without its announcements (the area's rates announce what the models did). */
const quiet = (reporter: Reporter): Reporter => ({ ...reporter, info: () => undefined });

export interface CausesOptions {
  /** Small-area indicators to associate (default: every one held at LSOA 2021 but ranks, deciles and numerators). */
  indicators?: string[];
  /** Indicators published by local authority to compare and follow (default: KEY_INDICATORS held). */
  compare?: string[];
  /** The risk index weights file (default: the shipped one). */
  weights?: string;
  /** Features of similarity for the nearest local authorities. */
  similarBy?: string[];
  neighbours?: number;
}

const FIRST_TIME_ENTRANTS = 'lait/FirstYJS';

/** Indicators published by local authority that needs assessments set beside violence. */
export const KEY_INDICATORS = [
  FIRST_TIME_ENTRANTS,
  'lait/ReoffYO',
  'lait/TotPermEx',
  'lait/TotFixedEx',
  'lait/TotPerAbNew',
  'lait/16-17 NEET',
  'lait/CIN',
  'lait/LAC',
  'lait/CPP_rate',
  'lait/Children_missing',
  'lait/HospAd0-14',
  'lait/Hosp_Adm_Alc_<18yrs',
  'lait/PriFSM',
  'lait/SecFSM',
  'fingertips/90284',
];

const EXCLUDED_BY_DEFAULT = /_(rank|decile|numerator)$/i;

export const CAUSES_CAUTIONS = [
  'Association across areas is not cause: an indicator that goes with higher rates of violence may share causes with it, follow from it, or stand for something else about the places; and what holds for areas need not hold for the people in them (the ecological fallacy).',
  'The IMD crime domain and the recorded-crime rates among the indicators are built from recorded crime, violence included: their association with violence is partly circular, and they are marked so.',
  'Published indicators for local authorities are Crown copyright official statistics under the Open Government Licence v3.0; a value suppressed or not published is shown as missing, never as zero.',
];

interface Place {
  code: string | null;
  name: string | null;
  level: string | null;
  county: { code: string; basis: 'area' | 'county' } | null;
  region: string | null;
  force: string | null;
  /** The districts of the area (from the partnership configuration), and its partnerships. */
  districts: string[];
  partnerships: { code: string; districts: string[] }[];
}

async function placeOf(ws: Workspace, where: Selection['where'], params: Params): Promise<Place> {
  const stored = await storedPartnershipConfig(ws);
  const config = stored?.config;
  const areas = await selectionAreas(ws, where ?? []);
  const finest = finestSelectionArea(areas);
  const partnerships = config?.partnerships ?? [];
  const forceOf = (district: string) =>
    config?.forces.find((f) => f.districts.includes(district)) ?? null;
  const names = async (level: string, code: string): Promise<string | null> =>
    (await ws.db.valueMemo<string>(
      `SELECT any_value(name) FROM geo_area_list WHERE level = $level AND code = $code`,
      { level, code },
    )) ?? null;
  let code: string | null = null;
  let level: string | null = null;
  let districts: string[] = [];
  if (finest !== undefined && finest.codes.length === 1) {
    code = finest.codes[0]!;
    level = finest.level;
    if (level === 'csp') districts = partnerships.find((p) => p.code === code)?.districts ?? [];
    else if (level === 'district') districts = [code];
  } else if (finest === undefined) {
    const top = partnerships.find((p) => p.within === undefined && p.localAuthority !== undefined);
    if (top !== undefined) {
      code = top.code;
      level = 'csp';
      districts = top.districts;
      params.automatic(
        'area',
        top.code,
        `the selection names no area: indicators published by local authority are those of the partnership ${top.name}, the widest in the configuration`,
      );
    }
  }
  // The upper-tier local authority: the partnership's own, a unitary district itself, else that
  // of a partnership holding every district of the area (a district partnership within a county).
  let county: Place['county'] = null;
  const own = level === 'csp' ? partnerships.find((x) => x.code === code) : undefined;
  if (own?.localAuthority !== undefined) county = { code: own.localAuthority, basis: 'area' };
  else if (level === 'district' && code !== null && /^E(06|08|09)/.test(code))
    county = { code, basis: 'area' };
  else if (districts.length > 0) {
    const holder = partnerships.find(
      (x) => x.localAuthority !== undefined && districts.every((d) => x.districts.includes(d)),
    );
    if (holder?.localAuthority !== undefined)
      county = { code: holder.localAuthority, basis: 'county' };
  }
  const force = districts.length > 0 ? forceOf(districts[0]!) : (config?.forces[0] ?? null);
  return {
    code,
    name: code === null || level === null ? null : ((await names(level, code)) ?? code),
    level,
    county,
    region: force?.region ?? null,
    force: force?.code ?? null,
    districts,
    partnerships: partnerships.map((p) => ({ code: p.code, districts: p.districts })),
  };
}

/**
 * The area of a selection whose one area filter keeps exactly the records of the area's LSOAs, as
 * rates `within` the area test them: a filter by the code of one area above the LSOA, every
 * membership of which is its LSOAs' primary one (the filter follows primary memberships, `within`
 * every membership). Null otherwise.
 */
async function foldedArea(
  ws: Workspace,
  where: Selection['where'],
): Promise<{ level: AreaLevel; code: string } | null> {
  const areaFilters = (where ?? []).flatMap((f) => {
    const of = areaLevelOfDimension(f.dimension);
    return of === undefined ? [] : [{ ...of, values: f.values, range: f.range }];
  });
  const [f] = areaFilters;
  const code = f?.values.length === 1 && f.range === undefined ? f.values[0] : null;
  if (areaFilters.length !== 1 || f === undefined || f.by !== 'code' || code == null) return null;
  if (f.level === 'lsoa11' || f.level === 'lsoa21') return null;
  const others = await ws.db.valueMemo<number | bigint>(
    `SELECT count(*) FROM geo_memberships WHERE level = $level AND area_code = $code AND NOT is_primary`,
    { level: f.level, code },
  );
  return others !== undefined && Number(others) === 0 ? { level: f.level, code } : null;
}

/** An indicator's values by area code, read in place (an indicator not held has none). */
function valuesOf(values: ReadonlyMap<string, AreaValue> | undefined): ValueLookup {
  return { get: (code) => values?.get(code)?.value };
}

export async function analyseCauses(
  ws: Workspace,
  selection: Selection,
  options: CausesOptions,
  context: {
    cwd: string;
    reporter: Reporter;
    /** Where the incidents are counted (default: the workspace's records). */
    counting?: IncidentCounting;
  },
): Promise<AnalysisResult<CausesResult>> {
  const params = new Params();
  const warnings = new Warnings();
  const resolved = await resolveSelection(ws, selection, { ...context, params });
  const counted = context.counting === undefined ? {} : { counting: context.counting };
  const metas = await indicatorMetas(ws);
  if (metas.size === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_INDICATORS',
      message: 'no indicators are loaded in this workspace',
      fix: 'load the published indicators: svd indicators load ../shared/data/indicators/iod2025/imd2025_england_lsoa21.csv.gz (see svd indicators load --help)',
    });
  const rateOptions = {
    reporter: context.reporter,
    dimensions: resolved.dimensions,
    ...definitionParams(resolved),
    ...counted,
  };
  // --- the period: rates per year scale the complete months held to twelve
  const {
    from: periodFrom,
    to: periodTo,
    statuses,
    monthsHeld,
    perYear,
  } = await heldPeriod(ws, selection, context.counting);

  // --- association across the LSOAs 2021 of the area
  // The LSOAs' counts; the selection by source (its warnings) and by month (violence's trend) are
  // counted in the same scan when it reads the same records, else in one of their own.
  // The partnerships and districts within the area are counted by their LSOAs in the same scan
  // too, when the area's filter selects exactly the records of its LSOAs (see below).
  const folded = await foldedArea(ws, resolved.where);
  const byLsoa = await computeRates(
    ws,
    {
      level: 'lsoa21',
      where: resolved.where,
      smallCount: 10,
      alsoBy: folded === null ? ['source'] : ['source', COUNTING_LSOA_DIMENSION],
    },
    rateOptions,
  );
  const [bySource, byMonth] =
    byLsoa.selectionCounts === undefined
      ? await countIncidentsEach(ws, ['source', 'month'], resolved.where, rateOptions)
      : [byLsoa.selectionCounts.get('source')!, byLsoa.selectionCounts.get('month')!];
  await warnAboutSelection(ws, resolved, warnings, context.counting, bySource);
  const areas: (SmallArea & { name: string | null })[] = byLsoa.rows
    .filter((r) => r.population !== null && r.population > 0)
    .map((r) => ({ code: r.code, name: r.name, count: r.count, population: r.population! }));
  const noPopulation = byLsoa.rows.length - areas.length;
  if (noPopulation > 0)
    warnings.add(
      'NO_POPULATION',
      `${noPopulation} LSOA${noPopulation === 1 ? '' : 's'} of the area ha${noPopulation === 1 ? 's' : 've'} no residents in the population held: left out of the models`,
    );
  params.given(
    'level',
    'LSOA 2021: incidents counted in their LSOA 2021, residents of Census 2021',
  );
  params.given(
    'models',
    "counts regressed on the indicator with log(residents) as offset: Poisson (R glm) and negative binomial (R MASS::glm.nb); rate ratio per standard deviation of the indicator and per decile of it among the areas (10 = highest values), with 95% Wald intervals (R confint.default); Spearman's ρ of the rates with Fisher's z interval (variance 1.06/(n − 3)); Moran's I of the negative binomial Pearson residuals over contiguous LSOAs (R spdep::moran.test, row-standardised weights, randomisation, one-sided)",
  );
  const lsoaIndicators = await indicatorsAtLevel(ws, 'lsoa21');
  const chosen =
    options.indicators === undefined
      ? lsoaIndicators.filter((r) => !EXCLUDED_BY_DEFAULT.test(r.id))
      : options.indicators.map((id) => {
          const found = lsoaIndicators.find((r) => r.id === id);
          if (found === undefined)
            throw new SvdError({
              kind: 'usage',
              code: 'UNKNOWN_INDICATOR',
              message: `no indicator ${JSON.stringify(id)} is held for LSOAs 2021`,
              fix: `name one of: ${lsoaIndicators
                .map((r) => r.id)
                .slice(0, 12)
                .join(', ')}${lsoaIndicators.length > 12 ? ', …' : ''} (svd indicators list)`,
            });
          return found;
        });
  if (options.indicators === undefined)
    params.automatic(
      'indicators',
      chosen.map((r) => r.id),
      'every indicator held for LSOAs 2021, but ranks, deciles and numerators (the scores and rates they come from are kept)',
    );
  else params.given('indicators', options.indicators);
  const neighbours =
    areas.length > 0 && chosen.length > 0
      ? await lsoa21Neighbours(
          ws,
          areas.map((a) => a.code),
        )
      : { lists: areas.map(() => []), boundaries: false };
  if (!neighbours.boundaries && areas.length > 0 && chosen.length > 0)
    warnings.add(
      'NO_CONTIGUITY',
      "no LSOA 2011 boundaries are loaded: Moran's I of the residuals is not computed",
    );
  const isolated = neighbours.lists.filter((l) => l.length === 0).length;
  const rows: AssociationRow[] = [];
  // The risk index's components are read with the indicators associated, in one pass.
  const weights = areas.length > 0 ? readRiskWeights(options.weights) : undefined;
  const lsoaValues = await indicatorValuesOfAreas(
    ws,
    'lsoa21',
    lsoaIndicators.filter(
      (r) => chosen.includes(r) || weights?.components.some((c) => c.indicator === r.id) === true,
    ),
    areas.map((a) => a.code),
  );
  for (const ind of chosen) {
    const meta = metas.get(ind.id);
    if (meta === undefined) continue;
    const row = associate({
      meta,
      period: ind.period,
      areas,
      values: valuesOf(lsoaValues.get(ind.id)),
      neighbours: neighbours.lists,
    });
    if (row === null) {
      warnings.add('TOO_FEW_AREAS', `${ind.id}: fewer than 10 areas have a value, no association`);
      continue;
    }
    rows.push(row);
  }
  const incidents = areas.reduce((s, a) => s + a.count, 0);
  const population = areas.reduce((s, a) => s + a.population, 0);
  if (areas.length > 0 && incidents === 0)
    warnings.add(
      'NO_INCIDENTS',
      'no incidents are selected in the area: the models have nothing to fit',
    );

  // --- the risk index
  let risk: CausesResult['riskIndex'] = null;
  if (weights !== undefined) {
    if (options.weights === undefined)
      params.automatic(
        'weights',
        `${weights.id} version ${weights.version}`,
        'the shipped weights (reference/risk-index/neighbourhood-risk.yaml); give --weights FILE for your own',
      );
    else params.given('weights', `${weights.id} version ${weights.version} (${weights.file})`);
    const components = new Map<string, { name: string; period: string; values: ValueLookup }>();
    for (const c of weights.components) {
      const held = lsoaIndicators.find((r) => r.id === c.indicator);
      if (held === undefined) {
        warnings.add(
          'RISK_COMPONENT_MISSING',
          `the risk index names ${c.indicator}, which is not held for LSOAs 2021: left out (load it with svd indicators load)`,
        );
        continue;
      }
      components.set(c.indicator, {
        name: metas.get(c.indicator)?.name ?? c.indicator,
        period: held.period,
        values: valuesOf(lsoaValues.get(c.indicator)),
      });
    }
    risk =
      components.size === 0
        ? null
        : riskIndex({
            weights,
            areas,
            components,
            lsoa11: await lsoa11Parts(
              ws,
              areas.map((a) => a.code),
            ),
          });
    const unscored = risk?.areas.filter((a) => a.score === null).length ?? 0;
    if (unscored > 0)
      warnings.add(
        'RISK_UNSCORED',
        `${unscored} area${unscored === 1 ? '' : 's'} lack${unscored === 1 ? 's' : ''} a component of the risk index: no index for ${unscored === 1 ? 'it' : 'them'}`,
      );
  }

  // --- comparators
  const place = await placeOf(ws, resolved.where, params);
  const k = options.neighbours ?? DEFAULT_NEIGHBOURS;
  const features = options.similarBy ?? DEFAULT_SIMILAR_BY;
  params.resolve('similarBy', options.similarBy, () => ({
    value: DEFAULT_SIMILAR_BY,
    explanation:
      'deprivation among children: the shares of primary and secondary pupils eligible for free school meals, standardised across every local authority that has both',
  }));
  params.resolve('neighbours', options.neighbours, () => ({
    value: DEFAULT_NEIGHBOURS,
    explanation: 'the ten nearest local authorities, as DfE statistical neighbours are ten',
  }));
  const countyHeld = new Map((await indicatorsAtLevel(ws, 'county')).map((r) => [r.id, r.period]));
  const compare = options.compare ?? KEY_INDICATORS.filter((id) => countyHeld.has(id));
  if (options.compare === undefined)
    params.automatic(
      'compare',
      compare,
      'the key indicators of children, young people and families held by local authority (youth justice, exclusions, absence, NEET, social care, hospital admissions, free school meals)',
    );
  else params.given('compare', compare);
  const similar =
    place.county === null
      ? { features: [], similar: [], missingFeatures: features }
      : await similarAreas(ws, place.county.code, features, k);
  if (place.county !== null && similar.missingFeatures.length > 0)
    warnings.add(
      'SIMILARITY_FEATURE_MISSING',
      `similar areas: ${similar.missingFeatures.join(', ')} not held by local authority, left out of the distance`,
    );
  if (place.county === null && countyHeld.size > 0)
    warnings.add(
      'NO_LOCAL_AUTHORITY',
      'the area has no upper-tier local authority in the partnership configuration (localAuthority): indicators published by local authority are not compared',
    );
  const comparatorRows: ComparatorRow[] = [];
  if (place.county !== null)
    for (const id of compare) {
      const meta = metas.get(id);
      const period = countyHeld.get(id);
      if (meta === undefined || period === undefined) {
        warnings.add('UNKNOWN_INDICATOR', `${id} is not held by local authority: not compared`);
        continue;
      }
      const row = await comparatorRow(
        ws,
        meta,
        period,
        place.county,
        place.region,
        similar.similar,
      );
      if (row !== null) comparatorRows.push(row);
    }
  for (const row of comparatorRows)
    if (row.indicator === FIRST_TIME_ENTRANTS && row.england !== null)
      row.note = [
        row.note,
        "England's figure as LAIT publishes it is about ten times every authority's: not comparable",
      ]
        .filter((n) => n !== null)
        .join('; ');
  if (comparatorRows.some((r) => r.indicator === FIRST_TIME_ENTRANTS))
    warnings.add(
      'FIRSTYJS_ENGLAND',
      "the England figure of first-time entrants (lait/FirstYJS) as LAIT publishes it is about ten times the regions' and every authority's: compare with the region and similar areas instead",
    );
  // Serious violence in the area and the partnerships and districts within it: never beyond the
  // area, so that the figures are the area's whatever else the workspace holds, and a reader
  // limited to the area learns nothing of the rest.
  const violence: ViolenceComparator[] = [];
  const areaFree = resolved.where.filter((w) => areaLevelOfDimension(w.dimension) === undefined);
  const inside =
    place.code !== null &&
    place.level !== null &&
    place.level !== 'lsoa11' &&
    place.level !== 'lsoa21'
      ? { level: place.level as AreaLevel, code: place.code }
      : null;
  // The selection's own records when its area filter is the area's LSOAs (`foldedArea`): then
  // they are counted already, by the LSOAs' scan.
  const own =
    inside !== null && folded?.level === inside.level && folded.code === inside.code
      ? byLsoa.selectionCounts
      : undefined;
  for (const level of ['csp', 'district'] as const) {
    const rates = await computeRates(
      ws,
      inside === null
        ? { level, where: resolved.where, smallCount: 10 }
        : {
            level,
            where: own === undefined ? areaFree : resolved.where,
            within: { level: inside.level, codes: [inside.code] },
            smallCount: 10,
            ...(own === undefined ? {} : { counted: own }),
          },
      { ...rateOptions, reporter: quiet(context.reporter) },
    );
    // Within the area by the partnership configuration (the frame areas are named in), not by
    // the LSOAs held, so that the rows are the same whatever else the workspace holds.
    const keep =
      inside === null
        ? null
        : new Set(
            level === 'district'
              ? place.districts
              : place.partnerships
                  .filter(
                    (p) =>
                      p.districts.length > 0 &&
                      place.districts.length > 0 &&
                      p.districts.every((d) => place.districts.includes(d)),
                  )
                  .map((p) => p.code),
          );
    for (const r of rates.rows)
      if (keep === null || keep.has(r.code))
        violence.push({
          code: r.code,
          name: r.name,
          level,
          count: r.count,
          population: r.population,
          rate: perYear(r.rate),
          lower: perYear(r.lower),
          upper: perYear(r.upper),
        });
  }

  // --- trends
  const trends: IndicatorTrend[] = [];
  if (place.county !== null)
    for (const id of compare) {
      const meta = metas.get(id);
      if (meta === undefined || !countyHeld.has(id)) continue;
      const [own, england, region] = await Promise.all([
        indicatorSeries(ws, id, 'county', [place.county.code]),
        indicatorSeries(ws, id, 'country', [ENGLAND]),
        place.region === null
          ? Promise.resolve([])
          : indicatorSeries(ws, id, 'region', [place.region]),
      ]);
      const periods = [...new Set([...own, ...england, ...region].map((p) => p.period))];
      const order = new Map(
        [...own, ...england, ...region].map((p) => [p.period, p.end ?? p.period]),
      );
      periods.sort((a, b) =>
        order.get(a)! < order.get(b)! ? -1 : order.get(a)! > order.get(b)! ? 1 : 0,
      );
      const at = (list: typeof own, period: string) =>
        list.find((p) => p.period === period)?.value ?? null;
      // LAIT's England series of first-time entrants is not comparable (see the warning).
      const comparable = id !== FIRST_TIME_ENTRANTS;
      const points = periods.map((period) => ({
        period,
        value: at(own, period),
        england: comparable ? at(england, period) : null,
        region: at(region, period),
      }));
      const held = points.filter((p) => p.value !== null);
      const first = held[0];
      const last = held.at(-1);
      trends.push({
        indicator: id,
        name: meta.name,
        unit: meta.unit,
        polarity: meta.polarity,
        areaBasis: place.county.basis,
        points,
        change:
          first === undefined || last === undefined || first === last
            ? null
            : `${first.value!.toLocaleString('en-GB', { maximumSignificantDigits: 4 })} in ${first.period} to ${last.value!.toLocaleString('en-GB', { maximumSignificantDigits: 4 })} in ${last.period}`,
      });
    }
  const violenceYears: ViolenceYear[] = [];
  if (statuses.length > 0) {
    const monthly = new Map(byMonth.rows.map((r) => [String(r.month), Number(r.n)]));
    const years = new Map<string, { months: number; count: number }>();
    for (const s of statuses) {
      if (s.status !== 'complete') continue;
      const y = s.month.slice(0, 4);
      const e = years.get(y) ?? { months: 0, count: 0 };
      e.months++;
      e.count += monthly.get(s.month) ?? 0;
      years.set(y, e);
    }
    for (const [y, e] of [...years].sort(([a], [b]) => a.localeCompare(b)))
      violenceYears.push({
        period: e.months === 12 ? y : `${y} (${e.months} months)`,
        months: e.months,
        count: e.count,
        rate: population > 0 ? ((e.count / population) * 1000 * 12) / e.months : null,
      });
  }

  // --- summary
  const summary: string[] = [];
  const clear = rows.filter(
    (r) => !r.circular && r.perSd.negativeBinomial !== null && r.perSd.negativeBinomial.lower > 1,
  );
  const strongest = [...clear].sort(
    (a, b) => b.perSd.negativeBinomial!.rateRatio - a.perSd.negativeBinomial!.rateRatio,
  )[0];
  if (strongest !== undefined)
    summary.push(
      `Across ${formatCount(areas.length)} LSOAs, ${clear.length} of the ${rows.filter((r) => !r.circular).length} indicators not built from crime go with higher rates of serious violence; the strongest is ${strongest.name} (${formatRatio(strongest.perSd.negativeBinomial!.rateRatio)} times per standard deviation).`,
    );
  if (risk !== null)
    summary.push(
      `${risk.quadrants['high-risk-low-violence']} LSOAs are high-risk but low-violence (where prevention may pay), ${risk.quadrants['high-risk-high-violence']} are high on both, and ${risk.quadrants['low-risk-high-violence']} have high violence that the risk index does not explain.`,
    );
  return {
    result: {
      area: { code: place.code, name: place.name, level: place.level },
      months: { from: periodFrom, to: periodTo },
      indicatorsHeld: metas.size,
      association: {
        level: 'lsoa21',
        areas: areas.length,
        incidents,
        population,
        isolated,
        rows,
      },
      riskIndex: risk,
      comparators: {
        area:
          place.county === null
            ? null
            : {
                code: place.county.code,
                name: await indicatorAreaName(ws, 'county', place.county.code),
                level: 'county',
              },
        method: `the ${k} nearest local authorities by Euclidean distance on ${similar.features.join(', ') || 'no feature held'}, each standardised across the local authorities that have them all`,
        features: similar.features,
        similar: similar.similar,
        rows: comparatorRows,
        violence,
      },
      trends: { violence: violenceYears, indicators: trends },
      cautions: CAUSES_CAUTIONS,
      summary,
    },
    params: {
      ...params.all(),
      period: {
        value:
          periodFrom === null || periodTo === null ? null : formatMonthRange(periodFrom, periodTo),
        automatic: selection.from === undefined || selection.to === undefined,
        explanation: `${monthsHeld} complete month${monthsHeld === 1 ? '' : 's'} held`,
      },
    },
    warnings: warnings.list(),
  };
}
