/**
 * One force extract row → the canonical incident fields, following a validated mapping. Pure:
 * it reads cells, reports problems to the validation report, and returns the values to store
 * (or undefined when the row has an error). Raw crime references and person identifiers leave
 * this function only as keyed hashes; dates of birth only as an age and an age band.
 */
import {
  ageBandOf,
  INCIDENT_FLAGS,
  LOCATION_TYPES,
  parseAgeBand,
  type IncidentFlag,
} from '../../core/vocabulary.js';
import { utcToLondon } from '../../core/londonTime.js';
import { normaliseOffenceCode, readOffenceSubcode } from '../../core/offenceSubcode.js';
import { FIRST_POSSIBLE_2021_MONTH, is2021OnlyCode } from '../../core/lsoaVintage.js';

const FIRST_2021_DAY = `${FIRST_POSSIBLE_2021_MONTH}-01`;
import { toInstant, parseDateCell, DATE_FIX, type Instant } from '../partner/dateTime.js';
import { translator, type DateTimeSpec, type ForceExtractMapping } from '../partner/mapping.js';
import type { Pseudonymiser } from '../partner/pseudonymKey.js';
import { offenceSubcodes } from '../../core/offenceSubcodes.js';
import type { ValidationReport } from '../partner/validationReport.js';

/** The staged columns, in order (see STAGING_COLUMNS in ingestForceExtract.ts). */
export interface ForceIncident {
  sourceRecordId: string;
  month: string;
  occurredFrom: number;
  occurredTo: number;
  recordedDate: string | null;
  crimeType: string | null;
  offenceCode: string;
  offenceSubcode: string | null;
  offenceDescription: string | null;
  statute: string | null;
  flags: (boolean | null)[];
  victimAge: number | null;
  victimAgeBand: string | null;
  victimSex: string | null;
  victimRef: string | null;
  suspectAge: number | null;
  suspectAgeBand: string | null;
  suspectSex: string | null;
  suspectRef: string | null;
  locationType: string | null;
  longitude: number | null;
  latitude: number | null;
  easting: number | null;
  northing: number | null;
  lsoaCode: string | null;
  lsoaName: string | null;
  outcome: string | null;
}

export { normaliseOffenceCode };

const ymd = (d: { year: number; month: number; day: number }): string =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** LSOA codes seen, split at the month the 2021 LSOAs could first be used (see lsoaVintage.ts). */
export interface BatchTally {
  oldCoded: number;
  old2021Only: number;
  recentCoded: number;
  recent2021Only: number;
  months: Set<string>;
}

export const newTally = (): BatchTally => ({
  oldCoded: 0,
  old2021Only: 0,
  recentCoded: 0,
  recent2021Only: 0,
  months: new Set(),
});

