/**
 * `svd ingest force-extract FILE… --mapping NAME|FILE`: a force's crime records (CSV, XLSX or
 * ODS) into the canonical `incidents` table (source 'force-extract'), through a column mapping.
 *
 * Each file is streamed row by row: the mapped cells are read and checked, the crime reference
 * and person identifiers are replaced by keyed hashes, dates of birth by ages, and unmapped
 * columns are never read past the header (data minimisation, recorded in the batch). Rows go to
 * a temporary staging table (in memory, pseudonymised values only) and from there, by column
 * name, into `detailed_incidents` (read through the view `incidents`) — all inside the run's
 * one transaction.
 */
import { DuckDBDataChunkWriter, JSToDuckDBValueConverter } from '@duckdb/node-api';
import { systemClock } from '../../core/clock.js';
import { INCIDENT_FLAGS, flagColumn } from '../../core/vocabulary.js';
import { DETAILED_TABLE } from '../../store/incidentTables.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { LsoaVintage, LsoaVintageBasis } from '../../core/lsoaVintage.js';
import { loadMapping, type LoadedMapping, type ForceExtractMapping } from '../partner/mapping.js';
import {
  locateColumns,
  missingColumnsError,
  hasSyntheticColumn,
  preparePartnerFile,
  runPartnerBatches,
  type PartnerRunOptions,
  type PartnerRunReport,
} from '../partner/partnerBatch.js';
import { workspacePseudonymiser } from '../partner/pseudonymKey.js';
import { readHeader, structuralError } from '../partner/readRows.js';
import { sheetRows, type SheetInfo } from '../sheets/sheetRows.js';
import { forceRowReader, newTally, type ForceIncident } from './forceRowReader.js';

export interface ForceExtractIngestOptions extends PartnerRunOptions {
  /** A built-in mapping name, a mapping file, or a mapping already loaded. */
  mapping: string | LoadedMapping<ForceExtractMapping>;
  /** The pseudonymisation key file (default: beside the workspace, or $SVD_KEY_FILE). */
  keyFile?: string;
  newKey?: boolean;
  /** The worksheet of a workbook (default: the first). */
  sheet?: string;
  cwd?: string;
}

const STAGING = 'force_extract_staging';

const STAGING_COLUMNS: [string, string][] = [
  ['source_record_id', 'VARCHAR'],
  ['month', 'VARCHAR'],
  ['occurred_from', 'DOUBLE'],
  ['occurred_to', 'DOUBLE'],
  ['recorded_date', 'VARCHAR'],
  ['crime_type', 'VARCHAR'],
  ['offence_code', 'VARCHAR'],
  ['offence_subcode', 'VARCHAR'],
  ['offence_description', 'VARCHAR'],
  ['statute', 'VARCHAR'],
  ...INCIDENT_FLAGS.map((f): [string, string] => [flagColumn(f), 'BOOLEAN']),
  ['victim_age', 'INTEGER'],
  ['victim_age_band', 'VARCHAR'],
  ['victim_sex', 'VARCHAR'],
  ['victim_ref', 'VARCHAR'],
  ['suspect_age', 'INTEGER'],
  ['suspect_age_band', 'VARCHAR'],
  ['suspect_sex', 'VARCHAR'],
  ['suspect_ref', 'VARCHAR'],
  ['location_type', 'VARCHAR'],
  ['longitude', 'DOUBLE'],
  ['latitude', 'DOUBLE'],
  ['easting', 'DOUBLE'],
  ['northing', 'DOUBLE'],
  ['lsoa_code', 'VARCHAR'],
  ['lsoa_name', 'VARCHAR'],
  ['outcome', 'VARCHAR'],
];

function stagedRow(r: ForceIncident): (string | number | boolean | null)[] {
  return [
    r.sourceRecordId,
    r.month,
    r.occurredFrom,
    r.occurredTo,
    r.recordedDate,
    r.crimeType,
    r.offenceCode,
    r.offenceSubcode,
    r.offenceDescription,
    r.statute,
    ...r.flags,
    r.victimAge,
    r.victimAgeBand,
    r.victimSex,
    r.victimRef,
    r.suspectAge,
    r.suspectAgeBand,
    r.suspectSex,
    r.suspectRef,
    r.locationType,
    r.longitude,
    r.latitude,
    r.easting,
    r.northing,
    r.lsoaCode,
    r.lsoaName,
    r.outcome,
  ];
}

const PROGRESS_EVERY = 16_384;

