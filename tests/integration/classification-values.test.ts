/**
 * A classification kept once per combination of the values its definition reads, and read per
 * record through the view `incident_classifications` (docs/decisions/0084-classification-values.md):
 * every record takes the mask its own values give, checked against the definition's SQL evaluated
 * record by record and against the TypeScript matcher; records stored after a classification are
 * unclassified until the next, and the others are unchanged by them; a classification made per
 * record before schema 13 reads the same after the migration, and classifying it again gives the
 * same rows.
 */
import path from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { reclassifyHeld } from '../../src/app/deriveData.js';
import { buildIncidentAggregate } from '../../src/app/dashboard/incidentAggregate.js';
import { seededRandom } from '../../src/core/random.js';
import { silentReporter } from '../../src/core/reporter.js';
import { classifyIncidents } from '../../src/definitions/classifyIncidents.js';
import { compileDefinition } from '../../src/definitions/compileDefinition.js';
import type { IncidentRecord } from '../../src/definitions/incidentRecord.js';
import { shippedDefinition } from '../../src/definitions/shippedDefinitions.js';
import { ingestPoliceUk } from '../../src/sources/police-uk/ingestPoliceUk.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { insertIncidents, type TestIncident } from '../helpers/incidents.js';
import { TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-classification-values-');
const street = (month: string): string =>
  path.join(TV_STREET(), `${month}-thames-valley-street.csv`);
const definition = shippedDefinition('thames-valley-vru')!;
const compiled = compileDefinition(definition);
const ID = definition.file.id;
const VERSION = definition.file.version;

/** Offence codes, subcodes, statutes and flags the definition tests, and some it does not. */
const CODES = ['1', '4.1', '4.10', '2', '5A', '5D', '8N', '8F', '8P', '10A', '10D', '92A', '17A'];
const OTHER_CODES = ['34B', '28E', '49'];
const SUBCODES = ['8/1', '8/2', null];
const STATUTES = ['OAPA1861-s20', 'OAPA1861-s18', null];

/** Records with every mix of the values read, some of them repeated, some carrying none. */
function records(seed: number, n: number): TestIncident[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[random.int(0, values.length - 1)]!;
  const flag = (): boolean | null => pick([true, false, null]);
  return Array.from({ length: n }, () => ({
    crime_type: 'Violence and sexual offences',
    offence_code: random.chance(0.1) ? null : pick([...CODES, ...OTHER_CODES]),
    offence_subcode: pick(SUBCODES),
    statute: pick(STATUTES),
    flag_knife: flag(),
    flag_county_lines: flag(),
    victim_age: random.int(5, 80),
  }));
}

/** The classification read through the view: one row per record classified, by id. */
const classified = (ws: Workspace): Promise<{ id: number; mask: string }[]> =>
  ws.db.all(
    `SELECT incident_id AS id, CAST(mask AS VARCHAR) AS mask FROM incident_classifications
      WHERE definition_id = $d AND version = $v ORDER BY 1`,
    { d: ID, v: VERSION },
  );

/** The definition's mask evaluated for each record on its own: no grouping, no join. */
async function maskPerRecord(ws: Workspace): Promise<{ id: number; mask: string }[]> {
  const sql = compiled.sql();
  return ws.db.all(
    `SELECT i.id, CAST(CAST(${sql.mask.sql} AS HUGEINT) AS VARCHAR) AS mask FROM incidents i ORDER BY 1`,
    sql.mask.params,
  );
}

/** The records of each mask under the definition, counted from the dashboard's aggregate. */
async function aggregatedMasks(ws: Workspace): Promise<{ mask: string; n: number }[]> {
  const aggregate = await buildIncidentAggregate(ws);
  try {
    expect(aggregate.holds(ID, VERSION)).toBe(true);
    return await aggregate.read((c) =>
      c.db.all<{ mask: string; n: number }>(
        `SELECT CAST(c.mask AS VARCHAR) AS mask, ${c.count()} AS n
          FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id
          WHERE c.definition_id = $d AND c.version = $v GROUP BY 1 ORDER BY 1`,
        { d: ID, v: VERSION },
      ),
    );
  } finally {
    aggregate.close();
  }
}

const count = async (ws: Workspace, sql: string): Promise<number> =>
  Number(await ws.db.value(sql, { d: ID, v: VERSION }));

const unclassified = (ws: Workspace): Promise<number> =>
  count(
    ws,
    `SELECT count(*) FROM incidents i ANTI JOIN (SELECT incident_id FROM incident_classifications
      WHERE definition_id = $d AND version = $v) c ON c.incident_id = i.id`,
  );

describe('a classification kept by the values it reads', () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await openWorkspace(path.join(dir, 'values.duckdb'));
    await ingestPoliceUk(ws, [street('2019-01')], { reporter: silentReporter });
    await insertIncidents(ws, records(17, 600));
    await classifyIncidents(ws, definition, { reporter: silentReporter, source: 'shipped' });
  });
  afterAll(() => ws.close());

  it("gives every record the mask its own values give, and the matcher's tier", async () => {
    const perRecord = await maskPerRecord(ws);
    expect(perRecord.length).toBeGreaterThan(10_000);
    expect(await classified(ws)).toEqual(perRecord);
    // Some records in each tier and status, so that the comparison covers them.
    const byTier = await ws.db.all<{ tier: string; n: number }>(
      `SELECT coalesce(tier, status) AS tier, count(*) AS n FROM incident_tiers
        WHERE definition_id = $d AND version = $v GROUP BY 1 ORDER BY 1`,
      { d: ID, v: VERSION },
    );
    expect(byTier.map((t) => t.tier)).toEqual([
      'excluded',
      'monitoring',
      'no-data',
      'none',
      'primary',
    ]);
    // The detailed records against the TypeScript matcher, which shares no SQL.
    const rows = await ws.db.all<
      IncidentRecord & { id: number; tier: string | null; status: string }
    >(
      `SELECT i.crime_type, i.offence_code, i.offence_subcode, i.statute, i.flag_knife,
          i.flag_county_lines, i.victim_age, t.tier, t.status, i.id
        FROM incidents i JOIN incident_tiers t ON t.incident_id = i.id
        WHERE t.definition_id = $d AND t.version = $v AND i.source = 'force-extract' ORDER BY i.id`,
      { d: ID, v: VERSION },
    );
    expect(rows).toHaveLength(600);
    for (const { id, tier, status, ...record } of rows) {
      const c = compiled.classify(record);
      expect({ id, tier, status }).toEqual({ id, tier: c.tier, status: c.status });
    }
  });

  it('leaves records stored afterwards unclassified until the next classification, the rest unchanged', async () => {
    const before = await classified(ws);
    await ingestPoliceUk(ws, [street('2018-12')], { reporter: silentReporter });
    const added = await insertIncidents(ws, records(18, 200));
    const december = await count(
      ws,
      `SELECT count(*) FROM incidents WHERE month = DATE '2018-12-01'`,
    );
    expect(december).toBeGreaterThan(10_000);
    expect(await unclassified(ws)).toBe(december + added.length);
    expect(await classified(ws)).toEqual(before);
    // The dashboard's aggregate does not count them under the definition either.
    const aggregated = await aggregatedMasks(ws);
    expect(aggregated.reduce((n, r) => n + r.n, 0)).toBe(before.length);

    expect(await reclassifyHeld(ws, silentReporter)).toEqual([`${ID}@${VERSION}`]);
    expect(await unclassified(ws)).toBe(0);
    const after = await classified(ws);
    expect(after).toEqual(await maskPerRecord(ws));
    const old = new Set(before.map((r) => r.id));
    expect(after.filter((r) => old.has(r.id))).toEqual(before);
  });

  it('keeps one table of combinations for a version, however often it is classified', async () => {
    for (let k = 0; k < 3; k++)
      await classifyIncidents(ws, definition, { reporter: silentReporter, source: 'shipped' });
    const held = await ws.db.all<{ value_table: string; columns: string[] }>(
      `SELECT value_table, columns FROM classification_values WHERE definition_id = $d AND version = $v`,
      { d: ID, v: VERSION },
    );
    expect(held).toHaveLength(1);
    expect(held[0]!.columns).toEqual([...compiled.fieldsRead]);
    const tables = await ws.db.all<{ name: string }>(
      `SELECT table_name AS name FROM duckdb_tables() WHERE table_name LIKE 'classification_values_%'`,
    );
    expect(tables.map((t) => t.name)).toEqual([held[0]!.value_table]);
    // A combination once, however many records hold it.
    const combinations = await count(ws, `SELECT count(*) FROM ${held[0]!.value_table}`);
    const distinct = await count(
      ws,
      `SELECT count(*) FROM (SELECT DISTINCT ${compiled.fieldsRead.join(', ')} FROM incidents)`,
    );
    expect(combinations).toBe(distinct);
    expect(combinations).toBeLessThan((await count(ws, 'SELECT count(*) FROM incidents')) / 10);
  });
});

