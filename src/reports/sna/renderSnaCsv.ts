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
  for (const [section, note] of Object.entries(commentary))
    if (note !== undefined) rows.push([section, 'commentary', '', '', note.text]);
  return toCsv(['section', 'table', 'row', 'column', 'value'], rows);
}
