/**
 * The dashboard's answers counted from the pre-aggregated incidents are those counted from the
 * records: the overview, the map and the trends for many random filters (areas of every level,
 * periods, definitions, tiers, sources), asked of a server that counts from the aggregate and of
 * one that counts from the records, on the demo workspace; again after an upload, which makes a
 * new generation and a new aggregate; and the aggregate stands for every record. The force extract's
 * records are held twice, so that groups of the most detailed kind stand for more than one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingReporter, silentReporter } from '../../src/core/reporter.js';
import { seededRandom, type Random } from '../../src/core/random.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { buildIncidentAggregate } from '../../src/app/dashboard/incidentAggregate.js';
import { reclassifyHeld } from '../../src/app/deriveData.js';
import type { DashboardMeta } from '../../src/api/dashboard.js';
import { buildTestWorkspace } from '../helpers/dashboard.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import type { Db } from '../../src/store/db.js';
import { TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { DETAILED_TABLE } from '../../src/store/incidentTables.js';

const dir = tempDir('svd-aggregates-');
let pool: WorkspacePool;
/** Counts from the records, as the command line does. */
let records: FastifyInstance;
/** Counts from the aggregate. */
let aggregated: FastifyInstance;
const reporter = recordingReporter();
let meta: DashboardMeta;

const ENDPOINTS = ['overview', 'map', 'trends'] as const;
/** The analyses the dashboard counts from the aggregate too (slower: fewer filters). */
const ANALYSES = ['causes', 'deprivation', 'when', 'who', 'health-vs-police', 'hotspots'] as const;

/**
 * Every force-extract record once more, as a copy with an id of its own (its placement copied,
 * and classified again): the aggregate's groups then stand for more than one record even
 * where they keep every detail (a force extract's records are otherwise each a group of one), so
 * a count that took a group for one record would differ from the records'.
 */
async function copyForceExtract(db: string): Promise<void> {
  const ws = await openWorkspace(db, { create: false });
  try {
    const maxId = (await ws.db.value<number>('SELECT max(id) FROM incidents')) ?? 0;
    const copied = `(SELECT id FROM incidents WHERE source = 'force-extract')`;
    await ws.db.run(
      `INSERT INTO incident_places SELECT x.* REPLACE (x.incident_id + ${maxId} AS incident_id)
         FROM incident_places x WHERE x.incident_id IN ${copied}`,
    );
    await ws.db.run(
      `INSERT INTO ${DETAILED_TABLE} SELECT x.* REPLACE (x.id + ${maxId} AS id)
         FROM ${DETAILED_TABLE} x WHERE x.source = 'force-extract'`,
    );
    // The copies classified as new records are: by classifying again.
    expect(await reclassifyHeld(ws, silentReporter)).not.toEqual([]);
    expect(
      await ws.db.value<number>(
        `SELECT count(*) FROM incidents WHERE source = 'force-extract' AND id > ${maxId}`,
      ),
    ).toBeGreaterThan(100);
  } finally {
    ws.close();
  }
}

beforeAll(async () => {
  const db = await buildTestWorkspace(dir);
  await copyForceExtract(db);
  pool = await WorkspacePool.open(db, { writable: true, reporter: silentReporter });
  const common = { pool, webRoot: path.join(dir, 'no-web'), cache: false };
  records = await buildServer({ ...common, reporter: silentReporter, aggregates: false });
  aggregated = await buildServer({ ...common, reporter });
  meta = (await records.inject({ method: 'GET', url: '/api/meta' })).json() as DashboardMeta;
}, 600_000);

afterAll(async () => {
  await aggregated?.close();
  await records?.close();
  pool?.close();
});

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

/** A query string of random dashboard filters, any of them left out. */
function randomFilters(random: Random): string {
  const q = new URLSearchParams();
  const areas = ['all', ...meta.areas.map((a) => a.value)];
  q.set('area', areas[random.int(0, areas.length - 1)]!);
  if (random.chance(0.8) && meta.definitions.length > 0) {
    const d = meta.definitions[random.int(0, meta.definitions.length - 1)]!;
    q.set('definition', random.chance(0.3) ? `${d.id}@${d.version}` : d.id);
    if (random.chance(0.6)) {
      const tiers = [...d.tiers.map((t) => t.id), 'none', 'excluded', 'no-data'];
      q.set('tier', tiers[random.int(0, tiers.length - 1)]!);
    }
  }
  if (random.chance(0.7)) {
    const sources = [...meta.sources.map((s) => s.source), 'istv'];
    q.set('source', sources[random.int(0, sources.length - 1)]!);
  }
  if (random.chance(0.5)) {
    // Months held and a few either side (a period partly or not at all held).
    const from = addMonths(meta.months.first!, random.int(-2, 3));
    q.set('from', from);
    if (random.chance(0.7)) q.set('to', addMonths(from, random.int(0, 4)));
  }
  return q.toString();
}

async function answer(
  app: FastifyInstance,
  url: string,
): Promise<{ status: number; body: unknown }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}

async function compare(
  random: Random,
  questions: number,
  endpoints: readonly string[] = ENDPOINTS,
): Promise<number> {
  let answered = 0;
  for (let k = 0; k < questions; k++) {
    const filters = randomFilters(random);
    for (const endpoint of endpoints) {
      const url = `/api/${endpoint}?${filters}`;
      const fromRecords = await answer(records, url);
      const fromAggregate = await answer(aggregated, url);
      expect(fromAggregate, url).toEqual(fromRecords);
      if (fromRecords.status === 200) answered++;
    }
  }
  return answered;
}

