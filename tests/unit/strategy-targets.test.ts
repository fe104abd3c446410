/**
 * On-track logic for every target direction and tolerance, worked by hand; overdue actions with a
 * pinned clock; the Wilson interval against hand-worked values; the periods measures use.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { wilsonInterval } from '../../src/analyses/rates/wilsonInterval.js';
import { assessTarget, type AssessInput } from '../../src/strategy/assessTarget.js';
import { isOverdue, listActions } from '../../src/strategy/listActions.js';
import {
  describePeriod,
  latestPeriodBy,
  parsePeriod,
  periodMonths,
} from '../../src/strategy/periods.js';
import type { StrategyFile } from '../../src/strategy/schema.js';

/**
 * Baseline 100 in the financial year 2022/23 (ends March 2023); target by 2025-03-31, exactly two
 * years of 365 days and one of 366 later… so the clock is kept simple by evaluating at the target
 * date (elapsed 1) and half-way (the period ending March 2024: 366 of 731 days).
 */
const base = (over: Partial<AssessInput> & { value: number; last?: string }): AssessInput => ({
  target: over.target,
  tolerance: over.tolerance,
  baseline: { value: 100, lastMonth: '2023-03' },
  current: { value: over.value, lastMonth: over.last ?? '2025-03' },
});

describe('assessTarget: decrease', () => {
  const target = { direction: 'decrease' as const, percent: 20, by: '2025-03-31' };
  it('at the target date: met at or below 80, within tolerance up to 80 + 5% of 80, else missed', () => {
    const t = { target, tolerance: { percent: 5 } };
    expect(assessTarget(base({ ...t, value: 80 })).status).toBe('met');
    expect(assessTarget(base({ ...t, value: 79 })).status).toBe('met');
    const within = assessTarget(base({ ...t, value: 84 }));
    expect(within).toMatchObject({
      status: 'within-tolerance',
      targetValue: 80,
      expected: 80,
      tolerance: 4,
      elapsed: 1,
    });
    expect(assessTarget(base({ ...t, value: 84.01 })).status).toBe('missed');
  });
  it('half-way: the trajectory expects 100 − 20 × 366/731 ≈ 89.986', () => {
    const t = { target, tolerance: { value: 3 } };
    const a = assessTarget(base({ ...t, value: 89.9, last: '2024-03' }));
    expect(a.elapsed).toBeCloseTo(366 / 731, 3);
    expect(a.expected).toBeCloseTo(100 - 20 * (366 / 731), 2);
    expect(a.status).toBe('on-track');
    expect(assessTarget(base({ ...t, value: 92.9, last: '2024-03' })).status).toBe(
      'within-tolerance',
    );
    expect(assessTarget(base({ ...t, value: 93.1, last: '2024-03' })).status).toBe('off-track');
    expect(assessTarget(base({ ...t, value: 70, last: '2024-03' })).status).toBe('met');
  });
  it('no tolerance means none: just above the trajectory is off track', () => {
    expect(assessTarget(base({ target, value: 90.1, last: '2024-03' })).status).toBe('off-track');
  });
  it('a target value instead of a percentage', () => {
    const a = assessTarget(
      base({ target: { direction: 'decrease', value: 50, by: '2025-03-31' }, value: 60 }),
    );
    expect(a).toMatchObject({ status: 'missed', targetValue: 50 });
  });
  it('before the baseline ends the trajectory stays at the baseline', () => {
    const a = assessTarget(base({ target, value: 100, last: '2023-01' }));
    expect(a).toMatchObject({ elapsed: 0, expected: 100, status: 'on-track' });
  });
});

describe('assessTarget: increase', () => {
  const target = { direction: 'increase' as const, percent: 10, by: '2025-03-31' };
  it('mirrors the decrease: met at 110 or more; tolerance below the trajectory', () => {
    const t = { target, tolerance: { value: 2 } };
    expect(assessTarget(base({ ...t, value: 110 })).status).toBe('met');
    expect(assessTarget(base({ ...t, value: 108 })).status).toBe('within-tolerance');
    expect(assessTarget(base({ ...t, value: 107.9 })).status).toBe('missed');
    const half = assessTarget(base({ ...t, value: 105.1, last: '2024-03' }));
    expect(half.expected).toBeCloseTo(100 + 10 * (366 / 731), 2);
    expect(half.status).toBe('on-track');
    expect(assessTarget(base({ ...t, value: 103.1, last: '2024-03' })).status).toBe(
      'within-tolerance',
    );
    expect(assessTarget(base({ ...t, value: 102.9, last: '2024-03' })).status).toBe('off-track');
  });
});

describe('assessTarget: maintain', () => {
  const target = { direction: 'maintain' as const, by: '2025-03-31' };
  it('on track while within the tolerance either side of the baseline', () => {
    const t = { target, tolerance: { percent: 10 } };
    expect(assessTarget(base({ ...t, value: 109, last: '2024-03' })).status).toBe('on-track');
    expect(assessTarget(base({ ...t, value: 91, last: '2024-03' })).status).toBe('on-track');
    expect(assessTarget(base({ ...t, value: 111, last: '2024-03' })).status).toBe('off-track');
    expect(assessTarget(base({ ...t, value: 89, last: '2024-03' })).status).toBe('off-track');
    expect(assessTarget(base({ ...t, value: 89 })).status).toBe('missed');
  });
});

