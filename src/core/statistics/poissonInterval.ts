/**
 * Exact (Garwood) confidence interval for a Poisson count: for k events the interval is
 * [G⁻¹(α/2; k), G⁻¹(1 − α/2; k + 1)], G⁻¹ being the quantile of the gamma distribution with unit
 * scale (equivalently χ²⁻¹(α/2; 2k)/2 and χ²⁻¹(1 − α/2; 2k + 2)/2), and 0 as the lower end when
 * k = 0. The regularised incomplete gamma function is computed by its series and continued fraction
 * (Numerical Recipes §6.2) and inverted by bisection to full double precision.
 */

const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = 0.99999999999980993;
  const t = z + 7.5;
  for (let i = 0; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i + 1);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(a, x): the regularised lower incomplete gamma function. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lead = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 10_000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(lead);
  }
  return 1 - gammaQFraction(a, x);
}

/**
 * Q(a, x) = 1 − P(a, x) by its continued fraction (modified Lentz), accurate for x ≥ a + 1,
 * where it keeps full relative precision in the upper tail.
 */
export function gammaQFraction(a: number, x: number): number {
  const lead = a * Math.log(x) - x - logGamma(a);
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(lead) * h;
}

/** The p-quantile of the gamma distribution with shape a and unit scale. */
export function gammaQuantile(p: number, a: number): number {
  if (!(p > 0 && p < 1) || !(a > 0)) throw new RangeError(`gammaQuantile(${p}, ${a})`);
  let lo = 0;
  let hi = a + 10 * Math.sqrt(a) + 10;
  while (gammaP(a, hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (gammaP(a, mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PoissonInterval {
  lower: number;
  upper: number;
}

/**
 * Intervals at 95% already computed, by count (a rate table asks for the same small counts again
 * and again; each costs two bisections). Bounded: cleared when full.
 */
const at95 = new Map<number, PoissonInterval>();
const AT95_MAX = 100_000;

/** Exact two-sided interval for the mean of a Poisson count k, at the given confidence level. */
export function exactPoissonInterval(k: number, confidence = 0.95): PoissonInterval {
  if (!Number.isInteger(k) || k < 0)
    throw new RangeError(`a count must be a whole number ≥ 0: ${k}`);
  if (confidence === 0.95) {
    const known = at95.get(k);
    if (known !== undefined) return { ...known };
  }
  const alpha = 1 - confidence;
  const interval = {
    lower: k === 0 ? 0 : gammaQuantile(alpha / 2, k),
    upper: gammaQuantile(1 - alpha / 2, k + 1),
  };
  if (confidence === 0.95) {
    if (at95.size >= AT95_MAX) at95.clear();
    at95.set(k, { ...interval });
  }
  return interval;
}
