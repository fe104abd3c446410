/**
 * A synthetic force extract, anchored on real police.uk rows: for every police.uk row of the crime
 * types in rates.ts, one extract row at the same map point, in the same month and LSOA, with a
 * drawn Home Office offence code, day and time, flags, victim and suspect, location type,
 * statute, and the sub-code and offence description that go with the statute where one is known
 * (8N: 008/06 ABH or 008/01 GBH; see docs/synthetic-data.md for every rate and its source). Pure and seeded: the same
 * anchors and seed give the same rows, byte for byte. Every row says it is synthetic.
 */
import { londonToUtc } from '../../core/londonTime.js';
import type { LocationType } from '../../core/vocabulary.js';
import { seededRandom, type Random } from '../../core/random.js';
import {
  AGE_PROFILES,
  DAY_WEIGHTS,
  FEMALE_SHARE,
  HOUR_WEIGHTS,
  KNOWN,
  LOCATION_WEIGHTS,
  OFFENCES,
  RECORDING_LAG,
  SHORT_RANGE_SHARE,
  SUSPECT_MALE_SHARE,
  type AgeProfile,
  type OffenceRate,
  type TimePattern,
} from './rates.js';

/** The police.uk fields a synthetic row is anchored on. */
export interface PoliceUkAnchor {
  month: string;
  longitude: string;
  latitude: string;
  lsoaCode: string;
  lsoaName: string;
  crimeType: string;
  outcome: string;
}

/** One synthetic incident, before it is written as extract text. */
export interface SyntheticIncident {
  crimeReference: string;
  anchor: PoliceUkAnchor;
  offence: OffenceRate;
  statute: string;
  /** The Home Office sub-code as the extract writes it (008/01), or '' when none is known. */
  subcode: string;
  /** The offence description written (the statute's offence when it has one: ABH, GBH). */
  description: string;
  /** Local (Europe/London) wall-clock committed-from and -to; time null when not known. */
  from: { date: string; time: string | null };
  to: { date: string; time: string | null } | null;
  /** UTC instant of committed-from (the start of the day when the time is not known). */
  fromUtcMs: number;
  recordedDate: string;
  knife: boolean;
  domestic: boolean;
  firearm: boolean;
  countyLines: boolean;
  drugRelated: boolean;
  alcohol: boolean;
  nightTimeEconomy: boolean;
  victim: { age: number | null; sex: 'F' | 'M' | 'U' } | null;
  suspect: { age: number | null; sex: 'F' | 'M' | 'U' } | null;
  locationType: LocationType;
}

export const SYNTHETIC_FORCE_EXTRACT_HEADER = [
  'Crime Reference',
  'Recorded Date',
  'Committed From Date',
  'Committed From Time',
  'Committed To Date',
  'Committed To Time',
  'HO Offence Code',
  'HO Sub Classification',
  'Offence Description',
  'Statute',
  'Police.uk Category',
  'Knife/Sharp Instrument',
  'Domestic Abuse',
  'Firearm',
  'County Lines',
  'Drug Related',
  'Alcohol',
  'Night Time Economy',
  'Victim Age',
  'Victim Sex',
  'Suspect Age',
  'Suspect Sex',
  'Location Type',
  'Longitude',
  'Latitude',
  'LSOA Code',
  'LSOA Name',
  'Outcome',
  'Synthetic',
] as const;

/** How the extract names each canonical location type (the built-in mapping translates back). */
export const LOCATION_LABELS: Readonly<Record<LocationType, string>> = {
  dwelling: 'Dwelling',
  'private-other': 'Other Private Place',
  street: 'Street/Road',
  'licensed-premises': 'Licensed Premises',
  'retail-commercial': 'Shop/Commercial',
  education: 'School/College',
  transport: 'Public Transport',
  'open-space': 'Park/Open Space',
  'health-care': 'Hospital/Health',
  'public-other': 'Other Public Place',
  unknown: 'Not Known',
};

