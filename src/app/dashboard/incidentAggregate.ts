/**
 * The dashboard's pre-aggregated incidents: the workspace's records grouped by everything a
 * dashboard filter or grouping reads — month, source, force, batch (hence synthetic), location
 * text, placement (the counting LSOA and its method, hence every area it is in) and the
 * classification under each classified definition version — each group with its number of
 * records; and the same without the location text (far fewer groups), which is what most counts
 * read. It is built in memory from one read of the workspace and holds tables of the
 * workspace's names (`incidents` with `n`, `incident_places`, `incident_classifications`, and
 * copies of the patterns, memberships, area names and batches), so that the SQL the analyses
 * write for the records runs on it unchanged, each row counted `n` times (`weightedCounting`).
 * The server builds it once per workspace generation and throws it away when the data change
 * (decision 0081).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workspaceMemoryLimit } from '../../store/memoryLimit.js';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { Db } from '../../store/db.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { IncidentCounting } from '../../analyses/counts/incidentCounting.js';

/** The schema of the groups that keep the location text apart. */
const LOCATED = 'located';

/** Definition versions pivoted into the aggregate, at most (others are answered from the records). */
export const MAX_AGGREGATE_DEFINITIONS = 8;

export interface IncidentAggregate {
  /** `ID@VERSION` of the classifications it holds. */
  readonly definitions: ReadonlySet<string>;
  /** Groups held, records they stand for, seconds to build. */
  readonly groups: number;
  readonly incidents: number;
  readonly seconds: number;
  /** Whether the classification of this definition version is held. */
  holds(definitionId: string, version: number): boolean;
  /** Runs fn with a connection of its own to the aggregate. */
  read<T>(fn: (counting: IncidentCounting) => Promise<T>): Promise<T>;
  close(): void;
}

/** Scratch databases attached so far (each export gets a name of its own). */
let exports = 0;

