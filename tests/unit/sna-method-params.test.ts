/**
 * The method appendix's parameters as people read them: names in words, values formatted (no
 * JSON), a parameter shared by several analyses listed once.
 */
import { describe, expect, it } from 'vitest';
import { paramName, paramRows, paramValue } from '../../src/reports/sna/methodParams.js';

const SELECTION = {
  from: '2018-10',
  to: '2024-03',
  where: [
    { dimension: 'csp_code', values: ['safer-oxfordshire'] },
    { dimension: 'tier', values: ['primary'] },
  ],
  definition: { id: 'thames-valley-vru', version: 1, hash: 'ab'.repeat(32), coverage: 'exact' },
};

describe('method parameters for people', () => {
  it('writes a selection as its period, filters and definition, without braces or the hash', () => {
    const text = paramValue('selection', SELECTION);
    expect(text).toBe(
      'Oct 2018 – Mar 2024; partnership safer-oxfordshire; tier primary; definition thames-valley-vru, version 1',
    );
    expect(text).not.toMatch(/[{}"]/);
  });

  it('formats numbers, shares, periods, lists and nothing', () => {
    expect(paramValue('confidence', 0.95)).toBe('95%');
    expect(paramValue('bandwidth', 12921, 'metres')).toBe('12,921 metres');
    expect(paramValue('LSOA neighbourhood tolerance', 1, 'metres')).toBe('1 metre');
    expect(paramValue('maxSpanHours', null)).toBe('no limit');
    expect(
      paramValue('compare', {
        earlier: { from: '2024-02', to: '2024-02' },
        later: { from: '2024-03', to: '2024-03' },
      }),
    ).toBe('earlier Feb 2024; later Mar 2024');
    expect(paramValue('codes', ['2', '4.3', '5A'])).toBe('2, 4.3, 5A');
    expect(
      paramValue('population', { dataset: 'census2021', year: 2021, bands: ['0-15', '16-24'] }),
    ).toBe('dataset census2021; year 2021; bands 0-15, 16-24');
    expect(paramValue('correction', 'fdr')).toBe('false discovery rate (Benjamini–Hochberg)');
  });

  it('names parameters in words, keeping names already in words', () => {
    expect(paramName('smallCount')).toBe('small count below');
    expect(paramName('maxSpanHours')).toBe('longest time range spread');
    expect(paramName('someNewOption')).toBe('some new option');
    expect(paramName('LSOA level')).toBe('LSOA level');
  });

  it('lists a parameter common to several analyses once, naming them', () => {
    const rows = paramRows([
      {
        analysis: 'trends',
        params: {
          selection: { value: SELECTION, automatic: false },
          confidence: { value: 0.95, automatic: true, explanation: 'the usual 95%' },
        },
      },
      {
        analysis: 'who',
        params: {
          selection: { value: SELECTION, automatic: false },
          confidence: { value: 0.95, automatic: true, explanation: 'the usual 95%' },
          smallCount: { value: 10, automatic: true, explanation: 'counts below 10 are small' },
        },
      },
    ]);
    expect(rows.map((r) => [r.analyses.join(', '), r.name, r.value, r.chosen])).toEqual([
      ['trends, who', 'records analysed', paramValue('selection', SELECTION), 'given'],
      ['trends, who', 'confidence level', '95%', 'automatic: the usual 95%'],
      ['who', 'small count below', '10', 'automatic: counts below 10 are small'],
    ]);
  });
});
