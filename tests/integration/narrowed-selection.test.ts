/**
 * A selection narrowed once (its records' ids kept in a scratch table) answers every count that
 * refines it as the records do: checked on the demo workspace, with records left unplaced and
 * unclassified on purpose, for random refinements and for counts that do not refine it (which
 * must not read through it). The scratch table holds until the next write and no longer: a
 * statement naming it after a write is refused, never answered from records that have changed.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBValue } from '@duckdb/node-api';
import { countIncidents } from '../../src/analyses/counts/countIncidents.js';
import { DIMENSIONS, findDimension } from '../../src/analyses/selection/dimensions.js';
import { incidentFilterSql } from '../../src/analyses/selection/incidentFilter.js';
import {
  narrowingsOf,
  narrowSelection,
  releaseNarrowings,
  withNarrowedSelection,
} from '../../src/analyses/selection/narrowedSelection.js';
import type { CountFilter, Dimension } from '../../src/core/dimension.js';
import { seededRandom, type Random } from '../../src/core/random.js';
import { TIER_DIMENSIONS, tierParams } from '../../src/definitions/tierDimensions.js';
import { checkPlacement } from '../../src/geo/derivedDataState.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { buildTestWorkspace, TEST_MONTHS } from '../helpers/dashboard.js';
import { randomFilters } from '../helpers/randomFilters.js';
import { tempDir } from '../helpers/temp.js';
import { STREET_TABLE } from '../../src/store/incidentTables.js';
import { keepPerRecordExcept } from '../helpers/classifications.js';

const dir = tempDir('svd-narrowing-');
let ws: Workspace;
let params: Record<string, DuckDBValue>;
const dimensions: readonly Dimension[] = [...DIMENSIONS, ...TIER_DIMENSIONS];
/** The selection narrowed: Oxford's records of the first tier in two of the three months. */
let selection: CountFilter[];
const REFINING = ['source', 'tier', 'lsoa11', 'ward_code', 'lsoa21_method', 'crime_type'] as const;
const BY = ['month', 'source', 'lsoa11', 'crime_type', 'lsoa11_method'] as const;
const values = new Map<string, (string | null)[]>();

beforeAll(async () => {
  const db = path.join(dir, 'narrowing.duckdb');
  copyFileSync(await buildTestWorkspace(dir), db);
  ws = await openWorkspace(db, { create: false });
  // Records neither placed nor classified, as after an ingest not yet followed by either.
  await ws.db.run(
    'CREATE TABLE removed_places AS SELECT * FROM incident_places WHERE incident_id % 11 = 0',
  );
  await ws.db.run('DELETE FROM incident_places WHERE incident_id % 11 = 0');
  await keepPerRecordExcept(ws, 'incident_id % 7 = 0');
  const run = await ws.db.one<{ definition_id: string; version: number }>(
    'SELECT definition_id, version FROM classification_runs ORDER BY run_id DESC LIMIT 1',
  );
  params = tierParams(run!.definition_id, run!.version);
  const tier = await ws.db.value<string>(
    `SELECT min(tier) FROM classification_patterns WHERE definition_id = $d AND version = $v AND tier IS NOT NULL`,
    { d: run!.definition_id, v: run!.version },
  );
  selection = [
    { dimension: 'district_code', values: ['E07000178'] },
    { dimension: 'tier', values: [tier!] },
    { dimension: 'month', values: [], range: { from: TEST_MONTHS[0], to: TEST_MONTHS[1] } },
  ];
  for (const name of REFINING) {
    const d = findDimension(name, dimensions);
    const sql = incidentFilterSql([], dimensions, { alsoUsing: [name], params: paramsFor([name]) });
    const seen = await ws.db.all<{ v: string | null }>(
      `SELECT DISTINCT ${d.sql} AS v FROM ${sql.from} ORDER BY 1 NULLS FIRST`,
      sql.params,
    );
    values.set(name, [...new Set([null, ...seen.map((r) => r.v)])]);
  }
}, 600_000);

afterAll(() => ws?.close());

/** The definition's parameters when a tier dimension is named (DuckDB refuses one unused). */
function paramsFor(names: readonly string[]): Record<string, DuckDBValue> {
  return TIER_DIMENSIONS.some((d) => names.includes(d.name)) ? params : {};
}

/** Counts that do not refine the selection: one of its filters left out or changed. */
function notRefining(random: Random): CountFilter[] {
  const k = random.int(0, selection.length - 1);
  const changed = selection.map((f, i): CountFilter | undefined => {
    if (i !== k) return f;
    if (random.chance(0.5)) return undefined;
    return f.range !== undefined
      ? { ...f, range: { from: f.range.from, to: TEST_MONTHS[2] } }
      : { ...f, values: [...f.values, null] };
  });
  return changed.filter((f): f is CountFilter => f !== undefined);
}

