/**
 * The assessment made fit for its audience: every table through `discloseTable` (primary and
 * secondary suppression, rounding), the map's areas through `discloseAreas`, every rate, share and
 * change computed from published figures only, and the executive summary written last, from the
 * disclosed result alone — so no sentence can state a withheld number.
 */
import {
  describeFigure,
  discloseFigure,
  discloseTable,
  withheld,
  disclosurePolicy,
  minimumFor,
  type DisclosedFigure,
  type DisclosureOptions,
  WITHHELD_PHRASE,
} from '../../disclosure/index.js';
import {
  formatNumber,
  formatP,
  formatPercent,
  formatRate,
} from '../../analyses/selection/plainWords.js';
import { formatMonth, formatMonthRange, monthsHeldPhrase } from '../../core/months.js';
import { changeFraction, stateChange } from '../../analyses/trends/stateChange.js';
import { chooseMapLevel, discloseSnaMap } from './discloseSnaMap.js';
import type { DisclosedSna, RawTable, ShownTable, SnaData } from './snaTypes.js';
import { resolveDocumentControl, type DocumentControl } from './documentControl.js';
import type { AnalysisWarning } from '../../api/analyses.js';
import { discloseCauses } from './causesSection.js';

const RECORDS = { one: 'record', many: 'records' };

function showTable(
  t: RawTable,
  policy: ReturnType<typeof disclosurePolicy>,
  alsoHide: readonly (readonly [number, number])[] = [],
): ShownTable {
  return {
    ...discloseTable(
      { rows: t.rows, columns: t.columns, cells: t.cells, sources: t.sources },
      policy,
      alsoHide,
    ),
    id: t.id,
    title: t.title,
    rowHeader: t.rowHeader,
    ...(t.note === undefined ? {} : { note: t.note }),
    ...(t.unlikeColumns === true ? { unlikeColumns: true } : {}),
  };
}

type Entry = readonly [table: keyof SnaData['tables'], r: number, c: number];

/** A raw table's entry in extended coordinates (row R: column totals; column C: row totals). */
function rawEntry(t: RawTable, r: number, c: number): number {
  const R = t.rows.length;
  const C = t.columns.length;
  const cell = (i: number, j: number): number => t.cells[i]![j]!;
  if (r < R) return c < C ? cell(r, c) : t.cells[r]!.reduce((a, v) => a + v, 0);
  let sum = 0;
  for (let i = 0; i < R; i++) sum += c < C ? cell(i, c) : t.cells[i]!.reduce((a, v) => a + v, 0);
  return sum;
}

function shownEntry(t: ShownTable, r: number, c: number): DisclosedFigure {
  const R = t.rows.length;
  const C = t.columns.length;
  return r < R ? (c < C ? t.cells[r]![c]! : t.rowTotals[r]!) : c < C ? t.columnTotals[c]! : t.total;
}

/**
 * Groups of entries of different tables that state the same figure: a district's records of the
 * first tier (volumes) are the row totals of the domestic and knife tables, and the first tier's
 * total is also the total of the monthly, LSOA and deprivation tables (when it is the same
 * number). A figure withheld in one table must be withheld in all, or the other table gives it
 * back; entries are linked only when their values agree.
 */
function linkedEntries(t: SnaData['tables']): Entry[][] {
  const groups: Entry[][] = [];
  const v = t.volumes;
  const ext = (x: RawTable): [number, number] => [x.rows.length, x.columns.length];
  v.rows.forEach((label, r) => {
    const group: Entry[] = [['volumes', r, 0]];
    for (const id of ['domestic', 'knife'] as const) {
      const i = t[id].rows.indexOf(label);
      if (i >= 0 && rawEntry(t[id], i, t[id].columns.length) === rawEntry(v, r, 0))
        group.push([id, i, t[id].columns.length]);
    }
    if (group.length > 1) groups.push(group);
  });
  const total = rawEntry(v, v.rows.length, 0);
  const totals: Entry[] = [['volumes', v.rows.length, 0]];
  for (const id of ['domestic', 'knife', 'trend', 'where', 'deprivation'] as const) {
    const x = t[id];
    if (x === null) continue;
    const [R, C] = ext(x);
    if (rawEntry(x, R, C) !== total) continue;
    totals.push([id, R, C]);
    if (C === 1) totals.push([id, R, 0]);
  }
  if (totals.length > 1) groups.push(totals);
  return groups;
}

