/**
 * The dashboard's pre-aggregated incidents: the workspace's records grouped by everything a
 * dashboard filter or grouping reads — month, source, force, batch (hence synthetic), placement
 * (the counting LSOA and its method, hence every area it is in) and the classification under
 * each classified definition version — each group with its number of records, in three schemas
 * of the workspace's table names (`incidents` with `n`, `incident_places`,
 * `incident_classifications`): `main` with nothing more (the fewest groups, what most counts
 * read), `located` with the location text too (the map's labels), and `detailed` with every
 * column the other pages read too — the point, the times, the people, the flags, the location
 * type and the offence code (hotspots, when, who, health). police.uk rows carry none of these but
 * the text and the point, so they add few groups; a force extract's records are mostly groups of
 * one there. Copies of the patterns, memberships, area names and batches sit beside them, so
 * that the SQL the analyses write for the records runs on it unchanged, each row counted `n`
 * times (`weightedCounting`). It is built in memory from one read of the workspace, a chunk of
 * records at a time. The server builds it once per workspace generation and throws it away when
 * the data change (decision 0081).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workspaceMemoryLimit } from '../../store/memoryLimit.js';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { Db, Memos } from '../../store/db.js';
import { classificationJoin, classifiedVersions } from '../../store/classificationTables.js';
import { sqlText } from '../../core/sqlText.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { IncidentCounting } from '../../analyses/counts/incidentCounting.js';
import {
  heldCountsOf,
  hotspotPointsOf,
  loadGroupsInMemory,
  type GroupsInMemory,
} from './groupsInMemory.js';

/** The schema of the groups that keep the location text apart. */
const LOCATED = 'located';
/** The schema of the groups that keep apart every column of the records a page reads. */
const DETAILED = 'detailed';

/**
 * The columns of the records, besides those every group keeps, that the detailed groups keep:
 * what the pages that count more than places and months read — the location text and the map
 * point (hotspots), the times (when), the people, flags, location type and offence (who, health).
 * police.uk rows carry none but the text and the point, so they add few groups; a force
 * extract's records are mostly groups of one.
 */
const DETAIL_COLUMNS = [
  'location_text',
  'longitude',
  'latitude',
  'occurred_from',
  'occurred_to',
  'victim_age',
  'victim_age_band',
  'victim_sex',
  'suspect_age',
  'suspect_age_band',
  'suspect_sex',
  'flag_domestic',
  'flag_knife',
  'flag_firearm',
  'location_type',
  'offence_code',
] as const;
/** The placement's columns the detailed groups keep besides those every group keeps. */
const DETAIL_PLACE_COLUMNS = ['easting', 'northing'] as const;

/**
 * Records grouped at once, at most, when the aggregate is built: joining ten million records to
 * their placements and classifications at once spills past the workspace's memory limit and
 * takes twice as long as four chunks of 2.5 million (decision 0081).
 */
const CHUNK_RECORDS = 2_500_000;

/** Definition versions pivoted into the aggregate, at most (others are answered from the records). */
export const MAX_AGGREGATE_DEFINITIONS = 8;

/**
 * DuckDB threads of the aggregate's instance. Its tables are small (76,630 groups in `main` and
 * 256,407 in `detailed` at ten million records), so a query's work is too little to share out,
 * and sharing it only adds the cost; answers asked at once run side by side instead, each on a
 * connection of its own. One thread took about a sixth less CPU for twenty Causes answers at once
 * at ten million records (decision 0081, eleventh pass).
 */
const AGGREGATE_THREADS = 1;

/**
 * The order the groups are stored and numbered in: by source, then base LSOA, then month. An
 * answer reads one source and, mostly, the LSOAs of one area (whose codes run together) over a
 * run of months; its groups then lie together in every table of a schema (the places and
 * classifications are stored in the groups' order). The requests' statements of the bench's
 * Causes and Hotspots filters at ten million records took about a sixth less time so (the sum
 * of their medians 1,879 ms against 2,262-2,293 ms in the order the grouping left them), with
 * the same rows, and the aggregate built in the same time (decision 0081, fourteenth pass).
 */
