/**
 * Poisson and negative binomial regressions of counts on a few area covariates with an offset
 * (log population), as R computes them — `glm(y ~ x1 + …, family = poisson, offset = offset)`
 * and `MASS::glm.nb(y ~ x1 + … + offset(offset))` — so that the causes analysis can state R's
 * numbers.
 *
 * Method (R's `glm.fit` and MASS 7.3's `glm.nb` and `theta.ml`, step by step):
 * - IRLS with the log link: start from μ = y + 0.1 (Poisson) or y + (y = 0)/6 (negative binomial),
 *   or from the means handed over (η = log μ); each step solves the weighted least squares of the
 *   working response z = η − offset + (y − μ)/μ with weights μ²/V(μ) by a Householder QR of the
 *   weighted design, and stops when |dev − dev_old| / (|dev| + 0.1) < tolerance.
 *   Standard errors come from the R factor of the last step's QR (as `summary.glm` does), with the
 *   dispersion fixed at 1 for both families; z = estimate / SE, p = 2 Φ(−|z|), and the interval is
 *   estimate ± Φ⁻¹((1 + confidence)/2) SE (`confint.default`).
 * - The null deviance is that of the intercept-only model with the same offset, refitted as `glm`
 *   does (Poisson: starting from the full model's fitted means) or as `glm.nb` does (at the final
 *   theta, from the family's start).
 * - Negative binomial: a Poisson fit; theta by `theta.ml` (Newton on the score of the
 *   log-likelihood in theta from the moment estimate n / Σ (y/μ − 1)², steps until one is below
 *   ε^¼ ≈ 1.2e-4, at most maxIterations of them; SE(theta) = 1/√information at the last step);
 *   then alternate an IRLS fit at the current theta and a new theta from the previous fitted
 *   means, until |ΔlogLik| / √(2 max(1, df)) + |Δtheta| < tolerance (`glm.nb`'s test). The AIC is
 *   −2 logLik + 2 p + 2, as `glm.nb` reports it.
 *
 * Tolerances: the default is 1e-10 for the IRLS and for the alternation (R's default, 1e-8,
 * stops a little short of the fixed point); the reference fixtures in tests/fixtures/causes/ were
 * made by R with glm.control(epsilon = 1e-10, maxit = 100), and the results agree with R's within
 * 1e-9 (relative for large values). theta.ml's own step tolerance is ε^¼, as in MASS, which
 * `glm.nb` does not let a caller change. The default maximum is 100 iterations (R's is 25).
 *
 * Refused with a RangeError: lengths that differ, counts that are negative, fractional or not
 * finite, counts that are all zero (no rate to model), a covariate that is constant or not finite
 * (named), covariates that are collinear. Not refused: an IRLS or an alternation that does not
 * converge within maxIterations (`converged: false`, as R returns it), and a theta that grows
 * without bound when the counts show no overdispersion: `theta.ml`'s Newton steps then diverge
 * (R stops with an error, or warns "iteration limit reached" with an arbitrary large theta); here
 * theta is capped at THETA_CAP, `thetaCapped` is true and the warning says so — the fit is then
 * the Poisson fit in all but name.
 */
import { normalQuantile, normalUpperTail } from './distributions.js';
import { logGamma } from './poissonInterval.js';

/** The largest theta reported: beyond it the negative binomial is the Poisson distribution. */
export const THETA_CAP = 1e6;

export interface GlmOptions {
  /** Of the Wald intervals; 0.95 unless given. */
  confidence?: number;
  /** Of the IRLS, of theta.ml's Newton steps and of glm.nb's alternation; 100 unless given. */
  maxIterations?: number;
  /** Of the IRLS and of the alternation (R's epsilon); 1e-10 unless given. */
  tolerance?: number;
  /** Names of the covariates, for the coefficients and messages; x1, x2, … unless given. */
  names?: string[];
  /**
   * Fit the intercept-only model for the null deviance; true unless given. A caller that does
   * not report the null deviance saves that fit: `nullDeviance` is then NaN.
   */
  nullDeviance?: boolean;
}

export interface GlmCoefficient {
  /** "(Intercept)" or the covariate's name. */
  term: string;
  estimate: number;
  standardError: number;
  z: number;
  /** Two-sided, from the normal distribution. */
  p: number;
  lower: number;
  upper: number;
}

