/**
 * Definitions benchmark: one million incident records — the seven Thames Valley police.uk months
 * replicated, with synthetic offence detail (offence code by crime type, statute, flags, ages,
 * location type) drawn by hashing each record's id, so every run builds the same table — classified
 * under the shipped definitions:
 *
 * - SQL: the compiled expression evaluated inside DuckDB over the whole table (the rule mask of
 *   every record, summed so that none can be skipped; the tier CASE, grouped), and the full
 *   `classify` that stores every record's mask;
 * - TypeScript: the matcher over the same records held in memory (reading them out of DuckDB is
 *   timed apart).
 *
 * References measured in the same run, alternating: a bare `count(*)` of the table, and a count
 * of every column the definition reads (a scan of the same data the expression needs).
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentReporter } from '../src/core/reporter.js';
import { DETAILED_TABLE, storedTables } from '../src/store/incidentTables.js';
import { classifyIncidents } from '../src/definitions/classifyIncidents.js';
import { compileDefinition } from '../src/definitions/compileDefinition.js';
import {
  INCIDENT_COLUMNS,
  RECORD_FIELDS,
  type IncidentRecord,
} from '../src/definitions/incidentRecord.js';
import { shippedDefinition } from '../src/definitions/shippedDefinitions.js';
import { ingestPoliceUk } from '../src/sources/police-uk/ingestPoliceUk.js';
import { openWorkspace, type Workspace } from '../src/store/openWorkspace.js';
import { median, printTable, sharedDataPath } from './support.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const RECORDS = Number(process.env['BENCH_RECORDS'] ?? 1_000_000);

/** A value from a list, chosen by a hash of the record id and a salt (deterministic). */
const pickSql = (values: readonly (string | null)[], salt: string): string =>
  `([${values.map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ')}])[1 + (hash(id, '${salt}') % ${values.length})::INTEGER]`;
const chance = (percent: number, salt: string): string =>
  `(hash(id, '${salt}') % 1000 < ${percent * 10})`;

export async function buildTable(ws: Workspace, records = RECORDS): Promise<number> {
  await ingestPoliceUk(ws, [sharedDataPath('police-uk', 'thames-valley', 'street')], {
    reporter: silentReporter,
  });
  const real = (await ws.db.value<number>(`SELECT count(*) FROM incidents`)) ?? 0;
  const copies = Math.ceil(records / real);
  const violence = pickSql(
    [
      '8N',
      '8N',
      '8N',
      '8N',
      '105A',
      '105A',
      '105A',
      '8L',
      '8Q',
      '5D',
      '8P',
      '19C',
      '20A',
      '17A',
      '3B',
      '1',
      '2',
      '8S',
      '5E',
    ],
    'code',
  );
  const code = `CASE crime_type
      WHEN 'Violence and sexual offences' THEN ${violence}
      WHEN 'Robbery' THEN ${pickSql(['34B', '34B', '34B', '34A'], 'code')}
      WHEN 'Possession of weapons' THEN ${pickSql(['10D', '10D', '10C', '10A', '10B', '90'], 'code')}
      WHEN 'Drugs' THEN ${pickSql(['92A', '92D', '92D', '92E', '92E', '92E'], 'code')}
      WHEN 'Public order' THEN ${pickSql(['9A', '9B'], 'code')}
      WHEN 'Criminal damage and arson' THEN ${pickSql(['58A', '58B', '58C', '58D', '56A', '56B'], 'code')}
      ELSE NULL END`;
  await ws.db.run(`CREATE TEMP TABLE base AS SELECT * FROM incidents`);
  for (const t of storedTables('incidents')) await ws.db.run(`DELETE FROM ${t}`);
  // Records with offence detail: stored as detailed records (source 'force-extract').
  await ws.db.run(
    `INSERT INTO ${DETAILED_TABLE}
      SELECT base.* REPLACE (id + copy * 1000000000 AS id, 'force-extract' AS source)
      FROM base, range(${copies}) r(copy) ORDER BY copy, id LIMIT ${records}`,
  );
  await ws.db.run(`UPDATE ${DETAILED_TABLE} SET offence_code = ${code}`);
  await ws.db.run(
    `UPDATE ${DETAILED_TABLE} SET
      statute = CASE offence_code WHEN '8N' THEN ${pickSql(['OAPA1861-s20', 'OAPA1861-s47', 'OAPA1861-s47', 'OAPA1861-s47', 'OAPA1861-s47', null], 'statute')}
                                  WHEN '5D' THEN 'OAPA1861-s18' ELSE NULL END,
      flag_knife = CASE WHEN offence_code IS NULL THEN NULL
                        WHEN offence_code LIKE '10%' THEN ${chance(45, 'knife')}
                        ELSE ${chance(6, 'knife')} END,
      flag_domestic = CASE WHEN offence_code IS NULL THEN NULL ELSE ${chance(30, 'domestic')} END,
      flag_county_lines = CASE WHEN offence_code = '92A' THEN ${chance(15, 'county')} ELSE NULL END,
      flag_firearm = CASE WHEN offence_code IS NULL THEN NULL ELSE ${chance(1, 'firearm')} END,
      victim_age = CASE WHEN offence_code IS NOT NULL AND ${chance(50, 'age')} THEN (hash(id, 'years') % 90)::SMALLINT END,
      victim_age_band = CASE WHEN offence_code IS NOT NULL AND NOT ${chance(50, 'age')}
        THEN ${pickSql(['0-17', '18-24', '25-34', '35-64', '65+', null], 'band')} END,
      location_type = CASE WHEN offence_code IS NOT NULL
        THEN ${pickSql(['dwelling', 'street', 'street', 'licensed-premises', 'retail-commercial', 'transport', 'open-space', null], 'place')} END`,
  );
  await ws.db.run(`DROP TABLE base`);
  await ws.db.run(`CHECKPOINT`);
  return (await ws.db.value<number>(`SELECT count(*) FROM incidents`)) ?? 0;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return (performance.now() - started) / 1000;
}