const GROUP_ORDER = 'source, base_code NULLS LAST, month, batch_id';

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
  const pairs = await classifiedVersions(ws.db, MAX_AGGREGATE_DEFINITIONS);
  // The grouping runs on the workspace's own connection, into a scratch file; the aggregate's
  // instance then reads that file. The workspace file is never opened a second time in this
  // process: closing a second handle on it would release the lock the server holds on it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svd-aggregate-'));
  const exported = path.join(dir, 'groups.duckdb');
  const alias = `aggregate_export_${++exports}`;
  // The statements below write only to the scratch file, never to the workspace: they run
  // through a Db of their own, so that the answers the workspace's connections have memoised
  // (the classification checks, seconds each at ten million records) still stand.
  const db = new Db(ws.db.connection);
  try {
    await db.run(`ATTACH ${sqlText(exported)} AS ${alias} (READ_WRITE)`);
    try {
      const params: Record<string, DuckDBValue> = {};
      const joins: string[] = [];
      const columns: string[] = [];
      // Each side of the joins is cut to the chunk's ids, so the joins are of one chunk's
      // records at a time (within the workspace's memory limit, no spilling).
      const chunk = (table: string, id: string): string =>
        `(SELECT * FROM ${table} WHERE ${id} >= $lo AND ${id} < $hi)`;
      // Each classification joined on the record's values (or, kept per record, on its id):
      // its mask, NULL when the record is unclassified under it.
      for (const [k, p] of pairs.entries()) {
        const { join, mask } = await classificationJoin(db, {
          ...p,
          alias: `c${k}`,
          rowsWhere: 'incident_id >= $lo AND incident_id < $hi',
        });
        joins.push(join);
        columns.push(`${mask} IS NOT NULL AS c${k}`, `${mask} AS m${k}`);
      }
      // Grouped with every detail, a chunk of ids at a time (the same group may come from two
      // chunks: they are summed when read); the coarser groups are made from these below
      // (fewer groups, quicker counts).
      const ids = await db.one<{ lo: number | null; hi: number | null; n: number }>(
        'SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM incidents',
      );
      const lo = Number(ids?.lo ?? 0);
      const hi = Number(ids?.hi ?? 0) + 1;
      const chunks = Math.max(1, Math.ceil(Number(ids?.n ?? 0) / CHUNK_RECORDS));
      const step = Math.ceil((hi - lo) / chunks);
      for (let k = 0; k < chunks; k++)
        await db.run(
          `${k === 0 ? `CREATE TABLE ${alias}.detailed_groups AS` : `INSERT INTO ${alias}.detailed_groups`}
           SELECT i.month, i.source, i.force, i.batch_id,
                  ${DETAIL_COLUMNS.map((c) => `i.${c}`).join(', ')},
                  p.incident_id IS NOT NULL AS placed, p.base_vintage, p.base_code,
                  p.lsoa11_code, p.lsoa11_method, p.lsoa21_code,
                  ${DETAIL_PLACE_COLUMNS.map((c) => `p.${c}`).join(', ')}${columns.map((c) => `, ${c}`).join('')},
                  count(*) AS n
             FROM ${chunk('incidents', 'id')} i LEFT JOIN ${chunk('incident_places', 'incident_id')} p ON p.incident_id = i.id
             ${joins.join(' ')}
            GROUP BY ALL`,
          { ...params, lo: lo + k * step, hi: k === chunks - 1 ? hi : lo + (k + 1) * step },
        );
      await db.run(
        `CREATE TABLE ${alias}.classification_patterns AS SELECT * FROM classification_patterns`,
      );
      await db.run(
        `CREATE TABLE ${alias}.geo_memberships AS SELECT lsoa_vintage, lsoa_code, level, area_code, is_primary FROM geo_memberships`,
      );
      await db.run(
        `CREATE TABLE ${alias}.geo_area_list AS SELECT level, code, name FROM geo_area_list`,
      );
      await db.run(`CREATE TABLE ${alias}.batches AS SELECT batch_id, synthetic FROM batches`);
    } finally {
      await db.run(`DETACH ${alias}`);
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
    threads: String(AGGREGATE_THREADS),
  });
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    await connection.run(`ATTACH ${sqlText(exported)} AS src (READ_ONLY)`);
    try {
      await connection.run(
        `CREATE TABLE detailed_groups AS
         SELECT row_number() OVER (ORDER BY ${GROUP_ORDER}) AS id, * FROM (
           SELECT * EXCLUDE (n), CAST(sum(n) AS BIGINT) AS n FROM src.detailed_groups GROUP BY ALL)
         ORDER BY id`,
      );
      const details = [...DETAIL_COLUMNS, ...DETAIL_PLACE_COLUMNS];
      // The groups of each schema: those without any detail, with the location text, with all.
      const coarser = (keep: readonly string[]): string => {
        const drop = details.filter((c) => !keep.includes(c));
        return `SELECT row_number() OVER (ORDER BY ${GROUP_ORDER}) AS id, * FROM (
                  SELECT * EXCLUDE (id, n, ${drop.join(', ')}), CAST(sum(n) AS BIGINT) AS n
                    FROM detailed_groups GROUP BY ALL)
                ORDER BY id`;
      };
      await connection.run(`CREATE TABLE groups AS ${coarser([])}`);
      await connection.run(`CREATE TABLE located_groups AS ${coarser(['location_text'])}`);
      await connection.run(`CREATE SCHEMA ${LOCATED}`);
      await connection.run(`CREATE SCHEMA ${DETAILED}`);
      const list = (columns: readonly string[]): string => columns.map((c) => `, ${c}`).join('');
      for (const [schema, table, kept, keptPlace] of [
        ['main', 'groups', [], []],
        [LOCATED, 'located_groups', ['location_text'], []],
        [DETAILED, 'detailed_groups', DETAIL_COLUMNS, DETAIL_PLACE_COLUMNS],
      ] as const) {
        await connection.run(
          `CREATE TABLE ${schema}.incidents AS
           SELECT id, month, source, force, batch_id${list(kept)}, n FROM ${table}`,
        );
        await connection.run(
          `CREATE TABLE ${schema}.incident_places AS
           SELECT id AS incident_id, base_vintage, base_code, lsoa11_code, lsoa11_method,
                  lsoa21_code${list(keptPlace)}
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
      await connection.run('DROP TABLE detailed_groups');
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
    await connection.run(`SET search_path = '${DETAILED},main'`);
    const held = await loadGroupsInMemory(connection, async () => {
      const c = await instance.connect();
      await c.run(`SET TimeZone = 'UTC'`);
      await c.run(`SET search_path = '${DETAILED},main'`);
      return c;
    });
    connection.closeSync();
    connection = undefined;
    const definitions = new Set(pairs.map((p) => `${p.definition_id}@${p.version}`));
    // The aggregate never changes once built: the answers its checks give (the months held,
    // say) are kept for every request, one store for each schema (the same statement reads
    // another schema's tables there).
    const memos = { main: new Memos(), [LOCATED]: new Memos(), [DETAILED]: new Memos() };
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
          return await fn(weightedCounting(c, memos, held));
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
 * Counting groups of records, each `i.n` records; those that keep the location text, and those
 * that keep every detail, are the tables of the same names in schemas `located` and `detailed`
 * (the others are shared).
 */
function weightedCounting(
  connection: DuckDBConnection,
  memos: Record<'main' | typeof LOCATED | typeof DETAILED, Memos>,
  held: GroupsInMemory,
): IncidentCounting {
  const counting = (schema: keyof typeof memos): IncidentCounting => {
    const within =
      (other: typeof LOCATED | typeof DETAILED) =>
      async <T>(fn: (counting: IncidentCounting) => Promise<T>): Promise<T> => {
        // Not through Db.run: naming the schema read writes nothing, so ends no memoised answer.
        await connection.run(`SET search_path = '${other},main'`);
        try {
          return await fn(counting(other));
        } finally {
          await connection.run('RESET search_path');
        }
      };
    return {
      db: new Db(connection, memos[schema]),
      count: (filter) =>
        `CAST(coalesce(sum(i.n)${filter === undefined ? '' : ` FILTER (WHERE ${filter})`}, 0) AS BIGINT)`,
      located: within(LOCATED),
      detailed: within(DETAILED),
      hotspotPoints: (request) => hotspotPointsOf(held, request),
      heldCounts: (names, selection) => heldCountsOf(held, names, selection),
    };
  };
  return counting('main');
}
