/**
 * Reads the R reference fixtures of tests/fixtures/causes/ (made by
 * scripts/reference/causes-fixtures.ts): the inputs as numbers, and R's results, whose numbers are
 * stored as sprintf("%.17g") text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { close, readFixtureCsv } from '../helpers/fixtureCsv.js';
import { REPO } from '../helpers/paths.js';

export interface RCoefficient {
  term: string;
  estimate: string;
  standardError: string;
  z: string;
  p: string;
  lower: string;
  upper: string;
}

export interface RModel {
  name: string;
  family: 'poisson' | 'negbin';
  covariates: string[] | string;
  maxIterations: number;
  tolerance: number;
  data?: string;
  coefficients: RCoefficient[];
  deviance: string;
  nullDeviance: string;
  dfResidual: number;
  dfNull: number;
  aic: string;
  iterations: number;
  converged: boolean;
  dispersion: string;
  fitted: string[];
  pearsonResiduals: string[];
  devianceResiduals: string[];
  warnings: string[] | Record<string, never>;
  theta?: string;
  seTheta?: string;
  twoLogLik?: string;
  thetaWarning?: string;
}

export interface RMoran {
  name: string;
  style: 'W' | 'B';
  randomisation: boolean;
  alternative: 'greater' | 'two.sided' | 'less';
  x: string[];
  I: string;
  expectation: string;
  variance: string;
  standardDeviate: string;
  p: string;
}

export interface Expected {
  models: RModel[];
  moran: RMoran[];
}

export function readExpected(folder: string): Expected {
  return JSON.parse(
    readFileSync(path.join(REPO, 'tests', 'fixtures', 'causes', folder, 'expected.json'), 'utf8'),
  ) as Expected;
}

/** jsonlite writes a one-element vector as a scalar. */
export function listOf<T>(v: T[] | T | Record<string, never>): T[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'object' && v !== null && Object.keys(v).length === 0) return [];
  return [v as T];
}

export function num(s: string): number {
  if (s === 'Infinity') return Infinity;
  if (s === '-Infinity') return -Infinity;
  if (s === 'NA') return NaN;
  return Number(s);
}

/** The 0-based neighbour lists R wrote, one line per area. */
export function readNeighbours(folder: string, file = 'neighbours.csv'): number[][] {
  const text = readFileSync(path.join(REPO, 'tests', 'fixtures', 'causes', folder, file), 'utf8');
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line.trim() === '' ? [] : line.trim().split(' ').map(Number)));
}

export function readColumns(...parts: string[]): Record<string, number[]> {
  const rows = readFixtureCsv('causes', ...parts);
  const out: Record<string, number[]> = {};
  for (const name of Object.keys(rows[0]!)) out[name] = rows.map((r) => Number(r[name]));
  return out;
}

/** (v − mean) / sd with n − 1, as R's scale(). */
export function zScore(v: number[]): number[] {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  return v.map((x) => (x - mean) / sd);
}

export const TOLERANCE = 1e-9;

/** |actual − R| ≤ 1e-9 · max(1, |R|), with the field named when it fails. */
export function expectClose(actual: number, reference: string, what: string): void {
  const b = num(reference);
  if (!close(actual, b, TOLERANCE))
    expect.fail(`${what}: ${actual} differs from R's ${reference} by ${Math.abs(actual - b)}`);
}

export function expectAllClose(actual: number[], reference: string[], what: string): void {
  expect(actual.length, what).toBe(reference.length);
  actual.forEach((a, i) => expectClose(a, reference[i]!, `${what}[${i}]`));
}