/** Compiles the reader of one file's rows, given the positions of the mapped columns. */
export function forceRowReader(
  mapping: ForceExtractMapping,
  index: ReadonlyMap<string, number>,
  pseudonymiser: Pseudonymiser,
  report: ValidationReport,
  tally: BatchTally,
): (fields: readonly string[], line: number) => ForceIncident | undefined {
  const f = mapping.fields;
  const date1904 = mapping.date_system === 1904;
  const cell = (fields: readonly string[], column: string | undefined): string =>
    column === undefined ? '' : (fields[index.get(column)!] ?? '').trim();
  const statute = translator(f.statute);
  const victimSex = translator(f.victim_sex);
  const suspectSex = translator(f.suspect_sex);
  const locationType = translator(f.location_type);
  const victimBand = translator(f.victim_age_band);
  const suspectBand = translator(f.suspect_age_band);
  const flagReaders = INCIDENT_FLAGS.map((name: IncidentFlag) => {
    const spec = f.flags[name];
    if (spec === undefined) return undefined;
    const yes = new Set(spec.true_values.map((v) => v.trim().toLowerCase()));
    const no = new Set(spec.false_values.map((v) => v.trim().toLowerCase()));
    return { name, column: spec.column, yes, no };
  });

  return (fields, line) => {
    let ok = true;
    const fail = (
      field: string,
      value: string | undefined,
      code: string,
      reason: string,
      fix: string,
    ): void => {
      ok = false;
      report.error({ code, line, field, ...(value === undefined ? {} : { value }), reason, fix });
    };

    const instant = (
      spec: DateTimeSpec | undefined,
      name: string,
      end: 'start' | 'end',
      required: boolean,
    ): Instant | undefined => {
      if (spec === undefined) return undefined;
      const dateColumn = 'column' in spec ? spec.column : spec.date;
      const timeColumn = 'column' in spec ? undefined : spec.time;
      const dateText = cell(fields, dateColumn);
      if (dateText === '') {
        if (required)
          fail(dateColumn, '', 'EMPTY_DATE', 'is empty', `every row needs its ${name} date`);
        return undefined;
      }
      const r = toInstant(
        dateText,
        timeColumn === undefined ? undefined : cell(fields, timeColumn),
        end,
        date1904,
      );
      if (!('utcMs' in r)) {
        const column = r.field === 'date' ? dateColumn : timeColumn!;
        fail(
          column,
          cell(fields, column),
          r.field === 'date' ? 'BAD_DATE' : 'BAD_TIME',
          r.reason,
          r.fix,
        );
        return undefined;
      }
      if (r.kind === 'gap') {
        report.note(
          'warning',
          'TIME_IN_SPRING_GAP',
          `a ${name} time falls in the hour the clocks skip in March; read as GMT (the instant a clock showed an hour later)`,
          { line, field: timeColumn ?? dateColumn },
        );
      } else if (r.kind === 'overlap') {
        report.note(
          'warning',
          'TIME_IN_AUTUMN_OVERLAP',
          `a ${name} time falls in the hour that happens twice in October; the first (BST) was taken`,
          { line, field: timeColumn ?? dateColumn },
        );
      }
      return r;
    };

    // Crime reference: required, pseudonymised, never shown.
    const refColumn = f.crime_reference.column;
    const ref = cell(fields, refColumn);
    if (ref === '')
      fail(
        refColumn,
        undefined,
        'EMPTY_CRIME_REFERENCE',
        'is empty',
        'every row needs its crime reference',
      );

    const from = instant(f.committed_from, 'committed-from', 'start', true);
    let to = instant(f.committed_to, 'committed-to', 'end', false);
    if (from !== undefined && to !== undefined && to.utcMs < from.utcMs) {
      const column =
        f.committed_to === undefined
          ? ''
          : 'column' in f.committed_to
            ? f.committed_to.column
            : f.committed_to.date;
      fail(
        column,
        cell(fields, column),
        'RANGE_REVERSED',
        'is before the committed-from date and time',
        'check the two dates; a range runs from the earlier to the later',
      );
      to = undefined;
    }
    let recordedDate: string | null = null;
    if (f.recorded_date !== undefined) {
      const column = 'column' in f.recorded_date ? f.recorded_date.column : f.recorded_date.date;
      const text = cell(fields, column);
      if (text !== '') {
        const parsed = parseDateCell(text, date1904);
        if ('date' in parsed) recordedDate = ymd(parsed.date);
        else fail(column, text, 'BAD_DATE', parsed.reason, parsed.fix);
      } else if (mapping.month_basis === 'recorded') {
        fail(
          column,
          '',
          'EMPTY_DATE',
          'is empty',
          'the mapping takes each month from the recorded date, so every row needs one',
        );
      }
    }

    const codeText = cell(fields, f.offence_code.column);
    const offenceCode = normaliseOffenceCode(codeText);
    if (offenceCode === undefined) {
      fail(
        f.offence_code.column,
        codeText,
        codeText === '' ? 'EMPTY_OFFENCE_CODE' : 'BAD_OFFENCE_CODE',
        codeText === '' ? 'is empty' : 'is not a Home Office offence code',
        'Home Office offence codes look like 8N, 92A or 4.1',
      );
    }

    // The sub-code below the class (8/1, 8/6): any form a force writes, stored as 8/1.
    let offenceSubcode: string | null = null;
    if (f.offence_subcode !== undefined) {
      const column = f.offence_subcode.column;
      const raw = cell(fields, column);
      if (raw !== '') {
        const read = readOffenceSubcode(raw);
        if (!('subcode' in read)) fail(column, raw, 'BAD_OFFENCE_SUBCODE', read.reason, read.fix);
        else {
          offenceSubcode = read.subcode;
          if (raw !== read.subcode)
            report.note(
              'info',
              'SUBCODE_NORMALISED',
              `offence sub-codes written as ${raw} were stored in the form ${read.subcode}`,
              { line, field: column, example: raw },
            );
          if (
            read.classCode !== null &&
            offenceCode !== undefined &&
            read.classCode !== offenceCode
          )
            report.note(
              'warning',
              'SUBCODE_CLASS_DIFFERS',
              `the class written with the sub-code differs from the offence code column; both are stored as given (sub-code ${read.subcode}, offence code ${offenceCode})`,
              { line, field: column, example: `${raw} beside ${codeText}` },
            );
        }
      }
    }

    const translate = (
      spec: { column: string } | undefined,
      t: ReturnType<typeof translator>,
      field: string,
    ): string | null => {
      if (spec === undefined) return null;
      const raw = cell(fields, spec.column);
      const r = t(raw);
      if (r === null) {
        fail(
          spec.column,
          raw,
          'UNMAPPED_VALUE',
          `is not one of the values the mapping lists for ${field}`,
          `add it under fields.${field}.values in the mapping (or give an "otherwise")`,
        );
        return null;
      }
      if (r.otherwise)
        report.note(
          'warning',
          `OTHERWISE_${field.toUpperCase()}`,
          `${field} values not listed in the mapping were stored as its "otherwise" value`,
          { line, field: spec.column, example: raw },
        );
      return r.value ?? null;
    };

    const flags = flagReaders.map((reader) => {
      if (reader === undefined) return null;
      const raw = cell(fields, reader.column).toLowerCase();
      if (reader.yes.has(raw)) return true;
      if (reader.no.has(raw)) return false;
      if (raw === '') return null;
      fail(
        reader.column,
        cell(fields, reader.column),
        'BAD_FLAG',
        `is neither a true nor a false value of the ${reader.name} flag`,
        `add it to fields.flags.${reader.name}.true_values or false_values in the mapping`,
      );
      return null;
    });

    const person = (
      role: 'victim' | 'suspect',
    ): { age: number | null; band: string | null; sex: string | null; ref: string | null } => {
      const ageSpec = f[`${role}_age`];
      const dobSpec = f[`${role}_date_of_birth`];
      const idSpec = f[`${role}_id`];
      let age: number | null = null;
      if (ageSpec !== undefined) {
        const raw = cell(fields, ageSpec.column);
        if (raw !== '') {
          const n = Number(raw);
          if (!Number.isInteger(n) || n < 0 || n > 120)
            fail(
              ageSpec.column,
              raw,
              'BAD_AGE',
              'is not an age in whole years (0–120)',
              'give ages as whole numbers, or map the column as an age band',
            );
          else age = n;
        }
      }
      if (age === null && dobSpec !== undefined && from !== undefined) {
        const raw = cell(fields, dobSpec.column);
        if (raw !== '') {
          const dob = parseDateCell(raw, date1904);
          if (!('date' in dob))
            fail(
              dobSpec.column,
              undefined,
              'BAD_DATE',
              `is not a date (value not shown: it is a date of birth)`,
              DATE_FIX,
            );
          else {
            const at = utcToLondon(from.utcMs);
            let years = at.year - dob.date.year;
            if (at.month < dob.date.month || (at.month === dob.date.month && at.day < dob.date.day))
              years--;
            if (years < 0 || years > 120)
              fail(
                dobSpec.column,
                undefined,
                'BAD_AGE',
                'gives an age outside 0–120 at the committed date (value not shown: it is a date of birth)',
                'check the date of birth and the committed date',
              );
            else age = years;
          }
        }
      }
      let band: string | null = null;
      const bandSpec = f[`${role}_age_band`];
      if (bandSpec !== undefined) {
        band = translate(
          bandSpec,
          role === 'victim' ? victimBand : suspectBand,
          `${role}_age_band`,
        );
        if (band !== null && parseAgeBand(band) === undefined) {
          fail(
            bandSpec.column,
            band,
            'BAD_AGE_BAND',
            'is not an age band',
            `write bands as 18-24 or 65+, or translate them under fields.${role}_age_band.values`,
          );
          band = null;
        }
      }
      if (band === null && age !== null) band = ageBandOf(age);
      const sex = translate(
        f[`${role}_sex`],
        role === 'victim' ? victimSex : suspectSex,
        `${role}_sex`,
      );
      let idRef: string | null = null;
      if (idSpec !== undefined) {
        const raw = cell(fields, idSpec.column);
        if (raw !== '') idRef = pseudonymiser.hash(raw);
      }
      return { age, band, sex, ref: idRef };
    };
    const victim = person('victim');
    const suspect = person('suspect');

    let longitude: number | null = null;
    let latitude: number | null = null;
    let easting: number | null = null;
    let northing: number | null = null;
    if (f.location !== undefined) {
      const [a, b, limits] =
        'longitude' in f.location
          ? ([f.location.longitude, f.location.latitude, [180, 90]] as const)
          : ([f.location.easting, f.location.northing, [800_000, 1_400_000]] as const);
      const ta = cell(fields, a);
      const tb = cell(fields, b);
      if ((ta === '') !== (tb === '')) {
        fail(
          ta === '' ? a : b,
          '',
          'UNPAIRED_COORDINATES',
          'is empty while the other coordinate is given',
          'give both coordinates or neither',
        );
      } else if (ta !== '') {
        const x = Number(ta);
        const y = Number(tb);
        const degrees = 'longitude' in f.location;
        const bad = (v: number, limit: number): boolean =>
          !Number.isFinite(v) || (degrees ? Math.abs(v) > limit : v < 0 || v > limit);
        if (bad(x, limits[0]))
          fail(
            a,
            ta,
            'BAD_COORDINATE',
            'is not a coordinate',
            'longitude/latitude are decimal degrees; easting/northing are metres on the British National Grid',
          );
        else if (bad(y, limits[1]))
          fail(
            b,
            tb,
            'BAD_COORDINATE',
            'is not a coordinate',
            'longitude/latitude are decimal degrees; easting/northing are metres on the British National Grid',
          );
        else if ('longitude' in f.location) {
          longitude = x;
          latitude = y;
          if (!(x >= -8.7 && x <= 2.0 && y >= 49.8 && y <= 60.9))
            report.note(
              'warning',
              'OUTSIDE_UK',
              'coordinates outside the United Kingdom; kept as given (are longitude and latitude swapped?)',
              { line, field: a, example: `${ta}, ${tb}` },
            );
        } else {
          easting = x;
          northing = y;
        }
      }
    }
    const locationTypeValue = translate(f.location_type, locationType, 'location_type');
    if (locationTypeValue !== null && !(locationTypeValue in LOCATION_TYPES)) {
      fail(
        f.location_type!.column,
        locationTypeValue,
        'BAD_LOCATION_TYPE',
        'is not a location type svd knows',
        `translate it under fields.location_type.values to one of: ${Object.keys(LOCATION_TYPES).join(', ')}`,
      );
    }

    let lsoaCode: string | null = null;
    let lsoaIs2021Only: boolean | undefined;
    if (f.lsoa !== undefined) {
      const raw = cell(fields, f.lsoa.column);
      if (raw !== '') {
        lsoaCode = raw.toUpperCase();
        if (!/^[EW]01\d{6}$/.test(lsoaCode))
          report.note(
            'warning',
            'LSOA_CODE_FORMAT',
            'LSOA codes that are not ONS codes (E01…/W01…); kept as given',
            { line, field: f.lsoa.column, example: raw },
          );
        else lsoaIs2021Only = is2021OnlyCode(lsoaCode);
      }
    }

    const statuteValue = translate(f.statute, statute, 'statute');
    const known = offenceSubcode === null ? undefined : offenceSubcodes().bySubcode(offenceSubcode);
    if (
      known !== undefined &&
      known.statute !== null &&
      statuteValue !== null &&
      known.statute !== statuteValue
    )
      report.note(
        'warning',
        'SUBCODE_STATUTE_DIFFERS',
        `the sub-code and the statute disagree (${offenceSubcode}, ${known.name}, is ${known.statute}; the statute column says ${statuteValue}); both are stored, and svd explain shows which one a definition used`,
        {
          line,
          field: f.offence_subcode!.column,
          example: `${offenceSubcode} with ${statuteValue}`,
        },
      );
    if (!ok || from === undefined || offenceCode === undefined) return undefined;
    if (!from.timeGiven)
      report.note(
        'info',
        'NO_COMMITTED_TIME',
        'rows give a committed-from date without a time; the range covers the whole day',
        { line },
      );
    const end = to ?? (from.timeGiven ? from : { ...from, utcMs: instantEndOfDay(from.utcMs) });
    let monthDate: string;
    if (mapping.month_basis === 'recorded' && recordedDate !== null)
      monthDate = `${recordedDate.slice(0, 7)}-01`;
    else {
      const local = utcToLondon(from.utcMs);
      monthDate = `${ymd(local).slice(0, 7)}-01`;
    }
    tally.months.add(monthDate.slice(0, 7));
    if (lsoaIs2021Only !== undefined) {
      if (monthDate < FIRST_2021_DAY) {
        tally.oldCoded++;
        if (lsoaIs2021Only) tally.old2021Only++;
      } else {
        tally.recentCoded++;
        if (lsoaIs2021Only) tally.recent2021Only++;
      }
    }
    return {
      sourceRecordId: pseudonymiser.hash(ref),
      month: monthDate,
      occurredFrom: from.utcMs,
      occurredTo: end.utcMs,
      recordedDate,
      crimeType: f.crime_type === undefined ? null : cell(fields, f.crime_type.column) || null,
      offenceCode,
      offenceSubcode,
      offenceDescription:
        f.offence_description === undefined
          ? null
          : cell(fields, f.offence_description.column) || null,
      statute: statuteValue,
      flags,
      victimAge: victim.age,
      victimAgeBand: victim.band,
      victimSex: victim.sex,
      victimRef: victim.ref,
      suspectAge: suspect.age,
      suspectAgeBand: suspect.band,
      suspectSex: suspect.sex,
      suspectRef: suspect.ref,
      locationType: locationTypeValue,
      longitude,
      latitude,
      easting,
      northing,
      lsoaCode,
      lsoaName: f.lsoa_name === undefined ? null : cell(fields, f.lsoa_name.column) || null,
      outcome: f.outcome === undefined ? null : cell(fields, f.outcome.column) || null,
    };
  };
}

/** The last second of the London day that contains this instant. */
function instantEndOfDay(utcMs: number): number {
  const local = utcToLondon(utcMs);
  const r = toInstant(ymd(local), undefined, 'end');
  return 'utcMs' in r ? r.utcMs : utcMs;
}