const valueOf = (f: DisclosedFigure | undefined): number | null =>
  f === undefined || f.suppressed !== false ? null : f.value;

/**
 * `document`: the document control resolved by the caller (the command announces its
 * defaults); left out, the defaults for the audience, unannounced.
 */
export function discloseSna(
  data: SnaData,
  options: DisclosureOptions,
  document?: DocumentControl,
): DisclosedSna {
  const policy = disclosurePolicy(options);
  // The level of the map and the "where" table: LSOAs, or wards or MSOAs for a public map that
  // would be mostly withheld at LSOA level.
  const mapLevel = chooseMapLevel(data, policy, (x) => showTable(x, policy));
  const t = { ...data.tables, where: mapLevel.where };
  // Linked figures withheld in one table are withheld in the others, until nothing changes.
  const groups = linkedEntries(t);
  const hide = new Map<string, [number, number][]>();
  const extra = (id: string): [number, number][] => hide.get(id) ?? [];
  let linked: Pick<DisclosedSna['tables'], 'volumes' | 'domestic' | 'knife' | 'trend' | 'where'> & {
    deprivation: ShownTable | null;
  };
  for (;;) {
    linked = {
      volumes: showTable(t.volumes, policy, extra('volumes')),
      domestic: showTable(t.domestic, policy, extra('domestic')),
      knife: showTable(t.knife, policy, extra('knife')),
      trend: showTable(t.trend, policy, extra('trend')),
      where: showTable(t.where, policy, extra('where')),
      deprivation:
        t.deprivation === null ? null : showTable(t.deprivation, policy, extra('deprivation')),
    };
    let changed = false;
    for (const group of groups) {
      const isHidden = ([id, r, c]: Entry): boolean =>
        shownEntry(linked[id as keyof typeof linked]!, r, c).suppressed !== false;
      if (!group.some(isHidden)) continue;
      for (const entry of group)
        if (!isHidden(entry)) {
          hide.set(entry[0], [...extra(entry[0]), [entry[1], entry[2]]]);
          changed = true;
        }
    }
    if (!changed) break;
  }
  // A table of the first tier's records whose total falls short of the tier's total by a small
  // count would publish that count by subtraction (the records with no time of day, with no
  // victim recorded): its total is withheld, and whatever would give it back.
  const tierTotal = rawEntry(t.volumes, t.volumes.rows.length, 0);
  const apart = (x: RawTable): [number, number][] => {
    const gap = Math.abs(tierTotal - rawEntry(x, x.rows.length, x.columns.length));
    return gap >= 1 && gap < minimumFor(policy, x.sources)
      ? [[x.rows.length, x.columns.length]]
      : [];
  };
  const tables: DisclosedSna['tables'] = {
    volumes: linked.volumes,
    trend: linked.trend,
    where: linked.where,
    when: t.when === null ? null : showTable(t.when, policy, apart(t.when)),
    who: t.who === null ? null : showTable(t.who, policy, apart(t.who)),
    domestic: linked.domestic,
    knife: linked.knife,
    drugs: showTable(t.drugs, policy),
    deprivation: linked.deprivation,
    health: t.health === null ? null : showTable(t.health, policy),
    healthMethod: t.healthMethod === null ? null : showTable(t.healthMethod, policy),
  };
  // Per 1,000 residents per year: the count over the months held, scaled to twelve months, so
  // that a rate over a part period is not read as annual and rates of different periods compare.
  const years = data.periodHeld.held / 12;
  const rate = (count: number | null, population: number | null): number | null =>
    count === null || population === null || population <= 0 || years <= 0
      ? null
      : Number(((count / population / years) * 1000).toPrecision(3));
  // Rates of the first tier (the definition's serious violence), from the published counts only.
  const rates: DisclosedSna['rates'] = {
    districts: tables.volumes.rows.map((district, i) => {
      const population = data.population.districts[i] ?? null;
      return {
        district,
        population,
        rate: rate(valueOf(tables.volumes.cells[i]?.[0]), population),
      };
    }),
    deciles:
      tables.deprivation === null
        ? []
        : tables.deprivation.rows.map((decile, i) => {
            const population = data.population.deciles[i] ?? null;
            return {
              decile,
              population,
              rate: rate(valueOf(tables.deprivation!.cells[i]?.[0]), population),
            };
          }),
  };
  // The change between two periods: both totals as single figures; the percentage only when both
  // are shown, and its significance only then (a p-value on a withheld count says too much).
  let change: DisclosedSna['change'] = null;
  if (data.change !== null) {
    // A period's total is the sum of its months in the trend table: withheld when any of those
    // months is, or the total and the months shown would give the withheld one back.
    const period = (range: { from: string; to: string; count: number }): DisclosedFigure => {
      const months = tables.trend.rows
        .map((month, i) => ({ month, figure: tables.trend.cells[i]![0]! }))
        .filter((m) => m.month >= range.from && m.month <= range.to);
      return months.some((m) => m.figure.suppressed !== false)
        ? withheld('secondary')
        : discloseFigure(range.count, policy, t.trend.sources);
    };
    const earlier = period(data.change.earlier);
    const later = period(data.change.later);
    const both = earlier.suppressed === false && later.suppressed === false;
    const { earlier: e, later: l } = data.change;
    const c = data.change;
    const sides =
      earlier.suppressed === false && later.suppressed === false
        ? {
            earlier: { ...e, count: earlier.value, about: earlier.rounded },
            later: { ...l, count: later.value, about: later.rounded },
          }
        : null;
    const fraction = sides === null ? null : changeFraction(sides.earlier, sides.later);
    change = {
      earlier: { from: e.from, to: e.to, figure: earlier },
      later: { from: l.from, to: l.to, figure: later },
      percent: fraction === null ? null : Math.round(fraction * 1000) / 10,
      significant: both ? c.significant : null,
      // The same sentence as the analyses' and the dashboard's; the test's figures only when
      // the counts are published as they are (a p-value on a rounded count says more than it).
      statement:
        sides === null
          ? `Comparing ${formatMonthRange(l.from, l.to)} with ${formatMonthRange(e.from, e.to)}, the change in the number of records is ${WITHHELD_PHRASE}.`
          : stateChange({
              ...sides,
              test:
                earlier.rounded || later.rounded
                  ? null
                  : {
                      rateRatio: c.rateRatio,
                      lower: c.lower,
                      upper: c.upper,
                      pValue: c.pValue,
                      significant: c.significant,
                      confidence: c.confidence,
                    },
              significant: c.significant,
              noun: RECORDS,
              ...(c.basis.startsWith('the ') ? { basis: c.basis } : {}),
            }),
    };
  }
  // The map shows the "where" table's own figures (its rows are the areas drawn, in order), so a
  // withheld area is hatched exactly when the table withholds it.
  const map: DisclosedSna['map'] = discloseSnaMap(data, tables.where, mapLevel, policy);
  const disclosed: DisclosedSna = {
    area: data.area,
    period: data.period,
    definition: data.definition,
    generatedAt: data.generatedAt,
    software: data.software,
    audience: policy.audience,
    document:
      document ??
      resolveDocumentControl({}, policy.audience, data.area.name, { info: () => undefined }),
    policy: {
      description: policy.description,
      minimum: minimumFor(policy, ['other']),
      healthMinimum: minimumFor(policy, ['health']),
      rounding: policy.rounding,
    },
    batches: data.batches.map((b) => ({
      ...b,
      rows: valueOf(discloseFigure(b.rows, policy, [b.kind])),
    })),
    coverage: data.coverage,
    caveats: data.caveats,
    tables,
    rates,
    missingMonths: data.missingMonths,
    periodHeld: data.periodHeld,
    change,
    trendTest: data.trendTest,
    map,
    deprivationCorrelations: data.deprivationCorrelations,
    causes:
      data.causes === null ? null : discloseCauses(data.causes, policy, data.tables.trend.sources),
    summary: [],
    params: data.params,
    warnings: discloseWarnings(
      data.warnings,
      policy.audience === 'analyst' ? 0 : minimumFor(policy, ['health', 'other']),
    ),
  };
  disclosed.summary = summariseSna(disclosed);
  return disclosed;
}

