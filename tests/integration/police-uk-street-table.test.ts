/**
 * Police.uk street records in a table of their own, read with every other record through the
 * view `incidents` (docs/decisions/0082-police-uk-street-table.md): a workspace of the schema
 * before is migrated with every record exactly as it was, each in the table that fits it; the
 * ingest puts street rows in `police_uk_street` and partner records in `detailed_incidents`; and
 * replaced rows brought back return there unchanged.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { ingestPoliceUk } from '../../src/sources/police-uk/ingestPoliceUk.js';
import { restoreBatch } from '../../src/sources/police-uk/restoreBatch.js';
import type { Db } from '../../src/store/db.js';
import { DETAILED_TABLE, STREET_TABLE } from '../../src/store/incidentTables.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { insertIncidents } from '../helpers/incidents.js';
import { TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-street-table-');
const street = (month: string): string =>
  path.join(TV_STREET(), `${month}-thames-valley-street.csv`);

const columnsOf = (db: Db, table: string): Promise<{ name: string; type: string }[]> =>
  db.all(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = 'main' AND table_name = $table ORDER BY ordinal_position`,
    { table },
  );

const count = async (db: Db, sql: string): Promise<number> => Number(await db.value(sql));

describe('a workspace of the schema before the street table', () => {
  it('is migrated with every record as it was, each in the table that fits it', async () => {
    // Records as this svd stores them: a real police.uk month and three detailed records.
    const source = path.join(dir, 'source.duckdb');
    const a = await openWorkspace(source);
    await ingestPoliceUk(a, [street('2019-01')], { reporter: silentReporter });
    await insertIncidents(a, [
      { crime_type: 'Violence and sexual offences', offence_code: '8N', flag_knife: true },
      { crime_type: 'Robbery', offence_code: '34B', victim_age: 17 },
      { crime_type: 'Possession of weapons', offence_code: '10D', location_type: 'street' },
    ]);
    const streetRows = await count(
      a.db,
      `SELECT count(*) FROM incidents WHERE source = 'police-uk'`,
    );
    expect(streetRows).toBeGreaterThan(10_000);
    a.close();

    // The same records in a workspace of schema 11, whose one table held every record.
    const old = path.join(dir, 'schema-11.duckdb');
    const v11 = await openWorkspace(old, { migrations: MIGRATIONS.slice(0, 11) });
    expect(v11.schemaVersion).toBe(11);
    await v11.db.run(`ATTACH '${source}' AS s (READ_ONLY)`);
    await v11.db.run(`INSERT INTO incidents SELECT * FROM s.incidents`);
    await v11.db.run(`DETACH s`);
    // A police.uk record that carries a detail no police.uk file gives: it does not fit the
    // street table, and must keep its detail.
    await v11.db.run(
      `UPDATE incidents SET flag_domestic = true
        WHERE id = (SELECT min(id) FROM incidents WHERE source = 'police-uk')`,
    );
    const columns = await columnsOf(v11.db, 'incidents');
    expect(columns).toHaveLength(41);
    const before = await v11.db.all(`SELECT * FROM incidents ORDER BY id`);
    v11.close();

    const ws = await openWorkspace(old, { migrations: MIGRATIONS.slice(0, 12) });
    try {
      expect(ws.migrated).toEqual([{ version: 12, name: 'police-uk-street' }]);
      expect(await columnsOf(ws.db, 'incidents')).toEqual(columns);
      expect(await ws.db.all(`SELECT * FROM incidents ORDER BY id`)).toEqual(before);
      expect(await count(ws.db, `SELECT count(*) FROM ${STREET_TABLE}`)).toBe(streetRows - 1);
      expect(await count(ws.db, `SELECT count(*) FROM ${DETAILED_TABLE}`)).toBe(3 + 1);
      expect(
        await count(ws.db, `SELECT count(*) FROM ${DETAILED_TABLE} WHERE source = 'police-uk'`),
      ).toBe(1);
    } finally {
      ws.close();
    }
  });
});

describe('where the ingest stores records', () => {
  it('puts street rows in police_uk_street, and replaced rows brought back return there unchanged', async () => {
    const ws = await openWorkspace(path.join(dir, 'ingest.duckdb'));
    try {
      await ingestPoliceUk(ws, [street('2019-01')], { reporter: silentReporter });
      await insertIncidents(ws, [{ crime_type: 'Robbery', offence_code: '34B' }]);
      const n = await count(ws.db, `SELECT count(*) FROM incidents WHERE batch_id = 1`);
      expect(await count(ws.db, `SELECT count(*) FROM ${STREET_TABLE}`)).toBe(n);
      expect(await count(ws.db, `SELECT count(*) FROM ${DETAILED_TABLE}`)).toBe(1);
      const original = await ws.db.all(`SELECT * FROM incidents WHERE batch_id = 1 ORDER BY id`);

      // A cut-short republication of the month replaces the batch's rows (they move apart)...
      const lines = readFileSync(street('2019-01'), 'utf8').split('\n');
      const folder = path.join(dir, 'cut-short');
      mkdirSync(folder, { recursive: true });
      const cut = path.join(folder, '2019-01-thames-valley-street.csv');
      writeFileSync(cut, lines.slice(0, 3).join('\n') + '\n');
      await ingestPoliceUk(ws, [cut], { reporter: silentReporter, replace: true });
      expect(await count(ws.db, `SELECT count(*) FROM ${STREET_TABLE}`)).toBe(2);
      expect(await count(ws.db, `SELECT count(*) FROM replaced_incidents`)).toBe(n);

      // ...and the restore brings them back into the street table, as they were.
      await restoreBatch(ws, 1, { restoredAt: '2026-12-06T00:00:00Z', allowShrink: true });
      expect(await count(ws.db, `SELECT count(*) FROM ${STREET_TABLE}`)).toBe(n);
      expect(await count(ws.db, `SELECT count(*) FROM ${STREET_TABLE} WHERE batch_id = 1`)).toBe(n);
      expect(await count(ws.db, `SELECT count(*) FROM ${DETAILED_TABLE}`)).toBe(1);
      expect(await count(ws.db, `SELECT count(*) FROM replaced_incidents`)).toBe(2);
      expect(await ws.db.all(`SELECT * FROM incidents WHERE batch_id = 1 ORDER BY id`)).toEqual(
        original,
      );
    } finally {
      ws.close();
    }
  });
});