export async function benchDefinitions(): Promise<Record<string, unknown>> {
  const file = path.join(os.tmpdir(), `svd-bench-definitions-${process.pid}.duckdb`);
  rmSync(file, { force: true });
  const ws = await openWorkspace(file);
  const results: Record<string, unknown> = {};
  try {
    const buildStarted = performance.now();
    const records = await buildTable(ws);
    console.log(
      `\nDefinitions: ${records.toLocaleString('en-GB')} records (Thames Valley police.uk, 7 months, replicated; synthetic offence detail), built in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s; median of ${ROUNDS} rounds`,
    );
    const columns = RECORD_FIELDS.filter((f) => INCIDENT_COLUMNS.has(f));
    for (const id of ['thames-valley-vru', 'home-office-success-measures']) {
      const definition = shippedDefinition(id)!;
      const compiled = compileDefinition(definition);
      const sql = compiled.sql();
      const read = compiled.fieldsRead.filter((f) => INCIDENT_COLUMNS.has(f));
      const times = {
        count: [] as number[],
        scan: [] as number[],
        mask: [] as number[],
        tier: [] as number[],
        classify: [] as number[],
      };
      let masked = 0;
      for (let round = 0; round <= ROUNDS; round++) {
        const t = {
          count: await timed(() => ws.db.value(`SELECT count(*) FROM incidents`)),
          scan: await timed(() =>
            ws.db.one(`SELECT ${read.map((c) => `count(${c})`).join(', ')} FROM incidents`),
          ),
          mask: await timed(async () => {
            masked = Number(
              await ws.db.value(
                `SELECT count(*) FILTER (WHERE m > 1) FROM (SELECT ${sql.mask.sql} AS m FROM incidents i)`,
                sql.mask.params,
              ),
            );
          }),
          tier: await timed(() =>
            ws.db.all(
              `SELECT t, count(*) FROM (SELECT ${sql.tier.sql} AS t FROM incidents i) GROUP BY t`,
              sql.tier.params,
            ),
          ),
          classify: await timed(() =>
            classifyIncidents(ws, definition, { reporter: silentReporter, source: 'shipped' }),
          ),
        };
        if (round === 0) continue; // warm-up
        for (const [k, v] of Object.entries(t)) times[k as keyof typeof times].push(v);
      }
      // TypeScript: the same records, read once into memory.
      const readStarted = performance.now();
      const rows = await ws.db.all<IncidentRecord>(`SELECT ${columns.join(', ')} FROM incidents`);
      const readSeconds = (performance.now() - readStarted) / 1000;
      const ts: number[] = [];
      let tsMatched = 0;
      for (let round = 0; round <= ROUNDS; round++) {
        const started = performance.now();
        let n = 0;
        for (const r of rows) if (compiled.classify(r).rules.length > 0) n++;
        const s = (performance.now() - started) / 1000;
        if (round > 0) ts.push(s);
        tsMatched = n;
      }
      if (tsMatched !== masked)
        throw new Error(
          `SQL and TypeScript disagree on ${id}: ${masked} vs ${tsMatched} records matched`,
        );
      const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<
        keyof typeof times,
        number
      >;
      const tsSeconds = median(ts);
      console.log(
        `\n${id} (${compiled.slots.length} rules and exclusions, reads ${read.length} columns; ${masked.toLocaleString('en-GB')} records match a rule)`,
      );
      printTable([
        {
          step: 'SQL: rule mask of every record (one expression, in DuckDB)',
          seconds: m.mask,
          'records/s': records / m.mask,
        },
        {
          step: 'SQL: tier of every record, grouped (one CASE expression)',
          seconds: m.tier,
          'records/s': records / m.tier,
        },
        {
          step: 'SQL: svd classify (mask stored for every record, decoded, counted)',
          seconds: m.classify,
          'records/s': records / m.classify,
        },
        {
          step: 'TypeScript matcher (records in memory)',
          seconds: tsSeconds,
          'records/s': records / tsSeconds,
        },
        {
          step: 'TypeScript: reading the records out of DuckDB (once)',
          seconds: readSeconds,
          'records/s': records / readSeconds,
        },
        {
          step: 'reference: bare count(*) of the table',
          seconds: m.count,
          'records/s': records / m.count,
        },
        {
          step: `reference: count of the ${read.length} columns read`,
          seconds: m.scan,
          'records/s': records / m.scan,
        },
      ]);
      const ratio = m.mask / m.count;
      const ratioScan = m.mask / m.scan;
      console.log(
        `ratio SQL mask / bare count(*): ${ratio.toFixed(1)}×; / scan of the columns read: ${ratioScan.toFixed(2)}×; TypeScript / SQL mask: ${(tsSeconds / m.mask).toFixed(1)}×`,
      );
      results[id] = {
        records,
        seconds: { ...m, typescript: tsSeconds, typescriptRead: readSeconds },
        recordsPerSecond: {
          sql: records / m.mask,
          sqlTier: records / m.tier,
          classify: records / m.classify,
          typescript: records / tsSeconds,
        },
        ratioToCountStar: ratio,
        ratioToColumnScan: ratioScan,
        rounds: ROUNDS,
      };
    }
  } finally {
    ws.close();
    rmSync(file, { force: true });
    rmSync(`${file}.wal`, { force: true });
  }
  return results;
}