export interface GlmFit {
  family: 'poisson' | 'negative binomial';
  /** Intercept first, then the covariates in the order given. */
  coefficients: GlmCoefficient[];
  confidence: number;
  deviance: number;
  nullDeviance: number;
  dfResidual: number;
  dfNull: number;
  aic: number;
  /** IRLS iterations of the last fit. */
  iterations: number;
  /**
   * The last IRLS met the tolerance (and, for the negative binomial, so did glm.nb's alternation;
   * R's glm.nb reports only the former).
   */
  converged: boolean;
  /** Σ Pearson residual² / dfResidual: about 1 when the variance is as the family assumes. */
  dispersion: number;
  fitted: number[];
  pearsonResiduals: number[];
  devianceResiduals: number[];
  /** R's warnings, in R's words where R has one ("glm.fit: algorithm did not converge", …). */
  warnings: string[];
}

export interface NegativeBinomialFit extends GlmFit {
  family: 'negative binomial';
  theta: number;
  /** `summary(fit)$SE.theta`; NaN when theta is capped. */
  thetaStandardError: number;
  /** 2 × the log-likelihood (`fit$twologlik`). */
  twoLogLikelihood: number;
  /** Of glm.nb's alternation between theta and the coefficients. */
  alternations: number;
  /** theta went to infinity (no overdispersion) and was capped at THETA_CAP. */
  thetaCapped: boolean;
}

const NOT_CONVERGED = 'glm.fit: algorithm did not converge';

interface Family {
  /** The negative binomial's theta; null for the Poisson family (the IRLS loops branch on it). */
  theta: number | null;
  variance(mu: number): number;
  devianceTerm(y: number, mu: number): number;
  start(y: number): number;
}

const poissonFamily: Family = {
  theta: null,
  variance: (mu) => mu,
  devianceTerm: (y, mu) => 2 * ((y > 0 ? y * Math.log(y / mu) : 0) - (y - mu)),
  start: (y) => y + 0.1,
};

function negativeBinomialFamily(theta: number): Family {
  return {
    theta,
    variance: (mu) => mu + (mu * mu) / theta,
    devianceTerm: (y, mu) =>
      2 * (y * Math.log(Math.max(1, y) / mu) - (y + theta) * Math.log((y + theta) / (mu + theta))),
    start: (y) => y + (y === 0 ? 1 / 6 : 0),
  };
}

interface Settings {
  confidence: number;
  maxIterations: number;
  tolerance: number;
  names: string[];
  nullDeviance: boolean;
}

interface Irls {
  coefficients: number[];
  mu: Float64Array;
  deviance: number;
  iterations: number;
  converged: boolean;
  /** The unscaled covariance (R'R)⁻¹ of the last weighted least squares. */
  covariance: number[][];
}

/**
 * Householder QR of the n × p matrix a (columns); returns R (p × p) and the solution. The columns
 * and b are overwritten, and v (of length n) is scratch: the caller hands over arrays of its own.
 * The reflections are written out in the loop (no closure per column): the IRLS calls this at
 * every step of every fit.
 */
function qrSolve(
  a: Float64Array[],
  qtb: Float64Array,
  v: Float64Array,
): { r: number[][]; coefficients: number[] } {
  const p = a.length;
  const n = qtb.length;
  for (let k = 0; k < p; k++) {
    const col = a[k]!;
    let norm = 0;
    for (let i = k; i < n; i++) norm += col[i]! * col[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new RangeError('the covariates are collinear');
    const alpha = col[k]! > 0 ? -norm : norm;
    for (let i = k; i < n; i++) v[i] = col[i]!;
    v[k] = v[k]! - alpha;
    let vv = 0;
    for (let i = k; i < n; i++) vv += v[i]! * v[i]!;
    for (let j = k; j <= p; j++) {
      const x = j < p ? a[j]! : qtb;
      let s = 0;
      for (let i = k; i < n; i++) s += v[i]! * x[i]!;
      const f = (2 * s) / vv;
      for (let i = k; i < n; i++) x[i] = x[i]! - f * v[i]!;
    }
  }
  const r: number[][] = Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => (j >= i ? a[j]![i]! : 0)),
  );
  const scale = Math.max(...r.map((row, i) => Math.abs(row[i]!)));
  for (let i = 0; i < p; i++)
    if (Math.abs(r[i]![i]!) <= 1e-10 * scale) throw new RangeError('the covariates are collinear');
  const coefficients = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = qtb[i]!;
    for (let j = i + 1; j < p; j++) s -= r[i]![j]! * coefficients[j]!;
    coefficients[i] = s / r[i]![i]!;
  }
  return { r, coefficients };
}