/** What a warning says in place of details it withholds. */
export const WITHHELD_DETAILS = 'details not published, to protect confidentiality';

/**
 * The analyses' warnings state counts as computed ("4 records give a date but no time"). Outside
 * the analyst view a warning keeps its words only when no number in it could be a small count:
 * any whole number from 1 to the strictest minimum − 1 withholds its details.
 */
export function discloseWarnings(
  warnings: readonly AnalysisWarning[],
  minimum: number,
): AnalysisWarning[] {
  return warnings.map((w) => {
    const numbers = [...w.message.matchAll(/\d[\d,]*(?:\.\d+)?/g)].map((m) =>
      Number(m[0].replace(/,/g, '')),
    );
    const risky =
      numbers.some((n) => n > 0 && n < minimum) ||
      (w.count > 0 && w.count < minimum && w.count > 1);
    return risky
      ? {
          code: w.code,
          message: `${w.code.toLowerCase().replace(/_/g, ' ')} (${WITHHELD_DETAILS})`,
          count: 1,
        }
      : w;
  });
}

const pct = (part: number, whole: number): string => formatPercent(part / whole);

/** "Share flagged" of a flag table's total, or null when either figure is withheld. */
function flaggedShare(table: ShownTable): { flagged: DisclosedFigure; share: string | null } {
  const flagged = table.columnTotals[0]!;
  const total = table.total;
  const share =
    flagged.suppressed === false && total.suppressed === false && total.value > 0
      ? pct(flagged.value, total.value)
      : null;
  return { flagged, share };
}

