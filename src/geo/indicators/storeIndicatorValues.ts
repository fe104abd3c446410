/**
 * The step every indicator layout ends with. A layout reads its file into the temporary table
 * `ind_stage` (one row per value, every cell as text, with the line and column it came from);
 * this checks the area codes and values, resolves periods, levels and replaced codes, and stores
 * the values in one transaction with a `batches` row for the file: values already held for the
 * same indicators at the same levels are replaced, and a batch left with no values is
 * superseded. A refusal stores nothing.
 */
import { listValue } from '@duckdb/node-api';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { SvdError } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { identifyFile, recordReferenceBatch } from '../referenceBatches.js';
import { parsePeriod, yearKind } from './indicatorPeriod.js';
import {
  MISSING_MARKERS,
  type IndicatorLayout,
  type IndicatorLoadReport,
  type IndicatorMeta,
  type IndicatorWarning,
} from './indicatorTypes.js';

export const STAGE = 'ind_stage';

export async function createStage(ws: Workspace): Promise<void> {
  await ws.db.run(`CREATE OR REPLACE TEMP TABLE ${STAGE} (
    line BIGINT, indicator_id VARCHAR, code_field VARCHAR, published_code VARCHAR,
    area_code VARCHAR, area_name VARCHAR, period_raw VARCHAR, period_kind VARCHAR,
    breakdown VARCHAR, field VARCHAR, raw_value VARCHAR, raw_lower VARCHAR, raw_upper VARCHAR,
    raw_numerator VARCHAR, raw_denominator VARCHAR)`);
}

/** Drops the temporary tables; quietly, so that it never hides the error that stopped a load. */
export async function dropStage(ws: Workspace): Promise<void> {
  for (const t of [STAGE, 'ind_periods', 'ind_final', 'ind_keys', 'ind_dict', 'ind_la'])
    await ws.db.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
}

/**
 * Codes of one area that the publisher replaced: a county that became a unitary authority with
 * the same boundary. Found in the DfE files: Buckinghamshire (2020), North Yorkshire and Somerset
 * (2023).
 */
export const CODE_REPLACEMENTS: Readonly<Record<string, string>> = {
  E10000002: 'E06000060',
  E10000023: 'E06000065',
  E10000027: 'E06000066',
};

const markerList = MISSING_MARKERS.map((m) => `'${m}'`).join(', ');

/** SQL: is this text cell a missing value (blank or a publisher's marker)? */
export const isMissingSql = (x: string): string =>
  `(${x} IS NULL OR trim(${x}) = '' OR trim(${x}) IN (${markerList}))`;

/** SQL: the number in a text cell (thousands separators allowed), NULL when missing. */
export const numberSql = (x: string): string =>
  `CASE WHEN ${isMissingSql(x)} THEN NULL ELSE TRY_CAST(replace(trim(${x}), ',', '') AS DOUBLE) END`;

/** SQL: a text cell that is neither a number nor a marker. */
export const isBadNumberSql = (x: string): string =>
  `(NOT ${isMissingSql(x)} AND TRY_CAST(replace(trim(${x}), ',', '') AS DOUBLE) IS NULL)`;

export interface LevelMode {
  /** County-level files: unitary, metropolitan and London boroughs (E06/E08/E09) are `county`. */
  upperTier: boolean;
  /** What E01/W01 codes are. */
  lsoa: 'lsoa21' | 'lsoa11';
}

/** SQL: the level of an area code by its prefix; NULL for a level svd does not keep (E13…). */
export function levelSql(code: string, mode: LevelMode): string {
  const prefix = `left(${code}, 3)`;
  return `CASE
    WHEN ${prefix} IN ('E92', 'W92', 'K04', 'K02', 'K03') THEN 'country'
    WHEN ${prefix} = 'E12' THEN 'region'
    WHEN ${prefix} = 'E10' THEN 'county'
    WHEN ${prefix} IN ('E06', 'E08', 'E09', 'W06') THEN '${mode.upperTier ? 'county' : 'district'}'
    WHEN ${prefix} = 'E07' THEN 'district'
    WHEN ${prefix} IN ('E01', 'W01') THEN '${mode.lsoa}'
    WHEN ${prefix} IN ('E02', 'W02') THEN 'msoa'
    WHEN ${prefix} IN ('E05', 'W05') THEN 'ward'
    ELSE NULL END`;
}

