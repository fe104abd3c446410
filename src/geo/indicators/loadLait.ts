/**
 * Layout `lait`: DfE's Local Authority Interactive Tool, as its full Parquet file
 * (`bds_long_0.parquet`) or a CSV cut of it (with or without `dictionary_*` columns). One
 * indicator per `Short Desc` (`lait/FirstYJS`). Areas come by DfE 3-digit number only: they are
 * placed through `reference/dfe-la-codes.csv` (scripts/reference/dfe-la-codes.ts), and
 * `published_code` keeps the number. Numbers the table does not hold (Inner and Outer London) are
 * skipped and counted. `-` is missing. The data dictionary (`--dictionary`), when given, adds the
 * name, unit, polarity, description, topic and kind of year.
 */
import { SvdError } from '../../core/errors.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { CSV_SOURCE } from '../referenceCsv.js';
import { OGL, type IndicatorMeta, type IndicatorWarning, type Polarity } from './indicatorTypes.js';
import { quoteIdent, type IndicatorSource } from './indicatorSource.js';
import { createLaNumberTable } from './dfeLaNumbers.js';
import { STAGE } from './storeIndicatorValues.js';

export const LAIT_REQUIRED = [
  'Short Desc',
  'Years',
  'LA and Regions',
  'Values',
  'LA Number',
] as const;
const DICTIONARY_REQUIRED = ['Measure_short', 'Polarity', 'y_axis_name', 'Year_Type'] as const;

function polarityOf(text: string | null): Polarity {
  const t = (text ?? '').trim().toLowerCase();
  if (t === 'high') return 'higher-is-better';
  if (t === 'low') return 'higher-is-worse';
  return 'unknown';
}

