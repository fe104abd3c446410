/**
 * Aoristic apportionment (Ratcliffe 2000): a record known only to have happened somewhere between
 * its committed-from and committed-to times is spread over the hours of the week it covers, each
 * hour taking the share of the range's elapsed time that falls in it, so a record's weights sum
 * to one. Hours are Europe/London wall-clock hours: the work is done in UTC hours (London's
 * offset changes only on the hour, so each UTC hour is one local hour), so a range across the
 * March change covers one hour fewer on the clock and a range across the October change puts two
 * elapsed hours into 01:00.
 *
 * The range is [from, to): a record with from = to is a single instant and puts all its weight in
 * that hour. An end on a whole minute's last second (hh:mm:59, as a date-only end of 23:59:59 is
 * stored) includes that second, so a date-only record covers its day's 24 hours exactly.
 */
import { londonOffsetMinutes } from '../../core/londonTime.js';

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const HOUR = 3_600_000;

/** The hour-of-week cell (Monday 00:00 = 0 … Sunday 23:00 = 167) of a UTC instant, in London time. */
export function hourOfWeek(utcMs: number): number {
  const local = utcMs + londonOffsetMinutes(utcMs) * 60_000;
  const days = Math.floor(local / 86_400_000);
  // 1 January 1970 was a Thursday (3 days after a Monday).
  const day = (((days + 3) % 7) + 7) % 7;
  const hour = Math.floor((local - days * 86_400_000) / HOUR);
  return day * 24 + hour;
}

/** The end of a range as apportioned: inclusive of a final :59 second. */
export function rangeEnd(fromUtcMs: number, toUtcMs: number): number {
  return toUtcMs > fromUtcMs && Math.floor(toUtcMs / 1000) % 60 === 59 ? toUtcMs + 1000 : toUtcMs;
}

/** The weights of one record over the hour-of-week cells it covers (summing to one). */
export function aoristicWeights(fromUtcMs: number, toUtcMs: number): Map<number, number> {
  const weights = new Map<number, number>();
  addAoristic(weights, fromUtcMs, toUtcMs);
  return weights;
}

/**
 * Adds the weights of `records` records with the same range (default one) to a matrix of 168
 * cells (or a map), returning the hours covered.
 */
export function addAoristic(
  into: Float64Array | Map<number, number>,
  fromUtcMs: number,
  toUtcMs: number,
  records = 1,
): number {
  if (!(toUtcMs >= fromUtcMs)) throw new RangeError('a range must not end before it starts');
  const add = (cell: number, w: number): void => {
    if (into instanceof Map) into.set(cell, (into.get(cell) ?? 0) + w);
    else into[cell]! += w;
  };
  const end = rangeEnd(fromUtcMs, toUtcMs);
  if (end === fromUtcMs) {
    add(hourOfWeek(fromUtcMs), records);
    return 0;
  }
  const length = end - fromUtcMs;
  let t = fromUtcMs;
  let hours = 0;
  while (t < end) {
    const slotEnd = Math.min(end, Math.floor(t / HOUR) * HOUR + HOUR);
    add(hourOfWeek(t), (records * (slotEnd - t)) / length);
    t = slotEnd;
    hours++;
  }
  return hours;
}
