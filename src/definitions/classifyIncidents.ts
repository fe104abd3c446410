/**
 * `svd classify`: every incident in the workspace classified under one definition version, in one
 * SQL statement inside DuckDB. The definition is stored first (by content hash), the previous
 * classification under the same version is replaced, and the run is recorded. Each incident gets
 * the bit mask of the rules it matched; each distinct mask is decoded once, by the same function
 * the TypeScript matcher uses, into tier, tiers, rule ids and exclusions.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import { SOFTWARE_VERSION } from '../core/version.js';
import { keepClassification } from '../store/classificationTables.js';
import { storedTables } from '../store/incidentTables.js';
import type { Workspace } from '../store/openWorkspace.js';
import { compileDefinition, type CompiledDefinition } from './compileDefinition.js';
import { definitionMeta, fieldAvailability, tiersWithout } from './classificationRuns.js';
import { INCIDENT_COLUMNS, type RecordField } from './incidentRecord.js';
import type { Definition } from './definitionFile.js';
import { definitionLabel, shortHash } from './resolveDefinition.js';
import { storeDefinition } from './storeDefinition.js';
import type { DefinitionMeta, DefinitionSource } from '../api/definitions.js';

export interface ClassifyReport {
  definition: DefinitionMeta & { source: DefinitionSource };
  /** Whether the definition was added to the workspace by this run. */
  added: boolean;
  note?: string;
  records: number;
  /** The record fields the definition reads. */
  fieldsRead: RecordField[];
  /** Records by tier (each once: its first tier), then none, excluded, no-data. */
  tiers: { tier: string; n: number }[];
  /** Records in each tier, counting a record once per tier it is in. */
  matched: { tier: string; n: number }[];
  /** Records in more than one tier. */
  multiTier: number;
  /** Records that carry none of the fields the definition reads, by source. */
  noDataBySource: { source: string; n: number }[];
  /** Tiers that need a field no record in the workspace carries: missing, not zero. */
  unavailableTiers: { tier: string; fields: RecordField[] }[];
  classifiedAt: string;
  seconds: number;
}

const STATUS_ORDER = ['none', 'excluded', 'no-data'];

/** Classification patterns written by one INSERT. */
const PATTERNS_PER_STATEMENT = 200;

export interface ClassifyOptions {
  reporter: Reporter;
  clock?: Clock;
  source: DefinitionSource;
}

