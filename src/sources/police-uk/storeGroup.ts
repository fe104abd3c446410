/**
 * Loading one group of files that share a layout: their batch rows, then one INSERT … SELECT
 * over DuckDB's CSV reader for all of them, with every value checked on the way.
 */
import { listValue } from '@duckdb/node-api';
import { SOFTWARE_VERSION } from '../../core/version.js';
import { STREET_COLUMNS } from '../../store/incidentTables.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { HeaderMatch, PoliceUkFormat } from './formats.js';
import type { PoliceUkIngestOptions, PreparedFile, StoredBatch } from './ingestTypes.js';
import { sqlBoolean, sqlCoordinate, sqlMonth, sqlRequired, sqlTimestamp } from './rowRules.js';

/** The struct of column names and types handed to read_csv, in file order. */
function csvColumns(match: HeaderMatch): string {
  let extra = 0;
  return `{${match.fileColumns
    .map((name) => `'${name ?? `extra_${++extra}`}': 'VARCHAR'`)
    .join(', ')}}`;
}

interface InsertPlan {
  columns: string[];
  expressions: string[];
}

/**
 * Ids come from a sequence rather than row_number(): a window over the CSV scan would force the
 * read onto one thread. A rolled-back ingest leaves a gap in the ids, never a change in the data.
 */
const ID_SEQUENCES: Record<PoliceUkFormat['table'], string> = {
  incidents: 'incident_id_seq',
  police_uk_outcomes: 'outcome_id_seq',
  police_uk_stop_searches: 'stop_search_id_seq',
};

function insertPlan(format: PoliceUkFormat, match: HeaderMatch): InsertPlan {
  const present = new Set(match.fileColumns.filter((c): c is string => c !== undefined));
  const c = (name: string): string => (present.has(name) ? name : 'NULL');
  const latitudePaired = `CASE WHEN (${c('longitude')} IS NULL) <> (${c('latitude')} IS NULL)
      THEN error('unpaired coordinates') ELSE ${sqlCoordinate(c('latitude'), 90)} END`;
  const id = `nextval('${ID_SEQUENCES[format.table]}')`;
  const batch = `($batchIds)[CAST(file_index AS BIGINT) + 1]`;
  const force = `($forces)[CAST(file_index AS BIGINT) + 1]`;
  switch (format.dataset) {
    case 'street':
      return {
        // Into police_uk_street, whose rows are all of source 'police-uk' (no column for it);
        // the expressions below are in the order of its columns.
        columns: [...STREET_COLUMNS],
        expressions: [
          id,
          batch,
          c('crime_id'),
          sqlMonth(c('month')),
          force,
          c('falls_within'),
          sqlRequired(c('crime_type')),
          c('location'),
          sqlCoordinate(c('longitude'), 180),
          latitudePaired,
          c('lsoa_code'),
          c('lsoa_name'),
          `CASE WHEN ${c('lsoa_code')} IS NULL THEN NULL ELSE 2011 END`,
          c('last_outcome'),
          c('context'),
        ],
      };
    case 'outcomes':
      return {
        columns: [
          'id',
          'batch_id',
          'crime_id',
          'month',
          'force',
          'falls_within',
          'longitude',
          'latitude',
          'location_text',
          'lsoa_code',
          'lsoa_name',
          'lsoa_vintage',
          'outcome_type',
        ],
        expressions: [
          id,
          batch,
          sqlRequired(c('crime_id')),
          sqlMonth(c('month')),
          force,
          c('falls_within'),
          sqlCoordinate(c('longitude'), 180),
          latitudePaired,
          c('location'),
          c('lsoa_code'),
          c('lsoa_name'),
          `CASE WHEN ${c('lsoa_code')} IS NULL THEN NULL ELSE 2011 END`,
          sqlRequired(c('outcome_type')),
        ],
      };
    case 'stop-and-search':
      return {
        columns: [
          'id',
          'batch_id',
          'month',
          'force',
          'search_type',
          'occurred_at',
          'part_of_policing_operation',
          'policing_operation',
          'latitude',
          'longitude',
          'gender',
          'age_range',
          'self_defined_ethnicity',
          'officer_defined_ethnicity',
          'legislation',
          'object_of_search',
          'outcome',
          'outcome_linked_to_object',
          'removal_of_more_than_outer_clothing',
        ],
        expressions: [
          id,
          batch,
          `CAST(($months)[CAST(file_index AS BIGINT) + 1] || '-01' AS DATE)`,
          force,
          sqlRequired(c('search_type')),
          sqlTimestamp(c('date')),
          sqlBoolean(c('part_of_operation')),
          c('policing_operation'),
          latitudePaired,
          sqlCoordinate(c('longitude'), 180),
          c('gender'),
          c('age_range'),
          c('self_defined_ethnicity'),
          c('officer_defined_ethnicity'),
          c('legislation'),
          c('object_of_search'),
          c('outcome'),
          sqlBoolean(c('outcome_linked')),
          sqlBoolean(c('removal_of_clothing')),
        ],
      };
  }
}

