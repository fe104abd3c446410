/**
 * How selections are counted, checked against plainer ways of counting the same.
 *
 * A filter that no unmatched record can pass (a tier other than "unclassified", an area, an LSOA)
 * turns the joins it needs into inner joins placed first, so that the database narrows the
 * records before joining the rest. The counts must be those of the plain left joins: checked on
 * the demo workspace with records left unplaced and unclassified on purpose, for many random
 * filters, against a query built here from the dimensions' own joins, all left, in their order.
 *
 * Counts by several dimensions from one scan (GROUPING SETS) must be those counted by each alone.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { countIncidents, countIncidentsEach } from '../../src/analyses/counts/countIncidents.js';
import { DIMENSIONS, findDimension } from '../../src/analyses/selection/dimensions.js';
import { incidentFilterSql } from '../../src/analyses/selection/incidentFilter.js';
import { WITHIN } from '../../src/analyses/rates/computeRates.js';
import type { CountFilter, Dimension } from '../../src/core/dimension.js';
import { seededRandom } from '../../src/core/random.js';
import { TIER_DIMENSIONS, tierParams } from '../../src/definitions/tierDimensions.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { buildTestWorkspace } from '../helpers/dashboard.js';
import { randomFilters } from '../helpers/randomFilters.js';
import { tempDir } from '../helpers/temp.js';
import { storedTables } from '../../src/store/incidentTables.js';
import { keepPerRecordExcept } from '../helpers/classifications.js';

const dir = tempDir('svd-narrowed-');
let ws: Workspace;
let params: Record<string, DuckDBValue>;
const dimensions: readonly Dimension[] = [...DIMENSIONS, ...TIER_DIMENSIONS, WITHIN];
/** Values seen of each filtered dimension, with null and the unmatched values added. */
const values = new Map<string, (string | null)[]>();
const FILTERED = [
  'tier',
  'matched_tier',
  'rule',
  'district',
  'district_code',
  'csp_code',
  'ward_code',
  'lsoa11',
  'lsoa21_method',
  'within_areas',
  'source',
] as const;
const BY = ['month', 'source', 'tier', 'district_code', 'lsoa11_method', 'crime_type'] as const;

beforeAll(async () => {
  const db = path.join(dir, 'narrowed.duckdb');
  copyFileSync(await buildTestWorkspace(dir), db);
  ws = await openWorkspace(db, { create: false });
  // Records neither placed nor classified, as after an ingest not yet followed by either.
  await ws.db.run('DELETE FROM incident_places WHERE incident_id % 11 = 0');
  await keepPerRecordExcept(ws, 'incident_id % 7 = 0');
  const run = await ws.db.one<{ definition_id: string; version: number }>(
    'SELECT definition_id, version FROM classification_runs ORDER BY run_id DESC LIMIT 1',
  );
  params = tierParams(run!.definition_id, run!.version);
  for (const name of FILTERED) {
    const d = findDimension(name, dimensions);
    const sql = incidentFilterSql([], dimensions, {
      alsoUsing: [name],
      params: paramsFor([name]),
    });
    const seen = await ws.db.all<{ v: string | null }>(
      `SELECT DISTINCT ${d.sql} AS v FROM ${sql.from} ORDER BY 1 NULLS FIRST`,
      sql.params,
    );
    values.set(name, [...new Set([null, 'unclassified', 'no', ...seen.map((r) => r.v)])]);
  }
}, 600_000);

afterAll(() => ws?.close());

/** The parameters the dimensions named use: the definition's, and within Oxford and Cherwell. */
function paramsFor(names: readonly string[]): Record<string, DuckDBValue> {
  const tiers = TIER_DIMENSIONS.some((d) => names.includes(d.name));
  return {
    ...(tiers ? params : {}),
    ...(names.includes('within_areas')
      ? { within_level: 'district', within_codes: listValue(['E07000178', 'E07000177']) }
      : {}),
  };
}

/**
 * The counts with every join a plain left join, in the order the dimensions declare them, each
 * record once in its group (partnerships nest: the join of a filter of two of them gives a record
 * in both two rows).
 */