async function readDictionary(ws: Workspace, dictionary: string): Promise<void> {
  let header: string[];
  try {
    header = (
      await ws.db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${CSV_SOURCE}`, {
        file: dictionary,
      })
    ).map((r) => r.column_name);
  } catch (error) {
    throw new SvdError({
      kind: 'input',
      code: 'DICTIONARY_UNREADABLE',
      message: `cannot read the LAIT data dictionary as CSV: ${String(error).split('\n')[0]}`,
      location: { file: dictionary },
      fix: 'give lait_data_dictionary.csv as published',
      cause: error,
    });
  }
  const missing = DICTIONARY_REQUIRED.find((c) => !header.includes(c));
  if (missing !== undefined)
    throw new SvdError({
      kind: 'input',
      code: 'DICTIONARY_COLUMN_MISSING',
      message: `the LAIT data dictionary has no column ${missing} (columns: ${header.join(', ')})`,
      location: { file: dictionary, line: 1, field: missing },
      fix: 'give lait_data_dictionary.csv as published',
    });
  const opt = (c: string): string => (header.includes(c) ? `any_value(${quoteIdent(c)})` : 'NULL');
  const owner = header.find((h) => /^Data Owner/i.test(h));
  await ws.db.run(
    `CREATE OR REPLACE TEMP TABLE ind_dict AS
       SELECT trim(Measure_short) AS short, ${opt('Measure')} AS measure, any_value(Polarity) AS polarity,
              any_value(y_axis_name) AS unit, ${opt('Description')} AS description,
              any_value(Year_Type) AS year_type, ${opt('Topic')} AS topic,
              ${owner === undefined ? 'NULL' : `any_value(${quoteIdent(owner)})`} AS owner
         FROM ${CSV_SOURCE} WHERE nullif(trim(Measure_short), '') IS NOT NULL GROUP BY 1`,
    { file: dictionary },
  );
}

const clean = (text: string | null | undefined): string | null => {
  const t = (text ?? '').replace(/\r+\n/g, '\n').trim();
  return t === '' || t === 'NA' || t === '-' ? null : t;
};

export async function stageLait(
  ws: Workspace,
  source: IndicatorSource,
  options: { dictionary?: string },
): Promise<{ meta: IndicatorMeta[]; warnings: IndicatorWarning[]; announce: string }> {
  const { file, header } = source;
  const has = (c: string): boolean => header.includes(c);
  if (options.dictionary !== undefined) await readDictionary(ws, options.dictionary);
  else
    await ws.db.run(
      `CREATE OR REPLACE TEMP TABLE ind_dict (short VARCHAR, measure VARCHAR, polarity VARCHAR,
         unit VARCHAR, description VARCHAR, year_type VARCHAR, topic VARCHAR, owner VARCHAR)`,
    );
  await createLaNumberTable(ws);
  const number = `TRY_CAST(TRY_CAST(trim(CAST("LA Number" AS VARCHAR)) AS DOUBLE) AS INTEGER)`;
  const bad = await ws.db.one<{ line: number; value: string }>(
    `SELECT line, coalesce(CAST("LA Number" AS VARCHAR), '') AS value FROM ${source.rows}
      WHERE ${number} IS NULL ORDER BY line LIMIT 1`,
    { file },
  );
  if (bad !== undefined)
    throw new SvdError({
      kind: 'input',
      code: 'NOT_AN_AREA_CODE',
      message: `${JSON.stringify(bad.value)} is not a DfE local authority number (3 digits, e.g. 931)`,
      location: { file, line: bad.line, field: 'LA Number', value: bad.value },
      fix: 'give the DfE number of each area in LA Number, as LAIT publishes it',
    });
  await ws.db.run(
    `INSERT INTO ${STAGE}
       SELECT s.line, 'lait/' || trim(s."Short Desc"), 'LA Number', CAST(s.n AS VARCHAR), la.ons_code,
              s."LA and Regions", CAST(s."Years" AS VARCHAR), d.year_type, '', 'Values',
              CAST(s."Values" AS VARCHAR), NULL, NULL, NULL, NULL
         FROM (SELECT *, ${number} AS n FROM ${source.rows}) s
         JOIN ind_la la ON la.la_number = s.n
         LEFT JOIN ind_dict d ON d.short = trim(s."Short Desc")`,
    { file },
  );
  const warnings: IndicatorWarning[] = [];
  const unplaced = await ws.db.all<{ n: number; name: string; rows: number }>(
    `SELECT ${number} AS n, any_value("LA and Regions") AS name, count(*) AS rows FROM ${source.rows}
      WHERE ${number} NOT IN (SELECT la_number FROM ind_la) GROUP BY 1 ORDER BY 1`,
    { file },
  );
  if (unplaced.length > 0) {
    const rows = unplaced.reduce((s, u) => s + u.rows, 0);
    warnings.push({
      code: 'LA_NUMBER_NOT_PLACED',
      message: `${rows} rows of ${unplaced.length} areas with no ONS code skipped: ${unplaced.map((u) => `${u.n} ${u.name}`).join(', ')}`,
      count: rows,
    });
  }
  const col = (c: string): string => (has(c) ? `any_value(${quoteIdent(c)})` : 'NULL');
  const rows = await ws.db.all<{
    short: string;
    data_item: string | null;
    measure: string | null;
    unit: string | null;
    source: string | null;
    d_measure: string | null;
    d_polarity: string | null;
    d_unit: string | null;
    d_description: string | null;
    d_year_type: string | null;
    d_topic: string | null;
    d_owner: string | null;
  }>(
    `SELECT s.short, s.data_item, s.measure, s.unit, s.source, d.measure AS d_measure,
            d.polarity AS d_polarity, d.unit AS d_unit, d.description AS d_description,
            d.year_type AS d_year_type, d.topic AS d_topic, d.owner AS d_owner
       FROM (SELECT trim("Short Desc") AS short, ${col('Data item')} AS data_item,
                    ${col('dictionary_measure')} AS measure, ${col('dictionary_unit')} AS unit,
                    ${col('dictionary_source')} AS source
               FROM ${source.rows} GROUP BY 1) s
       LEFT JOIN ind_dict d ON d.short = s.short ORDER BY s.short`,
    { file },
  );
  const meta = rows.map((r): IndicatorMeta => ({
    indicatorId: `lait/${r.short}`,
    name: clean(r.d_measure) ?? clean(r.measure) ?? clean(r.data_item) ?? r.short,
    definition: clean(r.d_description),
    unit: clean(r.d_unit) ?? clean(r.unit),
    polarity: polarityOf(r.d_polarity),
    publisher:
      clean(r.source) ?? clean((r.d_owner ?? '').split(/\r?\n/)[0]?.slice(0, 120)) ?? 'DfE (LAIT)',
    licence: OGL,
    periodType: clean(r.d_year_type),
    topic: clean(r.d_topic),
    disclosure: 'published',
  }));
  await ws.db.run(`DROP TABLE IF EXISTS ind_dict`);
  await ws.db.run(`DROP TABLE IF EXISTS ind_la`);
  return {
    meta,
    warnings,
    announce: `${meta.length} indicators; areas placed by DfE LA number through reference/dfe-la-codes.csv${options.dictionary === undefined ? '; no --dictionary: polarity unknown, years without their kind' : '; metadata from the data dictionary'}`,
  };
}
