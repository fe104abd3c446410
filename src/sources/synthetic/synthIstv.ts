/**
 * Synthetic A&E (ISTV) attendances, consistent with the synthetic force extract of the same
 * anchors and seed: a share of the police-recorded assaults with injury attend an emergency
 * department (at the same time of day and place type), and for each of those, the larger number
 * of assaults never reported to police (about four in five ED assault attendances, see rates.ts).
 * Pure and seeded; every row is marked synthetic. Sites are invented codes placed at the towns
 * of the Thames Valley's emergency departments; the nearest one to the incident is used.
 */
import { londonToUtc, utcToLondon } from '../../core/londonTime.js';
import type { AssaultMethod, LocationType } from '../../core/vocabulary.js';
import { seededRandom, type Random } from '../../core/random.js';
import { ISTV } from './rates.js';
import {
  SYNTHETIC_MARK,
  csvLine,
  synthesiseForceIncidents,
  type PoliceUkAnchor,
  type SynthOptions,
} from './synthForceExtract.js';

export const SYNTHETIC_ISTV_HEADER = [
  'Site Code',
  'Arrival Date',
  'Arrival Time',
  'Assault Date',
  'Assault Time',
  'Assault Location Type',
  'Assault Location Description',
  'Assault Method',
  'Assault Method Other',
  'Synthetic',
] as const;

/**
 * Invented site codes at the towns of emergency departments (approximate coordinates), with the
 * hospital and the district it lies in (LAD 2019 codes); config/partnerships/oxfordshire.json
 * lists the same sites, so that the demo's A&E figures follow a selection by area.
 */
export const SYNTHETIC_SITES = [
  {
    code: 'SYN-OXFORD',
    lon: -1.218,
    lat: 51.764,
    name: 'John Radcliffe Hospital, Oxford',
    district: 'E07000178',
  },
  {
    code: 'SYN-BANBURY',
    lon: -1.35,
    lat: 52.055,
    name: 'Horton General Hospital, Banbury',
    district: 'E07000177',
  },
  {
    code: 'SYN-READING',
    lon: -0.958,
    lat: 51.448,
    name: 'Royal Berkshire Hospital, Reading',
    district: 'E06000038',
  },
  {
    code: 'SYN-SLOUGH',
    lon: -0.617,
    lat: 51.53,
    name: 'Wexham Park Hospital, Slough',
    district: 'E06000039',
  },
  {
    code: 'SYN-AYLESBURY',
    lon: -0.806,
    lat: 51.801,
    name: 'Stoke Mandeville Hospital, Aylesbury',
    district: 'E07000004',
  },
  {
    code: 'SYN-MILTON-KEYNES',
    lon: -0.738,
    lat: 52.026,
    name: 'Milton Keynes University Hospital',
    district: 'E06000042',
  },
] as const;

export const METHOD_LABELS: Readonly<Record<AssaultMethod, string>> = {
  'body-part': 'Body part (fist, foot, head)',
  'knife-sharp': 'Knife/blade/sharp object',
  'blunt-object': 'Blunt object',
  'glass-bottle': 'Glass/bottle',
  firearm: 'Firearm',
  other: 'Other',
  unknown: 'Not known',
};

export const ISTV_LOCATION_LABELS: Readonly<Record<LocationType, string>> = {
  dwelling: 'Home',
  'private-other': 'Other private place',
  street: 'Street/public road',
  'licensed-premises': 'Pub/bar/club',
  'retail-commercial': 'Shop/commercial premises',
  education: 'School/college',
  transport: 'Public transport',
  'open-space': 'Park/open space',
  'health-care': 'Hospital/healthcare',
  'public-other': 'Other public place',
  unknown: 'Not known',
};

/** Generic descriptions (never an address) of the kind patients give. */
const DESCRIPTIONS: Readonly<Record<LocationType, readonly string[]>> = {
  dwelling: ['at home', "friend's house", "partner's flat", 'house party'],
  'private-other': ['garden', 'car park of flats', 'private driveway'],
  street: [
    'in the street',
    'outside a takeaway',
    'town centre',
    'near the bus stop',
    'on the high street',
  ],
  'licensed-premises': ['in a pub', 'nightclub', 'bar in town', 'outside the club'],
  'retail-commercial': ['in a shop', 'supermarket', 'at work (shop)'],
  education: ['at school', 'college grounds'],
  transport: ['on the bus', 'train station', 'taxi rank'],
  'open-space': ['in the park', 'playing field', 'by the river'],
  'health-care': ['hospital grounds', 'GP surgery'],
  'public-other': ['at work', 'leisure centre', 'festival'],
  unknown: ['not stated', ''],
};

const OTHER_METHODS = [
  'kicked while on the ground',
  'bitten',
  'pushed over',
  'hit with a chair',
  'strangled',
];

