/**
 * Trends from a monthly series, worked by hand: gaps stay gaps, periods are totalled only when
 * complete, the default comparison matches seasons, and the tests are the kernels' (checked
 * against R in statistics.test.ts) applied to the right numbers.
 */
import { describe, expect, it } from 'vitest';
import { monthRange } from '../../src/core/months.js';
import { comparePoissonCounts } from '../../src/core/statistics/comparePoissonCounts.js';
import { mannKendall } from '../../src/core/statistics/mannKendall.js';
import { financialQuarterOf, financialYearOf } from '../../src/analyses/trends/financialPeriods.js';
import { summariseTrends, type MonthInput } from '../../src/analyses/trends/summariseTrends.js';

const OPTIONS = { confidence: 0.95, smallCount: 10, minTrendMonths: 4 };

/** April 2022 to March 2024: 100 + the month's index, except as noted. */
function series(): MonthInput[] {
  return monthRange('2022-04', '2024-03').map((month, i) => ({
    month,
    status: month === '2023-11' ? 'missing' : month === '2023-12' ? 'partial' : 'complete',
    held: month === '2023-11' ? 0 : month === '2023-12' ? 40 : 100 + i,
  }));
}

describe('financial periods', () => {
  it('April to March, Q1 April–June', () => {
    expect(financialYearOf('2024-03')).toEqual({
      label: '2023/24',
      from: '2023-04',
      to: '2024-03',
    });
    expect(financialYearOf('2024-04').label).toBe('2024/25');
    expect(financialYearOf('1999-12').label).toBe('1999/00');
    expect(
      ['2024-04', '2024-07', '2024-10', '2025-01'].map((m) => financialQuarterOf(m).label),
    ).toEqual(['2024/25 Q1', '2024/25 Q2', '2024/25 Q3', '2024/25 Q4']);
    expect(financialQuarterOf('2024-06')).toMatchObject({
      from: '2024-04',
      to: '2024-06',
      quarter: 1,
    });
  });
});