export async function classifyIncidents(
  ws: Workspace,
  input: Definition,
  options: ClassifyOptions,
): Promise<ClassifyReport> {
  const clock = options.clock ?? systemClock;
  const started = performance.now();
  return ws.db.transaction(async () => {
    const stored = await storeDefinition(ws, input, clock);
    const definition = stored.definition;
    const compiled = compileDefinition(definition);
    const key = { cls_id: definition.file.id, cls_version: definition.file.version };
    // Counted table by table: DuckDB answers each from its metadata, not the view.
    const records =
      (await ws.db.value<number>(
        `SELECT ${storedTables('incidents')
          .map((t) => `(SELECT count(*) FROM ${t})`)
          .join(' + ')}`,
      )) ?? 0;
    options.reporter.info(
      `classifying ${records.toLocaleString('en-GB')} records under ${definitionLabel(definition)} (sha256 ${shortHash(definition.contentHash)})`,
    );
    await ws.db.run(
      `DELETE FROM classification_patterns WHERE definition_id = $cls_id AND version = $cls_version`,
      key,
    );
    const sql = compiled.sql();
    const label = `classifying under ${definitionLabel(definition)}`;
    const timer = setInterval(() => {
      // DuckDB reports a percentage of each scan; rows follow from the table's size.
      const { percentage } = ws.db.progress();
      if (percentage > 0)
        options.reporter.progress({
          label,
          done: Math.round((percentage / 100) * records),
          total: records,
          unit: 'rows',
        });
    }, 200);
    // The mask depends on the values of the columns it reads and on nothing else, so it is
    // evaluated once per distinct combination of those values (one grouped scan of the columns),
    // and the combinations are what is kept: a record takes its combination's mask through the
    // view `incident_classifications` (decision 0084). The same grouped scan gives the counts by
    // mask and by source, and the values held of each field read.
    const columns = maskColumns(sql.mask.sql);
    const grouped = [...new Set([...columns, 'source'])];
    let combinations: { mask: string; source: string; n: number }[];
    let available: Map<RecordField, number>;
    try {
      await ws.db.run(`DROP TABLE IF EXISTS temp.classify_inputs`);
      await ws.db.run(
        `CREATE TEMP TABLE classify_inputs AS
          SELECT i.*, ${sql.mask.sql} AS mask
          FROM (SELECT ${grouped.join(', ')}, count(*) AS records_with_values
                FROM incidents GROUP BY ALL) i`,
        sql.mask.params,
      );
      await keepClassification(ws.db, {
        definitionId: key.cls_id,
        version: key.cls_version,
        columns,
        combinations: `SELECT DISTINCT ${[...columns, 'mask'].join(', ')} FROM temp.classify_inputs`,
        // The highest id held: a few milliseconds at ten million records.
        throughId: (await ws.db.value<number>(`SELECT coalesce(max(id), 0) FROM incidents`)) ?? 0,
      });
      combinations = await ws.db.all<{ mask: string; source: string; n: number }>(
        `SELECT CAST(mask AS VARCHAR) AS mask, source, sum(records_with_values)::BIGINT AS n
          FROM temp.classify_inputs GROUP BY ALL ORDER BY 1, 2`,
      );
      available = await valuesHeld(ws, compiled, columns);
    } finally {
      clearInterval(timer);
      options.reporter.endProgress();
      await ws.db.run(`DROP TABLE IF EXISTS temp.classify_inputs`);
    }
    const masks = new Map<string, number>();
    for (const { mask, n } of combinations) masks.set(mask, (masks.get(mask) ?? 0) + Number(n));
    // Each distinct mask is decoded once, here, and the counts by tier are added up from the
    // decoded patterns.
    const tally = new Map<string, number>();
    const matchedTally = new Map<string, number>();
    let multiTier = 0;
    const patterns: { mask: string; decoded: ReturnType<typeof compiled.decode> }[] = [];
    for (const [mask, n] of masks) {
      const c = compiled.decode(BigInt(mask));
      const where = c.tier ?? c.status;
      tally.set(where, (tally.get(where) ?? 0) + n);
      for (const t of c.tiers) matchedTally.set(t, (matchedTally.get(t) ?? 0) + n);
      if (c.tiers.length > 1) multiTier += n;
      patterns.push({ mask, decoded: c });
    }
    // The patterns written a few hundred to a statement.
    for (let start = 0; start < patterns.length; start += PATTERNS_PER_STATEMENT) {
      const params: Record<string, string | number | null> = { ...key };
      const rows = patterns
        .slice(start, start + PATTERNS_PER_STATEMENT)
        .map(({ mask, decoded: c }, k) => {
          Object.assign(params, {
            [`m${k}`]: mask,
            [`t${k}`]: c.tier,
            [`s${k}`]: c.status,
            [`ts${k}`]: JSON.stringify(c.tiers),
            [`r${k}`]: JSON.stringify(c.rules),
            [`x${k}`]: JSON.stringify(c.excludedBy),
          });
          return `($cls_id, $cls_version, CAST($m${k} AS HUGEINT), $t${k}, $s${k},
          CAST($ts${k} AS VARCHAR[]), CAST($r${k} AS VARCHAR[]), CAST($x${k} AS VARCHAR[]))`;
        });
      await ws.db.run(`INSERT INTO classification_patterns VALUES ${rows.join(', ')}`, params);
    }
    const byTier = [...tally].map(([tier, n]) => ({ tier, n }));
    const matched = [...matchedTally].map(([tier, n]) => ({ tier, n }));
    // A record is no-data exactly when its mask is 0: no field read, no rule matched.
    const noData = new Map<string, number>();
    for (const { mask, source, n } of combinations)
      if (mask === '0') noData.set(source, (noData.get(source) ?? 0) + Number(n));
    const noDataBySource = [...noData].map(([source, n]) => ({ source, n }));
    const tierIds = definition.file.tiers.map((t) => t.id);
    const order = (t: string): number =>
      tierIds.includes(t) ? tierIds.indexOf(t) : tierIds.length + STATUS_ORDER.indexOf(t);
    const inTiers = byTier.filter((t) => tierIds.includes(t.tier)).reduce((s, t) => s + t.n, 0);
    const classifiedAt = clock.now().toISOString();
    await ws.db.run(
      `INSERT INTO classification_runs VALUES (nextval('classification_run_seq'), $cls_id,
        $cls_version, $hash, $at, $records, $inTiers, $software)`,
      {
        ...key,
        hash: definition.contentHash,
        at: classifiedAt,
        records,
        inTiers,
        software: SOFTWARE_VERSION,
      },
    );
    return {
      definition: { ...definitionMeta(definition), source: options.source },
      added: stored.added,
      ...(stored.note === undefined ? {} : { note: stored.note }),
      records,
      fieldsRead: [...compiled.fieldsRead],
      tiers: [
        ...tierIds.map((tier) => ({ tier, n: byTier.find((t) => t.tier === tier)?.n ?? 0 })),
        ...STATUS_ORDER.map((tier) => ({ tier, n: byTier.find((t) => t.tier === tier)?.n ?? 0 })),
      ].sort((a, b) => order(a.tier) - order(b.tier)),
      matched: tierIds.map((tier) => ({ tier, n: matched.find((t) => t.tier === tier)?.n ?? 0 })),
      multiTier,
      noDataBySource,
      unavailableTiers: tiersWithout(compiled, available),
      classifiedAt,
      seconds: (performance.now() - started) / 1000,
    };
  });
}

/** The columns of `incidents` (alias `i`) a compiled mask expression reads, in order. */
function maskColumns(maskSql: string): string[] {
  return [...new Set([...maskSql.matchAll(/\bi\.([a-z_][a-z0-9_]*)/g)].map((m) => m[1]!))];
}

/**
 * Records holding a value of each field read, from the classification's grouped inputs (0 for a
 * field that is not a column): what `fieldAvailability` counts, without a second scan.
 */
async function valuesHeld(
  ws: Workspace,
  compiled: CompiledDefinition,
  columns: readonly string[],
): Promise<Map<RecordField, number>> {
  const fields = compiled.fieldsRead;
  // A field that is a column but not in the grouping (never, as the mask is compiled) is counted
  // by a scan of its own.
  if (fields.some((f) => INCIDENT_COLUMNS.has(f) && !columns.includes(f)))
    return fieldAvailability(ws, compiled);
  const out = new Map<RecordField, number>(fields.map((f) => [f, 0]));
  const counted = fields.filter((f) => columns.includes(f));
  if (counted.length === 0) return out;
  const row = await ws.db.one<Record<string, number>>(
    `SELECT ${counted.map((c) => `coalesce(sum(records_with_values) FILTER (WHERE ${c} IS NOT NULL), 0)::BIGINT AS ${c}`).join(', ')}
      FROM temp.classify_inputs`,
  );
  for (const c of counted) out.set(c, Number(row?.[c] ?? 0));
  return out;
}
