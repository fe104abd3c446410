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

/** 'Jan' … 'Dec', as months are written for people. */
export const MONTH_ABBREVIATIONS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

/** A month as people write it: '2024-02' → 'Feb 2024'. Text that is not a month is returned as it is. */
export function formatMonth(month: string): string {
  if (!isMonth(month)) return month;
  return `${MONTH_ABBREVIATIONS[Number(month.slice(5, 7)) - 1]!} ${month.slice(0, 4)}`;
}

/**
 * A range of months in words: 'Feb 2019 – Dec 2023', or one month alone ('Jul 2025') when the
 * range is a single month.
 */
export function formatMonthRange(first: string, last: string): string {
  return first === last ? formatMonth(first) : `${formatMonth(first)} – ${formatMonth(last)}`;
}

/**
 * Months (sorted) as ranges in words, each run once: 'Oct 2018 – Jan 2019, Mar 2019'. Every
 * sentence and warning that names months writes them through this.
 */
export function formatRuns(months: readonly string[]): string {
  return monthRuns(months)
    .map((r) => formatMonthRange(r.first, r.last))
    .join(', ');
}

/** How many of a period's months are held: '3 of 12 months held'. */
export function monthsHeldPhrase(held: number, of: number): string {
  return `${held} of ${of} month${of === 1 ? '' : 's'} held`;
}
