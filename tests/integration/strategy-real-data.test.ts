/**
 * Measures on the real Thames Valley police.uk months, with the ONS lookup, the Oxfordshire
 * partnership configuration and the Census 2021 population: a count for the Safer Oxfordshire
 * Partnership equals the count in the shared data's README (and an independent count of the raw
 * files), and a rate equals what `svd rates` computes for the same area and month.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { silentReporter } from '../../src/core/reporter.js';
import { computeRates } from '../../src/analyses/rates/computeRates.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { evaluateMeasures } from '../../src/strategy/evaluateMeasures.js';
import type { StrategyFile } from '../../src/strategy/schema.js';
import { svd } from '../helpers/cli.js';
import { sharedData, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { refreshDerivedData } from '../../src/app/deriveData.js';

const dir = tempDir();
const db = path.join(dir, 'real.duckdb');
const MONTHS = ['2024-01', '2024-02', '2024-03'];
const VSO = 'Violence and sexual offences';
const OXFORDSHIRE = [
  'Cherwell',
  'Oxford',
  'South Oxfordshire',
  'Vale of White Horse',
  'West Oxfordshire',
];

const strategy: StrategyFile = {
  id: 'real',
  title: 'Real data',
  period: { from: '2024-01-01', to: '2026-03-31' },
  vision: 'v',
  priorities: [
    {
      id: 'p',
      title: 'P',
      measures: [
        {
          id: 'vso-oxfordshire',
          title: 'Violence and sexual offences, Oxfordshire, quarterly',
          sources: ['police-uk'],
          filters: { crime_type: [VSO] },
          area: { level: 'csp', code: 'safer-oxfordshire' },
          metric: 'count',
          period: 'quarter',
        },
        {
          id: 'vso-oxford-rate',
          title: 'Violence and sexual offences per 1,000, Oxford, monthly',
          filters: { crime_type: [VSO] },
          area: { level: 'district', code: 'E07000178' },
          metric: 'rate',
          period: 'month',
          baseline: '2024-01',
        },
      ],
    },
  ],
};

let ws: Workspace;
beforeAll(async () => {
  const D = (...p: string[]): string => sharedData(...p);
  const steps = [
    [
      'ingest',
      'police-uk',
      ...MONTHS.map((m) => path.join(TV_STREET(), `${m}-thames-valley-street.csv`)),
    ],
    ['geo', 'lookup', D('lookups', 'oa11-lsoa11-msoa11-lad17-rgn11-oac11-lookup.csv.gz')],
    ['geo', 'partnerships'],
    [
      'population',
      'load',
      D('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
    ],
  ];
  for (const args of steps) {
    const r = await svd([...args, '--db', db, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
  }
  ws = await openWorkspace(db);
  await refreshDerivedData(ws, { reporter: silentReporter });
  return () => ws.close();
});

describe('measures on real data', () => {
  it('the Oxfordshire quarter equals the shared data README and a count of the raw files', async () => {
    const result = await evaluateMeasures(ws, strategy, {
      reporter: silentReporter,
      clock: fixedClock('2024-06-01T12:00:00Z'),
      cwd: dir,
      only: ['vso-oxfordshire'],
    });
    expect(result.dataTo).toBe('2024-03');
    const m = result.measures[0]!;
    let raw = 0;
    for (const month of MONTHS) {
      const rows = parse(
        readFileSync(path.join(TV_STREET(), `${month}-thames-valley-street.csv`)),
        { columns: true },
      ) as Record<string, string>[];
      raw += rows.filter(
        (r) =>
          r['Crime type'] === VSO && OXFORDSHIRE.some((d) => r['LSOA name']!.startsWith(`${d} `)),
      ).length;
    }
    expect(raw).toBe(1_435 + 1_467 + 1_660);
    expect(m.current).toMatchObject({ period: '2024-Q1', count: raw, value: raw, missing: null });
    expect(m.provenance.batches.map((b) => b.file_name)).toEqual(
      MONTHS.map((x) => `${x}-thames-valley-street.csv`),
    );
    // The quarter before has no data: missing, not zero.
    expect(m.series.find((p) => p.period === '2023-Q4')).toBeUndefined();
  });

  it('a rate equals svd rates for the same area and month, interval included', async () => {
    const result = await evaluateMeasures(ws, strategy, {
      reporter: silentReporter,
      clock: fixedClock('2024-06-01T12:00:00Z'),
      cwd: dir,
      only: ['vso-oxford-rate'],
    });
    const m = result.measures[0]!;
    const rates = await computeRates(
      ws,
      {
        level: 'district',
        where: [
          { dimension: 'crime_type', values: [VSO] },
          { dimension: 'month', values: ['2024-03'] },
        ],
      },
      { reporter: silentReporter },
    );
    const oxford = rates.rows.find((r) => r.code === 'E07000178')!;
    expect(m.current!.count).toBe(oxford.count);
    expect(m.current!.value).toBeCloseTo(oxford.rate!, 9);
    expect(m.current!.lower).toBeCloseTo(oxford.lower!, 9);
    expect(m.current!.upper).toBeCloseTo(oxford.upper!, 9);
    expect(m.provenance.population).toEqual({
      dataset: 'census2021-lsoa21-usual-residents-age6-thames-valley',
      year: 2021,
    });
    expect(m.series.map((p) => p.period)).toEqual(MONTHS);
    expect(m.baseline!.value).toBeCloseTo(m.series[0]!.value!, 12);
  });
});
