/**
 * The assessment's tables as one CSV for spreadsheets, long format (section, table, row, column,
 * value), with the analysts' commentary as text rows: figures as published for the audience (a
 * withheld figure is the mark, never a number), every text field safe from formula injection.
 */
import { SUPPRESSED_MARK, type DisclosedFigure } from '../../disclosure/index.js';
import { toCsv } from '../csv.js';
import type { Commentary } from './readCommentary.js';
import type { DisclosedSna, ShownTable } from './snaTypes.js';

const cell = (f: DisclosedFigure): string | number =>
  f.suppressed === false ? f.value : SUPPRESSED_MARK;

export function renderSnaCsv(d: DisclosedSna, commentary: Commentary = {}): string {
  const rows: (string | number)[][] = [];
  const add = (section: string, t: ShownTable | null): void => {
    if (t === null) return;
    t.rows.forEach((r, i) => {
      t.columns.forEach((c, j) => rows.push([section, t.title, r, c, cell(t.cells[i]![j]!)]));
      if (t.unlikeColumns !== true)
        rows.push([section, t.title, r, 'Total', cell(t.rowTotals[i]!)]);
    });
    t.columns.forEach((c, j) =>
      rows.push([section, t.title, 'Total', c, cell(t.columnTotals[j]!)]),
    );
    if (t.unlikeColumns !== true) rows.push([section, t.title, 'Total', 'Total', cell(t.total)]);
  };
  for (const [section, t] of Object.entries(d.tables)) add(section, t);
  if (d.causes !== null) rows.push(...causesRows(d.causes));
  for (const [section, note] of Object.entries(commentary))
    if (note !== undefined) rows.push([section, 'commentary', '', '', note.text]);
  return toCsv(['section', 'table', 'row', 'column', 'value'], rows);
}

/** The causes section: model estimates, quadrant counts (of LSOAs), comparators and counts. */
function causesRows(c: NonNullable<DisclosedSna['causes']>): (string | number)[][] {
  const out: (string | number)[][] = [];
  const put = (table: string, row: string, column: string, v: number | string | null): void => {
    out.push(['causes', table, row, column, v === null ? '' : v]);
  };
  const association =
    'Association with small-area indicators (rate ratio per SD, negative binomial)';
  for (const r of c.result.association.rows) {
    const nb = r.perSd.negativeBinomial;
    put(association, r.name, 'period', r.period);
    put(association, r.name, 'rate ratio', nb?.rateRatio ?? null);
    put(association, r.name, 'lower 95%', nb?.lower ?? null);
    put(association, r.name, 'upper 95%', nb?.upper ?? null);
    put(association, r.name, "Moran's I of residuals", r.moran?.statistic ?? null);
    put(association, r.name, 'built from recorded crime', r.circular ? 'yes' : 'no');
  }
  if (c.result.riskIndex !== null)
    for (const [q, n] of Object.entries(c.result.riskIndex.quadrants))
      put(
        `Risk index quadrants (${c.result.riskIndex.weights.id} v${c.result.riskIndex.weights.version}), LSOAs`,
        q,
        'LSOAs',
        n,
      );
  for (const r of c.result.comparators.rows) {
    const table = `Comparators (${r.period})`;
    put(table, r.name, 'area', r.area.value);
    put(table, r.name, 'England', r.england?.value ?? null);
    put(table, r.name, 'region', r.region?.value ?? null);
    put(table, r.name, 'similar areas (median)', r.neighboursMedian);
  }
  for (const v of c.violence)
    put('Serious violence within the area', v.name, 'records', cell(v.figure));
  for (const y of c.violenceYears)
    put('Serious violence by year', y.period, 'records', cell(y.figure));
  return out;
}