export async function ingestForceExtract(
  ws: Workspace,
  files: readonly string[],
  options: ForceExtractIngestOptions,
): Promise<PartnerRunReport> {
  const clock = options.clock ?? systemClock;
  const mapping =
    typeof options.mapping === 'string'
      ? loadMapping(options.mapping, ['force-extract'], options.cwd)
      : options.mapping;
  const spec = mapping.spec;
  options.reporter.info(
    `mapping ${mapping.display} (${spec.name}): force ${spec.force}, each incident's month from its ${spec.month_basis === 'recorded' ? 'recorded date' : 'committed-from date'}, Excel dates in the ${spec.date_system} system${spec.synthetic ? '; the extract is synthetic' : ''}`,
  );
  const inputs = [];
  for (const file of files)
    inputs.push(await preparePartnerFile(file, 'a force extract', options.expansionLimits));
  await ws.db.run(
    `CREATE OR REPLACE TEMP TABLE ${STAGING} (${STAGING_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`,
  );
  try {
    return await runPartnerBatches(
      ws,
      inputs,
      { sourceKind: 'force-extract', synthetic: spec.synthetic, force: spec.force, mapping },
      options,
      async ({ batchId, input, report }) => {
        const pseudonymiser = await workspacePseudonymiser(ws, {
          ...(options.keyFile === undefined ? {} : { keyFile: options.keyFile }),
          ...(options.newKey === undefined ? {} : { newKey: options.newKey }),
          reporter: options.reporter,
          clock,
          ...(options.dryRun === true ? { dryRun: true } : {}),
        });
        const info: SheetInfo = { date1904: spec.date_system === 1904 };
        const rows = sheetRows(
          {
            path: input.localPath,
            display: input.display,
            format: input.format,
            gzip: input.gzip,
            limits: input.limits,
            ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
          },
          info,
        );
        const header = await readHeader(rows, input.display);
        const { index, missing, unused } = locateColumns(header.fields, mapping.columns);
        if (missing.length > 0)
          throw missingColumnsError(input, mapping, missing, header.fields, header.line);
        if (info.date1904 && spec.date_system !== 1904) {
          report.note(
            'info',
            'DATE_SYSTEM_1904',
            'the workbook uses the 1904 date system; its date cells were read so',
          );
        }
        const tally = newTally();
        const effective = info.date1904 ? { ...spec, date_system: 1904 as const } : spec;
        const read = forceRowReader(effective, index, pseudonymiser, report, tally);
        await ws.db.run(`DELETE FROM ${STAGING}`);
        const appender = await ws.db.connection.createAppender(STAGING, 'main', 'temp');
        const writer = DuckDBDataChunkWriter.forAppender(appender, {
          converter: JSToDuckDBValueConverter,
        });
        let rowsRead = 0;
        let staged = 0;
        const width = header.fields.length;
        const label = `${input.name}`;
        try {
          for await (const item of rows) {
            if ('problem' in item) throw structuralError(input.display, item.problem);
            rowsRead++;
            if (input.format === 'csv' && item.fields.length !== width) {
              report.error({
                code: 'FIELD_COUNT',
                line: item.line,
                reason: `has ${item.fields.length} fields where the header has ${width}`,
                fix:
                  item.fields.length < width
                    ? 'a field is missing; correct the row or export the file again'
                    : 'a field holds an unquoted comma; quote it or export the file again',
              });
              continue;
            }
            const incident = read(item.fields, item.line);
            if (incident === undefined) continue;
            writer.appendRow(stagedRow(incident));
            staged++;
            if (rowsRead % PROGRESS_EVERY === 0)
              options.reporter.progress({ label, done: rowsRead, unit: 'rows' });
          }
          writer.flush();
          appender.flushSync();
        } finally {
          appender.closeSync();
          options.reporter.endProgress();
        }
        if (rowsRead === 0)
          report.note(
            'warning',
            'NO_ROWS',
            'the file has a header but no rows; nothing was stored from it',
          );
        const vintages = decideExtractVintage(tally);
        if (vintages.recentBasis === 'assumed') {
          report.note(
            'warning',
            'LSOA_VINTAGE_ASSUMED',
            'no LSOA code of a row from March 2021 on exists only in the 2021 set, so those codes are taken as 2011 LSOAs; check them',
          );
        }
        const duplicated = await ws.db.value<number>(
          `SELECT count(*) FROM (SELECT source_record_id FROM ${STAGING} GROUP BY 1 HAVING count(*) > 1)`,
        );
        if ((duplicated ?? 0) > 0) {
          report.noteCount(
            'info',
            'REPEATED_CRIME_REFERENCE',
            `${duplicated} crime reference(s) appear on more than one row (one row per offence or per victim); all rows kept`,
            duplicated ?? 0,
          );
        }
        const held = await ws.db.one<{ n: number; batches: string | null }>(
          `SELECT count(DISTINCT s.source_record_id) AS n, string_agg(DISTINCT CAST(i.batch_id AS VARCHAR), ', ') AS batches
             FROM ${STAGING} s JOIN incidents i
               ON i.source = 'force-extract' AND i.force = $force AND i.source_record_id = s.source_record_id`,
          { force: spec.force },
        );
        if ((held?.n ?? 0) > 0) {
          report.noteCount(
            'warning',
            'REFERENCES_ALREADY_HELD',
            `${held!.n} crime reference(s) of this file are already in the workspace (batch ${held!.batches}); both copies are kept — if this extract replaces an earlier one, start a new workspace or remove the earlier batch`,
            held!.n,
          );
        }
        const columns = STAGING_COLUMNS.map(([n]) => n);
        await ws.db.run(
          `INSERT INTO ${DETAILED_TABLE} (id, source, batch_id, force, lsoa_vintage, ${columns.join(', ')})
           SELECT nextval('incident_id_seq'), 'force-extract', $batch, $force,
                  CASE WHEN lsoa_code IS NULL THEN NULL
                       WHEN CAST(month AS DATE) < DATE '2021-03-01' THEN $old ELSE $recent END,
                  ${columns
                    .map((c) =>
                      c === 'month' || c === 'recorded_date'
                        ? `CAST(${c} AS DATE)`
                        : c === 'occurred_from' || c === 'occurred_to'
                          ? `to_timestamp(${c} / 1000)`
                          : c === 'victim_age' || c === 'suspect_age'
                            ? `CAST(${c} AS SMALLINT)`
                            : c,
                    )
                    .join(', ')}
             FROM ${STAGING}`,
          { batch: batchId, force: spec.force, old: vintages.old, recent: vintages.recent },
        );
        await ws.db.run(
          `UPDATE batches SET lsoa_vintage = $v, lsoa_vintage_basis = $b WHERE batch_id = $id`,
          {
            id: batchId,
            v: vintages.batch,
            b: vintages.batchBasis,
          },
        );
        return {
          rowsRead,
          rowsStored: staged,
          columnsUsed: mapping.columns,
          columnsDropped: unused,
          synthetic: hasSyntheticColumn(header.fields),
          details: {
            months: [...tally.months].sort(),
            ...(info.sheet === undefined ? {} : { sheet: info.sheet }),
            lsoaVintage: vintages.batch,
            mapping: spec.name,
          },
        };
      },
    );
  } finally {
    await ws.db.run(`DROP TABLE IF EXISTS ${STAGING}`).catch(() => undefined);
  }
}

