/**
 * Numbers written for people: counts with separators, p-values, percentages, changes, rates,
 * ratios and intervals. Every sentence, caption and chart label of the analyses, the dashboard
 * and the SNA writes its numbers through these, so that no raw float (6.29002792044397) and no
 * interval that reads as one value twice ("95%–95%") reaches a reader.
 */

const whole = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return whole.format(n);
}

/** "p < 0.001", "p = 0.012", "p = 0.34". */
export function formatP(p: number): string {
  if (p < 0.001) return 'p < 0.001';
  if (p < 0.01) return `p = ${p.toFixed(3)}`;
  return `p = ${p.toFixed(2)}`;
}

/** Decimals a percentage is written with: whole numbers, one decimal below 10%. */
function percentDecimals(pct: number): number {
  return pct < 10 && pct !== Math.round(pct) ? 1 : 0;
}

function percentAt(fraction: number, decimals: number): string {
  const pct = fraction * 100;
  const text = Math.abs(pct).toLocaleString('en-GB', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return `${pct < 0 && Number(text.replace(/,/g, '')) !== 0 ? '−' : ''}${text}%`;
}

/** A share as a percentage (its size, unsigned): whole numbers, one decimal below 10%. */
export function formatPercent(fraction: number): string {
  const pct = Math.abs(fraction * 100);
  return percentAt(pct / 100, percentDecimals(pct));
}

/**
 * A change as a signed percentage: '+28%', '−3.6%', '0%'. The fraction is (new − old) ÷ old, or
 * for rates, the rate ratio − 1.
 */
export function formatChange(fraction: number): string {
  const size = formatPercent(fraction);
  if (size === '0%' || size === '0.0%') return '0%';
  return `${fraction > 0 ? '+' : '−'}${size}`;
}

function numberAt(x: number, significant: number): string {
  if (x === 0) return '0';
  const digits = Math.max(0, significant - 1 - Math.floor(Math.log10(Math.abs(x))));
  const text = Math.abs(x).toLocaleString('en-GB', { maximumFractionDigits: Math.min(digits, 6) });
  // A minus sign, as in '−3.6%', not a hyphen.
  return x < 0 && text !== '0' ? `−${text}` : text;
}

/** A number with a sensible number of significant figures (3): 6.29002792044397 → '6.29'. */
export function formatNumber(x: number): string {
  return numberAt(x, 3);
}

/** A rate (per 1,000 residents, per day …): three significant figures, '0' for none. */
export function formatRate(x: number): string {
  return numberAt(x, 3);
}

/** A ratio (rate ratio, attendances per record): two decimals, three significant figures above 10. */
export function formatRatio(x: number): string {
  return Math.abs(x) >= 10 ? numberAt(x, 3) : minus(x.toFixed(2));
}

/** '−0.12' for '-0.12' (a minus sign, not a hyphen); '-0.00' is '0.00'. */
function minus(text: string): string {
  if (!text.startsWith('-')) return text;
  return /[1-9]/.test(text) ? `−${text.slice(1)}` : text.slice(1);
}

/**
 * An interval, its two ends in the same style: '0.93 to 1.76', '91% to 96%'. Ends that would read
 * the same are written with more precision ('95.1% to 95.3%'); ends that are the same value
 * whatever the precision are written once ('95%'). An open upper end reads 'unbounded'.
 */
export function formatInterval(
  lower: number,
  upper: number | null,
  kind: 'percent' | 'ratio' | 'number' = 'number',
): string {
  const at = (x: number, extra: number): string => {
    if (kind === 'percent') return percentAt(x, percentDecimals(Math.abs(x * 100)) + extra);
    if (kind === 'ratio')
      return Math.abs(x) >= 10 ? numberAt(x, 3 + extra) : minus(x.toFixed(2 + extra));
    return numberAt(x, 3 + extra);
  };
  if (upper === null) return `${at(lower, 0)} to unbounded`;
  for (let extra = 0; extra <= 2; extra++) {
    const a = at(lower, extra);
    const b = at(upper, extra);
    if (a !== b) return `${a} to ${b}`;
  }
  return at(lower, 0);
}
