/** Numbers written for people: counts with separators, p-values, percentages, intervals. */

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

/** A share or change as a percentage: whole numbers, one decimal below 10%. */
export function formatPercent(fraction: number): string {
  const pct = Math.abs(fraction * 100);
  return `${pct < 10 && pct !== Math.round(pct) ? pct.toFixed(1) : Math.round(pct).toString()}%`;
}

/** A number with a sensible number of significant figures (3). */
export function formatNumber(x: number): string {
  if (x === 0) return '0';
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return x.toLocaleString('en-GB', { maximumFractionDigits: Math.min(digits, 6) });
}
