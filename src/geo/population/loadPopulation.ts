/**
 * `svd population load`: resident population by area, age band and sex, from a table of any common
 * layout, described by a mapping (given as a JSON file, or found automatically and announced):
 *
 * - long: one row per area and age band (and sex, and year), e.g. the Census 2021 table
 *   `lsoa21_code, lsoa21_name, age_group, usual_residents`;
 * - wide: one row per area, a column per age band, sex or year, e.g. IoD2019 File 6
 *   (`Dependent Children aged 0-15: mid 2015 …`) or a mid-year estimate with `M0-4, F0-4, …`.
 *
 * A dataset of the same name is replaced. Values may carry thousands separators ("1,296").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { SvdError } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { is2021OnlyCode } from '../../core/lsoaVintage.js';
import { CODE_PREFIXES, LEVELS, type Level } from '../levels.js';
import { CSV_SOURCE, csvHeader, firstNonNumber, quoteIdent, sqlNumber } from '../referenceCsv.js';
import { identifyFile, recordReferenceBatch } from '../referenceBatches.js';
import { rebuildGeography } from '../rebuildGeography.js';
import {
  formatBand,
  parseAgeLabel,
  parseAgeRange,
  parseSex,
  splitSexPrefix,
  type AgeBand,
  type PopulationSex,
} from './ageLabels.js';

const WideColumn = z
  .object({
    column: z.string(),
    /** "0-15", "60+", "all"; when absent, read from the column name. */
    age: z.string().optional(),
    sex: z.enum(['all', 'female', 'male']).optional(),
    year: z.number().int().optional(),
  })
  .strict();

export const PopulationMappingSchema = z
  .object({
    dataset: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/)
      .optional(),
    level: z.enum(LEVELS).optional(),
    year: z.number().int().min(1800).max(2100).optional(),
    code: z.string(),
    name: z.string().optional(),
    layout: z.enum(['long', 'wide']),
    /** long: the columns holding the age band, the sex, the year and the count. */
    age: z.string().optional(),
    sex: z.string().optional(),
    yearColumn: z.string().optional(),
    value: z.string().optional(),
    /** long: labels whose age band cannot be read from the text, e.g. {"Under-fives": "0-4"}. */
    ageLabels: z.record(z.string(), z.string()).optional(),
    /** wide: the columns that hold counts. */
    columns: z.array(WideColumn).optional(),
  })
  .strict();

export type PopulationMapping = z.infer<typeof PopulationMappingSchema>;

export interface PopulationLoadReport {
  dataset: string;
  file: string;
  batchId: number;
  level: Level;
  year: number;
  layout: 'long' | 'wide';
  mapping: PopulationMapping;
  mappingSource: 'file' | 'detected';
  areas: number;
  rows: number;
  total: number;
  bands: string[];
  sexes: PopulationSex[];
  ignoredColumns: string[];
}

const refuse = (
  file: string,
  code: string,
  message: string,
  fix: string,
  field?: string,
): SvdError =>
  new SvdError({
    kind: 'input',
    code,
    message,
    location: { file, ...(field === undefined ? {} : { field }) },
    fix,
  });

export function readPopulationMapping(file: string): PopulationMapping {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw refuse(
      file,
      'BAD_MAPPING',
      `cannot read the mapping: ${(error as Error).message}`,
      'give a JSON mapping file (see README, "Population")',
    );
  }
  const parsed = PopulationMappingSchema.safeParse(json);
  if (!parsed.success)
    throw new SvdError({
      kind: 'usage',
      code: 'BAD_MAPPING',
      message: 'the population mapping is not valid',
      location: { file },
      problems: parsed.error.issues.map((i) => ({
        file,
        field: i.path.join('.'),
        message: i.message,
      })),
      fix: 'correct the fields named above (see README, "Population")',
    });
  return parsed.data;
}

interface ColumnPlan {
  column: string;
  band: AgeBand;
  sex: PopulationSex;
  year: number | undefined;
}

async function sampleValues(
  ws: Workspace,
  file: string,
  column: string,
  limit = 500,
): Promise<string[]> {
  const rows = await ws.db.all<{ v: string }>(
    `SELECT DISTINCT ${quoteIdent(column)} AS v FROM ${CSV_SOURCE} WHERE ${quoteIdent(column)} IS NOT NULL LIMIT ${limit}`,
    { file },
  );
  return rows.map((r) => r.v);
}