describe('assessTarget: missing and absent', () => {
  it('says why it cannot judge', () => {
    const target = { direction: 'decrease' as const, percent: 10, by: '2025-03-31' };
    expect(
      assessTarget({
        target,
        tolerance: undefined,
        baseline: null,
        current: { value: 1, lastMonth: '2024-03' },
      }),
    ).toMatchObject({
      status: 'missing',
      reason: 'the baseline has no value, so progress cannot be judged',
    });
    expect(
      assessTarget({
        target,
        tolerance: undefined,
        baseline: { value: 5, lastMonth: '2023-03' },
        current: { value: null, lastMonth: '2024-03' },
      }).status,
    ).toBe('missing');
    expect(
      assessTarget({ target: undefined, tolerance: undefined, baseline: null, current: null })
        .status,
    ).toBe('no-target');
  });
});

describe('overdue actions, by an injected clock', () => {
  const strategy: StrategyFile = {
    id: 's',
    title: 'S',
    period: { from: '2024-04-01', to: '2027-03-31' },
    vision: 'v',
    priorities: [
      {
        id: 'p',
        title: 'P',
        actions: [
          {
            id: 'a-due',
            title: 'A',
            lead: { kind: 'police', name: 'Thames Valley Police' },
            owner: 'Inspector',
            due: '2024-10-31',
            status: 'in-progress',
          },
          {
            id: 'b-done',
            title: 'B',
            lead: { kind: 'school', name: 'Banbury Academy' },
            due: '2024-06-30',
            status: 'completed',
          },
          {
            id: 'c-cancelled',
            title: 'C',
            lead: { kind: 'probation', name: 'Probation Service' },
            due: '2024-06-30',
            status: 'cancelled',
          },
          {
            id: 'd-no-date',
            title: 'D',
            lead: { kind: 'local-authority', name: 'Oxford City Council' },
            status: 'not-started',
          },
          {
            id: 'e-late',
            title: 'E',
            lead: { kind: 'local-authority', name: 'Oxford City Council' },
            owner: 'Community Safety Manager',
            due: '2024-06-30',
            status: 'on-hold',
          },
        ],
      },
    ],
  };
  it('is overdue only after the due day, and never once completed or cancelled', () => {
    expect(isOverdue({ due: '2024-10-31', status: 'in-progress' }, '2024-10-31')).toBe(false);
    expect(isOverdue({ due: '2024-10-31', status: 'in-progress' }, '2024-11-01')).toBe(true);
    expect(isOverdue({ due: '2024-10-31', status: 'completed' }, '2025-01-01')).toBe(false);
    expect(isOverdue({ status: 'not-started' }, '2030-01-01')).toBe(false);
  });
  it('lists overdue actions with the days overdue, as the clock says', () => {
    const july = listActions(strategy, { overdue: true }, fixedClock('2024-07-10T09:00:00Z'));
    expect(july.map((a) => [a.id, a.daysOverdue])).toEqual([['e-late', 10]]);
    const november = listActions(strategy, { overdue: true }, fixedClock('2024-11-02T09:00:00Z'));
    expect(november.map((a) => [a.id, a.daysOverdue])).toEqual([
      ['a-due', 2],
      ['e-late', 125],
    ]);
  });
  it('filters by owner or lead organisation, and marks s8(5) leads', () => {
    const clock = fixedClock('2024-07-10T09:00:00Z');
    expect(listActions(strategy, { owner: 'oxford city' }, clock).map((a) => a.id)).toEqual([
      'd-no-date',
      'e-late',
    ]);
    expect(listActions(strategy, { owner: 'INSPECTOR' }, clock).map((a) => a.id)).toEqual([
      'a-due',
    ]);
    expect(listActions(strategy, {}, clock).find((a) => a.id === 'b-done')?.s8_5).toBe(true);
    expect(() => listActions(strategy, { status: ['done'] }, clock)).toThrow(
      /invalid status: done/,
    );
  });
});

describe('Wilson interval', () => {
  it('matches hand-worked values', () => {
    // 3/10: centre (0.3 + 0.19207)/1.38415 = 0.35550, half 1.95996·√(0.021 + 0.0096037)/1.38415 = 0.24771
    const a = wilsonInterval(3, 10);
    expect(a.lower).toBeCloseTo(0.10779, 4);
    expect(a.upper).toBeCloseTo(0.60322, 4);
    // 0/20: [0, z²/(n + z²)] = [0, 3.84146/23.84146]
    const b = wilsonInterval(0, 20);
    expect(b.lower).toBe(0);
    expect(b.upper).toBeCloseTo(3.841459 / 23.841459, 6);
    const c = wilsonInterval(20, 20);
    expect(c.upper).toBe(1);
    expect(c.lower).toBeCloseTo(20 / 23.841459, 6);
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
  });
});

describe('periods', () => {
  it('parses and describes each basis', () => {
    expect(parsePeriod('financial-year', '2023/24')).toMatchObject({
      first: '2023-04',
      last: '2024-03',
    });
    expect(parsePeriod('financial-year', '2023/25')).toBeUndefined();
    expect(parsePeriod('quarter', '2024-Q1')).toMatchObject({ first: '2024-01', last: '2024-03' });
    expect(describePeriod(parsePeriod('quarter', '2024-Q1')!)).toBe(
      'Jan–Mar 2024 (financial Q4 2023/24)',
    );
    expect(describePeriod(parsePeriod('quarter', '2024-Q2')!)).toBe(
      'Apr–Jun 2024 (financial Q1 2024/25)',
    );
    expect(periodMonths(parsePeriod('rolling-12-months', '2024-03')!)).toHaveLength(12);
    expect(latestPeriodBy('financial-year', '2024-05').label).toBe('2023/24');
    expect(latestPeriodBy('quarter', '2024-05').label).toBe('2024-Q1');
    expect(latestPeriodBy('month', '2024-05').label).toBe('2024-05');
  });
});
