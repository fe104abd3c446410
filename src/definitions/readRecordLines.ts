/**
 * Records given as JSON lines of canonical fields, for `svd classify-records`: one object per
 * line with offence_code, offence_subcode (8/1; other forms such as 008/01 are read and
 * normalised), statute, crime_type, flags {knife: true, …} (or flag_knife …),
 * victim_age, victim_age_band, location_type and so on. Values are checked against the
 * canonical vocabulary so that a mapping mistake ("F" for female) is caught rather than silently
 * matching nothing; a field svd does not know is refused with a suggestion, except the other
 * columns of an incident (month, force, lsoa_code…), which are accepted and ignored.
 */
import { SvdError, quoteValue, type Problem } from '../core/errors.js';
import { readOffenceSubcode } from '../core/offenceSubcode.js';
import { didYouMean, suggest } from '../core/suggest.js';
import {
  AGE_BAND_PATTERN,
  INCIDENT_FLAGS,
  LOCATION_TYPES,
  SEXES,
  flagColumn,
  type IncidentFlag,
} from '../core/vocabulary.js';
import { FLAG_FIELDS, type IncidentRecord } from './incidentRecord.js';

export interface RecordLine {
  /** 1-based line number in the input. */
  line: number;
  /** The record's `id`, when it has one, echoed in the output. */
  id?: string | number;
  record: IncidentRecord;
}

/** Columns of an incident that classification does not read: accepted and ignored. */
const IGNORED = [
  'source',
  'batch_id',
  'source_record_id',
  'month',
  'occurred_from',
  'occurred_to',
  'recorded_date',
  'force',
  'falls_within',
  'location_text',
  'longitude',
  'latitude',
  'easting',
  'northing',
  'lsoa_code',
  'lsoa_name',
  'lsoa_vintage',
  'outcome',
  'context',
];

const TEXT = [
  'offence_code',
  'offence_description',
  'statute',
  'crime_type',
  'icd10_cause',
] as const;
const KNOWN_FIELDS = [
  'id',
  'flags',
  ...TEXT,
  'offence_subcode',
  'victim_age',
  'victim_age_band',
  'victim_sex',
  'suspect_age',
  'suspect_age_band',
  'suspect_sex',
  'location_type',
  ...FLAG_FIELDS,
  ...IGNORED,
];