describe('the aggregate', () => {
  it('stands for every record, and holds the classification of every definition classified', async () => {
    // Building it writes only to its scratch file: what the workspace's connection has
    // memoised still stands afterwards.
    let computed = 0;
    const check = (ws: Workspace) =>
      ws.db.memo('aggregate-test-check', async () => {
        computed++;
        return ws.db.value<number>('SELECT count(*) FROM incidents');
      });
    const aggregate = await pool.read(async (ws) => {
      await check(ws);
      const built = await buildIncidentAggregate(ws);
      await check(ws);
      return built;
    });
    expect(computed).toBe(1);
    try {
      const held = await pool.read(async (ws) => ({
        incidents: (await ws.db.value<number>('SELECT count(*) FROM incidents')) ?? 0,
        definitions: await ws.db.all<{ id: string; version: number }>(
          'SELECT DISTINCT definition_id AS id, version FROM incident_classifications',
        ),
      }));
      expect(aggregate.incidents).toBe(held.incidents);
      expect(aggregate.groups).toBeGreaterThan(0);
      expect(aggregate.groups).toBeLessThan(held.incidents);
      expect(held.definitions.length).toBeGreaterThan(0);
      for (const d of held.definitions) expect(aggregate.holds(d.id, d.version)).toBe(true);
      expect(aggregate.holds('no-such-definition', 1)).toBe(false);
      // Stored, and numbered, by source, then base LSOA (none last), then month: the groups an
      // answer reads lie together. A plain scan gives the stored order.
      type Stored = { id: number; source: string; base: string | null; month: string };
      const sql = `SELECT i.id, i.source, p.base_code AS base, strftime(i.month, '%Y-%m') AS month
                     FROM incidents i LEFT JOIN incident_places p ON p.incident_id = i.id`;
      // Each schema's groups, joined to their places, and its plain scan of the numbers.
      const read = async (c: { db: Db }) => ({
        rows: await c.db.all<Stored>(sql),
        plain: await c.db.all<{ id: number }>('SELECT id FROM incidents'),
      });
      const schemas = await aggregate.read(async (c) => [await read(c), await c.detailed(read)]);
      const key = (r: Stored): string => `${r.source}\u0000${r.base ?? '\uffff'}\u0000${r.month}`;
      for (const { rows, plain } of schemas) {
        expect(rows.length).toBeGreaterThan(100);
        const byId = [...rows].sort((a, b) => a.id - b.id);
        expect(plain.map((r) => r.id)).toEqual(byId.map((r) => r.id));
        for (let k = 1; k < byId.length; k++)
          expect(
            key(byId[k - 1]!) <= key(byId[k]!),
            `${key(byId[k - 1]!)} before ${key(byId[k]!)}`,
          ).toBe(true);
      }
    } finally {
      aggregate.close();
    }
  });
});

describe('answers from the aggregate', () => {
  it('are those from the records, for 40 random filters of overview, map and trends', async () => {
    const answered = await compare(seededRandom(81), 40);
    // Most questions are answered (some are refused alike, e.g. a source not held): both paths ran.
    expect(answered).toBeGreaterThan(60);
    // The answers were counted from the aggregate, built once for the workspace as it is.
    expect(reporter.infos.filter((m) => m.startsWith('incidents aggregated'))).toHaveLength(1);
    expect(reporter.warnings).toEqual([]);
  }, 600_000);

  it('are those from the records, for 12 random filters of causes, deprivation, when, who, health and hotspots', async () => {
    const answered = await compare(seededRandom(83), 12, ANALYSES);
    expect(answered).toBeGreaterThan(24);
    expect(reporter.warnings).toEqual([]);
  }, 600_000);

  it('are those from the records for health beside police where the departments lie', async () => {
    // Random filters mostly name an area with no emergency department, or no force extract.
    let answered = 0;
    for (const area of ['all', 'csp:cherwell', 'district:E07000178'])
      for (const more of [
        '',
        '&source=force-extract&from=2024-02',
        '&definition=thames-valley-vru',
      ]) {
        const url = `/api/health-vs-police?area=${area}${more}`;
        const fromRecords = await answer(records, url);
        expect(await answer(aggregated, url), url).toEqual(fromRecords);
        if (fromRecords.status === 200) answered++;
      }
    expect(answered).toBeGreaterThan(3);
  }, 600_000);

  it('after an upload, from a new aggregate that counts the new records too', async () => {
    const before = (await answer(aggregated, '/api/overview?area=all')).body as { total: number };
    const file = path.join(TV_STREET(), '2018-12-thames-valley-street.csv');
    const upload = await aggregated.inject({
      method: 'POST',
      url: '/api/uploads?kind=police-uk&name=2018-12-thames-valley-street.csv',
      headers: { 'content-type': 'application/octet-stream' },
      payload: readFileSync(file),
    });
    expect(upload.statusCode).toBe(200);
    const after = (await answer(aggregated, '/api/overview?area=all')).body as { total: number };
    expect(after.total).toBeGreaterThan(before.total);
    expect(reporter.infos.filter((m) => m.startsWith('incidents aggregated'))).toHaveLength(2);
    meta = (await records.inject({ method: 'GET', url: '/api/meta' })).json() as DashboardMeta;
    await compare(seededRandom(82), 15);
  }, 600_000);
});