async function leftJoined(
  by: readonly string[],
  filters: readonly CountFilter[],
  extra: Record<string, DuckDBValue>,
): Promise<{ key: string; n: number }[]> {
  const joins = new Map<string, string>();
  for (const name of [...by, ...filters.map((f) => f.dimension)])
    for (const [k, j] of Object.entries(findDimension(name, dimensions).joins ?? {}))
      joins.set(k, j);
  for (const j of joins.values()) expect(j).toMatch(/^\s*LEFT JOIN/);
  const { where, params: p } = incidentFilterSql(filters, dimensions, {
    params: extra,
  });
  const rows = await ws.db.all<{ key: string; n: number }>(
    `SELECT concat_ws('|', ${by.map((n) => `coalesce(CAST(${findDimension(n, dimensions).sql} AS VARCHAR), '∅')`).join(', ')}) AS key,
        CAST(count(DISTINCT i.id) AS INTEGER) AS n
       FROM incidents i ${[...joins.values()].join(' ')} WHERE ${where} GROUP BY 1 ORDER BY 1`,
    p,
  );
  return rows;
}

describe('filters narrow the joins without changing a count', () => {
  it('has records unplaced and unclassified, so that a wrong inner join would lose some', async () => {
    const unplaced = await ws.db.value<number>(
      'SELECT count(*) FROM incidents i ANTI JOIN incident_places p ON p.incident_id = i.id',
    );
    const unclassified = await ws.db.value<number>(
      'SELECT count(*) FROM incidents i ANTI JOIN incident_classifications c ON c.incident_id = i.id',
    );
    expect(Number(unplaced)).toBeGreaterThan(100);
    expect(Number(unclassified)).toBeGreaterThan(100);
  });

  it('makes the required joins inner and first only when the filter rejects the unmatched value', () => {
    const narrowed = incidentFilterSql([{ dimension: 'tier', values: ['primary'] }], dimensions, {
      alsoUsing: ['district'],
    });
    expect(narrowed.from).toMatch(
      /^incidents i JOIN incident_classifications ic[\s\S]* JOIN classification_patterns cp[\s\S]*LEFT JOIN incident_places p/,
    );
    for (const kept of [['unclassified'], ['primary', 'unclassified']]) {
      const sql = incidentFilterSql([{ dimension: 'tier', values: kept }], dimensions);
      expect(sql.from).toMatch(/^incidents i LEFT JOIN incident_classifications/);
    }
    const area = incidentFilterSql(
      [{ dimension: 'district_code', values: ['E07000178'] }],
      dimensions,
    );
    expect(area.from).toMatch(
      /^incidents i JOIN incident_places p[^]*JOIN geo_memberships m_district[^]*LEFT JOIN geo_area_list a_district/,
    );
    const withNull = incidentFilterSql(
      [{ dimension: 'district_code', values: ['E07000178', null] }],
      dimensions,
    );
    expect(withNull.from).toMatch(/^incidents i LEFT JOIN incident_places p/);
    const within = incidentFilterSql([{ dimension: 'within_areas', values: ['no'] }], dimensions);
    expect(within.from).toMatch(/^incidents i LEFT JOIN incident_places p/);
    const range = incidentFilterSql(
      [{ dimension: 'lsoa11', values: [], range: { from: 'E01', to: 'E02' } }],
      dimensions,
    );
    expect(range.from).toMatch(/^incidents i JOIN incident_places p/);
  });

  it('counts as the plain left joins do, for 200 random filters', async () => {
    const random = seededRandom(20261203);
    let narrowedQueries = 0;
    let checked = 0;
    for (let t = 0; t < 200; t++) {
      const by = [BY[random.int(0, BY.length - 1)]!];
      const where = randomFilters(random, FILTERED, values, 0.2);
      const extra = paramsFor([...by, ...where.map((w) => w.dimension)]);
      const sql = incidentFilterSql(where, dimensions, { alsoUsing: by, params: extra });
      const expected = await leftJoined(by, where, extra);
      const counted = await countIncidents(
        ws,
        { by: [...by], where },
        { dimensions, params: extra },
      );
      const got = counted.rows
        .map((r) => ({
          key: r[by[0]!] === null ? '∅' : String(r[by[0]!]),
          n: r.n,
        }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      expect(got, JSON.stringify({ by, where })).toEqual(expected);
      if (expected.length > 0) {
        checked++;
        if (/^incidents i JOIN/.test(sql.from)) narrowedQueries++;
      }
    }
    // The property was tried on counts that are not empty, narrowed and not.
    expect(narrowedQueries).toBeGreaterThan(40);
    expect(checked - narrowedQueries).toBeGreaterThan(20);
  });
});

describe('counts by several dimensions from one scan', () => {
  it('equal the counts by each dimension alone, rows, order, totals and synthetic shares', async () => {
    const random = seededRandom(7);
    const names = ['month', 'source', 'tier', 'district_code', 'lsoa11_method', 'lsoa21', 'rule'];
    let rows = 0;
    for (let t = 0; t < 40; t++) {
      const picked = [...new Set([0, 1, 2].map(() => names[random.int(0, names.length - 1)]!))];
      const where = randomFilters(random, FILTERED, values, 0.2);
      const context = {
        dimensions,
        params: paramsFor([...picked, ...where.map((w) => w.dimension)]),
      };
      const each = await countIncidentsEach(ws, picked, where, context);
      expect(each).toHaveLength(picked.length);
      for (const [k, name] of picked.entries()) {
        const alone = await countIncidents(
          ws,
          { by: [name], where },
          { dimensions, params: paramsFor([name, ...where.map((w) => w.dimension)]) },
        );
        expect(each[k], JSON.stringify({ name, where })).toEqual(alone);
        rows += alone.rows.length;
      }
    }
    expect(rows).toBeGreaterThan(500);
  });
});

describe('a month range compares the stored dates', () => {
  /** The records whose month, as text, lies from lo to hi: the plain reading of the range. */
  async function asText(lo: string, hi: string): Promise<number> {
    return Number(
      await ws.db.value<number>(
        `SELECT count(*) FROM incidents WHERE strftime(month, '%Y-%m') BETWEEN $lo AND $hi`,
        { lo, hi },
      ),
    );
  }

  it('selects the records the month text selects, for 100 random ranges, on dates in mid-month too', async () => {
    // Some stored dates moved into their month, so that a bound compared on the first day only
    // would lose them.
    for (const table of storedTables('incidents'))
      await ws.db.run(`UPDATE ${table} SET month = month + INTERVAL 14 DAY WHERE id % 13 = 0`);
    const months = (
      await ws.db.all<{ m: string }>(
        `SELECT DISTINCT strftime(month, '%Y-%m') AS m FROM incidents ORDER BY 1`,
      )
    ).map((r) => r.m);
    const bounds = ['0001-01', '9999-12', '2000-01', ...months];
    const random = seededRandom(31);
    let nonEmpty = 0;
    for (let t = 0; t < 100; t++) {
      const lo = bounds[random.int(0, bounds.length - 1)]!;
      const hi = bounds[random.int(0, bounds.length - 1)]!;
      const where: CountFilter[] = [
        { dimension: 'month', values: [], range: { from: lo, to: hi } },
      ];
      expect(incidentFilterSql(where, dimensions).where).not.toContain('strftime');
      const counted = await countIncidents(ws, { by: ['source'], where }, { dimensions });
      const expected = await asText(lo, hi);
      expect(counted.total, `${lo}..${hi}`).toBe(expected);
      if (expected > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(30);
  });

  it('falls back to the text for a bound that is not a month, and counts the same', async () => {
    const where: CountFilter[] = [
      { dimension: 'month', values: [], range: { from: '2024', to: '2025-13' } },
    ];
    expect(incidentFilterSql(where, dimensions).where).toContain('BETWEEN');
    const counted = await countIncidents(ws, { by: ['source'], where }, { dimensions });
    expect(counted.total).toBe(await asText('2024', '2025-13'));
    expect(counted.total).toBeGreaterThan(0);
  });
});
