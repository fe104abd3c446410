/**
 * The key findings a board reads first: four to six short statements, each from figures the
 * audience may see (the disclosed assessment alone), worded apart from the executive summary so
 * that the two do not repeat each other. A finding whose figures are withheld is left out, except
 * the volume, which is always stated (as withheld when it is).
 */
import { formatMonthRange } from '../../core/months.js';
import { partPeriod } from './discloseSna.js';
import { formatNumber, formatPercent } from '../../analyses/selection/plainWords.js';
import { WITHHELD_PHRASE, describeFigure, type DisclosedFigure } from '../../disclosure/index.js';
import type { DisclosedSna, ShownTable } from './snaTypes.js';

const RECORDS = { one: 'record', many: 'records' };

const value = (f: DisclosedFigure | undefined): number | null =>
  f !== undefined && f.suppressed === false ? f.value : null;

const months = (p: { from: string; to: string }): string => formatMonthRange(p.from, p.to);

/** The share of a flag table's total carrying the flag, or null when either is withheld. */
function share(t: ShownTable): string | null {
  const flagged = value(t.columnTotals[0]);
  const total = value(t.total);
  return flagged === null || total === null || total === 0 ? null : formatPercent(flagged / total);
}

/** "2.4 times" — how many times one rate is another (only when at least one and a half). */
const times = (high: number, low: number): string | null =>
  low > 0 && high / low >= 1.5 ? `${formatRatio(high / low)} times` : null;

const formatRatio = (x: number): string =>
  x >= 10
    ? Math.round(x).toLocaleString('en-GB')
    : x.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A rate per 1,000 as published (two decimals below 10, so that rates side by side align). */
const rate = (x: number): string =>
  x < 10
    ? x.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    : formatNumber(x);

export function keyFindings(d: DisclosedSna): string[] {
  const out: string[] = [];
  const tier = d.definition.tiers[0];
  const volume = d.tables.volumes.columnTotals[0]!;
  const counted =
    tier === undefined
      ? ''
      : ` (the primary tier of ${d.definition.id}, version ${d.definition.version})`;
  out.push(
    volume.suppressed === false
      ? `${capital(describeFigure(volume, RECORDS))} of serious violence in ${d.area.name}, ${months(d.period)}${partPeriod(d)}${counted}.`
      : `The number of records of serious violence in ${d.area.name}, ${months(d.period)}${partPeriod(d)}${counted}, is ${WITHHELD_PHRASE}.`,
  );
  if (d.change !== null) {
    const c = d.change;
    const trend =
      d.trendTest === null
        ? ''
        : d.trendTest.direction === 'none'
          ? `; no clear trend over the ${d.trendTest.months} months held`
          : `; the trend over the ${d.trendTest.months} months held is ${d.trendTest.direction === 'up' ? 'upward' : 'downward'}`;
    // The change in the very words of the summary and the dashboard (one statement everywhere).
    if (value(c.earlier.figure) !== null && value(c.later.figure) !== null)
      out.push(`${c.statement.replace(/\.$/, '')}${trend}.`);
  }
  const rates = d.rates.districts
    .filter((r): r is typeof r & { rate: number } => r.rate !== null)
    .sort((a, b) => b.rate - a.rate);
  if (rates.length > 1) {
    const [high, low] = [rates[0]!, rates.at(-1)!];
    const ratio = times(high.rate, low.rate);
    out.push(
      `${high.district} has the highest rate, ${rate(high.rate)} per 1,000 residents a year${ratio === null ? '' : `, ${ratio} that of ${low.district}`} (the lowest, ${rate(low.rate)}).`,
    );
  }
  if (d.map !== null)
    out.push(
      d.map.hot === 0
        ? 'No neighbourhood (LSOA) is a statistically significant hotspot.'
        : `${d.map.hot === 1 ? 'One neighbourhood (LSOA) is a' : `${formatNumber(d.map.hot)} neighbourhoods (LSOAs) are`} statistically significant hotspot${d.map.hot === 1 ? '' : 's'}: see the map in “Where”.`,
    );
  const domestic = share(d.tables.domestic);
  const knife = share(d.tables.knife);
  if (domestic !== null || knife !== null)
    out.push(
      `${[
        domestic === null ? null : `${domestic} of these records carried the domestic abuse flag`,
        knife === null ? null : `${knife} involved a knife or sharp instrument`,
      ]
        .filter((s): s is string => s !== null)
        .join('; ')
        .replace(/^./, (c) => c.toUpperCase())}.`,
    );
  const deciles = d.rates.deciles
    .filter((r): r is typeof r & { rate: number } => r.rate !== null && r.rate > 0)
    .sort((a, b) => b.rate - a.rate);
  if (deciles.length > 1 && out.length < 6) {
    const [high, low] = [deciles[0]!, deciles.at(-1)!];
    const ratio = times(high.rate, low.rate);
    out.push(
      `Deprivation: the rate in decile ${high.decile} (IMD 2019, 1 the most deprived) is ${rate(high.rate)} per 1,000 residents a year${ratio === null ? '' : `, ${ratio} that of decile ${low.decile}`} (${rate(low.rate)}).`,
    );
  }
  const causes = d.causes?.result.summary[0];
  if (causes !== undefined && out.length < 6) out.push(`Causes: ${causes}`);
  return out.slice(0, 6);
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