describe('summariseTrends', () => {
  const { result, notes } = summariseTrends(series(), OPTIONS);

  it('shows months not held as gaps, never zeros', () => {
    const nov = result.months.find((m) => m.month === '2023-11')!;
    const dec = result.months.find((m) => m.month === '2023-12')!;
    expect(nov).toMatchObject({ status: 'missing', count: null, held: 0 });
    expect(dec).toMatchObject({ status: 'partial', count: null, held: 40 });
    expect(notes.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['MISSING_MONTHS', 'PARTIAL_MONTHS', 'INCOMPLETE_PERIOD']),
    );
  });

  it('totals a financial year or quarter only when all its months are held', () => {
    // 2022/23: months 0…11 → Σ (100 + i) = 1200 + 66 = 1266.
    expect(result.financialYears).toEqual([
      expect.objectContaining({ label: '2022/23', count: 1266, complete: true, monthsHeld: 12 }),
      expect.objectContaining({ label: '2023/24', count: null, complete: false, monthsHeld: 10 }),
    ]);
    // 2023/24 Q3 (Oct–Dec 2023) holds only October; Q4 (Jan–Mar 2024) = 121 + 122 + 123.
    const q = new Map(result.quarters.map((p) => [p.label, p]));
    expect(q.get('2023/24 Q3')).toMatchObject({ count: null, monthsHeld: 1 });
    expect(q.get('2023/24 Q4')).toMatchObject({ count: 366, complete: true });
    expect(q.get('2022/23 Q1')).toMatchObject({ count: 303, from: '2022-04', to: '2022-06' });
  });

  it('gives a rolling 12 months only over 12 held months', () => {
    expect(result.rolling12[0]).toEqual({ to: '2023-03', count: 1266 });
    expect(result.rolling12.find((r) => r.to === '2023-10')!.count).toBe(
      monthRange('2022-11', '2023-10').reduce((s, _, k) => s + 100 + 7 + k, 0),
    );
    expect(result.rolling12.filter((r) => r.to >= '2023-11').every((r) => r.count === null)).toBe(
      true,
    );
  });

  it('compares by default the latest 3 complete months with the same months a year earlier', () => {
    // 12 months against the previous 12 fails (Nov and Dec 2023 are not held); 3 months works:
    // Jan–Mar 2024 (121+122+123 = 366 in 91 days) against Jan–Mar 2023 (109+110+111 = 330 in 90 days).
    const c = result.change!;
    expect(c.earlier).toMatchObject({ from: '2023-01', to: '2023-03', count: 330, days: 90 });
    expect(c.later).toMatchObject({ from: '2024-01', to: '2024-03', count: 366, days: 91 });
    const direct = comparePoissonCounts({ count: 366, exposure: 91 }, { count: 330, exposure: 90 });
    expect(c.rateRatio).toBe(direct.rateRatio);
    expect(c.pValue).toBe(direct.pValue);
    expect(c.rateRatio).toBeCloseTo(366 / 91 / (330 / 90), 12);
    expect(c.significant).toBe(false);
    // 366/91 ÷ 330/90 − 1 = 0.0969… → +9.7% per day, the periods and counts named.
    expect(c.summary).toMatch(
      /^Jan 2024 – Mar 2024 compared with the same months a year earlier \(Jan 2023 – Mar 2023\): 366 incidents \(91 days\) against 330 \(90 days\), \+9\.7% per day/,
    );
    expect(c.summary).toMatch(/within normal variation/);
    expect(notes.automatic[0]).toMatchObject({ name: 'compare' });
  });

  it('tests the trend over the complete months only, with the gap kept in the time axis', () => {
    const held = series().filter((m) => m.status === 'complete');
    const mk = mannKendall(held.map((m) => m.held));
    expect(result.trend).toMatchObject({ months: 22, S: mk.S, pValue: mk.pValue, direction: 'up' });
    // Every pair rises by exactly one a month, so every slope (and Sen's) is 1.
    expect(result.trend!.slope).toBe(1);
    expect(result.trend!.summary).toMatch(/^an upward trend over the 22 complete months/);
  });

  it('gives the seasonal index as the calendar month’s daily rate over the overall daily rate', () => {
    const held = series().filter((m) => m.status === 'complete');
    const days = (m: string): number =>
      new Date(Date.UTC(+m.slice(0, 4), +m.slice(5, 7), 0)).getUTCDate();
    const overall =
      held.reduce((s, m) => s + m.held, 0) / held.reduce((s, m) => s + days(m.month), 0);
    const jan = held.filter((m) => m.month.endsWith('-01'));
    const expected = jan.reduce((s, m) => s + m.held, 0) / 62 / overall;
    const p = result.seasonal[0]!;
    expect(p).toMatchObject({ name: 'January', years: 2, meanCount: (109 + 121) / 2 });
    expect(p.index).toBeCloseTo(expected, 12);
    expect(result.seasonal[10]).toMatchObject({ name: 'November', years: 1 });
  });

  it('falls back to month on month, and refuses a period with no month held', () => {
    const short: MonthInput[] = [
      { month: '2024-01', status: 'complete', held: 50 },
      { month: '2024-02', status: 'complete', held: 5 },
    ];
    const r = summariseTrends(short, OPTIONS);
    expect(r.result.change).toMatchObject({
      earlier: { from: '2024-01' },
      later: { from: '2024-02' },
      small: true,
    });
    expect(r.result.change!.significant).toBe(true);
    expect(r.result.trend).toBeNull();
    expect(r.notes.warnings.map((w) => w.code)).toContain('TOO_FEW_FOR_TREND');
    expect(() =>
      summariseTrends(series(), {
        ...OPTIONS,
        compare: {
          earlier: { from: '2023-11', to: '2023-11' },
          later: { from: '2024-01', to: '2024-01' },
        },
      }),
    ).toThrow('no month of Nov 2023 is held');
  });
});
