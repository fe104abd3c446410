/**
 * Aoristic apportionment: weights worked by hand in Europe/London time (a point, midnight, a
 * date-only record, both clock changes), and the defining property that every record's weights
 * sum to one, on seeded random ranges that cross midnight, weeks and clock changes.
 */
import { describe, expect, it } from 'vitest';
import { londonToUtc } from '../../src/core/londonTime.js';
import { aoristicWeights, hourOfWeek, rangeEnd } from '../../src/analyses/when/aoristicWeights.js';

const at = (y: number, mo: number, d: number, h: number, mi = 0, s = 0): number =>
  londonToUtc({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }).utcMs;
/** Cell of a London day of week (0 = Monday) and hour. */
const cell = (day: number, hour: number): number => day * 24 + hour;
const MON = 0;
const FRI = 4;
const SAT = 5;
const SUN = 6;

function sum(weights: Map<number, number>): number {
  return [...weights.values()].reduce((s, w) => s + w, 0);
}

describe('hour of the week in London time', () => {
  it('knows the day and hour either side of the clock changes', () => {
    expect(hourOfWeek(at(2024, 3, 8, 22, 30))).toBe(cell(FRI, 22)); // GMT
    expect(hourOfWeek(at(2024, 7, 6, 23, 59))).toBe(cell(SAT, 23)); // BST: 22:59 UTC
    expect(hourOfWeek(Date.UTC(2024, 2, 31, 1, 30))).toBe(cell(SUN, 2)); // 02:30 BST
    expect(hourOfWeek(Date.UTC(2024, 9, 27, 0, 30))).toBe(cell(SUN, 1)); // 01:30 BST
    expect(hourOfWeek(Date.UTC(2024, 9, 27, 1, 30))).toBe(cell(SUN, 1)); // 01:30 GMT
    expect(hourOfWeek(at(2024, 1, 1, 0, 0))).toBe(cell(MON, 0));
  });
});

describe('aoristic weights, worked by hand', () => {
  it('an exact time puts all its weight in its hour', () => {
    const t = at(2024, 3, 8, 22, 30);
    expect([...aoristicWeights(t, t)]).toEqual([[cell(FRI, 22), 1]]);
  });

  it('a range across midnight is split by elapsed time', () => {
    // Friday 23:30 to Saturday 00:30 GMT: half an hour in each.
    const w = aoristicWeights(at(2024, 3, 8, 23, 30), at(2024, 3, 9, 0, 30));
    expect([...w]).toEqual([
      [cell(FRI, 23), 0.5],
      [cell(SAT, 0), 0.5],
    ]);
  });

  it('a date-only record (00:00 to 23:59:59) covers its 24 hours equally', () => {
    const w = aoristicWeights(at(2024, 1, 15, 0, 0), at(2024, 1, 15, 23, 59, 59));
    expect(w.size).toBe(24);
    for (let h = 0; h < 24; h++) expect(w.get(cell(MON, h))).toBeCloseTo(1 / 24, 15);
  });

  it('a range over the March change skips the hour the clocks skip', () => {
    // Sunday 31 March 2024, 00:30 GMT to 03:30 BST is two hours elapsed (00:30–02:30 UTC):
    // 00:30–01:00 on the clock (½ h), 02:00–03:00 BST (1 h), 03:00–03:30 BST (½ h); 01:00 never was.
    const w = aoristicWeights(at(2024, 3, 31, 0, 30), at(2024, 3, 31, 3, 30));
    expect([...w]).toEqual([
      [cell(SUN, 0), 0.25],
      [cell(SUN, 2), 0.5],
      [cell(SUN, 3), 0.25],
    ]);
  });

  it('a range over the October change puts two elapsed hours into 01:00', () => {
    // Sunday 27 October 2024, 00:30 BST (23:30 UTC Saturday) to 02:30 GMT is three hours elapsed:
    // 00:30–01:00 BST (½ h), 01:00–02:00 BST and again 01:00–02:00 GMT (2 h), 02:00–02:30 (½ h).
    const w = aoristicWeights(Date.UTC(2024, 9, 26, 23, 30), at(2024, 10, 27, 2, 30));
    expect(w.get(cell(SUN, 0))).toBeCloseTo(1 / 6, 15);
    expect(w.get(cell(SUN, 1))).toBeCloseTo(2 / 3, 15);
    expect(w.get(cell(SUN, 2))).toBeCloseTo(1 / 6, 15);
    expect(sum(w)).toBeCloseTo(1, 14);
  });

  it('an end at hh:mm:59 includes its last second; other ends do not', () => {
    expect(rangeEnd(0, 59_000)).toBe(60_000);
    expect(rangeEnd(0, 3_600_000)).toBe(3_600_000);
    expect(rangeEnd(5_000, 5_000)).toBe(5_000);
    // 20:00 to 21:00 exactly lies wholly in the 20:00 hour.
    expect([...aoristicWeights(at(2024, 1, 15, 20), at(2024, 1, 15, 21))]).toEqual([
      [cell(MON, 20), 1],
    ]);
  });
});

describe('every record’s weights sum to one', () => {
  it('on 5,000 seeded random ranges up to 70 days, across midnights and both clock changes', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const start = Date.UTC(2023, 0, 1);
    const year = 366 * 24 * 3_600_000;
    for (let i = 0; i < 5000; i++) {
      const from = start + Math.floor((random() * year) / 1000) * 1000;
      const spans = [0, 60_000, 3_600_000 * random() * 6, 86_400_000 * random() * 70];
      const to = from + Math.floor(spans[i % 4]! / 1000) * 1000;
      const w = aoristicWeights(from, to);
      expect(Math.abs(sum(w) - 1)).toBeLessThan(1e-12);
      for (const v of w.values()) expect(v).toBeGreaterThan(0);
    }
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => aoristicWeights(10, 5)).toThrow('must not end before it starts');
  });
});
