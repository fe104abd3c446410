/**
 * Whether a measure is on track for its target. The target is a value T to reach by a date: given
 * as a value, as a percentage change from the baseline B, or (maintain) B itself. The expected
 * value at the end of the current period follows a straight line from B at the end of the
 * baseline period to T at the target date:
 *
 *   E = B + (T − B) · f,   f = (current end − baseline end) / (target date − baseline end), in [0, 1]
 *
 * and the tolerance τ is a value, or a percentage of |E|. For a decrease (an increase mirrors it):
 *
 *   met               V ≤ T                 the target is reached
 *   on-track          V ≤ E                 at or better than the trajectory
 *   within-tolerance  V ≤ E + τ             worse than the trajectory, by no more than τ
 *   off-track         V > E + τ             before the target date
 *   missed            V > E + τ             at or after the target date (E = T there)
 *
 * A maintain target is on-track while |V − B| ≤ τ and off-track (missed after the date)
 * otherwise. Point values decide; intervals are reported beside them (see the decision note).
 */
import type { Direction, Target, Tolerance } from './schema.js';
import type { TargetAssessment, TargetStatus } from '../api/strategy.js';

export const TARGET_STATUSES = [
  'met',
  'on-track',
  'within-tolerance',
  'off-track',
  'missed',
  'missing',
  'no-target',
] as const satisfies readonly TargetStatus[];

/** Milliseconds at the end of a month (its last instant, UTC). */
const endOfMonth = (month: string): number => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Date.UTC(y, m, 1) - 1;
};
/** Milliseconds at the end of a day. */
const endOfDay = (date: string): number => Date.parse(`${date}T23:59:59.999Z`);

export function targetValue(direction: Direction, target: Target, baseline: number): number {
  if (direction === 'maintain') return baseline;
  if (target.value !== undefined) return target.value;
  const p = target.percent ?? 0;
  return clean(
    direction === 'decrease' ? (baseline * (100 - p)) / 100 : (baseline * (100 + p)) / 100,
  );
}

export interface AssessInput {
  target: Target | undefined;
  tolerance: Tolerance | undefined;
  baseline: { value: number | null; lastMonth: string } | null;
  current: { value: number | null; lastMonth: string } | null;
}

/** Twelve significant digits: 100 × 1.1 is 110, not 110.00000000000001, when compared. */
const clean = (v: number): number => Number(v.toPrecision(12));

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

export function assessTarget(input: AssessInput): TargetAssessment {
  const { target, baseline, current } = input;
  const none = (status: TargetStatus, reason: string): TargetAssessment => ({
    status,
    targetValue: null,
    expected: null,
    tolerance: null,
    elapsed: null,
    reason,
  });
  if (target === undefined) return none('no-target', 'the measure has no target');
  if (baseline === null || baseline.value === null)
    return none('missing', 'the baseline has no value, so progress cannot be judged');
  if (current === null || current.value === null)
    return none('missing', 'the current period has no value, so progress cannot be judged');
  const B = baseline.value;
  const V = current.value;
  const T = targetValue(target.direction, target, B);
  const t0 = endOfMonth(baseline.lastMonth);
  const t1 = endOfDay(target.by);
  const t = endOfMonth(current.lastMonth);
  const elapsed = t1 <= t0 ? 1 : Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
  const E = B + (T - B) * elapsed;
  const tol = input.tolerance?.value ?? ((input.tolerance?.percent ?? 0) / 100) * Math.abs(E);
  const due = t >= t1;
  const result = (status: TargetStatus, reason: string): TargetAssessment => ({
    status,
    targetValue: T,
    expected: E,
    tolerance: tol,
    elapsed,
    reason,
  });
  if (target.direction === 'maintain') {
    if (clean(Math.abs(V - B)) <= tol)
      return result('on-track', `${fmt(V)} is within ${fmt(tol)} of the baseline ${fmt(B)}`);
    return result(
      due ? 'missed' : 'off-track',
      `${fmt(V)} is more than ${fmt(tol)} from the baseline ${fmt(B)}`,
    );
  }
  // Express both directions as "lower is better" by flipping the sign of an increase.
  const s = target.direction === 'decrease' ? 1 : -1;
  const word = target.direction === 'decrease' ? 'above' : 'below';
  if (s * V <= s * T) return result('met', `${fmt(V)} has reached the target ${fmt(T)}`);
  if (s * V <= s * E)
    return result('on-track', `${fmt(V)} is at or better than the expected ${fmt(E)}`);
  if (s * V <= clean(s * E + tol))
    return result(
      'within-tolerance',
      `${fmt(V)} is ${word} the expected ${fmt(E)} by no more than the tolerance ${fmt(tol)}`,
    );
  return result(
    due ? 'missed' : 'off-track',
    `${fmt(V)} is ${word} the expected ${fmt(E)} by more than the tolerance ${fmt(tol)}${due ? ', and the target date has passed' : ''}`,
  );
}
