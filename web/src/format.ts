/** Numbers and dates as people in the UK write them. */
const integer = new Intl.NumberFormat('en-GB');
const oneDecimal = new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const twoDecimals = new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const monthName = new Intl.DateTimeFormat('en-GB', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});

export const fmtInt = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : integer.format(n);
export const fmtRate = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : twoDecimals.format(n);
export const fmtPercent = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : `${n > 0 ? '+' : ''}${oneDecimal.format(n)}%`;
/** "Mar 2024" from "2024-03". */
export const fmtMonth = (m: string): string => monthName.format(new Date(`${m}-01T00:00:00Z`));
export const fmtDateTime = (iso: string | null): string =>
  iso === null ? '—' : dateTime.format(new Date(iso));

/** Every month from first to last, inclusive (YYYY-MM). */
export function monthSpan(first: string, last: string): string[] {
  const out: string[] = [];
  let [y, m] = first.split('-').map(Number) as [number, number];
  const [ly, lm] = last.split('-').map(Number) as [number, number];
  while (y < ly || (y === ly && m <= lm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return out;
}