export interface SyntheticAttendance {
  site: string;
  arrivalUtcMs: number;
  assaultUtcMs: number;
  assaultTimeKnown: boolean;
  locationType: LocationType;
  description: string;
  method: AssaultMethod;
  methodOther: string;
  reportedToPolice: boolean;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function nearestSite(rng: Random, anchor: PoliceUkAnchor): string {
  const lon = Number(anchor.longitude);
  const lat = Number(anchor.latitude);
  if (anchor.longitude === '' || !Number.isFinite(lon) || !Number.isFinite(lat)) {
    return SYNTHETIC_SITES[rng.int(0, SYNTHETIC_SITES.length - 1)]!.code;
  }
  let best: string = SYNTHETIC_SITES[0].code;
  let bestD = Infinity;
  for (const s of SYNTHETIC_SITES) {
    const d = ((s.lon - lon) * Math.cos((lat * Math.PI) / 180)) ** 2 + (s.lat - lat) ** 2;
    if (d < bestD) {
      bestD = d;
      best = s.code;
    }
  }
  return best;
}

function drawMethod(rng: Random, knife: boolean): AssaultMethod {
  if (knife) return 'knife-sharp';
  const { 'knife-sharp': _k, ...others } = ISTV.methodWeights;
  return rng.pick(others);
}

function arrivalAfter(rng: Random, assaultUtcMs: number): number {
  const band = rng.pickIndex(ISTV.arrivalDelay);
  const [lo, hi] = [
    [10, 60],
    [60, 180],
    [180, 720],
    [720, 2880],
  ][band]!;
  return assaultUtcMs + rng.int(lo!, hi!) * 60_000;
}

/** The synthetic attendances for these anchors and seed (same seed as the force extract). */
export function synthesiseIstvAttendances(
  anchors: readonly PoliceUkAnchor[],
  options: SynthOptions,
): SyntheticAttendance[] {
  const incidents = synthesiseForceIncidents(anchors, options);
  const rng = seededRandom((options.seed ^ 0x5eed157) >>> 0);
  const out: SyntheticAttendance[] = [];
  const unreportedPerReported = (1 - ISTV.reportedShare) / ISTV.reportedShare;
  for (const incident of incidents) {
    const share = ISTV.attendShare[incident.offence.code];
    if (share === undefined || !rng.chance(share)) continue;
    const site = nearestSite(rng, incident.anchor);
    const timeKnown = incident.from.time !== null;
    const assaultUtcMs = timeKnown
      ? incident.fromUtcMs
      : incident.fromUtcMs + rng.int(10 * 60, 23 * 60) * 60_000;
    const method = drawMethod(rng, incident.knife);
    const descriptions = DESCRIPTIONS[incident.locationType];
    out.push({
      site,
      arrivalUtcMs: arrivalAfter(rng, assaultUtcMs),
      assaultUtcMs,
      assaultTimeKnown: timeKnown,
      locationType: incident.locationType,
      description: descriptions[rng.int(0, descriptions.length - 1)]!,
      method,
      methodOther: method === 'other' ? OTHER_METHODS[rng.int(0, OTHER_METHODS.length - 1)]! : '',
      reportedToPolice: true,
    });
    // The assaults this department sees that police never hear of: same month, same site.
    const n = Math.floor(unreportedPerReported) + (rng.chance(unreportedPerReported % 1) ? 1 : 0);
    const [y, m] = incident.anchor.month.split('-').map(Number) as [number, number];
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    for (let k = 0; k < n; k++) {
      const day = rng.int(1, days);
      const weekendNight = rng.chance(0.45);
      const hour = weekendNight ? [22, 23, 0, 1, 2, 3][rng.int(0, 5)]! : rng.int(8, 23);
      const local = londonToUtc({
        year: y,
        month: m,
        day,
        hour,
        minute: rng.int(0, 59),
        second: 0,
      });
      const locationType = rng.pick(ISTV.unreportedLocations as Record<LocationType, number>);
      const method2 = drawMethod(rng, rng.chance(ISTV.methodWeights['knife-sharp']));
      const texts = DESCRIPTIONS[locationType];
      out.push({
        site,
        arrivalUtcMs: arrivalAfter(rng, local.utcMs),
        assaultUtcMs: local.utcMs,
        assaultTimeKnown: rng.chance(0.85),
        locationType,
        description: texts[rng.int(0, texts.length - 1)]!,
        method: method2,
        methodOther:
          method2 === 'other' ? OTHER_METHODS[rng.int(0, OTHER_METHODS.length - 1)]! : '',
        reportedToPolice: false,
      });
    }
  }
  // The file covers the months of its anchors. An assault late on the last night of a month
  // can arrive in the next: kept when that month is one of them, else left out, rather than
  // making a month of a handful of attendances that police records do not cover.
  const months = new Set(anchors.map((a) => a.month));
  const covered = out.filter((a) => {
    const l = utcToLondon(a.arrivalUtcMs);
    return months.has(`${l.year}-${pad(l.month)}`);
  });
  covered.sort(
    (a, b) => a.arrivalUtcMs - b.arrivalUtcMs || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0),
  );
  return covered;
}

function localParts(utcMs: number): { date: string; time: string } {
  const l = utcToLondon(utcMs);
  return {
    date: `${pad(l.day)}/${pad(l.month)}/${l.year}`,
    time: `${pad(l.hour)}:${pad(l.minute)}`,
  };
}

/** The synthetic ISTV file as CSV text (CRLF), in the layout of the istv-minimum-data-set mapping. */
export function synthIstv(
  anchors: readonly PoliceUkAnchor[],
  options: SynthOptions,
): { text: string; rows: number; attendances: SyntheticAttendance[] } {
  const attendances = synthesiseIstvAttendances(anchors, options);
  const lines = [csvLine(SYNTHETIC_ISTV_HEADER)];
  for (const a of attendances) {
    const arrival = localParts(a.arrivalUtcMs);
    const assault = localParts(a.assaultUtcMs);
    lines.push(
      csvLine([
        a.site,
        arrival.date,
        arrival.time,
        assault.date,
        a.assaultTimeKnown ? assault.time : '',
        ISTV_LOCATION_LABELS[a.locationType],
        a.description,
        METHOD_LABELS[a.method],
        a.methodOther,
        SYNTHETIC_MARK,
      ]),
    );
  }
  return { text: `${lines.join('\r\n')}\r\n`, rows: attendances.length, attendances };
}