/**
 * The executive summary, in plain English, from the disclosed assessment only: figures through
 * `describeFigure`/`describeChange`, shares and rates only of published figures.
 */
export function summariseSna(d: DisclosedSna): string[] {
  const out: string[] = [];
  const volumes = d.tables.volumes;
  const first = volumes.columnTotals[0]!;
  out.push(
    first.suppressed === false
      ? `In ${d.area.name}, ${describeFigure(first, RECORDS)} of serious violence ${verb(first)} held from ${formatMonth(d.period.from)} to ${formatMonth(d.period.to)}${partPeriod(d)}, counting ${primaryTierWords(d.definition)}.`
      : `In ${d.area.name}, the number of records of serious violence held from ${formatMonth(d.period.from)} to ${formatMonth(d.period.to)}${partPeriod(d)}, counting ${primaryTierWords(d.definition)}, is ${WITHHELD_PHRASE}.`,
  );
  if (d.change !== null) out.push(d.change.statement);
  if (d.trendTest !== null)
    out.push(
      d.trendTest.direction === 'none'
        ? `Over ${d.trendTest.months} months there is no clear upward or downward trend (Mann–Kendall, ${formatP(d.trendTest.pValue)}).`
        : `Over ${d.trendTest.months} months the trend is ${d.trendTest.direction === 'up' ? 'upward' : 'downward'} (Mann–Kendall, ${formatP(d.trendTest.pValue)}).`,
    );
  const ranked = d.rates.districts
    .filter((r): r is typeof r & { rate: number } => r.rate !== null)
    .sort((a, b) => b.rate - a.rate);
  if (ranked.length > 1)
    out.push(
      `The rate was highest in ${ranked[0]!.district} (${formatRate(ranked[0]!.rate)} per 1,000 residents per year) and lowest in ${ranked.at(-1)!.district} (${formatRate(ranked.at(-1)!.rate)} per 1,000 per year)${partPeriod(d)}.`,
    );
  if (d.map !== null)
    out.push(
      d.map.hot === 0
        ? 'No neighbourhood (LSOA) stands out as a statistically significant hotspot.'
        : `${d.map.hot === 1 ? 'One neighbourhood (LSOA) stands out as a statistically significant hotspot' : `${formatNumber(d.map.hot)} neighbourhoods (LSOAs) stand out as statistically significant hotspots`} (Getis-Ord Gi*, ${d.map.correction === 'fdr' ? 'false discovery rate' : d.map.correction} correction).`,
    );
  for (const [table, what] of [
    [d.tables.domestic, 'carried the domestic abuse flag'],
    [d.tables.knife, 'involved a knife or sharp instrument'],
  ] as const) {
    const { flagged, share } = flaggedShare(table);
    out.push(
      flagged.suppressed === false
        ? `Of the records of serious violence, ${describeFigure(flagged, RECORDS)} ${what}${share === null ? '' : ` (${share})`}.`
        : `The number of records of serious violence that ${what} is ${WITHHELD_PHRASE}.`,
    );
  }
  const drugs = d.tables.drugs;
  const lines = drugs.columnTotals[0]!;
  const supply = drugs.columnTotals[1]!;
  out.push(
    `County lines: ${lines.suppressed === false ? `${describeFigure(lines, RECORDS)} flagged` : `the number of records flagged is ${WITHHELD_PHRASE}`}; other drug supply: ${supply.suppressed === false ? describeFigure(supply, RECORDS) : `the number of records is ${WITHHELD_PHRASE}`}.`,
  );
  const deciles = d.rates.deciles
    .filter((r): r is typeof r & { rate: number } => r.rate !== null && r.rate > 0)
    .sort((a, b) => b.rate - a.rate);
  if (deciles.length > 1)
    out.push(
      `By deprivation (IMD 2019, decile 1 the most deprived), the rate was highest in decile ${deciles[0]!.decile} (${formatRate(deciles[0]!.rate)} per 1,000 residents per year) and lowest in decile ${deciles.at(-1)!.decile} (${formatRate(deciles.at(-1)!.rate)} per 1,000 per year)${partPeriod(d)}.`,
    );
  if (d.tables.health !== null) {
    const police = d.tables.health.columnTotals[0]!;
    const ae = d.tables.health.columnTotals[1]!;
    out.push(
      `Police beside health, over the months compared: A&E assault attendances at the emergency departments in ${d.area.name}: ${describeFigure(ae, { one: 'attendance', many: 'attendances' })}; police-recorded assaults with injury in ${d.area.name}: ${describeFigure(police, RECORDS)}.`,
    );
  }
  return out;
}

/** "the primary tier (“Serious violence (…)”) of definition thames-valley-vru, version 1". */
export function primaryTierWords(definition: DisclosedSna['definition']): string {
  const tier = definition.tiers[0];
  return `the primary tier${tier === undefined ? '' : ` (“${tier.label}”)`} of definition ${definition.id}, version ${definition.version}`;
}

const verb = (f: DisclosedFigure): string =>
  f.suppressed === false && f.value === 1 ? 'was' : 'were';
/** ' (Apr 2023 – Mar 2024: 3 of 12 months held)' when the period is only partly held, else ''. */
export function partPeriod(d: Pick<DisclosedSna, 'period' | 'periodHeld'>): string {
  const { held, months } = d.periodHeld;
  return held < months
    ? ` (${formatMonthRange(d.period.from, d.period.to)}: ${monthsHeldPhrase(held, months)})`
    : '';
}
