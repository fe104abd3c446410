/**
 * Periods a measure is reported over, each a run of calendar months: a month (2024-03), a
 * calendar quarter (2024-Q1 — financial quarter 4 of 2023/24), a financial year April–March
 * (2023/24) or the rolling 12 months to a month (2024-03). Labels are parsed and written in one
 * place so a measure's baseline, the periods of its series and a review's frozen period agree.
 */
import { addMonths, formatMonth, monthRange } from '../core/months.js';
import type { PeriodBasis } from './schema.js';

export interface Period {
  basis: PeriodBasis;
  /** The label as written in a strategy file and shown in reports. */
  label: string;
  first: string;
  last: string;
}

const monthName = formatMonth;

/** The example of a label for each basis, for messages. */
export const PERIOD_EXAMPLES: Record<PeriodBasis, string> = {
  month: '2024-03',
  quarter: '2024-Q1',
  'financial-year': '2023/24',
  'rolling-12-months': '2024-03 (the 12 months to March 2024)',
};

/** The period of a basis that ends with the given month, if one does. */
export function periodEndingAt(basis: PeriodBasis, month: string): Period | undefined {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  switch (basis) {
    case 'month':
      return { basis, label: month, first: month, last: month };
    case 'quarter':
      return m % 3 === 0
        ? { basis, label: `${y}-Q${m / 3}`, first: addMonths(month, -2), last: month }
        : undefined;
    case 'financial-year':
      return m === 3
        ? {
            basis,
            label: `${y - 1}/${String(y % 100).padStart(2, '0')}`,
            first: `${y - 1}-04`,
            last: month,
          }
        : undefined;
    case 'rolling-12-months':
      return { basis, label: month, first: addMonths(month, -11), last: month };
  }
}

/** The latest period of the basis that ends in or before the month. */
export function latestPeriodBy(basis: PeriodBasis, month: string): Period {
  for (let m = month; ; m = addMonths(m, -1)) {
    const p = periodEndingAt(basis, m);
    if (p !== undefined) return p;
  }
}

/** Parses a period label of a basis; undefined when it is not one. */
export function parsePeriod(basis: PeriodBasis, label: string): Period | undefined {
  const t = label.trim();
  switch (basis) {
    case 'month':
    case 'rolling-12-months':
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(t) ? periodEndingAt(basis, t) : undefined;
    case 'quarter': {
      const q = /^(\d{4})-Q([1-4])$/.exec(t);
      return q === null
        ? undefined
        : periodEndingAt(basis, `${q[1]}-${String(Number(q[2]) * 3).padStart(2, '0')}`);
    }
    case 'financial-year': {
      const f = /^(?:FY)?(\d{4})\/(\d{2})$/.exec(t);
      if (f === null) return undefined;
      const start = Number(f[1]);
      if ((start + 1) % 100 !== Number(f[2])) return undefined;
      return periodEndingAt(basis, `${start + 1}-03`);
    }
  }
}

export function periodMonths(p: Period): string[] {
  return monthRange(p.first, p.last);
}

/** Every period of the basis ending between two months, oldest first (rolling: one per month). */
export function periodsBetween(basis: PeriodBasis, from: string, to: string): Period[] {
  const out: Period[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) {
    const p = periodEndingAt(basis, m);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** "Jan–Mar 2024 (financial Q4 2023/24)", "Apr 2023–Mar 2024", "Mar 2024". */
export function describePeriod(p: Period): string {
  switch (p.basis) {
    case 'month':
      return monthName(p.first);
    case 'quarter': {
      const m = Number(p.last.slice(5, 7));
      const y = Number(p.last.slice(0, 4));
      const fq = m === 3 ? 4 : m / 3 - 1;
      const fy = m === 3 ? y - 1 : y;
      return `${monthName(p.first).slice(0, 3)}–${monthName(p.last)} (financial Q${fq} ${fy}/${String((fy + 1) % 100).padStart(2, '0')})`;
    }
    case 'financial-year':
      return `financial year ${p.label} (${monthName(p.first)}–${monthName(p.last)})`;
    case 'rolling-12-months':
      return `12 months to ${monthName(p.last)} (${monthName(p.first)}–${monthName(p.last)})`;
  }
}

/** The month a date falls in. */
export const monthOf = (isoDate: string): string => isoDate.slice(0, 7);
