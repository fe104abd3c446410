/**
 * The Home Office's time bases: the financial year runs April to March ("2023/24" is April 2023 to
 * March 2024) and its quarters are Q1 April–June, Q2 July–September, Q3 October–December and
 * Q4 January–March.
 */
import { addMonths } from '../../core/months.js';

export interface FinancialPeriod {
  /** "2023/24" or "2023/24 Q1". */
  label: string;
  from: string;
  to: string;
}

function startYear(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m >= 4 ? y : y - 1;
}

const fyLabel = (y: number): string => `${y}/${String((y + 1) % 100).padStart(2, '0')}`;

export function financialYearOf(month: string): FinancialPeriod {
  const y = startYear(month);
  return { label: fyLabel(y), from: `${y}-04`, to: `${y + 1}-03` };
}

export function financialQuarterOf(month: string): FinancialPeriod & { quarter: 1 | 2 | 3 | 4 } {
  const y = startYear(month);
  const m = Number(month.slice(5, 7));
  const quarter = (Math.floor(((m + 8) % 12) / 3) + 1) as 1 | 2 | 3 | 4;
  const from = addMonths(`${y}-04`, (quarter - 1) * 3);
  return { label: `${fyLabel(y)} Q${quarter}`, from, to: addMonths(from, 2), quarter };
}

/** Days in a calendar month (YYYY-MM). */
export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}
