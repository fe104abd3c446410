/**
 * Whether a withheld figure of a disclosed table can be worked out from the published ones by
 * linear reasoning on rows, columns and totals — checked by rank, independently of the bridge
 * argument suppressTable relies on. Shared by the SNA property test (generated tables) and the
 * assessment test (the tables of a real answer).
 */
import type { DisclosedFigure, DisclosedTable } from '../../src/disclosure/index.js';

type Margins = Pick<DisclosedTable, 'cells' | 'rowTotals' | 'columnTotals' | 'total'>;

/** The rank of a matrix (Gaussian elimination with partial pivoting). */
export function rank(rows: number[][]): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    let pivot = -1;
    let best = 1e-9;
    for (let i = r; i < m.length; i++)
      if (Math.abs(m[i]![c]!) > best) {
        best = Math.abs(m[i]![c]!);
        pivot = i;
      }
    if (pivot === -1) continue;
    [m[r], m[pivot]] = [m[pivot]!, m[r]!];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i]![c]! / m[r]![c]!;
      if (f !== 0) for (let j = c; j < cols; j++) m[i]![j]! -= f * m[r]![j]!;
    }
    r++;
  }
  return r;
}

/**
 * The withheld entries of the extended table (as [row, column]; row R holds the column totals,
 * column C the row totals) that the published figures fix: for each, the unit vector is a
 * combination of the equations "cells of a row or column − its total = 0" over the withheld
 * entries, i.e. adding it does not raise the rank. Empty when nothing withheld can be recovered.
 */
export function determinedWithheld(t: Margins): [number, number][] {
  const R = t.cells.length;
  const C = t.columnTotals.length;
  const figure = (r: number, c: number): DisclosedFigure =>
    r < R ? (c < C ? t.cells[r]![c]! : t.rowTotals[r]!) : c < C ? t.columnTotals[c]! : t.total;
  const hidden: [number, number][] = [];
  for (let r = 0; r <= R; r++)
    for (let c = 0; c <= C; c++) if (figure(r, c).suppressed !== false) hidden.push([r, c]);
  if (hidden.length === 0) return [];
  // One equation per row and per column of the extended table: cells − total = 0.
  const A: number[][] = [];
  for (let r = 0; r <= R; r++)
    A.push(hidden.map(([hr, hc]) => (hr === r ? (hc === C ? -1 : 1) : 0)));
  for (let c = 0; c <= C; c++)
    A.push(hidden.map(([hr, hc]) => (hc === c ? (hr === R ? -1 : 1) : 0)));
  const base = rank(A);
  return hidden.filter((_, k) => {
    const unit = hidden.map((__, j) => (j === k ? 1 : 0));
    return rank([...A, unit]) === base;
  });
}

/** Every entry of the extended table, with its coordinates (for checks on each figure). */
export function extendedEntries(t: Margins): { r: number; c: number; figure: DisclosedFigure }[] {
  const R = t.cells.length;
  const C = t.columnTotals.length;
  const out: { r: number; c: number; figure: DisclosedFigure }[] = [];
  for (let r = 0; r <= R; r++)
    for (let c = 0; c <= C; c++)
      out.push({
        r,
        c,
        figure:
          r < R
            ? c < C
              ? t.cells[r]![c]!
              : t.rowTotals[r]!
            : c < C
              ? t.columnTotals[c]!
              : t.total,
      });
  return out;
}