/**
 * LSOA vintage of a force extract's rows. Rows before March 2021 use 2011 LSOAs unless the file
 * has a 2021-only code among them (the force re-coded its history: every row is 2021). Later rows
 * are 2021 when one of their codes is 2021-only, else assumed 2011 (with a warning).
 */
export function decideExtractVintage(t: {
  oldCoded: number;
  old2021Only: number;
  recentCoded: number;
  recent2021Only: number;
}): {
  old: LsoaVintage;
  recent: LsoaVintage;
  recentBasis: LsoaVintageBasis;
  batch: LsoaVintage | null;
  batchBasis: LsoaVintageBasis | null;
} {
  if (t.old2021Only > 0) {
    return { old: 2021, recent: 2021, recentBasis: 'codes', batch: 2021, batchBasis: 'codes' };
  }
  const recentBasis: LsoaVintageBasis =
    t.recentCoded === 0 ? 'none' : t.recent2021Only > 0 ? 'codes' : 'assumed';
  const recent: LsoaVintage = t.recent2021Only > 0 ? 2021 : 2011;
  if (t.recentCoded > 0)
    return { old: 2011, recent, recentBasis, batch: recent, batchBasis: recentBasis };
  if (t.oldCoded > 0) return { old: 2011, recent, recentBasis, batch: 2011, batchBasis: 'month' };
  return { old: 2011, recent, recentBasis, batch: null, batchBasis: null };
}
