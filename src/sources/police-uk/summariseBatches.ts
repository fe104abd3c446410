/**
 * After a group is loaded: per batch, the row counts, months, LSOA vintage and the warnings and
 * notes about its rows — all counted in one grouped query over the new rows — written to the
 * batch's provenance record.
 */
import { DuckDBDateValue, listValue, type DuckDBValue } from '@duckdb/node-api';
import type { Workspace } from '../../store/openWorkspace.js';
import { HISTORIC_CRIME_TYPES, STREET_CRIME_TYPES, type PoliceUkDataset } from './formats.js';
import type { BatchMessage, FileOutcome, Replacement, StoredBatch } from './ingestTypes.js';
import {
  decideVintage,
  sqlIs2021OnlyCode,
  type LsoaVintage,
  type LsoaVintageBasis,
} from '../../core/lsoaVintage.js';

interface RowCheck {
  code: string;
  severity: BatchMessage['severity'];
  datasets: readonly PoliceUkDataset[];
  /** SQL predicate over the table's columns; `$hints` holds each batch's file month. */
  where: string;
  field?: string;
  /**
   * The column whose value is shown as an example (a plain column: it is read for every row). The
   * least such value is shown, so that the same file always gives the same example, whichever of
   * DuckDB's threads reads its rows first.
   */
  example?: string;
  message: (count: number, batch: StoredBatch) => string;
}

const LOCATED = ['street', 'outcomes'] as const;

/** Each batch's file month (a DATE), looked up by its position in the group. */
const HINT = `($hints)[batch_id - $firstBatch + 1]`;

const KNOWN_TYPES_SQL = [...STREET_CRIME_TYPES, ...HISTORIC_CRIME_TYPES]
  .map((t) => `'${t.replace(/'/g, "''")}'`)
  .join(', ');

const CHECKS: readonly RowCheck[] = [
  {
    code: 'OUTSIDE_UK',
    severity: 'warning',
    datasets: ['street', 'outcomes', 'stop-and-search'],
    where: `longitude IS NOT NULL AND NOT (longitude BETWEEN -8.7 AND 2.0 AND latitude BETWEEN 49.8 AND 60.9)`,
    field: 'Longitude',
    example: 'longitude',
    message: (n) => `${n} row(s) have coordinates outside the United Kingdom; kept as published`,
  },
  {
    code: 'MONTH_NOT_FILE_MONTH',
    severity: 'warning',
    datasets: LOCATED,
    where: `month <> ${HINT}`,
    field: 'Month',
    example: 'month',
    message: (n, b) =>
      `${n} row(s) carry a month other than the file's ${b.file.monthHint}; each is counted in its own month`,
  },
  {
    code: 'LSOA_CODE_FORMAT',
    severity: 'warning',
    datasets: LOCATED,
    where: `lsoa_code IS NOT NULL AND (length(lsoa_code) <> 9
      OR substr(lsoa_code, 1, 3) NOT IN ('E01', 'W01', 'S01', 'E02', 'W02')
      OR TRY_CAST(substr(lsoa_code, 4) AS INTEGER) IS NULL)`,
    field: 'LSOA code',
    example: 'lsoa_code',
    message: (n) => `${n} row(s) have an LSOA code that is not an ONS code; kept as published`,
  },
  {
    code: 'UNKNOWN_CRIME_TYPE',
    severity: 'warning',
    datasets: ['street'],
    where: `crime_type NOT IN (${KNOWN_TYPES_SQL})`,
    field: 'Crime type',
    example: 'crime_type',
    message: (n) => `${n} row(s) have a crime type police.uk does not use today; kept as published`,
  },
  {
    code: 'NO_LOCATION',
    severity: 'info',
    datasets: LOCATED,
    where: 'longitude IS NULL',
    message: (n) => `${n} row(s) have no location ("No Location"); counted, but on no map`,
  },
  {
    code: 'EMPTY_CRIME_ID',
    severity: 'info',
    datasets: ['street'],
    where: 'source_record_id IS NULL',
    message: (n, b) =>
      `${n} row(s) have no Crime ID (anti-social behaviour${
        b.file.force === 'btp' ? ', and every British Transport Police row' : ''
      })`,
  },
];

