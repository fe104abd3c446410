/**
 * The SQL checks (fast path) and the TypeScript checks (diagnosis) must accept and refuse the
 * same values, or a refused file could come back with no explanation.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRow,
  sqlBoolean,
  sqlCoordinate,
  sqlMonth,
  sqlTimestamp,
} from '../../src/sources/police-uk/rowRules.js';

let instance: DuckDBInstance;
let c: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  c = await instance.connect();
  await c.run(`SET TimeZone = 'UTC'`);
});
afterAll(() => {
  c.closeSync();
  instance.closeSync();
});

async function sqlAccepts(
  expression: (col: string) => string,
  value: string | null,
): Promise<boolean> {
  try {
    await c.run(`SELECT ${expression('v')} FROM (SELECT $v::VARCHAR AS v)`, { v: value });
    return true;
  } catch {
    return false;
  }
}

const street = (fields: Record<string, string>): Record<string, string> => ({
  month: '2024-01',
  longitude: '-1.2',
  latitude: '51.7',
  crime_type: 'Robbery',
  ...fields,
});

describe('month', () => {
  it.each([
    '2024-01',
    '2019-12',
    '2024-13',
    '2024-00',
    '2024-1',
    '24-01',
    '2024-01-01',
    '',
    'Jan 2024',
    '2024/01',
  ])('%s', async (value) => {
    const js = checkRow('street', street({ month: value })).every((p) => p.field !== 'Month');
    expect(await sqlAccepts(sqlMonth, value === '' ? null : value)).toBe(js);
  });
});

describe('coordinates', () => {
  it.each([
    '-1.234567',
    '51.5',
    '0',
    '-0.5',
    '1e-3',
    '180',
    '181',
    '-180.0001',
    'abc',
    '1.2.3',
    '--1',
    '+1.5',
    ' 1.5',
    '.5',
    '5.',
    'NaN',
    'Infinity',
    '0x10',
  ])('%s', async (value) => {
    const js = checkRow('street', street({ longitude: value, latitude: '51.5' })).every(
      (p) => p.field !== 'Longitude',
    );
    expect(await sqlAccepts((col) => sqlCoordinate(col, 180), value)).toBe(js);
  });
});

describe('stop-and-search date', () => {
  it.each([
    '2019-01-01T01:20:00+00:00',
    '2019-01-01T01:20:00Z',
    '2019-01-01 01:20:00',
    '2019-01-01T01:20',
    '2019-06-30T23:59:59.5+01:00',
    '2019-01-01',
    '2019-02-30T00:00:00',
    '2019-13-01T00:00:00',
    'yesterday',
    '',
  ])('%s', async (value) => {
    const js = checkRow('stop-and-search', { date: value, search_type: 'Person search' }).every(
      (p) => p.field !== 'Date',
    );
    expect(await sqlAccepts(sqlTimestamp, value === '' ? null : value)).toBe(js);
  });
});

describe('booleans', () => {
  it.each(['True', 'False', 'true', 'FALSE', 'yes', '1', 'T'])('%s', async (value) => {
    const js = checkRow('stop-and-search', {
      date: '2019-01-01T00:00:00',
      search_type: 'x',
      part_of_operation: value,
    }).every((p) => p.field !== 'Part of a policing operation');
    expect(await sqlAccepts(sqlBoolean, value)).toBe(js);
  });
});