export function parseRecordLine(
  text: string,
  line: number,
  file: string,
): { record?: RecordLine; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (field: string | undefined, message: string, value?: unknown): void => {
    problems.push({
      file,
      line,
      ...(field === undefined ? {} : { field }),
      ...(value === undefined
        ? {}
        : { value: typeof value === 'string' ? value : JSON.stringify(value) }),
      message,
    });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    problem(undefined, `not a JSON object: ${(error as Error).message}`);
    return { problems };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problem(
      undefined,
      'each line must be one JSON object of canonical fields, e.g. {"offence_code": "8N", "flags": {"knife": true}}',
    );
    return { problems };
  }
  const input = parsed as Record<string, unknown>;
  const record: IncidentRecord = {};
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.includes(key))
      problem(
        key,
        `unknown field ${quoteValue(key)}${didYouMean(suggest(key, KNOWN_FIELDS, { limit: 1 }))}`,
        key,
      );
  }
  for (const field of TEXT) {
    const v = input[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') {
      problem(
        field,
        field === 'offence_code' && typeof v === 'number'
          ? `offence codes are text: write "${String(v)}" in quotes (a number cannot tell 4.10 from 4.1)`
          : `expected text, found ${JSON.stringify(v)}`,
        v,
      );
      continue;
    }
    record[field] = v;
  }
  const subcode = input['offence_subcode'];
  if (subcode !== undefined && subcode !== null) {
    const read = typeof subcode === 'string' ? readOffenceSubcode(subcode) : undefined;
    if (read !== undefined && 'subcode' in read) record.offence_subcode = read.subcode;
    else
      problem(
        'offence_subcode',
        read === undefined
          ? `expected text such as "8/1", found ${JSON.stringify(subcode)}`
          : `${JSON.stringify(subcode)} ${read.reason}; ${read.fix}`,
        subcode,
      );
  }
  for (const who of ['victim', 'suspect'] as const) {
    const age = input[`${who}_age`];
    if (age !== undefined && age !== null) {
      if (typeof age !== 'number' || !Number.isInteger(age) || age < 0 || age > 130)
        problem(
          `${who}_age`,
          `expected a whole number of years from 0 to 130, found ${JSON.stringify(age)}`,
          age,
        );
      else record[`${who}_age`] = age;
    }
    const band = input[`${who}_age_band`];
    if (band !== undefined && band !== null) {
      if (typeof band !== 'string' || !AGE_BAND_PATTERN.test(band))
        problem(
          `${who}_age_band`,
          `expected an age band such as "18-24" or "65+", found ${JSON.stringify(band)}`,
          band,
        );
      else record[`${who}_age_band`] = band;
    }
    const sex = input[`${who}_sex`];
    if (sex !== undefined && sex !== null) {
      if (typeof sex !== 'string' || !(SEXES as readonly string[]).includes(sex))
        problem(
          `${who}_sex`,
          `${JSON.stringify(sex)} is not a canonical sex${didYouMean(suggest(String(sex), SEXES, { limit: 1 }))}; use ${SEXES.join(', ')}`,
          sex,
        );
      else record[`${who}_sex`] = sex;
    }
  }
  const location = input['location_type'];
  if (location !== undefined && location !== null) {
    const types = Object.keys(LOCATION_TYPES);
    if (typeof location !== 'string' || !types.includes(location))
      problem(
        'location_type',
        `${JSON.stringify(location)} is not a canonical location type${didYouMean(suggest(String(location), types, { limit: 1 }))}; use ${types.join(', ')}`,
        location,
      );
    else record.location_type = location;
  }
  const setFlag = (flag: IncidentFlag, value: unknown, field: string): void => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'boolean') {
      problem(field, `expected true, false or null, found ${JSON.stringify(value)}`, value);
      return;
    }
    const column = flagColumn(flag) as keyof IncidentRecord;
    (record as Record<string, unknown>)[column] = value;
  };
  for (const flag of INCIDENT_FLAGS) setFlag(flag, input[flagColumn(flag)], flagColumn(flag));
  const flags = input['flags'];
  if (flags !== undefined && flags !== null) {
    if (typeof flags !== 'object' || Array.isArray(flags)) {
      problem('flags', 'expected an object such as {"knife": true, "domestic": false}', flags);
    } else {
      for (const [name, value] of Object.entries(flags as Record<string, unknown>)) {
        if (!(INCIDENT_FLAGS as readonly string[]).includes(name)) {
          problem(
            `flags.${name}`,
            `unknown flag ${quoteValue(name)}${didYouMean(suggest(name, INCIDENT_FLAGS, { limit: 1 }))}; the flags are ${INCIDENT_FLAGS.join(', ')}`,
            name,
          );
          continue;
        }
        setFlag(name as IncidentFlag, value, `flags.${name}`);
      }
    }
  }
  const id = input['id'];
  if (id !== undefined && typeof id !== 'string' && typeof id !== 'number')
    problem('id', `expected text or a number, found ${JSON.stringify(id)}`, id);
  if (problems.length > 0) return { problems };
  return {
    record: { line, ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}), record },
    problems,
  };
}

const MAX_PROBLEMS = 20;

/** Parses every non-empty line; refuses the input with the first problems if any line is bad. */
export function readRecordLines(text: string, file: string): RecordLine[] {
  const out: RecordLine[] = [];
  const problems: Problem[] = [];
  let bad = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const result = parseRecordLine(raw, i + 1, file);
    if (result.problems.length > 0) {
      bad++;
      if (problems.length < MAX_PROBLEMS)
        problems.push(...result.problems.slice(0, MAX_PROBLEMS - problems.length));
    } else if (result.record !== undefined) out.push(result.record);
  });
  if (bad > 0) {
    throw new SvdError({
      kind: 'input',
      code: 'RECORDS_INVALID',
      message: `${bad} line${bad === 1 ? '' : 's'} of the input ${bad === 1 ? 'is' : 'are'} not a valid record; nothing was classified`,
      location: { file },
      problems,
      fix: 'correct the lines named (canonical field names and values: see `svd classify-records --help`)',
    });
  }
  return out;
}
