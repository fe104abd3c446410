/** The analysis selection selects exactly what `svd counts` counts for the same filters. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Params, Warnings, announceParam } from '../../src/analyses/selection/analysisResult.js';
import { resolveSelection } from '../../src/analyses/selection/selection.js';
import { parseWhere } from '../../src/analyses/counts/countIncidents.js';
import { silentReporter } from '../../src/core/reporter.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

const dir = tempDir();
const db = path.join(dir, 'sel.duckdb');

beforeAll(async () => {
  expect((await svd(['ingest', 'police-uk', TV_STREET(), '--db', db, '--quiet'])).code).toBe(0);
  expect(
    (await svd(['classify', '--definition', 'police-uk-proxy', '--db', db, '--quiet'])).code,
  ).toBe(0);
});

async function selected(selection: Parameters<typeof resolveSelection>[1]): Promise<number> {
  const ws = await openWorkspace(db, { create: false });
  try {
    const params = new Params();
    const s = await resolveSelection(ws, selection, { cwd: dir, reporter: silentReporter, params });
    expect(params.all()['selection']?.automatic).toBe(false);
    return (
      (await ws.db.value<number>(
        `SELECT count(*) FROM ${s.sql.from} WHERE ${s.sql.where}`,
        s.sql.params,
      )) ?? -1
    );
  } finally {
    ws.close();
  }
}

async function counted(args: string[]): Promise<number> {
  const r = await svd(['counts', '--by', 'source', ...args, '--db', db, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { n: number }[]).reduce((s, x) => s + x.n, 0);
}

describe('resolveSelection', () => {
  it('a period', async () => {
    expect(await selected({ from: '2018-11', to: '2019-01' })).toBe(
      await counted(['--where', 'month=2018-11..2019-01']),
    );
  });

  it('a period, a crime type and a tier under a definition', async () => {
    const where = parseWhere(
      ['crime_type=Robbery', 'tier=primary-proxy'],
      [
        ...(await import('../../src/analyses/selection/dimensions.js')).DIMENSIONS,
        ...(await import('../../src/definitions/tierDimensions.js')).TIER_DIMENSIONS,
      ],
    );
    const n = await selected({ from: '2024-01', where, definition: 'police-uk-proxy' });
    expect(n).toBeGreaterThan(0);
    expect(n).toBe(
      await counted([
        '--where',
        'month=2024-01..2024-03',
        '--where',
        'crime_type=Robbery',
        '--where',
        'tier=primary-proxy',
        '--definition',
        'police-uk-proxy',
      ]),
    );
  });

  it('refuses a tier without a definition, and a reversed period', async () => {
    await expect(selected({ where: [{ dimension: 'tier', values: ['primary'] }] })).rejects.toThrow(
      'tier needs --definition: tiers exist only under a definition',
    );
    await expect(selected({ from: '2024-03', to: '2024-01' })).rejects.toThrow(
      '--from 2024-03 is after --to 2024-01',
    );
  });
});

describe('params and warnings', () => {
  it('mark automatic choices and count repeated warnings once', () => {
    const p = new Params();
    expect(
      p.resolve(
        'cell size',
        undefined,
        () => ({
          value: 300,
          explanation: '50 cells across the shorter side, rounded down to 100 m',
        }),
        'm',
      ),
    ).toBe(300);
    expect(p.resolve('bandwidth', 250, () => ({ value: 0, explanation: 'unused' }), 'm')).toBe(250);
    expect(p.all()).toEqual({
      'cell size': {
        value: 300,
        automatic: true,
        explanation: '50 cells across the shorter side, rounded down to 100 m',
        unit: 'm',
      },
      bandwidth: { value: 250, automatic: false, unit: 'm' },
    });
    expect(announceParam('cell size', p.all()['cell size']!)).toBe(
      'cell size set to 300 m automatically (50 cells across the shorter side, rounded down to 100 m)',
    );
    const w = new Warnings();
    w.add('NO_TIME', 'records with no time are counted apart');
    w.add('NO_TIME', 'records with no time are counted apart', 4);
    w.add('GAP', 'a month is missing');
    expect(w.list()).toEqual([
      { code: 'NO_TIME', message: 'records with no time are counted apart', count: 5 },
      { code: 'GAP', message: 'a month is missing', count: 1 },
    ]);
  });
});
