/**
 * What makes a police.uk row acceptable, in two forms that must agree: SQL expressions used on
 * the fast path inside DuckDB (a bad value raises an error there and the whole ingest is rolled
 * back), and a TypeScript check that re-reads a refused file to name the exact line, field and
 * value. Tests feed the same bad files through both.
 */
import type { PoliceUkDataset } from './formats.js';

export interface RowProblem {
  field: string;
  value: string;
  message: string;
  fix: string;
}

const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const TIMESTAMP =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const BOOLEAN = /^(true|false)$/i;

/** 2019-02-30 matches the pattern but is no date. */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

type Fields = Readonly<Record<string, string | undefined>>;

const present = (v: string | undefined): v is string => v !== undefined && v !== '';

function checkCoordinates(row: Fields, problems: RowProblem[]): void {
  const lon = row['longitude'];
  const lat = row['latitude'];
  for (const [field, value, limit] of [
    ['Longitude', lon, 180],
    ['Latitude', lat, 90],
  ] as const) {
    if (!present(value)) continue;
    if (!NUMBER.test(value)) {
      problems.push({
        field,
        value,
        message: 'is not a number',
        fix: 'police.uk coordinates are decimal degrees such as -1.257; correct the value or leave both coordinates empty',
      });
    } else if (Math.abs(Number(value)) > limit) {
      problems.push({
        field,
        value,
        message: `is outside -${limit}…${limit} degrees`,
        fix: 'check that longitude and latitude are not swapped or scaled',
      });
    }
  }
  if (present(lon) !== present(lat)) {
    const field = present(lon) ? 'Latitude' : 'Longitude';
    problems.push({
      field,
      value: '',
      message: 'is empty while the other coordinate is given',
      fix: 'give both coordinates or neither (police.uk leaves both empty for "No Location")',
    });
  }
}

function checkMonth(row: Fields, problems: RowProblem[]): void {
  const month = row['month'] ?? '';
  if (!MONTH.test(month)) {
    problems.push({
      field: 'Month',
      value: month,
      message: 'is not a month in the form YYYY-MM',
      fix: 'police.uk months look like 2024-01',
    });
  }
}

function required(row: Fields, name: string, header: string, problems: RowProblem[]): void {
  if (!present(row[name])) {
    problems.push({
      field: header,
      value: '',
      message: 'is empty',
      fix: `every row needs a ${header}`,
    });
  }
}

function checkBoolean(row: Fields, name: string, header: string, problems: RowProblem[]): void {
  const value = row[name];
  if (present(value) && !BOOLEAN.test(value)) {
    problems.push({
      field: header,
      value,
      message: 'is not True or False',
      fix: 'use True, False or leave it empty',
    });
  }
}

/** The problems of one row, given its fields by canonical name. */
export function checkRow(dataset: PoliceUkDataset, row: Fields): RowProblem[] {
  const problems: RowProblem[] = [];
  if (dataset === 'street' || dataset === 'outcomes') {
    checkMonth(row, problems);
    checkCoordinates(row, problems);
    if (dataset === 'street') required(row, 'crime_type', 'Crime type', problems);
    else {
      required(row, 'crime_id', 'Crime ID', problems);
      required(row, 'outcome_type', 'Outcome type', problems);
    }
  } else {
    const date = row['date'] ?? '';
    if (!TIMESTAMP.test(date) || !isCalendarDate(date)) {
      problems.push({
        field: 'Date',
        value: date,
        message: 'is not a date and time',
        fix: 'police.uk stop-and-search dates look like 2019-01-01T01:20:00+00:00',
      });
    }
    checkCoordinates(row, problems);
    required(row, 'search_type', 'Type', problems);
    checkBoolean(row, 'part_of_operation', 'Part of a policing operation', problems);
    checkBoolean(row, 'outcome_linked', 'Outcome linked to object of search', problems);
    checkBoolean(row, 'removal_of_clothing', 'Removal of more than just outer clothing', problems);
  }
  return problems;
}

// ---- The SQL mirror -------------------------------------------------------------------------

/** A DOUBLE from a coordinate column; raises an error for a value that is not a number. */
export const sqlCoordinate = (column: string, limit: number): string =>
  `CASE WHEN ${column} IS NULL THEN NULL
        WHEN TRY_CAST(${column} AS DOUBLE) IS NULL OR abs(TRY_CAST(${column} AS DOUBLE)) > ${limit}
          THEN error('bad coordinate')
        ELSE CAST(${column} AS DOUBLE) END`;

export const sqlMonth = (column: string): string =>
  `CASE WHEN regexp_full_match(coalesce(${column}, ''), '\\d{4}-(0[1-9]|1[0-2])')
        THEN CAST(${column} || '-01' AS DATE) ELSE error('bad month') END`;

export const sqlRequired = (column: string): string =>
  `CASE WHEN ${column} IS NULL THEN error('empty required field') ELSE ${column} END`;

export const sqlBoolean = (column: string): string =>
  `CASE WHEN ${column} IS NULL THEN NULL WHEN lower(${column}) = 'true' THEN true
        WHEN lower(${column}) = 'false' THEN false ELSE error('bad boolean') END`;

export const sqlTimestamp = (column: string): string =>
  `CASE WHEN regexp_full_match(coalesce(${column}, ''),
          '\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])[T ]([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?')
        THEN CAST(${column} AS TIMESTAMPTZ) ELSE error('bad timestamp') END`;

/** Both coordinates or neither; checked after the insert. */
export const sqlCoordinatesUnpaired = `(longitude IS NULL) <> (latitude IS NULL)`;
