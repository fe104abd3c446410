/**
 * Months and numbers written for people, worked by hand: month ranges ("Feb 2019 – Dec 2023"),
 * rates, ratios, changes and intervals (never a raw float, never "95%–95%"), and the one
 * statement of a change between two periods that the analyses and the SNA share.
 */
import { describe, expect, it } from 'vitest';
import {
  formatChange,
  formatInterval,
  formatNumber,
  formatPercent,
  formatRate,
  formatRatio,
} from '../../src/analyses/selection/plainWords.js';
import {
  formatMonth,
  formatMonthRange,
  formatRuns,
  monthsHeldPhrase,
} from '../../src/core/months.js';
import { formatInterval as formatMeasureInterval } from '../../src/strategy/formatMeasure.js';
import { changeFraction, stateChange } from '../../src/analyses/trends/stateChange.js';

describe('months in words', () => {
  it('writes a month as "Feb 2024" and a range once, with an en dash', () => {
    expect(formatMonth('2024-02')).toBe('Feb 2024');
    expect(formatMonth('2019-12')).toBe('Dec 2019');
    expect(formatMonthRange('2019-02', '2023-12')).toBe('Feb 2019 – Dec 2023');
    expect(formatMonthRange('2025-07', '2025-07')).toBe('Jul 2025');
  });

  it('folds months into runs, each named once', () => {
    // 59 months not held between Jan 2019 and Jan 2024 (the demo's gap): one range.
    const gap: string[] = [];
    for (let y = 2019; y <= 2023; y++)
      for (let m = 1; m <= 12; m++) gap.push(`${y}-${String(m).padStart(2, '0')}`);
    expect(formatRuns(gap.slice(1))).toBe('Feb 2019 – Dec 2023');
    expect(formatRuns(['2018-10', '2018-11', '2019-01'])).toBe('Oct 2018 – Nov 2018, Jan 2019');
    expect(formatRuns([])).toBe('');
  });

  it('says how many months of a period are held', () => {
    expect(monthsHeldPhrase(3, 12)).toBe('3 of 12 months held');
    expect(monthsHeldPhrase(0, 1)).toBe('0 of 1 month held');
  });
});

describe('numbers for people', () => {
  it('writes rates and ratios with three significant figures, never a raw float', () => {
    expect(formatRate(6.29002792044397)).toBe('6.29');
    expect(formatRate(0.0938271)).toBe('0.0938');
    expect(formatRate(1234.56)).toBe('1,235');
    expect(formatRate(0)).toBe('0');
    expect(formatRatio(1.2780554293502955)).toBe('1.28');
    expect(formatRatio(0.9313697968267247)).toBe('0.93');
    expect(formatRatio(12.345)).toBe('12.3');
    expect(formatNumber(6.29002792044397)).toBe('6.29');
  });

  it('signs a change and writes shares unsigned', () => {
    // 97 in 31 days against 71 in 29 days: (97/31)/(71/29) − 1 = 0.2781 → +28%.
    expect(formatChange(97 / 31 / (71 / 29) - 1)).toBe('+28%');
    expect(formatChange(-0.036)).toBe('−3.6%');
    expect(formatChange(0.0001)).toBe('0%');
    expect(formatPercent(0.23)).toBe('23%');
    expect(formatPercent(-0.036)).toBe('3.6%');
  });

  it('never writes an interval whose two ends read the same', () => {
    // 95.1% and 95.3% both round to 95%: one more decimal tells them apart.
    expect(formatInterval(0.951, 0.953, 'percent')).toBe('95.1% to 95.3%');
    // Ends that agree to every precision are one value, written once.
    expect(formatInterval(0.95, 0.95, 'percent')).toBe('95%');
    expect(formatInterval(0.91, 0.96, 'percent')).toBe('91% to 96%');
    expect(formatInterval(0.9313697968267247, 1.7610894677657796, 'ratio')).toBe('0.93 to 1.76');
    expect(formatInterval(1.231, 1.234, 'ratio')).toBe('1.231 to 1.234');
    expect(formatInterval(0.5, null, 'ratio')).toBe('0.50 to unbounded');
    expect(formatInterval(-231.4, 175.2)).toBe('−231 to 175');
    expect(formatRatio(-0.123)).toBe('−0.12');
    expect(formatNumber(-0.0001)).toBe('−0.0001');
  });
});

describe('the statement of a change', () => {
  const earlier = { from: '2024-02', to: '2024-02', count: 71, days: 29 };
  const later = { from: '2024-03', to: '2024-03', count: 97, days: 31 };

  it('compares rates per day: 97 in 31 days against 71 in 29 is +28%, not the +37% of the counts', () => {
    expect(changeFraction(earlier, later)).toBeCloseTo(97 / 31 / (71 / 29) - 1, 12);
    const s = stateChange({
      earlier,
      later,
      test: {
        rateRatio: 97 / 31 / (71 / 29),
        lower: 0.9313697968267247,
        upper: 1.7610894677657796,
        pValue: 0.12276833583329005,
        significant: false,
        confidence: 0.95,
      },
      noun: { one: 'record', many: 'records' },
    });
    expect(s).toBe(
      'Mar 2024 compared with Feb 2024: 97 records (31 days) against 71 (29 days), +28% per day (rate ratio 1.28, 95% interval 0.93 to 1.76; exact test for two Poisson counts, p = 0.12): within normal variation.',
    );
    expect(s).not.toContain('37%');
  });

  it('leaves "per day" out when both periods have as many days, and names the basis', () => {
    const s = stateChange({
      earlier: { from: '2023-01', to: '2023-03', count: 200, days: 90 },
      later: { from: '2024-01', to: '2024-03', count: 150, days: 90, about: true },
      test: null,
      significant: true,
      noun: { one: 'record', many: 'records' },
      basis: 'the same months a year earlier',
    });
    expect(s).toBe(
      'Jan 2024 – Mar 2024 compared with the same months a year earlier (Jan 2023 – Mar 2023): about 150 records against 200, −25%: larger than normal variation would explain.',
    );
  });
});

describe('intervals of strategy measures', () => {
  it('are never "95.0%–95.0%"', () => {
    expect(formatMeasureInterval('share', 0.9501, 0.9503)).toBe('95.01%–95.03%');
    expect(formatMeasureInterval('share', 0.95, 0.95)).toBe('95.0%');
    expect(formatMeasureInterval('rate', 1.5, 2.25)).toBe('1.50–2.25');
    expect(formatMeasureInterval('count', 3, null)).toBe('');
  });
});