describe('a narrowed selection', () => {
  it('answers every count as the records do, for 120 random counts that refine it or not', async () => {
    const random = seededRandom(20261204);
    const trials = Array.from({ length: 120 }, (_, t) => ({
      by: [BY[random.int(0, BY.length - 1)]!],
      where:
        t % 3 === 2
          ? notRefining(random)
          : [...selection, ...randomFilters(random, REFINING, values, 0.3)],
      refines: t % 3 !== 2,
    }));
    const named = (t: (typeof trials)[number]) => [...t.by, ...t.where.map((w) => w.dimension)];
    const count = (t: (typeof trials)[number]) =>
      countIncidents(ws, { by: t.by, where: t.where }, { dimensions, params: paramsFor(named(t)) });
    const expected = [];
    for (const t of trials) expected.push(await count(t));

    const resolved = {
      where: selection,
      dimensions,
      sql: incidentFilterSql(selection, dimensions, { params }),
    };
    expect(await narrowSelection(ws.db, resolved)).toBe(true);
    const [narrowing] = narrowingsOf(ws.db);
    const kept = await ws.db.value<number>(`SELECT count(*) FROM ${narrowing!.table}`);
    const direct = await ws.db.value<number>(
      `SELECT count(*) FROM ${resolved.sql.from} WHERE ${resolved.sql.where}`,
      resolved.sql.params,
    );
    expect(Number(kept)).toBe(Number(direct));
    expect(Number(kept)).toBeGreaterThan(20);

    let nonEmpty = 0;
    for (const [k, t] of trials.entries()) {
      const sql = incidentFilterSql(t.where, dimensions, {
        alsoUsing: t.by,
        params: paramsFor(named(t)),
        narrowings: narrowingsOf(ws.db),
      });
      // Read through the narrowing exactly when the count refines the selection.
      expect(sql.from.includes(narrowing!.table), JSON.stringify(t)).toBe(t.refines);
      expect(await count(t), JSON.stringify(t)).toEqual(expected[k]);
      if (t.refines && expected[k]!.total > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(20);
    await releaseNarrowings(ws.db);
  });

  it('is not read for another definition version, nor when its parameters differ', async () => {
    const resolved = {
      where: selection,
      dimensions,
      sql: incidentFilterSql(selection, dimensions, { params }),
    };
    expect(await narrowSelection(ws.db, resolved)).toBe(true);
    const other = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? v + 1 : v]),
    );
    const sql = incidentFilterSql(selection, dimensions, {
      params: other,
      narrowings: narrowingsOf(ws.db),
    });
    expect(sql.from).not.toContain('svd_scratch_');
    await releaseNarrowings(ws.db);
  });

  it('made for a piece of work, is dropped when it ends, even on error, and no other with it', async () => {
    const resolved = {
      where: selection,
      dimensions,
      sql: incidentFilterSql(selection, dimensions, { params }),
    };
    const scratch = async () =>
      Number(
        await ws.db.value<number>(
          `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'svd_scratch_%'`,
        ),
      );
    expect(await narrowSelection(ws.db, resolved)).toBe(true);
    const [other] = narrowingsOf(ws.db);
    const seen: string[] = [];
    await expect(
      withNarrowedSelection(ws.db, resolved, async (narrowed) => {
        expect(narrowed).toBe(true);
        seen.push(...narrowingsOf(ws.db).map((n) => n.table));
        throw new Error('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(seen).toHaveLength(2);
    expect(narrowingsOf(ws.db)).toEqual([other]);
    expect(await scratch()).toBe(1);
    const all = { where: [], dimensions, sql: incidentFilterSql([], dimensions) };
    expect(await withNarrowedSelection(ws.db, all, async (narrowed) => narrowed)).toBe(false);
    expect(await scratch()).toBe(1);
    await releaseNarrowings(ws.db);
    expect(await scratch()).toBe(0);
  });

  it('is not made for a selection of most of the records', async () => {
    const all = { where: [], dimensions, sql: incidentFilterSql([], dimensions) };
    expect(await narrowSelection(ws.db, all)).toBe(false);
    expect(narrowingsOf(ws.db)).toEqual([]);
  });

  it('ends with the next write: it is no longer read, and a statement still naming it is refused', async () => {
    const resolved = {
      where: selection,
      dimensions,
      sql: incidentFilterSql(selection, dimensions, { params }),
    };
    expect(await narrowSelection(ws.db, resolved)).toBe(true);
    const before = incidentFilterSql(selection, dimensions, {
      params,
      narrowings: narrowingsOf(ws.db),
    });
    expect(before.from).toContain('svd_scratch_');
    await ws.db.run(
      `UPDATE ${STREET_TABLE} SET batch_id = batch_id WHERE id = (SELECT min(id) FROM ${STREET_TABLE})`,
    );
    expect(narrowingsOf(ws.db)).toEqual([]);
    await expect(
      ws.db.all(`SELECT count(*) FROM ${before.from} WHERE ${before.where}`, before.params),
    ).rejects.toMatchObject({ code: 'STALE_SCRATCH' });
    await releaseNarrowings(ws.db);
    const left = await ws.db.value<number>(
      `SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'svd_scratch_%'`,
    );
    expect(Number(left)).toBe(0);
  });
});

describe('the placement check (one join for records not placed and placements of no record)', () => {
  it('finds records not placed, and a placement of no record', async () => {
    const unplaced = Number(
      await ws.db.value<number>(
        'SELECT count(*) FROM incidents WHERE id NOT IN (SELECT incident_id FROM incident_places)',
      ),
    );
    expect(unplaced).toBeGreaterThan(100);
    await expect(checkPlacement(ws)).rejects.toMatchObject({
      code: 'DERIVED_DATA_STALE',
      message: expect.stringContaining(
        `${unplaced.toLocaleString('en-GB')} records are not yet placed`,
      ) as unknown,
    });
    // Their placements back: nothing is left to place.
    await ws.db.run('INSERT INTO incident_places SELECT * FROM removed_places');
    await expect(checkPlacement(ws)).resolves.toMatchObject({ alreadyPlaced: expect.any(Number) });
    // A placement of a record that is not held.
    await ws.db.run(
      'INSERT INTO incident_places SELECT * REPLACE (incident_id + 1000000000 AS incident_id) FROM incident_places LIMIT 1',
    );
    await expect(checkPlacement(ws)).rejects.toMatchObject({
      code: 'DERIVED_DATA_STALE',
      message: expect.stringContaining('records placed have since been removed') as unknown,
    });
  });
});
