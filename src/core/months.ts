/** Calendar months as 'YYYY-MM' strings: parsing, stepping and ranges. */

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month from first to last inclusive (empty when last < first). */
export function monthRange(first: string, last: string): string[] {
  const out: string[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Collapses sorted months into runs: ['2019-01…2019-03', '2019-06']. */
export function monthRuns(
  months: readonly string[],
): { first: string; last: string; count: number }[] {
  const runs: { first: string; last: string; count: number }[] = [];
  for (const m of months) {
    const run = runs.at(-1);
    if (run !== undefined && addMonths(run.last, 1) === m) {
      run.last = m;
      run.count++;
    } else runs.push({ first: m, last: m, count: 1 });
  }
  return runs;
}

export function formatRuns(months: readonly string[]): string {
  return monthRuns(months)
    .map((r) => (r.count === 1 ? r.first : `${r.first}…${r.last}`))
    .join(', ');
}
