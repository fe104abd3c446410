/**
 * Two-sided p-values of standard normal z-scores, P(|Z| ≥ |z|) = erfc(|z| / √2), computed as the
 * regularised upper incomplete gamma function Q(½, z² / 2): by its series below x = 1.5 and by its
 * continued fraction above (modified Lentz), so that tail probabilities keep full relative
 * precision (R's 2 * pnorm(-abs(z)) agrees to about 1e-14 relative).
 */

/** ln Γ(½) = ln √π. */
const LN_GAMMA_HALF = 0.5723649429247001;

function upperGammaHalf(x: number): number {
  const a = 0.5;
  if (x <= 0) return 1;
  const lead = a * Math.log(x) - x - LN_GAMMA_HALF;
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
    }
    return 1 - sum * Math.exp(lead);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return Math.exp(lead) * h;
}

/** P(|Z| ≥ |z|) for a standard normal Z; NaN stays NaN. */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return upperGammaHalf((z * z) / 2);
}

export function normalTwoSidedPs(z: Float64Array): Float64Array {
  const out = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = normalTwoSidedP(z[i]!);
  return out;
}