/** 'YYYY-MM' → the DATE of its first day; '0000-01' (no usable month) → 0001-01-01. */
function dateValue(month: string): DuckDBValue {
  const [y, m] = month.split('-').map(Number);
  return DuckDBDateValue.fromParts({ year: Math.max(1, y ?? 1), month: m ?? 1, day: 1 });
}

type SummaryRow = Record<string, unknown> & {
  batch_id: number;
  n: number;
  coded: number;
  new_codes: number;
  latest: string | null;
  months: string[] | null;
};

export async function summariseBatches(
  ws: Workspace,
  batches: readonly StoredBatch[],
  replacements: ReadonlyMap<number, Replacement[]>,
  finishedAt: string,
): Promise<FileOutcome[]> {
  const { db } = ws;
  const format = batches[0]!.file.match.format;
  const { dataset, storedIn } = format;
  const hasLsoa = dataset !== 'stop-and-search';
  const checks = CHECKS.filter((c) => c.datasets.includes(dataset));
  const firstBatch = batches[0]!.batchId;
  const aggregates = checks.map(
    (c, i) => `count(*) FILTER (WHERE ${c.where}) AS c${i}_n,
       ${c.example === undefined ? 'NULL' : `min(${c.example}) FILTER (WHERE ${c.where})`} AS c${i}_example`,
  );
  const params: Record<string, DuckDBValue> = {
    firstBatch,
    lastBatch: batches[batches.length - 1]!.batchId,
  };
  const sqlText = aggregates.join(',') + checks.map((c) => c.where).join(' ');
  if (sqlText.includes('$hints')) {
    params['hints'] = listValue(batches.map((b) => dateValue(b.file.monthHint)));
  }
  const rows = await db.all<SummaryRow>(
    `SELECT batch_id, count(*) AS n,
            ${hasLsoa ? 'count(lsoa_code)' : '0'} AS coded,
            ${hasLsoa ? `count(*) FILTER (WHERE ${sqlIs2021OnlyCode('lsoa_code')})` : '0'} AS new_codes,
            max(month) AS latest,
            list_sort(list(DISTINCT month)) AS months
            ${aggregates.length > 0 ? `, ${aggregates.join(',\n')}` : ''}
       FROM ${storedIn} WHERE batch_id BETWEEN $firstBatch AND $lastBatch GROUP BY batch_id`,
    params,
  );
  const byBatch = new Map(rows.map((r) => [r.batch_id, r]));
  const shared =
    dataset === 'street'
      ? new Map(
          (
            await db.all<{ batch_id: number; n: number }>(
              `SELECT batch_id, sum(n) AS n FROM (
                 SELECT batch_id, count(*) AS n FROM ${storedIn}
                  WHERE batch_id BETWEEN $first AND $last AND source_record_id IS NOT NULL
                  GROUP BY batch_id, hash(source_record_id) HAVING count(*) > 1)
               GROUP BY batch_id`,
              { first: firstBatch, last: batches[batches.length - 1]!.batchId },
            )
          ).map((r) => [r.batch_id, r.n]),
        )
      : new Map<number, number>();

  const outcomes: FileOutcome[] = [];
  const upgrade: number[] = [];
  const finished: FinishedBatch[] = [];
  const pending: { batchId: number; message: BatchMessage }[] = [];
  for (const batch of batches) {
    const { file, batchId } = batch;
    const row = byBatch.get(batchId);
    const n = row?.n ?? 0;
    const messages: BatchMessage[] = [...file.headerMessages];
    let vintage: LsoaVintage | null = null;
    let basis: LsoaVintageBasis = 'none';
    if (row === undefined) {
      messages.push({
        severity: 'warning',
        code: 'NO_ROWS',
        message: 'the file has a header but no rows; nothing was stored from it',
        count: 1,
      });
    } else {
      if (hasLsoa) {
        ({ vintage, basis } = decideVintage({
          codedRows: row.coded,
          codes2021Only: row.new_codes,
          latestMonth: (row.latest ?? '0000-00').slice(0, 7),
        }));
        if (vintage === 2021) upgrade.push(batchId);
        if (basis === 'assumed') {
          messages.push({
            severity: 'warning',
            code: 'LSOA_VINTAGE_ASSUMED',
            message:
              'no LSOA code in this file exists only in the 2021 set, so its codes are taken as 2011 LSOAs; police.uk uses 2021 LSOAs in recent files — check the LSOA names',
            count: 1,
          });
        }
      }
      checks.forEach((check, i) => {
        const count = Number(row[`c${i}_n`] ?? 0);
        if (count === 0) return;
        const example = row[`c${i}_example`];
        messages.push({
          severity: check.severity,
          code: check.code,
          message: check.message(count, batch),
          count,
          ...(check.field === undefined ? {} : { field: check.field }),
          ...(example === null || example === undefined ? {} : { exampleValue: String(example) }),
        });
      });
      const sharing = shared.get(batchId) ?? 0;
      if (sharing > 0) {
        messages.push({
          severity: 'info',
          code: 'SHARED_CRIME_ID',
          message: `${sharing} row(s) share a Crime ID with another row; all kept (police.uk Crime IDs are not unique)`,
          count: sharing,
        });
      }
    }
    finished.push({ batchId, n, vintage, basis: hasLsoa ? basis : null });
    pending.push(...messages.map((m) => ({ batchId, message: m })));
    outcomes.push({
      file: file.input.display,
      sha256: file.sha256,
      status: 'ingested',
      dataset,
      force: file.force,
      batchId,
      rows: n,
      months: (row?.months ?? []).map((m) => m.slice(0, 7)),
      ...(hasLsoa ? { lsoaVintage: vintage, lsoaVintageBasis: basis } : {}),
      replaced: replacements.get(batchId) ?? [],
      messages,
    });
  }
  await recordFinished(ws, finished, finishedAt);
  await recordMessages(ws, pending);
  if (upgrade.length > 0) {
    await db.run(
      `UPDATE ${storedIn} SET lsoa_vintage = 2021
        WHERE batch_id IN (SELECT unnest($ids)) AND lsoa_code IS NOT NULL`,
      { ids: listValue(upgrade) },
    );
  }
  return outcomes;
}

