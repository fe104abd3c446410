/**
 * The canonical incident fields a definition can read, with the same names as the columns of the
 * `incidents` table, so that a row read from the workspace and a record given as a JSON line are
 * matched by the same code. A missing field is the same as null: not known.
 */
import { INCIDENT_FLAGS, flagColumn, type IncidentFlag } from '../core/vocabulary.js';

export type FlagField = `flag_${IncidentFlag}`;

export interface IncidentRecord {
  offence_code?: string | null;
  /** Home Office class and sub-classification in the canonical form `8/1` (offenceSubcode.ts). */
  offence_subcode?: string | null;
  offence_description?: string | null;
  statute?: string | null;
  crime_type?: string | null;
  flag_knife?: boolean | null;
  flag_firearm?: boolean | null;
  flag_domestic?: boolean | null;
  flag_county_lines?: boolean | null;
  flag_drug_related?: boolean | null;
  flag_alcohol?: boolean | null;
  flag_night_time_economy?: boolean | null;
  victim_age?: number | null;
  victim_age_band?: string | null;
  victim_sex?: string | null;
  suspect_age?: number | null;
  suspect_age_band?: string | null;
  suspect_sex?: string | null;
  location_type?: string | null;
  /** ICD-10 external cause code of a health record (X99 …); not a column of police incidents. */
  icd10_cause?: string | null;
}

export type RecordField = keyof IncidentRecord;

export const TEXT_FIELDS = [
  'offence_code',
  'offence_subcode',
  'offence_description',
  'statute',
  'crime_type',
  'victim_age_band',
  'victim_sex',
  'suspect_age_band',
  'suspect_sex',
  'location_type',
  'icd10_cause',
] as const satisfies readonly RecordField[];

export const AGE_FIELDS = ['victim_age', 'suspect_age'] as const satisfies readonly RecordField[];

export const FLAG_FIELDS: readonly FlagField[] = INCIDENT_FLAGS.map(
  (flag) => flagColumn(flag) as FlagField,
);

export const RECORD_FIELDS: readonly RecordField[] = [
  ...TEXT_FIELDS,
  ...AGE_FIELDS,
  ...FLAG_FIELDS,
];

/** Fields that are columns of the `incidents` table (all but the health-only ones). */
export const INCIDENT_COLUMNS: ReadonlySet<RecordField> = new Set(
  RECORD_FIELDS.filter((f) => f !== 'icd10_cause'),
);