/** (R'R)⁻¹ for an upper triangular R (R's chol2inv). */
function chol2inv(r: number[][]): number[][] {
  const p = r.length;
  const inv: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    inv[j]![j] = 1 / r[j]![j]!;
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i]![k]! * inv[k]![j]!;
      inv[i]![j] = -s / r[i]![i]!;
    }
  }
  const out: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < p; k++) s += inv[i]![k]! * inv[j]![k]!;
      out[i]![j] = s;
    }
  return out;
}

/** Σ of the squares, added from the first. */
function sumOfSquares(v: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return s;
}

/** A plain array of the values (spreading a typed array goes through its iterator). */
function plainArray(v: Float64Array): number[] {
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]!;
  return out;
}

/**
 * The deviance of the fitted means: Σ the family's deviance terms, written out for each family
 * (the same expressions as `devianceTerm`, so the same numbers) because the IRLS asks it at every
 * step.
 */
function devianceOf(y: readonly number[], mu: Float64Array, theta: number | null): number {
  const n = y.length;
  let d = 0;
  if (theta === null)
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      const m = mu[i]!;
      d += 2 * ((v > 0 ? v * Math.log(v / m) : 0) - (v - m));
    }
  else
    for (let i = 0; i < n; i++) {
      const v = y[i]!;
      const m = mu[i]!;
      d +=
        2 * (v * Math.log(Math.max(1, v) / m) - (v + theta) * Math.log((v + theta) / (m + theta)));
    }
  return d;
}

/**
 * R's glm.fit with the log link; design holds the columns, the intercept's included. The linear
 * predictor and the means live in typed arrays of their own, and the weighted design, the working
 * response and the QR's scratch are made once per fit, not once per step.
 */
function irls(
  y: readonly number[],
  design: readonly number[][],
  offset: readonly number[],
  family: Family,
  start: { mu?: ArrayLike<number> },
  maxIterations: number,
  tolerance: number,
  warnings: string[],
): Irls {
  const n = y.length;
  const p = design.length;
  const theta = family.theta;
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++)
    eta[i] = Math.log(start.mu !== undefined ? start.mu[i]! : family.start(y[i]!));
  for (let i = 0; i < n; i++) mu[i] = Math.exp(eta[i]!);
  let devOld = devianceOf(y, mu, theta);
  let coefficients: number[] = [];
  let previous: number[] | undefined;
  let covariance: number[][] = [];
  let converged = false;
  let iterations = 0;
  let dev = devOld;
  let lastR: number[][] | undefined;
  const weighted = Array.from({ length: p }, () => new Float64Array(n));
  const wz = new Float64Array(n);
  const scratch = new Float64Array(n);
  const predict = (c: readonly number[]): void => {
    for (let i = 0; i < n; i++) {
      let s = offset[i]!;
      for (let j = 0; j < c.length; j++) s += design[j]![i]! * c[j]!;
      eta[i] = s;
      mu[i] = Math.exp(s);
    }
  };
  for (let iter = 1; iter <= maxIterations; iter++) {
    iterations = iter;
    for (let i = 0; i < n; i++) {
      const m = mu[i]!;
      const z = eta[i]! - offset[i]! + (y[i]! - m) / m;
      const variance = theta === null ? m : m + (m * m) / theta;
      const sw = Math.sqrt((m * m) / variance);
      for (let j = 0; j < p; j++) weighted[j]![i] = design[j]![i]! * sw;
      wz[i] = z * sw;
    }
    const solved = qrSolve(weighted, wz, scratch);
    lastR = solved.r;
    coefficients = solved.coefficients;
    predict(coefficients);
    dev = devianceOf(y, mu, theta);
    // glm.fit's step halving when the deviance is not finite.
    for (let halving = 0; !Number.isFinite(dev) && previous && halving < maxIterations; halving++) {
      coefficients = coefficients.map((c, j) => (c + previous![j]!) / 2);
      predict(coefficients);
      dev = devianceOf(y, mu, theta);
    }
    if (!Number.isFinite(dev)) break;
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < tolerance) {
      converged = true;
      break;
    }
    devOld = dev;
    previous = coefficients;
  }
  // The unscaled covariance of the last weighted least squares only.
  if (lastR !== undefined) covariance = chol2inv(lastR);
  if (!converged) warnings.push(NOT_CONVERGED);
  return { coefficients, mu, deviance: dev, iterations, converged, covariance };
}