interface FinishedBatch {
  batchId: number;
  n: number;
  vintage: LsoaVintage | null;
  basis: LsoaVintageBasis | null;
}

/** Row counts and LSOA vintage of each batch, in one statement. */
async function recordFinished(
  ws: Workspace,
  finished: readonly FinishedBatch[],
  finishedAt: string,
): Promise<void> {
  await ws.db.run(
    `UPDATE batches SET rows_read = v.n, rows_stored = v.n, rows_rejected = 0,
       finished_at = $at,
       lsoa_vintage = nullif(v.vintage, 0), lsoa_vintage_basis = nullif(v.basis, '')
     FROM (SELECT unnest($ids) AS id, unnest($ns) AS n,
                  unnest($vintages) AS vintage, unnest($bases) AS basis) AS v
     WHERE batches.batch_id = v.id`,
    {
      at: finishedAt,
      ids: listValue(finished.map((f) => f.batchId)),
      ns: listValue(finished.map((f) => f.n)),
      vintages: listValue(finished.map((f) => f.vintage ?? 0)),
      bases: listValue(finished.map((f) => f.basis ?? '')),
    },
  );
}

/** Stores a batch's validation report (its warnings and notes), in one statement. */
export async function recordMessages(
  ws: Workspace,
  messages: readonly { batchId: number; message: BatchMessage }[],
): Promise<void> {
  if (messages.length === 0) return;
  const pick = <T>(f: (m: BatchMessage) => T): T[] => messages.map((m) => f(m.message));
  await ws.db.run(
    `INSERT INTO batch_messages
     SELECT unnest($ids), unnest($severities), unnest($codes), unnest($texts), unnest($counts),
            nullif(unnest($lines), -1), nullif(unnest($fields), ''), nullif(unnest($examples), '')`,
    {
      ids: listValue(messages.map((m) => m.batchId)),
      severities: listValue(pick((m) => m.severity)),
      codes: listValue(pick((m) => m.code)),
      texts: listValue(pick((m) => m.message)),
      counts: listValue(pick((m) => m.count)),
      lines: listValue(pick((m) => m.firstLine ?? -1)),
      fields: listValue(pick((m) => m.field ?? '')),
      examples: listValue(pick((m) => m.exampleValue ?? '')),
    },
  );
}