export const SYNTHETIC_MARK = 'SYNTHETIC - NOT REAL DATA';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const daysIn = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();
/** Monday = 0 … Sunday = 6. */
const weekday = (y: number, m: number, d: number): number =>
  (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;

/** Cumulative weights over (day, hour) of a month for a pattern: cached, searched by bisection. */
const slotTables = new Map<string, Float64Array>();
function slotTable(month: string, pattern: TimePattern): Float64Array {
  const key = `${month}|${pattern}`;
  const cached = slotTables.get(key);
  if (cached !== undefined) return cached;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = daysIn(y, m);
  const table = new Float64Array(days * 24);
  let total = 0;
  for (let d = 1; d <= days; d++) {
    const dow = weekday(y, m, d);
    for (let h = 0; h < 24; h++) {
      // Early hours belong to the previous evening's night out.
      const nightOf = h < 6 ? (dow + 6) % 7 : dow;
      const weekend = nightOf === 4 || nightOf === 5;
      const hours = weekend ? HOUR_WEIGHTS[pattern].weekend : HOUR_WEIGHTS[pattern].weekday;
      total += DAY_WEIGHTS[pattern][dow]! * hours[h]!;
      table[(d - 1) * 24 + h] = total;
    }
  }
  if (slotTables.size > 5000) slotTables.clear();
  slotTables.set(key, table);
  return table;
}

function drawSlot(rng: Random, month: string, pattern: TimePattern): { day: number; hour: number } {
  const table = slotTable(month, pattern);
  const x = rng.next() * table[table.length - 1]!;
  let lo = 0;
  let hi = table.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (table[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return { day: Math.floor(lo / 24) + 1, hour: lo % 24 };
}

function drawAge(rng: Random, profile: AgeProfile): number {
  const band = profile[rng.pickIndex(profile.map((b) => b[2]))]!;
  return rng.int(band[0], band[1]);
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

function drawOffence(rng: Random, crimeType: string): OffenceRate {
  const offences = OFFENCES[crimeType]!;
  return offences[rng.pickIndex(offences.map((o) => o.share))]!;
}

function incidentFor(
  rng: Random,
  anchor: PoliceUkAnchor,
): Omit<SyntheticIncident, 'crimeReference'> {
  const offence = drawOffence(rng, anchor.crimeType);
  const domestic = rng.chance(offence.domestic);
  const knife = rng.chance(offence.knife);
  const pattern: TimePattern = domestic ? 'domestic' : offence.pattern;
  const [y, m] = anchor.month.split('-').map(Number) as [number, number];
  const slot = drawSlot(rng, anchor.month, pattern);
  let hour = slot.hour;
  const minute = rng.chance(KNOWN.timeOnTheHour) ? 0 : rng.int(0, 59);
  // A clock never showed a time in the spring gap; the hour after it stands in.
  if (londonToUtc({ year: y, month: m, day: slot.day, hour, minute, second: 0 }).kind === 'gap')
    hour++;
  const date = `${anchor.month}-${pad(slot.day)}`;
  const timeKnown = rng.chance(KNOWN.time) && !(offence.course === true && rng.chance(0.5));
  const time = timeKnown ? `${pad(hour)}:${pad(minute)}` : null;
  const fromUtcMs = londonToUtc({
    year: y,
    month: m,
    day: slot.day,
    hour: timeKnown ? hour : 0,
    minute: timeKnown ? minute : 0,
    second: 0,
  }).utcMs;
  let to: SyntheticIncident['to'] = null;
  if (offence.course === true) {
    const toDate = addDays(date, rng.int(1, 60));
    to = {
      date: toDate,
      time: time === null ? null : `${pad(rng.int(7, 22))}:${pad(rng.int(0, 59))}`,
    };
  } else if (timeKnown && rng.chance(SHORT_RANGE_SHARE)) {
    const end = new Date(Date.UTC(y, m - 1, slot.day, hour, minute) + rng.int(1, 6) * 3_600_000);
    to = {
      date: `${end.getUTCFullYear()}-${pad(end.getUTCMonth() + 1)}-${pad(end.getUTCDate())}`,
      time: `${pad(end.getUTCHours())}:${pad(end.getUTCMinutes())}`,
    };
    const check = londonToUtc({
      year: end.getUTCFullYear(),
      month: end.getUTCMonth() + 1,
      day: end.getUTCDate(),
      hour: end.getUTCHours(),
      minute: end.getUTCMinutes(),
      second: 0,
    });
    if (check.kind === 'gap') to = null;
  }
  const lagBand = rng.pickIndex(RECORDING_LAG);
  const lag = lagBand === 0 ? 0 : lagBand === 1 ? 1 : rng.int(2, 7);
  const monthEnd = `${anchor.month}-${pad(daysIn(y, m))}`;
  let recordedDate = addDays(date, lag);
  if (recordedDate > monthEnd) recordedDate = monthEnd;

  const young = knife || anchor.crimeType === 'Robbery' || offence.code === '10D';
  const profile = domestic
    ? AGE_PROFILES.domestic
    : young
      ? AGE_PROFILES.young
      : AGE_PROFILES.general;
  let victim: SyntheticIncident['victim'] = null;
  if (offence.noVictim !== true) {
    let age: number | null =
      offence.victimAge === undefined
        ? drawAge(rng, profile)
        : rng.int(offence.victimAge[0], offence.victimAge[1]);
    if (offence.victimAge === undefined && !rng.chance(KNOWN.victimAge)) age = null;
    const femaleShare = domestic
      ? FEMALE_SHARE.domestic
      : anchor.crimeType === 'Robbery'
        ? FEMALE_SHARE.robbery
        : knife
          ? FEMALE_SHARE.knife
          : FEMALE_SHARE.other;
    const sex =
      offence.victimSex === 'female'
        ? 'F'
        : offence.victimSex === 'male'
          ? 'M'
          : rng.chance(0.01)
            ? 'U'
            : rng.chance(femaleShare)
              ? 'F'
              : 'M';
    victim = { age, sex };
  }
  let suspect: SyntheticIncident['suspect'] = null;
  if (offence.noVictim === true || domestic || rng.chance(KNOWN.suspect)) {
    const maleShare = domestic
      ? SUSPECT_MALE_SHARE.domestic
      : offence.victimSex !== undefined
        ? SUSPECT_MALE_SHARE.sexual
        : SUSPECT_MALE_SHARE.other;
    let age: number | null = Math.max(
      10,
      drawAge(
        rng,
        domestic ? AGE_PROFILES.domestic : young ? AGE_PROFILES.young : AGE_PROFILES.general,
      ),
    );
    if (!rng.chance(KNOWN.suspectAge)) age = null;
    suspect = { age, sex: rng.chance(maleShare) ? 'M' : 'F' };
  }
  const locationWeights = domestic ? LOCATION_WEIGHTS.domestic : LOCATION_WEIGHTS[offence.pattern];
  let locationType = rng.pick(locationWeights as Record<LocationType, number>);
  if (offence.code === '34A') locationType = 'retail-commercial';
  const night = timeKnown && (hour >= 20 || hour < 4);
  const nightTimeEconomy =
    !domestic &&
    night &&
    (locationType === 'licensed-premises' || locationType === 'street') &&
    rng.chance(0.7);
  const statutes = offence.statutes;
  const variant =
    statutes === undefined ? undefined : statutes[rng.pickIndex(statutes.map((s) => s.share))]!;
  return {
    anchor,
    offence,
    statute: variant?.text ?? '',
    subcode: variant?.subcode ?? offence.subcode ?? '',
    description: variant?.description ?? offence.description,
    from: { date, time },
    to,
    fromUtcMs,
    recordedDate,
    knife,
    domestic,
    firearm: rng.chance(offence.firearm ?? 0),
    countyLines: rng.chance(offence.countyLines ?? 0),
    drugRelated: rng.chance(offence.drugRelated ?? (domestic ? 0.02 : 0.03)),
    alcohol: rng.chance(offence.alcohol ?? 0) || (nightTimeEconomy && rng.chance(0.6)),
    nightTimeEconomy,
    victim,
    suspect,
    locationType,
  };
}

export interface SynthOptions {
  seed: number;
}

/** The synthetic incidents for these anchors (rows of other crime types are skipped). */
export function synthesiseForceIncidents(
  anchors: readonly PoliceUkAnchor[],
  options: SynthOptions,
): SyntheticIncident[] {
  const rng = seededRandom(options.seed);
  const drawn = anchors
    .filter((a) => OFFENCES[a.crimeType] !== undefined)
    .map((anchor, index) => ({ index, incident: incidentFor(rng, anchor) }));
  // Crime references are issued in recording order, numbered within each year: 43YY + 7 digits.
  drawn.sort(
    (a, b) =>
      (a.incident.recordedDate < b.incident.recordedDate
        ? -1
        : a.incident.recordedDate > b.incident.recordedDate
          ? 1
          : 0) ||
      a.incident.fromUtcMs - b.incident.fromUtcMs ||
      a.index - b.index,
  );
  const serials = new Map<string, number>();
  const out: SyntheticIncident[] = drawn.map(({ incident }) => {
    const yy = incident.recordedDate.slice(2, 4);
    const serial = (serials.get(yy) ?? rng.int(1000, 40_000)) + rng.int(1, 3);
    serials.set(yy, serial);
    return { crimeReference: `43${yy}${pad(serial, 7)}`, ...incident };
  });
  out.sort((a, b) => a.fromUtcMs - b.fromUtcMs || (a.crimeReference < b.crimeReference ? -1 : 1));
  return out;
}

const ukDate = (iso: string): string => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const yn = (b: boolean): string => (b ? 'Y' : 'N');

/** One incident as the extract's cells (in SYNTHETIC_FORCE_EXTRACT_HEADER order). */
export function forceExtractCells(i: SyntheticIncident): string[] {
  return [
    i.crimeReference,
    ukDate(i.recordedDate),
    ukDate(i.from.date),
    i.from.time ?? '',
    i.to === null ? '' : ukDate(i.to.date),
    i.to?.time ?? '',
    i.offence.code,
    i.subcode,
    i.description,
    i.statute,
    i.anchor.crimeType,
    yn(i.knife),
    yn(i.domestic),
    yn(i.firearm),
    yn(i.countyLines),
    yn(i.drugRelated),
    yn(i.alcohol),
    yn(i.nightTimeEconomy),
    i.victim?.age == null ? '' : String(i.victim.age),
    i.victim?.sex ?? '',
    i.suspect?.age == null ? '' : String(i.suspect.age),
    i.suspect?.sex ?? '',
    LOCATION_LABELS[i.locationType],
    i.anchor.longitude,
    i.anchor.latitude,
    i.anchor.lsoaCode,
    i.anchor.lsoaName,
    i.anchor.outcome,
    SYNTHETIC_MARK,
  ];
}

export function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

/** The whole synthetic extract as CSV text (CRLF line endings, as spreadsheet exports have). */
export function synthForceExtract(
  anchors: readonly PoliceUkAnchor[],
  options: SynthOptions,
): { text: string; rows: number; incidents: SyntheticIncident[] } {
  const incidents = synthesiseForceIncidents(anchors, options);
  const lines = [
    csvLine(SYNTHETIC_FORCE_EXTRACT_HEADER),
    ...incidents.map((i) => csvLine(forceExtractCells(i))),
  ];
  return { text: `${lines.join('\r\n')}\r\n`, rows: incidents.length, incidents };
}
