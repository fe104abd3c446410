/**
 * The canonical values of incident fields that more than one part of svd relies on: partner
 * data mappings translate into these, definitions match on them, analyses group by them.
 */

/** Flags of an incident, each stored as a nullable BOOLEAN column `flag_<name>` (null = not known). */
export const INCIDENT_FLAGS = [
  'knife',
  'firearm',
  'domestic',
  'county_lines',
  'drug_related',
  'alcohol',
  'night_time_economy',
] as const;
export type IncidentFlag = (typeof INCIDENT_FLAGS)[number];
export const flagColumn = (flag: IncidentFlag): string => `flag_${flag}`;

/** Sex of a victim or suspect as stored (`victim_sex`, `suspect_sex`). */
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

/**
 * Age bands are stored as text: 'A-B' (both inclusive, e.g. '18-24') or 'A+' (e.g. '65+').
 * An exact age, when known, is stored as well (`victim_age`, `suspect_age`).
 */
export const AGE_BAND_PATTERN = /^(\d{1,3})(?:-(\d{1,3})|\+)$/;

export function parseAgeBand(band: string): { min: number; max: number | null } | undefined {
  const m = AGE_BAND_PATTERN.exec(band);
  if (m === null) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? null : Number(m[2]);
  if (max !== null && max < min) return undefined;
  return { min, max };
}

/** Where an incident happened, and whether that place is public or private. */
export const LOCATION_TYPES = {
  dwelling: 'private',
  'private-other': 'private',
  street: 'public',
  'licensed-premises': 'public',
  'retail-commercial': 'public',
  education: 'public',
  transport: 'public',
  'open-space': 'public',
  'health-care': 'public',
  'public-other': 'public',
  unknown: 'unknown',
} as const;
export type LocationType = keyof typeof LOCATION_TYPES;

/**
 * Statutes as stored in `statute` when a force extract carries them, so that offences sharing a
 * Home Office code can be told apart (8N holds both s.20 GBH and s.47 ABH).
 */
export const STATUTES = {
  'OAPA1861-s18': 'Offences Against the Person Act 1861 s.18 (wounding / GBH with intent)',
  'OAPA1861-s20': 'Offences Against the Person Act 1861 s.20 (wounding / inflicting GBH)',
  'OAPA1861-s47': 'Offences Against the Person Act 1861 s.47 (assault occasioning ABH)',
} as const;

/**
 * Age bands used when svd derives a band from an exact age (or from a date of birth); the break
 * at 18 and 25 serves the Home Office's "under 25" measures.
 */
export const STANDARD_AGE_BANDS = [
  '0-9',
  '10-17',
  '18-24',
  '25-34',
  '35-44',
  '45-54',
  '55-64',
  '65+',
] as const;

/** The standard band of an exact age in whole years ('18-24' for 19). */
const STANDARD_BAND_LIMITS = STANDARD_AGE_BANDS.map((band) => ({ band, ...parseAgeBand(band)! }));

export function ageBandOf(age: number): (typeof STANDARD_AGE_BANDS)[number] {
  for (const b of STANDARD_BAND_LIMITS) {
    if (age >= b.min && (b.max === null || age <= b.max)) return b.band;
  }
  return '0-9';
}

/**
 * How an assault was carried out, as recorded in emergency departments (the ISTV minimum data
 * set's "assault method"), stored in `ae_attendances.assault_method`.
 */
export const ASSAULT_METHODS = [
  'body-part',
  'knife-sharp',
  'blunt-object',
  'glass-bottle',
  'firearm',
  'other',
  'unknown',
] as const;
export type AssaultMethod = (typeof ASSAULT_METHODS)[number];
