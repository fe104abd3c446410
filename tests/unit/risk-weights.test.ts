/**
 * The risk index's weights are parsed once per text read: the shipped file is the same object on
 * every read, frozen so no answer can change it; a file edited between reads is read as edited,
 * and one made bad is refused, never answered from an earlier good read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRiskWeights } from '../../src/analyses/causes/riskWeights.js';
import { SvdError } from '../../src/core/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'svd-weights-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const weights = (version: number, weight: string) =>
  `id: income-only\nversion: ${version}\ntitle: Income alone\ncomponents:\n  - indicator: iod2025/Income_score\n    weight: ${weight}\n    direction: higher-is-risk\n`;

describe('the risk index weights, read again', () => {
  it('the shipped weights are one frozen object', () => {
    const a = readRiskWeights();
    expect(readRiskWeights()).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.components)).toBe(true);
    expect(a.components.every((c) => Object.isFrozen(c))).toBe(true);
    expect(a.file).toBe('reference/risk-index/neighbourhood-risk.yaml');
  });

  it('a file edited between reads is read as edited, and a bad edit is refused', () => {
    const file = path.join(dir, 'weights.yaml');
    writeFileSync(file, weights(1, '1'));
    const first = readRiskWeights(file);
    expect(first).toMatchObject({ id: 'income-only', version: 1, file: 'weights.yaml' });
    writeFileSync(file, weights(2, '3'));
    const second = readRiskWeights(file);
    expect(second.version).toBe(2);
    expect(second.components[0]!.weight).toBe(3);
    expect(second.sha256).not.toBe(first.sha256);
    writeFileSync(file, weights(3, '-2'));
    let error: unknown;
    try {
      readRiskWeights(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SvdError);
    expect((error as SvdError).code).toBe('BAD_RISK_WEIGHTS');
    expect(() => readRiskWeights(file)).toThrow(/weight must be a number above 0/);
    writeFileSync(file, weights(1, '1'));
    expect(readRiskWeights(file)).toEqual(first);
  });

  it('the same text at another path is that path’s file', () => {
    const other = path.join(dir, 'other.yaml');
    writeFileSync(other, weights(1, '1'));
    expect(readRiskWeights(other).file).toBe('other.yaml');
  });
});
