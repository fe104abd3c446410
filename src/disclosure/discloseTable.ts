/**
 * A table of counts with its margins, ready to publish for an audience: small counts hidden
 * (primary suppression), enough others hidden that none of them can be worked out from the rest
 * and the totals (secondary suppression, see suppressTable.ts), the rest rounded if the policy
 * says so. The result holds no value of a hidden entry.
 */
import { minimumFor, type DisclosurePolicy } from './disclosurePolicy.js';
import { shown, withheld, type DisclosedFigure } from './discloseFigure.js';
import { suppressTable } from './suppressTable.js';

export interface CountTable {
  rows: readonly string[];
  columns: readonly string[];
  /** Counts, rows × columns (whole numbers ≥ 0). */
  cells: readonly (readonly number[])[];
  /** Where the counts come from (record sources); decides the minimum (health data: 8). */
  sources: readonly string[];
}

export interface DisclosedTable {
  rows: string[];
  columns: string[];
  cells: DisclosedFigure[][];
  rowTotals: DisclosedFigure[];
  columnTotals: DisclosedFigure[];
  total: DisclosedFigure;
  /** The minimum applied, the count of entries hidden, and the policy in words. */
  disclosure: {
    audience: DisclosurePolicy['audience'];
    minimum: number;
    rounding: number | null;
    primary: number;
    secondary: number;
    description: string;
  };
}

export function discloseTable(
  table: CountTable,
  policy: DisclosurePolicy,
  /** Entries withheld elsewhere (extended coordinates, see suppressTable). */
  alsoHide: readonly (readonly [number, number])[] = [],
): DisclosedTable {
  if (table.cells.length !== table.rows.length)
    throw new RangeError(
      `the table has ${table.rows.length} row labels but ${table.cells.length} rows`,
    );
  for (const row of table.cells) {
    if (row.length !== table.columns.length)
      throw new RangeError(
        `the table has ${table.columns.length} column labels but a row of ${row.length} cells`,
      );
    for (const v of row)
      if (!(Number.isInteger(v) && v >= 0))
        throw new RangeError(`a count must be a whole number ≥ 0: ${v}`);
  }
  const minimum = minimumFor(policy, table.sources);
  const s = suppressTable({ cells: table.cells, minimum, alsoHide });
  let primary = 0;
  let secondary = 0;
  const figure = (v: number, mark: false | 'primary' | 'secondary'): DisclosedFigure => {
    if (mark === 'primary') primary++;
    if (mark === 'secondary') secondary++;
    return mark === false ? shown(v, policy) : withheld(mark);
  };
  return {
    rows: [...table.rows],
    columns: [...table.columns],
    cells: table.cells.map((row, r) => row.map((v, c) => figure(v, s.cells[r]![c]!))),
    rowTotals: s.rowTotals.map((v, r) => figure(v, s.rowTotalsHidden[r]!)),
    columnTotals: s.columnTotals.map((v, c) => figure(v, s.columnTotalsHidden[c]!)),
    total: figure(s.total, s.totalHidden),
    disclosure: {
      audience: policy.audience,
      minimum,
      rounding: policy.rounding,
      primary,
      secondary,
      description: policy.description,
    },
  };
}