export async function storeGroup(
  ws: Workspace,
  files: PreparedFile[],
  firstBatchId: number,
  options: PoliceUkIngestOptions,
  startedAt: string,
): Promise<StoredBatch[]> {
  const { db } = ws;
  const format = files[0]!.match.format;
  const plan = insertPlan(format, files[0]!.match);
  const stored = files.map((file, i) => ({ file, batchId: firstBatchId + i }));
  // One statement for the group's batch rows, whatever the number of files.
  await db.run(
    `INSERT INTO batches (batch_id, source_kind, file_name, file_path, sha256, bytes, started_at,
       status, force, software_version)
     SELECT unnest($ids), $kind, unnest($names), unnest($paths), unnest($shas), unnest($bytes),
            $started, 'active', unnest($forces), $software`,
    {
      ids: listValue(stored.map((s) => s.batchId)),
      kind: format.sourceKind,
      names: listValue(stored.map((s) => s.file.input.name)),
      paths: listValue(stored.map((s) => s.file.input.display)),
      shas: listValue(stored.map((s) => s.file.sha256)),
      bytes: listValue(stored.map((s) => s.file.bytes)),
      started: startedAt,
      forces: listValue(stored.map((s) => s.file.force)),
      software: SOFTWARE_VERSION,
    },
  );
  const withRows = stored.filter((s) => s.file.hasRows);
  if (withRows.length === 0) return stored;
  const sql = `INSERT INTO ${format.storedIn} (${plan.columns.join(', ')})
    SELECT ${plan.expressions.join(',\n      ')}
    FROM read_csv($files, header = true, auto_detect = false, delim = ',', quote = '"',
                  escape = '"', columns = ${csvColumns(files[0]!.match)})`;
  const estimatedRows = withRows.reduce((sum, s) => sum + s.file.estimatedRows, 0);
  const label = `${format.dataset}: ${withRows.length} file${withRows.length === 1 ? '' : 's'}`;
  options.reporter.progress({ label, done: 0, total: estimatedRows, unit: 'rows' });
  const timer = setInterval(() => {
    // DuckDB reports a percentage; rows are estimated from the files' sizes.
    const { percentage } = db.progress();
    if (percentage > 0) {
      const done = Math.round((percentage / 100) * estimatedRows);
      options.reporter.progress({ label, done, total: estimatedRows, unit: 'rows' });
    }
  }, 200);
  try {
    await db.run(sql, {
      files: listValue(withRows.map((s) => s.file.readPath)),
      batchIds: listValue(withRows.map((s) => s.batchId)),
      forces: listValue(withRows.map((s) => s.file.force)),
      ...(format.dataset === 'stop-and-search'
        ? { months: listValue(withRows.map((s) => s.file.monthHint)) }
        : {}),
    });
  } finally {
    clearInterval(timer);
    options.reporter.endProgress();
  }
  return stored;
}
