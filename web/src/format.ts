/** Numbers and dates as people in the UK write them. */
const integer = new Intl.NumberFormat('en-GB');
const oneDecimal = new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
// Month names three letters long ("Sep", as the command line and the reports write them; the
// en-GB short form of September is "Sept").
const monthName = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const monthOnly = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' });

/** 'Jan' … 'Dec'. */
export const MONTHS_OF_YEAR: readonly string[] = Array.from({ length: 12 }, (_, i) =>
  monthOnly.format(new Date(Date.UTC(2000, i, 1))),
);
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
/** A rate with three significant figures (6.29, 0.0938, 1,235), as the core's formatRate. */
export const fmtRate = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : significant(n, 3);
/** A share (0–1) as a percentage with the given decimals. */
export const fmtShare = (n: number | null | undefined, decimals = 1): string =>
  n === null || n === undefined
    ? '—'
    : `${(n * 100).toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}%`;

function significant(n: number, digits: number): string {
  if (n === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(n))));
  return n.toLocaleString('en-GB', { maximumFractionDigits: Math.min(decimals, 6) });
}

/**
 * An interval "a–b" whose ends never read the same: with more precision when they would
 * ("95.1%–95.3%"), once when they are one value whatever the precision ("95%"). As the core's
 * formatInterval.
 */
export function fmtInterval(
  lower: number | null | undefined,
  upper: number | null | undefined,
  kind: 'rate' | 'share' = 'rate',
): string {
  if (lower === null || lower === undefined) return '—';
  const at = (x: number, extra: number): string =>
    kind === 'share' ? fmtShare(x, 1 + extra) : significant(x, 3 + extra);
  if (upper === null || upper === undefined) return `${at(lower, 0)} to unbounded`;
  for (let extra = 0; extra <= 2; extra++) {
    const a = at(lower, extra);
    const b = at(upper, extra);
    if (a !== b) return `${a}–${b}`;
  }
  return at(lower, 0);
}
export const fmtPercent = (n: number | null | undefined): string =>
  n === null || n === undefined ? '—' : `${n > 0 ? '+' : ''}${oneDecimal.format(n)}%`;
/** "Mar 2024" from "2024-03". */
export const fmtMonth = (m: string): string => monthName.format(new Date(`${m}-01T00:00:00Z`));
export const fmtDateTime = (iso: string | null): string =>
  iso === null ? '—' : dateTime.format(new Date(iso));

/**
 * Months (sorted, YYYY-MM) as ranges in words, each run once: "Feb 2019 – Dec 2023, Mar 2024"
 * (the core's formatRuns, as the analyses write them).
 */
export function fmtMonthRuns(months: readonly string[]): string {
  const runs: { first: string; last: string }[] = [];
  for (const m of months) {
    const run = runs.at(-1);
    if (run !== undefined && monthSpan(run.last, m).length === 2) run.last = m;
    else runs.push({ first: m, last: m });
  }
  return runs
    .map((r) =>
      r.first === r.last ? fmtMonth(r.first) : `${fmtMonth(r.first)} – ${fmtMonth(r.last)}`,
    )
    .join(', ');
}

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