const ONS = /^[EWSN]\d{8}$/;

/** Finds the layout of a table that has no mapping file, or says what to write in one. */
async function detectMapping(
  ws: Workspace,
  file: string,
  header: string[],
): Promise<PopulationMapping> {
  const codeColumn = await (async () => {
    for (const h of [
      ...header.filter((h) => /code|cd$/i.test(h)),
      ...header.filter((h) => !/code|cd$/i.test(h)),
    ]) {
      const values = await sampleValues(ws, file, h, 50);
      if (values.length > 0 && values.every((v) => ONS.test(v.trim()))) return h;
    }
    return undefined;
  })();
  if (codeColumn === undefined)
    throw refuse(
      file,
      'NO_CODE_COLUMN',
      `no column of area codes (E01…) among: ${header.join(', ')}`,
      'write a mapping file naming the code column (--mapping)',
    );
  const nameColumn = header.find((h) => h !== codeColumn && /name|nm$/i.test(h));
  const wide = header.filter(
    (h) =>
      h !== codeColumn && h !== nameColumn && parseAgeLabel(splitSexPrefix(h).rest) !== undefined,
  );
  if (wide.length > 0)
    return {
      code: codeColumn,
      ...(nameColumn === undefined ? {} : { name: nameColumn }),
      layout: 'wide',
      columns: wide.map((column) => ({ column })),
    };
  let age: string | undefined;
  let sex: string | undefined;
  let value: string | undefined;
  const yearColumns: string[] = [];
  for (const h of header) {
    if (h === codeColumn || h === nameColumn) continue;
    const values = await sampleValues(ws, file, h, 200);
    if (
      age === undefined &&
      values.length <= 150 &&
      values.every((v) => parseAgeLabel(v) !== undefined)
    )
      age = h;
    else if (
      sex === undefined &&
      values.length <= 5 &&
      values.every((v) => parseSex(v) !== undefined)
    )
      sex = h;
    else if (
      yearFrom([h]) !== undefined &&
      values.every((v) => /^-?[\d,]+(\.\d+)?$/.test(v.trim()))
    )
      yearColumns.push(h);
    else if (
      value === undefined &&
      values.every((v) => /^-?[\d,]+(\.\d+)?$/.test(v.trim())) &&
      !/year/i.test(h)
    )
      value = h;
  }
  // Ages down the rows and a column per year: "wide by year".
  if (age !== undefined && yearColumns.length > 0)
    return {
      code: codeColumn,
      ...(nameColumn === undefined ? {} : { name: nameColumn }),
      layout: 'long',
      age,
      ...(sex === undefined ? {} : { sex }),
      columns: yearColumns.map((column) => ({ column, year: yearFrom([column])! })),
    };
  if (age === undefined || value === undefined)
    throw refuse(
      file,
      'LAYOUT_NOT_RECOGNISED',
      `cannot tell the layout: ${age === undefined ? 'no column of age bands and no columns named by age band' : 'no column of counts'} among ${header.join(', ')}`,
      'write a mapping file (--mapping) saying which columns hold the code, age band, sex and count (see README, "Population")',
    );
  return {
    code: codeColumn,
    ...(nameColumn === undefined ? {} : { name: nameColumn }),
    layout: 'long',
    age,
    ...(sex === undefined ? {} : { sex }),
    value,
  };
}

function yearFrom(texts: string[]): number | undefined {
  for (const t of texts) {
    const m = /(?:^|[^\d])((?:19|20)\d\d)(?!\d)/.exec(t);
    if (m !== null) return Number(m[1]);
  }
  return undefined;
}

