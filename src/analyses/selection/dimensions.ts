/**
 * The dimensions `svd counts` can group and filter incidents by. Each maps a public name to one
 * SQL expression over the incidents table; nothing a person types is ever put into SQL except as
 * a bound parameter.
 */
import { usageError } from '../../core/errors.js';
import { isMonth } from '../../core/months.js';
import type { Dimension } from '../../core/dimension.js';
import { AREA_DIMENSIONS } from '../../geo/areaDimensions.js';

const monthCheck = (value: string): string | undefined =>
  isMonth(value) ? undefined : `"${value}" is not a month (YYYY-MM)`;

export const DIMENSIONS: readonly Dimension[] = [
  {
    name: 'month',
    description: 'calendar month, YYYY-MM',
    sql: `strftime(i.month, '%Y-%m')`,
    ordered: true,
    validate: monthCheck,
    // A month from lo to hi, both YYYY-MM: on or after the first day of lo, before the first day
    // after hi (whatever day of its month a stored date is on).
    between: (lo, hi) =>
      `i.month >= CAST(${lo} || '-01' AS DATE) AND i.month < CAST(${hi} || '-01' AS DATE) + INTERVAL 1 MONTH`,
  },
  {
    name: 'year',
    description: 'calendar year',
    sql: `CAST(year(i.month) AS VARCHAR)`,
    ordered: true,
  },
  {
    name: 'force',
    description: 'police force (police.uk slug, e.g. thames-valley)',
    sql: 'i.force',
  },
  { name: 'crime_type', description: 'police.uk crime type', sql: 'i.crime_type' },
  { name: 'lsoa', description: 'LSOA code as published', sql: 'i.lsoa_code' },
  { name: 'lsoa_name', description: 'LSOA name as published', sql: 'i.lsoa_name' },
  {
    name: 'lsoa_district',
    description: 'district named in the published LSOA name ("Oxford 005A" → Oxford)',
    sql: `regexp_replace(i.lsoa_name, ' [0-9]{3}[A-Z]$', '')`,
  },
  {
    name: 'lsoa_vintage',
    description: 'LSOA vintage of the code (2011 or 2021)',
    sql: 'CAST(i.lsoa_vintage AS VARCHAR)',
  },
  { name: 'source', description: 'where the record came from (police-uk, …)', sql: 'i.source' },
  { name: 'batch', description: 'ingest batch number', sql: 'CAST(i.batch_id AS VARCHAR)' },
  { name: 'outcome', description: 'last outcome category', sql: 'i.outcome' },
  { name: 'falls_within', description: 'force area named by police.uk', sql: 'i.falls_within' },
  {
    name: 'located',
    description: 'whether the record has coordinates (yes/no)',
    sql: `CASE WHEN i.longitude IS NULL THEN 'no' ELSE 'yes' END`,
  },
  ...AREA_DIMENSIONS,
];

export function findDimension(
  name: string,
  dimensions: readonly Dimension[] = DIMENSIONS,
): Dimension {
  const found = dimensions.find((d) => d.name === name);
  if (found === undefined) {
    throw usageError(
      'UNKNOWN_DIMENSION',
      `unknown dimension "${name}"`,
      `use one of: ${dimensions.map((d) => d.name).join(', ')}`,
    );
  }
  return found;
}