describe('a workspace classified per record before schema 13', () => {
  it('reads the same after the migration, and classifying it again gives the same rows', async () => {
    const file = path.join(dir, 'schema-12.duckdb');
    const v12 = await openWorkspace(file, { migrations: MIGRATIONS.slice(0, 12) });
    expect(v12.schemaVersion).toBe(12);
    await ingestPoliceUk(v12, [street('2019-01')], { reporter: silentReporter });
    await insertIncidents(v12, records(19, 300));
    // As the classification of schema 12 wrote it: a row per record.
    const sql = compiled.sql();
    await v12.db.run(
      `INSERT INTO incident_classifications
        SELECT $d, $v, i.id, ${sql.mask.sql} FROM incidents i`,
      { ...sql.mask.params, d: ID, v: VERSION },
    );
    const before = await classified(v12);
    expect(before.length).toBeGreaterThan(10_000);
    v12.close();

    const ws = await openWorkspace(file);
    try {
      expect(ws.migrated).toEqual([{ version: 13, name: 'classification-values' }]);
      expect(await classified(ws)).toEqual(before);
      const fromRows = await aggregatedMasks(ws);
      expect(fromRows.reduce((n, r) => n + r.n, 0)).toBe(before.length);
      await classifyIncidents(ws, definition, { reporter: silentReporter, source: 'shipped' });
      expect(await classified(ws)).toEqual(before);
      // The dashboard's aggregate joins each kind of classification in its own way.
      expect(await aggregatedMasks(ws)).toEqual(fromRows);
      expect(await count(ws, `SELECT count(*) FROM incident_classification_rows`)).toBe(0);
      expect(await count(ws, `SELECT count(*) FROM classification_values`)).toBe(1);
    } finally {
      ws.close();
    }
  });
});