/** Drops a total that the bands add up to; refuses bands that overlap. */
function settleBands(
  file: string,
  plans: ColumnPlan[],
  reporter: Reporter,
  ignored: string[],
): ColumnPlan[] {
  const groups = new Map<string, ColumnPlan[]>();
  for (const p of plans) {
    const k = `${p.sex}|${p.year ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const kept: ColumnPlan[] = [];
  for (const group of groups.values()) {
    const bands = group.filter((p) => !(p.band.min === 0 && p.band.max === null));
    const totals = group.filter((p) => p.band.min === 0 && p.band.max === null);
    const sorted = [...bands].sort((a, b) => a.band.min - b.band.min);
    const covers =
      sorted.length > 0 &&
      sorted[0]!.band.min === 0 &&
      sorted.at(-1)!.band.max === null &&
      sorted.every((p, i) => i === 0 || p.band.min === (sorted[i - 1]!.band.max ?? Infinity) + 1);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      if (prev.band.max === null || sorted[i]!.band.min <= prev.band.max)
        throw refuse(
          file,
          'OVERLAPPING_BANDS',
          `age bands overlap: ${prev.column} (${formatBand(prev.band)}) and ${sorted[i]!.column} (${formatBand(sorted[i]!.band)})`,
          'write a mapping file (--mapping) listing only the columns to use',
          sorted[i]!.column,
        );
    }
    if (totals.length > 0 && covers) {
      reporter.info(
        `${totals.map((t) => t.column).join(', ')}: a total over all the age bands; not stored (the bands add up to it)`,
      );
      ignored.push(...totals.map((t) => t.column));
      kept.push(...bands);
    } else if (totals.length > 0 && bands.length > 0) {
      reporter.info(
        `the age bands (${sorted.map((p) => formatBand(p.band)).join(', ')}) do not cover every age; the total column ${totals[0]!.column} is stored alone`,
      );
      ignored.push(...bands.map((b) => b.column));
      kept.push(totals[0]!);
    } else kept.push(...group);
  }
  return kept;
}

export async function loadPopulation(
  ws: Workspace,
  file: string,
  options: {
    mapping?: PopulationMapping;
    dataset?: string;
    year?: number;
    level?: Level;
    reporter: Reporter;
    clock?: Clock;
  },
): Promise<PopulationLoadReport> {
  const { reporter } = options;
  const clock = options.clock ?? systemClock;
  const header = await csvHeader(ws, file);
  const mappingSource = options.mapping === undefined ? 'detected' : 'file';
  const mapping = options.mapping ?? (await detectMapping(ws, file, header));
  const need = [
    mapping.code,
    mapping.name,
    mapping.age,
    mapping.sex,
    mapping.yearColumn,
    mapping.value,
    ...(mapping.columns ?? []).map((c) => c.column),
  ];
  for (const column of need)
    if (column !== undefined && !header.includes(column))
      throw refuse(
        file,
        'NO_SUCH_COLUMN',
        `the mapping names a column ${JSON.stringify(column)} that the file does not have (columns: ${header.join(', ')})`,
        'correct the mapping',
        column,
      );
  const base = path.basename(file).replace(/(\.csv)?(\.gz)?$/i, '');
  const dataset = options.dataset ?? mapping.dataset ?? base.replace(/[^A-Za-z0-9._-]+/g, '-');
  const ignored: string[] = [];

  // The year: given, else a year column, else a year named in the headers or the file name.
  const yearGiven = options.year ?? mapping.year;
  const valueHeaders = [
    ...(mapping.columns ?? []).map((c) => c.column),
    ...(mapping.value === undefined ? [] : [mapping.value]),
  ];
  const yearFound =
    yearGiven ??
    (mapping.yearColumn === undefined ? yearFrom([base, ...valueHeaders, ...header]) : undefined);
  if (
    yearFound === undefined &&
    mapping.yearColumn === undefined &&
    !(mapping.columns ?? []).every((c) => c.year !== undefined)
  )
    throw refuse(
      file,
      'NO_YEAR',
      'cannot tell which year the population is for',
      'give --year YYYY (or "year" in the mapping)',
    );
  if (yearGiven === undefined && yearFound !== undefined)
    reporter.info(
      `${dataset}: population year ${yearFound}, read from ${yearFrom([base]) === yearFound ? 'the file name' : 'the column names'} (give --year to choose another)`,
    );

  // The level: given, else from the codes.
  const codes = await sampleValues(ws, file, mapping.code, 100_000);
  let level = options.level ?? mapping.level;
  if (level === undefined) {
    const prefix = codes[0]?.trim().slice(0, 3) ?? '';
    const byPrefix = (Object.entries(CODE_PREFIXES) as [Level, readonly string[]][]).find(
      ([l, ps]) => l !== 'lsoa21' && ps.includes(prefix),
    )?.[0];
    if (byPrefix === 'lsoa11') {
      const newer = codes.some((c) => is2021OnlyCode(c.trim()));
      level = newer || /2021|lsoa21/i.test(`${mapping.code} ${base}`) ? 'lsoa21' : 'lsoa11';
      reporter.info(
        `${dataset}: LSOA codes of the ${level === 'lsoa21' ? '2021' : '2011'} boundaries (${newer ? 'codes created in 2021 are present' : level === 'lsoa21' ? 'the column or file name says 2021' : 'no code created in 2021'}; give --level to choose)`,
      );
    } else if (byPrefix !== undefined) level = byPrefix;
    else
      throw refuse(
        file,
        'UNKNOWN_LEVEL',
        `cannot tell the level of codes such as ${JSON.stringify(codes[0])}`,
        'give --level',
      );
  }

  // What each value means.
  let plans: ColumnPlan[] = [];
  let labelTable: { label: string; band: AgeBand }[] = [];
  if (mapping.layout === 'wide') {
    for (const c of mapping.columns ?? []) {
      const split = splitSexPrefix(c.column);
      const band =
        c.age === undefined
          ? parseAgeLabel(split.rest)
          : c.age === 'all'
            ? { min: 0, max: null }
            : parseAgeRange(c.age);
      if (band === undefined)
        throw refuse(
          file,
          'BAD_AGE_BAND',
          `cannot read an age band from column ${JSON.stringify(c.column)}`,
          'give "age" for it in the mapping, e.g. "0-15", "60+" or "all"',
          c.column,
        );
      plans.push({
        column: c.column,
        band,
        sex: c.sex ?? split.sex ?? 'all',
        year: c.year ?? yearFrom([c.column]) ?? yearFound,
      });
    }
    plans = settleBands(file, plans, reporter, ignored);
    const unused = header.filter(
      (h) =>
        h !== mapping.code &&
        h !== mapping.name &&
        !plans.some((p) => p.column === h) &&
        !ignored.includes(h),
    );
    if (unused.length > 0 && mappingSource === 'detected') {
      reporter.info(`${dataset}: columns not used: ${unused.join('; ')}`);
      ignored.push(...unused);
    }
  } else {
    if (
      mapping.age === undefined ||
      (mapping.value === undefined && (mapping.columns ?? []).length === 0)
    )
      throw refuse(
        file,
        'BAD_MAPPING',
        'a long layout needs an "age" column and a "value" column (or "columns", e.g. one per year)',
        'add them to the mapping',
      );
    const labels = await sampleValues(ws, file, mapping.age, 1000);
    labelTable = labels.map((label) => {
      const given = mapping.ageLabels?.[label];
      const band =
        given === undefined
          ? parseAgeLabel(label)
          : given === 'all'
            ? { min: 0, max: null }
            : parseAgeRange(given);
      if (band === undefined)
        throw refuse(
          file,
          'BAD_AGE_BAND',
          `cannot read an age band from ${JSON.stringify(label)} in column ${mapping.age}`,
          `add it to "ageLabels" in the mapping, e.g. {"${label}": "0-4"}`,
          mapping.age,
        );
      return { label, band };
    });
    const fake = labelTable.map((l) => ({
      column: l.label,
      band: l.band,
      sex: 'all' as PopulationSex,
      year: undefined,
    }));
    const settled = settleBands(file, fake, reporter, ignored);
    labelTable = labelTable.filter((l) => settled.some((s) => s.column === l.label));
  }
  reporter.info(
    `${dataset}: ${mapping.layout} layout${mappingSource === 'detected' ? ' (found automatically)' : ''}; codes from ${mapping.code}${mapping.layout === 'long' ? `, age bands from ${mapping.age} (${labelTable.map((l) => `"${l.label}" → ${formatBand(l.band)}`).join(', ')})${mapping.sex === undefined ? '' : `, sex from ${mapping.sex}`}, counts from ${mapping.value}` : `, counts from ${plans.length} columns (${plans.map((p) => `${p.column} → ${p.sex === 'all' ? '' : `${p.sex} `}${formatBand(p.band)}${p.year === undefined ? '' : ` ${p.year}`}`).join('; ')})`}`,
  );

  // Every value must be a number.
  // A long layout may hold its counts in several columns, e.g. one per year ("wide by year").
  const longValues =
    (mapping.columns ?? []).length > 0
      ? (mapping.columns ?? []).map((c) => ({
          column: c.column,
          year: c.year ?? yearFrom([c.column]) ?? yearFound,
          sex: c.sex,
        }))
      : [{ column: mapping.value!, year: undefined, sex: undefined }];
  const valueColumns =
    mapping.layout === 'wide' ? plans.map((p) => p.column) : longValues.map((v) => v.column);
  for (const column of valueColumns) {
    const bad = await firstNonNumber(ws, file, column);
    if (bad !== undefined)
      throw new SvdError({
        kind: 'input',
        code: 'BAD_POPULATION_VALUE',
        message: `${JSON.stringify(bad.value)} is not a count`,
        location: { file, line: bad.line, field: column, value: bad.value },
        fix: 'correct the value, or leave the cell empty when there is none',
      });
  }

  const code = `trim(${quoteIdent(mapping.code)})`;
  const name = mapping.name === undefined ? 'NULL' : quoteIdent(mapping.name);
  const source =
    mapping.layout === 'wide'
      ? plans
          .map(
            (p) =>
              `SELECT ${code} AS code, ${name} AS name, ${p.band.min} AS age_min, ${p.band.max ?? 'NULL'} AS age_max, '${p.sex}' AS sex, ${p.year ?? 'NULL'} AS year, ${sqlNumber(quoteIdent(p.column))} AS value FROM ${CSV_SOURCE}`,
          )
          .join(' UNION ALL ')
      : longValues
          .map(
            (v) => `SELECT ${code} AS code, ${name} AS name, l.age_min, l.age_max,
           ${v.sex !== undefined ? `'${v.sex}'` : mapping.sex === undefined ? `'all'` : `CASE lower(trim(${quoteIdent(mapping.sex)})) WHEN 'f' THEN 'female' WHEN 'female' THEN 'female' WHEN 'females' THEN 'female' WHEN 'm' THEN 'male' WHEN 'male' THEN 'male' WHEN 'males' THEN 'male' ELSE 'all' END`} AS sex,
           ${v.year ?? (mapping.yearColumn === undefined ? (yearFound ?? 'NULL') : `TRY_CAST(${quoteIdent(mapping.yearColumn)} AS INTEGER)`)} AS year,
           ${sqlNumber(quoteIdent(v.column))} AS value
         FROM ${CSV_SOURCE} JOIN (SELECT unnest($labels) AS label, unnest($mins) AS age_min, unnest($maxs) AS age_max) l
           ON l.label = ${quoteIdent(mapping.age!)}`,
          )
          .join(' UNION ALL ');
  const params = {
    file,
    ...(mapping.layout === 'long'
      ? {
          labels: listValue(labelTable.map((l) => l.label)),
          mins: listValue(labelTable.map((l) => l.band.min)),
          maxs: listValue(labelTable.map((l) => l.band.max)),
        }
      : {}),
  };

  return ws.db.transaction(async () => {
    await ws.db.run(
      `CREATE OR REPLACE TEMP TABLE population_load AS SELECT * FROM (${source}) WHERE code IS NOT NULL AND code <> ''`,
      params,
    );
    const dup = await ws.db.one<{ code: string; n: number }>(
      `SELECT code, count(*) AS n FROM population_load WHERE value IS NOT NULL GROUP BY code, age_min, age_max, sex, year HAVING count(*) > 1 LIMIT 1`,
    );
    if (dup !== undefined)
      throw refuse(
        file,
        'DUPLICATE_POPULATION',
        `area ${dup.code} has ${dup.n} values for the same age band, sex and year`,
        'give each area one row per age band (or describe the layout with --mapping)',
        mapping.code,
      );
    const negative = await ws.db.one<{ code: string; value: number }>(
      `SELECT code, value FROM population_load WHERE value < 0 LIMIT 1`,
    );
    if (negative !== undefined)
      throw refuse(
        file,
        'BAD_POPULATION_VALUE',
        `area ${negative.code} has a negative population (${negative.value})`,
        'correct the file',
      );
    const noYear = await ws.db.value<number>(
      `SELECT count(*) FROM population_load WHERE year IS NULL`,
    );
    if ((noYear ?? 0) > 0)
      throw refuse(file, 'NO_YEAR', `${noYear} rows have no year`, 'give --year YYYY');
    const previous = await ws.db.all<{ batch_id: number }>(
      `SELECT batch_id FROM population_datasets WHERE dataset = $dataset`,
      { dataset },
    );
    if (previous.length > 0) {
      await ws.db.run(
        `UPDATE batches SET status = 'superseded' WHERE batch_id IN (SELECT unnest($ids))`,
        {
          ids: listValue(previous.map((p) => p.batch_id)),
        },
      );
      await ws.db.run(`DELETE FROM population WHERE dataset = $dataset`, { dataset });
      await ws.db.run(`DELETE FROM population_datasets WHERE dataset = $dataset`, { dataset });
      reporter.info(
        `replaced the earlier population dataset ${dataset} (batch ${previous.map((p) => p.batch_id).join(', ')})`,
      );
    }
    const rowsRead =
      (await ws.db.value<number>(`SELECT count(*) FROM ${CSV_SOURCE}`, { file })) ?? 0;
    const batchId = await recordReferenceBatch(ws, {
      kind: 'population',
      file: identifyFile(file),
      rowsRead,
      rowsStored: 0,
      clock,
    });
    await ws.db.run(
      `INSERT INTO population SELECT $dataset, $level, code, year, sex, age_min, age_max, value, $batch FROM population_load WHERE value IS NOT NULL`,
      { dataset, level, batch: batchId },
    );
    const stats = await ws.db.one<{ rows: number; areas: number; total: number; years: number }>(
      `WITH d AS (SELECT * FROM population WHERE dataset = $dataset),
            latest AS (SELECT max(year) AS y, bool_or(sex = 'all') AS has_all FROM d)
       SELECT count(*) AS rows, count(DISTINCT area_code) AS areas, count(DISTINCT year) AS years,
              coalesce(sum(value) FILTER (WHERE year = (SELECT y FROM latest)
                AND (sex = 'all' OR NOT (SELECT has_all FROM latest))), 0) AS total
         FROM d`,
      { dataset },
    );
    const year =
      yearFound ??
      (await ws.db.value<number>(`SELECT max(year) FROM population WHERE dataset = $dataset`, {
        dataset,
      }))!;
    await ws.db.run(`UPDATE batches SET rows_stored = $n WHERE batch_id = $id`, {
      n: stats?.rows ?? 0,
      id: batchId,
    });
    await ws.db.run(
      `INSERT INTO population_datasets VALUES ($dataset, $level, $year, $batch, $layout, $mapping, $areas, $total)`,
      {
        dataset,
        level,
        year,
        batch: batchId,
        layout: mapping.layout,
        mapping: JSON.stringify(mapping),
        areas: stats?.areas ?? 0,
        total: stats?.total ?? 0,
      },
    );
    // The areas named in the file become known at their level (for the LSOA 2011 ↔ 2021 crosswalk).
    await ws.db.run(
      `INSERT INTO geo_areas (level, code, name, source, batch_id)
       SELECT $level, code, any_value(name), 'population', $batch FROM population_load GROUP BY code`,
      { level, batch: batchId },
    );
    await ws.db.run(`DROP TABLE population_load`);
    const bands = await ws.db.all<{ age_min: number; age_max: number | null }>(
      `SELECT DISTINCT age_min, age_max FROM population WHERE dataset = $dataset ORDER BY age_min`,
      { dataset },
    );
    const sexes = (
      await ws.db.all<{ sex: PopulationSex }>(
        `SELECT DISTINCT sex FROM population WHERE dataset = $dataset ORDER BY sex`,
        { dataset },
      )
    ).map((r) => r.sex);
    reporter.info(
      `${dataset}: ${(stats?.areas ?? 0).toLocaleString('en-GB')} ${level} areas, population ${Math.round(stats?.total ?? 0).toLocaleString('en-GB')}${(stats?.years ?? 1) > 1 ? ` (latest year; ${stats?.years} years)` : ''}`,
    );
    await rebuildGeography(ws, { reporter, clock });
    return {
      dataset,
      file,
      batchId,
      level,
      year,
      layout: mapping.layout,
      mapping,
      mappingSource,
      areas: stats?.areas ?? 0,
      rows: stats?.rows ?? 0,
      total: stats?.total ?? 0,
      bands: bands.map((b) => formatBand({ min: b.age_min, max: b.age_max })),
      sexes,
      ignoredColumns: ignored,
    };
  });
}