/** The Poisson fit from R's start (μ = y + 0.1), with the settings' iterations and tolerance. */
function poissonIrls(
  y: readonly number[],
  design: readonly number[][],
  offset: readonly number[],
  settings: Settings,
  warnings: string[],
): Irls {
  return irls(
    y,
    design,
    offset,
    poissonFamily,
    {},
    settings.maxIterations,
    settings.tolerance,
    warnings,
  );
}

function settingsOf(options: GlmOptions | undefined, covariates: number): Settings {
  const confidence = options?.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be between 0 and 1, not ${confidence}`);
  const maxIterations = options?.maxIterations ?? 100;
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    throw new RangeError(
      `maxIterations must be a whole number of at least 1, not ${maxIterations}`,
    );
  const tolerance = options?.tolerance ?? 1e-10;
  if (!(tolerance > 0)) throw new RangeError(`tolerance must be above 0, not ${tolerance}`);
  const names = options?.names ?? Array.from({ length: covariates }, (_, j) => `x${j + 1}`);
  if (names.length !== covariates)
    throw new RangeError(`${names.length} names given for ${covariates} covariates`);
  return {
    confidence,
    maxIterations,
    tolerance,
    names,
    nullDeviance: options?.nullDeviance ?? true,
  };
}

function checkInput(
  y: readonly number[],
  x: readonly number[][],
  offset: readonly number[],
  names: string[],
): void {
  const n = y.length;
  if (n < 2) throw new RangeError(`at least 2 areas are needed, not ${n}`);
  if (offset.length !== n)
    throw new RangeError(`the offset has ${offset.length} values for ${n} counts`);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!(Number.isInteger(v) && v >= 0))
      throw new RangeError(`count ${i + 1} is ${v}: counts must be whole numbers of at least 0`);
  }
  for (let i = 0; i < n; i++) {
    const v = offset[i]!;
    if (!Number.isFinite(v))
      throw new RangeError(`offset ${i + 1} is ${v}: offsets must be finite`);
  }
  if (y.every((v) => v === 0)) throw new RangeError('every count is 0: there is no rate to model');
  if (x.length + 1 >= n)
    throw new RangeError(`${x.length} covariates and an intercept need more than ${n} areas`);
  x.forEach((col, j) => {
    const name = names[j]!;
    if (col.length !== n)
      throw new RangeError(`covariate ${name} has ${col.length} values for ${n} counts`);
    for (let i = 0; i < col.length; i++) {
      const v = col[i]!;
      if (!Number.isFinite(v)) throw new RangeError(`covariate ${name} is ${v} at area ${i + 1}`);
    }
    if (col.every((v) => v === col[0]))
      throw new RangeError(
        `covariate ${name} is constant (${col[0]}): it cannot be estimated beside the intercept`,
      );
  });
}

function coefficientsOf(fit: Irls, settings: Settings): GlmCoefficient[] {
  const q = normalQuantile((1 + settings.confidence) / 2);
  return fit.coefficients.map((estimate, j) => {
    const standardError = Math.sqrt(fit.covariance[j]![j]!);
    const z = estimate / standardError;
    return {
      term: j === 0 ? '(Intercept)' : settings.names[j - 1]!,
      estimate,
      standardError,
      z,
      p: 2 * normalUpperTail(Math.abs(z)),
      lower: estimate - q * standardError,
      upper: estimate + q * standardError,
    };
  });
}

function residualsOf(y: readonly number[], mu: Float64Array, family: Family) {
  const n = mu.length;
  const pearsonResiduals = new Array<number>(n);
  const devianceResiduals = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const m = mu[i]!;
    const v = y[i]!;
    pearsonResiduals[i] = (v - m) / Math.sqrt(family.variance(m));
    devianceResiduals[i] = Math.sign(v - m) * Math.sqrt(Math.max(family.devianceTerm(v, m), 0));
  }
  return { pearsonResiduals, devianceResiduals };
}

/**
 * R's `glm(y ~ x[0] + x[1] + …, family = poisson, offset = offset)`: x holds the covariates as
 * columns (without the intercept), offset is usually log(population).
 */
export function poissonRegression(
  y: number[],
  x: number[][],
  offset: number[],
  options?: GlmOptions,
): GlmFit {
  const settings = settingsOf(options, x.length);
  checkInput(y, x, offset, settings.names);
  const design = [y.map(() => 1), ...x];
  const warnings: string[] = [];
  const fit = poissonIrls(y, design, offset, settings, warnings);
  return poissonFitOf(y, design, offset, settings, fit, warnings);
}

/**
 * The Poisson and the negative binomial regressions of the same counts, covariates and offset, as
 * `poissonRegression` and `negativeBinomialRegression` give them, the same to the last digit: the
 * negative binomial starts from the Poisson fit, as glm.nb does, so that fit is made once. A
 * RangeError of the data (see the top of this file) is thrown as either function throws it; one
 * met only while fitting the negative binomial is returned in its place.
 */
export function countRegressions(
  y: number[],
  x: number[][],
  offset: number[],
  options?: GlmOptions,
): { poisson: GlmFit; negativeBinomial: NegativeBinomialFit | RangeError } {
  const settings = settingsOf(options, x.length);
  checkInput(y, x, offset, settings.names);
  const design = [y.map(() => 1), ...x];
  const poissonWarnings: string[] = [];
  const fit = poissonIrls(y, design, offset, settings, poissonWarnings);
  const poisson = poissonFitOf(y, design, offset, settings, fit, poissonWarnings);
  let negativeBinomial: NegativeBinomialFit | RangeError;
  try {
    negativeBinomial = negativeBinomialFrom(y, design, offset, settings, fit, [
      ...(fit.converged ? [] : [NOT_CONVERGED]),
    ]);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    negativeBinomial = error;
  }
  return { poisson, negativeBinomial };
}

function poissonFitOf(
  y: readonly number[],
  design: readonly number[][],
  offset: readonly number[],
  settings: Settings,
  fit: Irls,
  warnings: string[],
): GlmFit {
  let nullDeviance = NaN;
  if (settings.nullDeviance) {
    const nullFit = irls(
      y,
      [design[0]!],
      offset,
      poissonFamily,
      { mu: fit.mu },
      settings.maxIterations,
      settings.tolerance,
      warnings,
    );
    if (!nullFit.converged)
      warnings.push("fitting to calculate the null deviance did not converge -- increase 'maxit'?");
    nullDeviance = nullFit.deviance;
  }
  const { pearsonResiduals, devianceResiduals } = residualsOf(y, fit.mu, poissonFamily);
  const dfResidual = y.length - design.length;
  let logLik = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const m = fit.mu[i]!;
    logLik += (v > 0 ? v * Math.log(m) : 0) - m - logGamma(v + 1);
  }
  return {
    family: 'poisson',
    coefficients: coefficientsOf(fit, settings),
    confidence: settings.confidence,
    deviance: fit.deviance,
    nullDeviance,
    dfResidual,
    dfNull: y.length - 1,
    aic: -2 * logLik + 2 * design.length,
    iterations: fit.iterations,
    converged: fit.converged,
    dispersion: sumOfSquares(pearsonResiduals) / dfResidual,
    fitted: plainArray(fit.mu),
    pearsonResiduals,
    devianceResiduals,
    warnings: [...new Set(warnings)],
  };
}

function digamma(x: number): number {
  let result = 0;
  let v = x;
  while (v < 10) {
    result -= 1 / v;
    v += 1;
  }
  const f = 1 / (v * v);
  const series =
    f *
    (-1 / 12 +
      f *
        (1 / 120 +
          f * (-1 / 252 + f * (1 / 240 + f * (-1 / 132 + f * (691 / 32760 + f * (-1 / 12)))))));
  return result + Math.log(v) - 0.5 / v + series;
}

function trigamma(x: number): number {
  let result = 0;
  let v = x;
  while (v < 10) {
    result += 1 / (v * v);
    v += 1;
  }
  const f = 1 / (v * v);
  const series =
    1 / v +
    f / 2 +
    (f / v) *
      (1 / 6 +
        f *
          (-1 / 30 +
            f * (1 / 42 + f * (-1 / 30 + f * (5 / 66 + f * (-691 / 2730 + f * (7 / 6)))))));
  return result + series;
}

interface ThetaMl {
  theta: number;
  standardError: number;
  warning?: string;
  capped: boolean;
}

/**
 * The distinct counts of y, and for each area the index of its count among them: the terms of
 * theta.ml's score and of the log-likelihood that depend only on the count (digamma, trigamma and
 * log-gamma of theta + y) are then computed once per distinct count, not once per area. LSOA
 * counts repeat (many 0s, 1s and 2s), and each term is the same number either way.
 */
interface CountLevels {
  values: Float64Array;
  index: Uint32Array;
  /** log Γ(y + 1) for each distinct count. */
  logFactorial: Float64Array;
}

function countLevels(y: readonly number[]): CountLevels {
  const at = new Map<number, number>();
  const index = new Uint32Array(y.length);
  const values: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    let k = at.get(v);
    if (k === undefined) {
      k = values.length;
      at.set(v, k);
      values.push(v);
    }
    index[i] = k;
  }
  return {
    values: Float64Array.from(values),
    index,
    logFactorial: Float64Array.from(values, (v) => logGamma(v + 1)),
  };
}

/** MASS's theta.ml: Newton on the score in theta from the moment estimate. */
function thetaMl(
  y: readonly number[],
  mu: ArrayLike<number>,
  limit: number,
  levels: CountLevels,
): ThetaMl {
  const n = y.length;
  let denominator = 0;
  for (let i = 0; i < n; i++) denominator += (y[i]! / mu[i]! - 1) ** 2;
  let t0 = n / denominator;
  let it = 0;
  let del = 1;
  let info = NaN;
  const eps = Number.EPSILON ** 0.25;
  let capped = false;
  const distinct = levels.values.length;
  const digammaOf = new Float64Array(distinct);
  const trigammaOf = new Float64Array(distinct);
  while (++it < limit && Math.abs(del) > eps) {
    t0 = Math.abs(t0);
    for (let k = 0; k < distinct; k++) {
      digammaOf[k] = digamma(t0 + levels.values[k]!);
      trigammaOf[k] = trigamma(t0 + levels.values[k]!);
    }
    const digamma0 = digamma(t0);
    const trigamma0 = trigamma(t0);
    const logT0 = Math.log(t0);
    const inverseT0 = 1 / t0;
    let score = 0;
    info = 0;
    for (let i = 0; i < n; i++) {
      const yi = y[i]!;
      const m = mu[i]!;
      const k = levels.index[i]!;
      const mt = m + t0;
      score += digammaOf[k]! - digamma0 + logT0 + 1 - Math.log(mt) - (yi + t0) / mt;
      info += -trigammaOf[k]! + trigamma0 - inverseT0 + 2 / mt - (yi + t0) / mt ** 2;
    }
    del = score / info;
    t0 += del;
    if (!(t0 <= THETA_CAP)) {
      capped = true;
      t0 = THETA_CAP;
      break;
    }
  }
  let warning: string | undefined;
  if (t0 < 0) {
    t0 = 0;
    warning = 'estimate truncated at zero';
  }
  if (it === limit) warning = 'iteration limit reached';
  if (capped)
    warning = `theta went to infinity (no overdispersion): capped at ${THETA_CAP}; the fit is the Poisson fit`;
  // A capped theta has no standard error worth the name (the information is about 0).
  const standardError = capped ? NaN : Math.sqrt(1 / info);
  return { theta: t0, standardError, capped, ...(warning ? { warning } : {}) };
}

function negativeBinomialLogLik(
  y: readonly number[],
  mu: ArrayLike<number>,
  th: number,
  levels: CountLevels,
): number {
  const distinct = levels.values.length;
  const logGammaOf = new Float64Array(distinct);
  for (let k = 0; k < distinct; k++) logGammaOf[k] = logGamma(th + levels.values[k]!);
  const logGammaTheta = logGamma(th);
  const thetaLogTheta = th * Math.log(th);
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const m = mu[i]!;
    const k = levels.index[i]!;
    s +=
      logGammaOf[k]! -
      logGammaTheta -
      levels.logFactorial[k]! +
      thetaLogTheta +
      v * Math.log(m + (v === 0 ? 1 : 0)) -
      (th + v) * Math.log(th + m);
  }
  return s;
}

/**
 * MASS's `glm.nb(y ~ x[0] + x[1] + … + offset(offset))`: the same fields as the Poisson fit, and
 * theta with its standard error, 2 × log-likelihood and glm.nb's AIC.
 */
export function negativeBinomialRegression(
  y: number[],
  x: number[][],
  offset: number[],
  options?: GlmOptions,
): NegativeBinomialFit {
  const settings = settingsOf(options, x.length);
  checkInput(y, x, offset, settings.names);
  const design = [y.map(() => 1), ...x];
  const warnings: string[] = [];
  const poisson = poissonIrls(y, design, offset, settings, warnings);
  return negativeBinomialFrom(y, design, offset, settings, poisson, warnings);
}

/** glm.nb from its Poisson fit (`poisson`, whose warnings `warnings` already holds). */
function negativeBinomialFrom(
  y: readonly number[],
  design: readonly number[][],
  offset: readonly number[],
  settings: Settings,
  poisson: Irls,
  warnings: string[],
): NegativeBinomialFit {
  const { maxIterations, tolerance } = settings;
  let fit = poisson;
  let mu = fit.mu;
  const levels = countLevels(y);
  let th = thetaMl(y, mu, maxIterations, levels);
  if (th.warning) warnings.push(th.warning);
  let fitTheta = th.theta;
  const d1 = Math.sqrt(2 * Math.max(1, y.length - design.length));
  const d2 = 1;
  let del = 1;
  let lm = negativeBinomialLogLik(y, mu, th.theta, levels);
  let lm0 = lm + 2 * d1;
  let iter = 0;
  while (++iter <= maxIterations && Math.abs(lm0 - lm) / d1 + Math.abs(del) / d2 > tolerance) {
    fitTheta = th.theta;
    fit = irls(
      y,
      design,
      offset,
      negativeBinomialFamily(fitTheta),
      { mu },
      maxIterations,
      tolerance,
      warnings,
    );
    const t0 = th.theta;
    th = thetaMl(y, mu, maxIterations, levels);
    if (th.warning) warnings.push(th.warning);
    mu = fit.mu;
    del = t0 - th.theta;
    lm0 = lm;
    lm = negativeBinomialLogLik(y, mu, th.theta, levels);
  }
  const alternations = Math.min(iter, maxIterations + 1) - 1;
  const alternated = iter <= maxIterations;
  if (!alternated) warnings.push('alternation limit reached');
  const family = negativeBinomialFamily(fitTheta);
  const nullFit = !settings.nullDeviance
    ? undefined
    : design.length > 1
      ? irls(
          y,
          [design[0]!],
          offset,
          negativeBinomialFamily(th.theta),
          {},
          maxIterations,
          tolerance,
          warnings,
        )
      : fit;
  const { pearsonResiduals, devianceResiduals } = residualsOf(y, fit.mu, family);
  const dfResidual = y.length - design.length;
  const twoLogLikelihood = 2 * lm;
  return {
    family: 'negative binomial',
    coefficients: coefficientsOf(fit, settings),
    confidence: settings.confidence,
    deviance: fit.deviance,
    nullDeviance: nullFit?.deviance ?? NaN,
    dfResidual,
    dfNull: y.length - 1,
    aic: -twoLogLikelihood + 2 * design.length + 2,
    iterations: fit.iterations,
    converged: fit.converged && alternated,
    dispersion: sumOfSquares(pearsonResiduals) / dfResidual,
    fitted: plainArray(fit.mu),
    pearsonResiduals,
    devianceResiduals,
    warnings: [...new Set(warnings)],
    theta: th.theta,
    thetaStandardError: th.standardError,
    twoLogLikelihood,
    alternations,
    thetaCapped: th.capped,
  };
}
