/**
 * Series over months on a time axis: each month placed at its first day (where the axis labels it), so that months
 * not held stand apart as a gap and break the line ('-'), never joined to the next month held as
 * if they were neighbours — as the SNA's charts draw them.
 */
import { fmtMonth } from './format';

const DAY = 86_400_000;

/** The first day of a month ('YYYY-MM') as a time-axis value: where the axis puts its month ticks. */
export function monthTime(month: string): number {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1);
}

/** [time, value] pairs; a null value (not held) is '-', a gap that breaks the line. */
export function monthPoints(
  months: readonly string[],
  values: readonly (number | null)[],
): [number, number | '-'][] {
  return months.map((m, i) => [monthTime(m), values[i] ?? '-']);
}

/** A time x-axis over the months first to last, labelled "Feb 2024". */
export function monthAxis(first: string, last: string) {
  return {
    type: 'time' as const,
    min: monthTime(first) - 15 * DAY,
    max: monthTime(last) + 15 * DAY,
    // Ticks at least four weeks apart: a short series would otherwise label each week with its month.
    minInterval: 28 * DAY,
    // No label at the axis's ends, which lie half a month outside the first and last month.
    axisLabel: {
      color: '#333',
      hideOverlap: true,
      showMinLabel: false,
      showMaxLabel: false,
      formatter: (value: number) => {
        // Ticks fall on local midnights (01:00 UTC in summer is still the 1st, but
        // midnight of 1 April BST is 31 March UTC): half a day on reads the right month.
        const d = new Date(value + 43_200_000);
        return fmtMonth(`${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
      },
    },
    splitLine: { show: false },
  };
}

/** A tooltip's value: '-' or nothing is a month not held. */
export const heldOr = (v: unknown, format: (n: number) => string, none = 'not held'): string =>
  v === null || v === undefined || v === '-' ? none : format(Number(v));