/** A string as an SQL literal (a file's path, which ATTACH cannot take as a parameter). */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * Builds the aggregate of the workspace `ws` reads (grouped on `ws`'s own connection into a
 * scratch file that the aggregate's in-memory instance then copies). `memoryLimit`: DuckDB's
 * memory limit for the aggregate (e.g. '2GB'; default the workspace's, src/store/memoryLimit.ts).
 */
export async function buildIncidentAggregate(
  ws: Workspace,
  options: { memoryLimit?: string } = {},
): Promise<IncidentAggregate> {
  const started = performance.now();
  const pairs = await ws.db.all<{ definition_id: string; version: number }>(
    `SELECT DISTINCT definition_id, version FROM incident_classifications ORDER BY 1, 2 LIMIT ${MAX_AGGREGATE_DEFINITIONS}`,
  );
  // The grouping runs on the workspace's own connection, into a scratch file; the aggregate's
  // instance then reads that file. The workspace file is never opened a second time in this
  // process: closing a second handle on it would release the lock the server holds on it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svd-aggregate-'));
  const exported = path.join(dir, 'groups.duckdb');
  const alias = `aggregate_export_${++exports}`;
  try {
    await ws.db.run(`ATTACH ${literal(exported)} AS ${alias} (READ_WRITE)`);
    try {
      const params: Record<string, DuckDBValue> = {};
      const joins: string[] = [];
      const columns: string[] = [];
      pairs.forEach((p, k) => {
        params[`d${k}`] = p.definition_id;
        params[`v${k}`] = p.version;
        joins.push(
          `LEFT JOIN incident_classifications c${k} ON c${k}.incident_id = i.id AND c${k}.definition_id = $d${k} AND c${k}.version = $v${k}`,
        );
        columns.push(`c${k}.incident_id IS NOT NULL AS c${k}`, `c${k}.mask AS m${k}`);
      });
      // Grouped with the location text (for the map's labels); the groups without it are made
      // from these below (fewer groups, quicker counts).
      await ws.db.run(
        `CREATE TABLE ${alias}.located_groups AS
           SELECT i.month, i.source, i.force, i.batch_id, i.location_text,
                  p.incident_id IS NOT NULL AS placed, p.base_vintage, p.base_code,
                  p.lsoa11_code, p.lsoa11_method, p.lsoa21_code${columns.map((c) => `, ${c}`).join('')},
                  count(*) AS n
             FROM incidents i LEFT JOIN incident_places p ON p.incident_id = i.id
             ${joins.join(' ')}
            GROUP BY ALL`,
        params,
      );
      await ws.db.run(
        `CREATE TABLE ${alias}.classification_patterns AS SELECT * FROM classification_patterns`,
      );
      await ws.db.run(
        `CREATE TABLE ${alias}.geo_memberships AS SELECT lsoa_vintage, lsoa_code, level, area_code, is_primary FROM geo_memberships`,
      );
      await ws.db.run(
        `CREATE TABLE ${alias}.geo_area_list AS SELECT level, code, name FROM geo_area_list`,
      );
      await ws.db.run(`CREATE TABLE ${alias}.batches AS SELECT batch_id, synthetic FROM batches`);
    } finally {
      await ws.db.run(`DETACH ${alias}`);
    }
    return await aggregateFrom(exported, pairs, started, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function aggregateFrom(
  exported: string,
  pairs: { definition_id: string; version: number }[],
  started: number,
  options: { memoryLimit?: string },
): Promise<IncidentAggregate> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit ?? workspaceMemoryLimit(),
  });
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(`ATTACH ${literal(exported)} AS src (READ_ONLY)`);
    try {
      await connection.run(
        `CREATE TABLE located_groups AS
         SELECT row_number() OVER () AS id, * FROM src.located_groups`,
      );
      await connection.run(
        `CREATE TABLE groups AS
         SELECT row_number() OVER () AS id, * FROM (
           SELECT * EXCLUDE (id, location_text, n), CAST(sum(n) AS BIGINT) AS n
             FROM located_groups GROUP BY ALL)`,
      );
      await connection.run(`CREATE SCHEMA ${LOCATED}`);
      for (const [schema, table, text] of [
        ['main', 'groups', ''],
        [LOCATED, 'located_groups', ', location_text'],
      ] as const) {
        await connection.run(
          `CREATE TABLE ${schema}.incidents AS
           SELECT id, month, source, force, batch_id${text}, n FROM ${table}`,
        );
        await connection.run(
          `CREATE TABLE ${schema}.incident_places AS
           SELECT id AS incident_id, base_vintage, base_code, lsoa11_code, lsoa11_method,
                  lsoa21_code
             FROM ${table} WHERE placed`,
        );
        await connection.run(
          `CREATE TABLE ${schema}.incident_classifications (definition_id VARCHAR, version INTEGER, incident_id BIGINT, mask HUGEINT)`,
        );
        for (let k = 0; k < pairs.length; k++)
          await connection.run(
            `INSERT INTO ${schema}.incident_classifications SELECT $d, $v, id, m${k} FROM ${table} WHERE c${k}`,
            { d: pairs[k]!.definition_id, v: pairs[k]!.version },
          );
      }
      await connection.run('DROP TABLE groups');
      await connection.run('DROP TABLE located_groups');
      await connection.run(
        `CREATE TABLE classification_patterns AS SELECT * FROM src.classification_patterns`,
      );
      await connection.run(
        `CREATE TABLE geo_memberships AS SELECT lsoa_vintage, lsoa_code, level, area_code, is_primary FROM src.geo_memberships`,
      );
      await connection.run(
        `CREATE TABLE geo_area_list AS SELECT level, code, name FROM src.geo_area_list`,
      );
      await connection.run(`CREATE TABLE batches AS SELECT batch_id, synthetic FROM src.batches`);
    } finally {
      await connection.run('DETACH src');
    }
    const db = new Db(connection);
    const size = await db.one<{ groups: number; incidents: number }>(
      `SELECT count(*) AS groups, coalesce(CAST(sum(n) AS BIGINT), 0) AS incidents FROM incidents`,
    );
    connection.closeSync();
    connection = undefined;
    const definitions = new Set(pairs.map((p) => `${p.definition_id}@${p.version}`));
    return {
      definitions,
      groups: size?.groups ?? 0,
      incidents: size?.incidents ?? 0,
      seconds: (performance.now() - started) / 1000,
      holds: (id, version) => definitions.has(`${id}@${version}`),
      async read(fn) {
        const c = await instance.connect();
        try {
          await c.run(`SET TimeZone = 'UTC'`);
          return await fn(weightedCounting(new Db(c), LOCATED));
        } finally {
          c.closeSync();
        }
      },
      close: () => instance.closeSync(),
    };
  } catch (error) {
    connection?.closeSync();
    instance.closeSync();
    throw error;
  }
}

/**
 * Counting groups of records, each `i.n` records; those that keep the location text are the
 * tables of the same names in schema `located` (the others are shared).
 */
function weightedCounting(db: Db, located: string): IncidentCounting {
  const counting: IncidentCounting = {
    db,
    count: (filter) =>
      `CAST(coalesce(sum(i.n)${filter === undefined ? '' : ` FILTER (WHERE ${filter})`}, 0) AS BIGINT)`,
    async located(fn) {
      await db.run(`SET search_path = '${located},main'`);
      try {
        return await fn(counting);
      } finally {
        await db.run('RESET search_path');
      }
    },
  };
  return counting;
}
