import type { Migration } from './migration.js';

/** Every column of `incidents`, in its order, with its type and constraint. */
const ALL = [
  ['id', 'BIGINT NOT NULL'],
  ['source', 'VARCHAR NOT NULL'],
  ['batch_id', 'INTEGER NOT NULL'],
  ['source_record_id', 'VARCHAR'],
  ['month', 'DATE NOT NULL'],
  ['occurred_from', 'TIMESTAMPTZ'],
  ['occurred_to', 'TIMESTAMPTZ'],
  ['recorded_date', 'DATE'],
  ['force', 'VARCHAR NOT NULL'],
  ['falls_within', 'VARCHAR'],
  ['crime_type', 'VARCHAR'],
  ['offence_code', 'VARCHAR'],
  ['offence_description', 'VARCHAR'],
  ['statute', 'VARCHAR'],
  ['flag_knife', 'BOOLEAN'],
  ['flag_firearm', 'BOOLEAN'],
  ['flag_domestic', 'BOOLEAN'],
  ['flag_county_lines', 'BOOLEAN'],
  ['flag_drug_related', 'BOOLEAN'],
  ['flag_alcohol', 'BOOLEAN'],
  ['flag_night_time_economy', 'BOOLEAN'],
  ['victim_age', 'SMALLINT'],
  ['victim_age_band', 'VARCHAR'],
  ['victim_sex', 'VARCHAR'],
  ['suspect_age', 'SMALLINT'],
  ['suspect_age_band', 'VARCHAR'],
  ['suspect_sex', 'VARCHAR'],
  ['location_type', 'VARCHAR'],
  ['location_text', 'VARCHAR'],
  ['longitude', 'DOUBLE'],
  ['latitude', 'DOUBLE'],
  ['easting', 'DOUBLE'],
  ['northing', 'DOUBLE'],
  ['lsoa_code', 'VARCHAR'],
  ['lsoa_name', 'VARCHAR'],
  ['lsoa_vintage', 'SMALLINT'],
  ['outcome', 'VARCHAR'],
  ['context', 'VARCHAR'],
  ['victim_ref', 'VARCHAR'],
  ['suspect_ref', 'VARCHAR'],
  ['offence_subcode', 'VARCHAR'],
] as const;

/** The columns a police.uk street row can fill (its source is always 'police-uk'). */
const STREET = new Set([
  'id',
  'batch_id',
  'source_record_id',
  'month',
  'force',
  'falls_within',
  'crime_type',
  'location_text',
  'longitude',
  'latitude',
  'lsoa_code',
  'lsoa_name',
  'lsoa_vintage',
  'outcome',
  'context',
]);

const street = ALL.filter(([name]) => STREET.has(name));
const detail = ALL.filter(([name]) => name !== 'source' && !STREET.has(name));
/** A row of the old table that is a police.uk street row: nothing beyond the street columns. */
const isStreetRow = `source = 'police-uk' AND ${detail.map(([n]) => `${n} IS NULL`).join(' AND ')}`;
const typeOf = (constraint: string): string => constraint.replace(' NOT NULL', '');

/**
 * Police.uk street records in a table of their own, with only the columns they fill; records
 * of every other source (force extracts) in `detailed_incidents`, with all of them; and
 * `incidents`, which every reader reads, a view of both. A police.uk row fills 16 of the 41
 * columns (one of them its source, the same for every row), and writing the other 25 as NULL
 * was about a quarter of the time of an ingest (docs/decisions/0082-police-uk-street-table.md).
 * Rows keep their ids; nothing is recomputed. The view's columns are listed, not `*`: a later
 * step that adds a column to `detailed_incidents` must add it to the view too (and to
 * `replaced_incidents`).
 */
export const policeUkStreet: Migration = {
  version: 12,
  name: 'police-uk-street',
  statements: [
    `CREATE TABLE police_uk_street (${street.map(([n, t]) => `${n} ${t}`).join(', ')})`,
    `INSERT INTO police_uk_street SELECT ${street.map(([n]) => n).join(', ')}
       FROM incidents WHERE ${isStreetRow}`,
    `CREATE TABLE detailed_incidents (${ALL.map(([n, t]) => `${n} ${t}`).join(', ')})`,
    `INSERT INTO detailed_incidents SELECT * FROM incidents WHERE NOT (${isStreetRow})`,
    `DROP TABLE incidents`,
    `CREATE VIEW incidents AS
       SELECT ${ALL.map(([n, t]) => (n === 'source' ? `'police-uk' AS source` : STREET.has(n) ? n : `CAST(NULL AS ${typeOf(t)}) AS ${n}`)).join(', ')}
         FROM police_uk_street
       UNION ALL
       SELECT ${ALL.map(([n]) => n).join(', ')} FROM detailed_incidents`,
  ],
};