const replacedCodeSql = (code: string): string =>
  `CASE ${code} ${Object.entries(CODE_REPLACEMENTS)
    .map(([from, to]) => `WHEN '${from}' THEN '${to}'`)
    .join(' ')} ELSE ${code} END`;

export interface StoreOptions {
  file: string;
  layout: IndicatorLayout;
  meta: IndicatorMeta[];
  levelMode: LevelMode;
  /** The file's column names for the lower and upper limits, numerator and denominator. */
  auxFields?: Partial<Record<'lower' | 'upper' | 'numerator' | 'denominator', string>>;
  rowsRead: number;
  /** Made-up data (an example): the batch is marked synthetic. */
  synthetic?: boolean;
  warnings: IndicatorWarning[];
  reporter: Reporter;
  clock?: Clock;
}

function refuse(
  code: string,
  message: string,
  location: { file: string; line?: number; field?: string; value?: string },
  fix: string,
): never {
  throw new SvdError({ kind: 'input', code, message, location, fix });
}

export async function storeIndicatorValues(
  ws: Workspace,
  options: StoreOptions,
): Promise<IndicatorLoadReport> {
  const { file } = options;
  const warnings = [...options.warnings];
  const staged = (await ws.db.value<number>(`SELECT count(*) FROM ${STAGE}`)) ?? 0;
  if (staged === 0)
    refuse(
      'NO_INDICATOR_VALUES',
      'the file holds no rows of values',
      { file, line: 2 },
      'give a file with a header and at least one row of values',
    );

  const badCode = await ws.db.one<{ line: number; code_field: string; published_code: string }>(
    `SELECT line, code_field, coalesce(published_code, '') AS published_code FROM ${STAGE}
      WHERE area_code IS NULL
        AND NOT regexp_full_match(coalesce(trim(published_code), ''), '[EWSNK][0-9]{8}')
      ORDER BY line LIMIT 1`,
  );
  if (badCode !== undefined)
    refuse(
      'NOT_AN_AREA_CODE',
      `${JSON.stringify(badCode.published_code)} is not an area code (a letter and 8 digits, e.g. E10000025)`,
      { file, line: badCode.line, field: badCode.code_field, value: badCode.published_code },
      'give the ONS/GSS code of each area in this column',
    );

  const columns: [string, string][] = [['raw_value', 'field']];
  for (const [key, name] of Object.entries(options.auxFields ?? {}))
    columns.push([`raw_${key}`, `'${name.replace(/'/g, "''")}'`]);
  for (const [column, field] of columns) {
    const bad = await ws.db.one<{ line: number; field: string; value: string }>(
      `SELECT line, ${field} AS field, ${column} AS value FROM ${STAGE}
        WHERE ${isBadNumberSql(column)} ORDER BY line LIMIT 1`,
    );
    if (bad !== undefined)
      refuse(
        'BAD_INDICATOR_VALUE',
        `${JSON.stringify(bad.value)} in column ${bad.field} is neither a number nor a marker of a missing value (${MISSING_MARKERS.join(' ')} or blank)`,
        { file, line: bad.line, field: bad.field, value: bad.value },
        'correct the value, or leave the cell blank (or write the publisher’s marker) where it is not known',
      );
  }

  // Periods: parsed once per distinct value.
  const periodsRaw = await ws.db.all<{ period_raw: string; period_kind: string | null }>(
    `SELECT DISTINCT coalesce(period_raw, '') AS period_raw, period_kind FROM ${STAGE}`,
  );
  const parsed = periodsRaw.map((p) => ({
    ...p,
    parsed: parsePeriod(p.period_raw, yearKind(p.period_kind)),
  }));
  await ws.db.run(
    `CREATE OR REPLACE TEMP TABLE ind_periods AS
       SELECT unnest($raw) AS period_raw, unnest($kind) AS period_kind, unnest($period) AS period,
              CAST(unnest($start) AS DATE) AS period_start, CAST(unnest($end) AS DATE) AS period_end`,
    {
      raw: listValue(parsed.map((p) => p.period_raw)),
      kind: listValue(parsed.map((p) => p.period_kind ?? '')),
      period: listValue(parsed.map((p) => p.parsed?.period ?? null)),
      start: listValue(parsed.map((p) => p.parsed?.start ?? null)),
      end: listValue(parsed.map((p) => p.parsed?.end ?? null)),
    },
  );
  const noPeriod = parsed.filter((p) => p.parsed === null).map((p) => JSON.stringify(p.period_raw));
  if (noPeriod.length > 0) {
    const n =
      (await ws.db.value<number>(
        `SELECT count(*) FROM ${STAGE} s JOIN ind_periods p
           ON coalesce(s.period_raw, '') = p.period_raw AND coalesce(s.period_kind, '') = p.period_kind
          WHERE p.period IS NULL`,
      )) ?? 0;
    warnings.push({
      code: 'NO_PERIOD',
      message: `${n} values with no period (${noPeriod.join(', ')}) skipped`,
      count: n,
    });
  }

  const code = `coalesce(s.area_code, trim(s.published_code))`;
  await ws.db.run(
    `CREATE OR REPLACE TEMP TABLE ind_final AS
       SELECT s.indicator_id, ${levelSql(code, options.levelMode)} AS area_level,
              ${replacedCodeSql(code)} AS area_code, trim(s.published_code) AS published_code,
              nullif(trim(s.area_name), '') AS area_name, p.period, p.period_start, p.period_end,
              coalesce(s.breakdown, '') AS breakdown,
              ${numberSql('s.raw_value')} AS value, ${numberSql('s.raw_lower')} AS lower,
              ${numberSql('s.raw_upper')} AS upper, ${numberSql('s.raw_numerator')} AS numerator,
              ${numberSql('s.raw_denominator')} AS denominator,
              CASE WHEN ${isMissingSql('s.raw_value')} THEN coalesce(trim(s.raw_value), '') END AS marker,
              s.line
         FROM ${STAGE} s JOIN ind_periods p
           ON coalesce(s.period_raw, '') = p.period_raw AND coalesce(s.period_kind, '') = p.period_kind
        WHERE p.period IS NOT NULL`,
  );
  const otherLevels = await ws.db.all<{ prefix: string; names: string; n: number }>(
    `SELECT left(area_code, 3) AS prefix, string_agg(DISTINCT coalesce(area_name, area_code), ', ' ORDER BY coalesce(area_name, area_code)) AS names,
            count(*) AS n
       FROM ind_final WHERE area_level IS NULL GROUP BY ALL ORDER BY prefix`,
  );
  for (const o of otherLevels)
    warnings.push({
      code: 'AREA_LEVEL_NOT_KEPT',
      message: `${o.n} values for ${o.prefix} areas (${o.names}) skipped: not a level svd keeps`,
      count: o.n,
    });
  await ws.db.run(`DELETE FROM ind_final WHERE area_level IS NULL`);
  // The same value given twice (Fingertips repeats England as the parent of every area) is kept once.
  const repeats =
    (await ws.db.value<number>(
      `SELECT count(*) - count(DISTINCT (indicator_id, area_level, area_code, period, breakdown, value,
                lower, upper, numerator, denominator, marker)) FROM ind_final`,
    )) ?? 0;
  if (repeats > 0) {
    await ws.db.run(
      `DELETE FROM ind_final WHERE rowid NOT IN (
         SELECT min(rowid) FROM ind_final
          GROUP BY indicator_id, area_level, area_code, period, breakdown, value, lower, upper,
                   numerator, denominator, marker)`,
    );
    options.reporter.info(`${file}: ${repeats} values given twice in the file kept once`);
  }
  const duplicates =
    (await ws.db.value<number>(
      `SELECT coalesce(sum(n - 1), 0) FROM (
         SELECT count(*) AS n FROM ind_final
          GROUP BY indicator_id, area_level, area_code, period, breakdown HAVING count(*) > 1)`,
    )) ?? 0;
  if (duplicates > 0)
    warnings.push({
      code: 'DUPLICATE_VALUES',
      message: `${duplicates} values repeat an indicator, area, period and breakdown already given, with another value (all kept)`,
      count: duplicates,
    });
  const codeChanges = await ws.db.all<{ from: string; to: string; values: number }>(
    `SELECT published_code AS "from", area_code AS "to", count(*) AS "values" FROM ind_final
      WHERE published_code <> area_code AND regexp_full_match(published_code, '[EWSNK][0-9]{8}')
      GROUP BY ALL ORDER BY 1`,
  );

  const clock = options.clock ?? systemClock;
  const ids = options.meta.map((m) => m.indicatorId);
  return ws.db.transaction(async () => {
    const batchId = await recordReferenceBatch(ws, {
      kind: 'indicators',
      file: identifyFile(file),
      rowsRead: options.rowsRead,
      rowsStored: 0,
      clock,
    });
    await ws.db.run(
      `CREATE OR REPLACE TEMP TABLE ind_keys AS SELECT DISTINCT indicator_id, area_level FROM ind_final`,
    );
    const replaced =
      (await ws.db.value<number>(
        `SELECT count(*) FROM indicator_values v
          WHERE EXISTS (SELECT 1 FROM ind_keys k WHERE k.indicator_id = v.indicator_id AND k.area_level = v.area_level)`,
      )) ?? 0;
    await ws.db.run(
      `DELETE FROM indicator_values v
        WHERE EXISTS (SELECT 1 FROM ind_keys k WHERE k.indicator_id = v.indicator_id AND k.area_level = v.area_level)`,
    );
    await ws.db.run(`DELETE FROM indicators WHERE list_contains($ids, indicator_id)`, {
      ids: listValue(ids),
    });
    for (const m of options.meta)
      await ws.db.run(
        `INSERT INTO indicators VALUES ($id, $name, $definition, $unit, $polarity, $publisher,
           $licence, $periodType, $topic, $layout, $disclosure, $batch)`,
        {
          id: m.indicatorId,
          name: m.name,
          definition: m.definition,
          unit: m.unit,
          polarity: m.polarity,
          publisher: m.publisher,
          licence: m.licence,
          periodType: m.periodType,
          topic: m.topic,
          layout: options.layout,
          disclosure: m.disclosure,
          batch: batchId,
        },
      );
    await ws.db.run(
      `INSERT INTO indicator_values
         SELECT indicator_id, area_level, area_code, published_code, area_name, period, period_start,
                period_end, breakdown, value, lower, upper, numerator, denominator, marker, $batch
           FROM ind_final ORDER BY indicator_id, area_level, area_code, period, breakdown`,
      { batch: batchId },
    );
    const totals = (await ws.db.one<{ stored: number; values: number; missing: number }>(
      `SELECT count(*) AS stored, count(*) FILTER (WHERE marker IS NULL) AS "values",
              count(*) FILTER (WHERE marker IS NOT NULL) AS missing FROM ind_final`,
    ))!;
    const levels = (
      await ws.db.all<{ area_level: string }>(
        `SELECT DISTINCT area_level FROM ind_final ORDER BY area_level`,
      )
    ).map((r) => r.area_level);
    const superseded = (
      await ws.db.all<{ batch_id: number }>(
        `UPDATE batches SET status = 'superseded'
          WHERE source_kind = 'indicators' AND status = 'active' AND batch_id <> $batch
            AND batch_id NOT IN (SELECT DISTINCT batch_id FROM indicator_values)
        RETURNING batch_id`,
        { batch: batchId },
      )
    )
      .map((r) => r.batch_id)
      .sort((a, b) => a - b);
    await ws.db.run(
      `UPDATE batches SET rows_stored = $n, synthetic = $synthetic WHERE batch_id = $id`,
      { n: totals.stored, id: batchId, synthetic: options.synthetic === true },
    );
    for (const w of warnings)
      await ws.db.run(
        `INSERT INTO batch_messages (batch_id, severity, code, message, count)
         VALUES ($batch, 'warning', $code, $message, $count)`,
        { batch: batchId, code: w.code, message: w.message, count: w.count },
      );
    for (const c of codeChanges)
      options.reporter.info(
        `${file}: ${c.from} is stored as ${c.to} (the area's current code; published_code keeps ${c.from}): ${c.values} values`,
      );
    for (const w of warnings) options.reporter.warn(`${file}: ${w.message}`);
    return {
      file,
      layout: options.layout,
      batchId,
      rowsRead: options.rowsRead,
      indicators: options.meta.length,
      values: totals.values,
      missing: totals.missing,
      levels,
      codeChanges,
      warnings,
      replaced,
      superseded,
    };
  });
}
