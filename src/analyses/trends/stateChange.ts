/**
 * The one sentence that states a change between two periods, for the analyses (`svd analyse
 * trends`, the dashboard's "Is it changing?") and the SNA alike: the periods compared, the count
 * and days of each, the change as a percentage of the rate per day (the count's change when both
 * periods have as many days), and the exact test. The percentage is worked out here, from the
 * counts and days given, so that two outputs given the same figures state the same change.
 */
import {
  formatChange,
  formatCount,
  formatInterval,
  formatP,
  formatRatio,
} from '../selection/plainWords.js';
import { formatMonthRange } from '../../core/months.js';

export interface ChangeSide {
  from: string;
  to: string;
  count: number;
  days: number;
  /** The count is rounded for publication ("about 70"). */
  about?: boolean;
}

export interface ChangeTestResult {
  rateRatio: number | null;
  lower: number;
  upper: number | null;
  pValue: number;
  significant: boolean;
  confidence: number;
}

export interface ChangeStatementInput {
  earlier: ChangeSide;
  later: ChangeSide;
  /** The exact test's result; null when it may not be stated (only the verdict, or nothing). */
  test: ChangeTestResult | null;
  /** Whether the change is larger than normal variation, when the test itself is not stated. */
  significant?: boolean | null;
  noun: { one: string; many: string };
  /** How the earlier period was chosen, e.g. "the same months a year earlier". */
  basis?: string;
  small?: boolean;
}

/** (later rate per day ÷ earlier rate per day) − 1; null when the earlier count is 0. */
export function changeFraction(earlier: ChangeSide, later: ChangeSide): number | null {
  if (earlier.count === 0) return null;
  return later.count / later.days / (earlier.count / earlier.days) - 1;
}

export const CHANGE_TEST_NAME = 'exact test for two Poisson counts';

/**
 * "Mar 2024 compared with Feb 2024: 97 records (31 days) against 71 (29 days), +28% per day
 * (rate ratio 1.28, 95% interval 0.93 to 1.76; exact test for two Poisson counts, p = 0.12):
 * within normal variation."
 */
export function stateChange(input: ChangeStatementInput): string {
  const { earlier, later, noun } = input;
  const sameDays = earlier.days === later.days;
  const count = (s: ChangeSide, withNoun: boolean): string =>
    `${s.about === true ? 'about ' : ''}${formatCount(s.count)}${withNoun ? ` ${s.count === 1 ? noun.one : noun.many}` : ''}`;
  const days = (s: ChangeSide): string => (sameDays ? '' : ` (${s.days} days)`);
  const periods = `${formatMonthRange(later.from, later.to)} compared with ${
    input.basis === undefined
      ? formatMonthRange(earlier.from, earlier.to)
      : `${input.basis} (${formatMonthRange(earlier.from, earlier.to)})`
  }`;
  const counts = `${count(later, true)}${days(later)} against ${count(earlier, false)}${days(earlier)}`;
  const fraction = changeFraction(earlier, later);
  const size =
    fraction === null
      ? later.count === 0
        ? 'no change'
        : 'up from none'
      : `${formatChange(fraction)}${sameDays ? '' : ' per day'}`;
  const t = input.test;
  const test =
    t === null
      ? ''
      : ` (${t.rateRatio === null ? '' : `rate ratio ${formatRatio(t.rateRatio)}, `}${Math.round(t.confidence * 100)}% interval ${formatInterval(t.lower, t.upper, 'ratio')}; ${CHANGE_TEST_NAME}, ${formatP(t.pValue)})`;
  const significant = t === null ? (input.significant ?? null) : t.significant;
  const verdict =
    significant === null
      ? ''
      : significant
        ? ': larger than normal variation would explain'
        : ': within normal variation';
  const small = input.small === true ? '; the counts are small, so read this with care' : '';
  return `${periods}: ${counts}, ${size}${test}${verdict}${small}.`;
}
