/**
 * Police forces as police.uk names them: the slug used in its file names and API, and the name
 * in the "Reported by" / "Falls within" columns.
 */
export const POLICE_UK_FORCES: Readonly<Record<string, string>> = {
  'avon-and-somerset': 'Avon and Somerset Constabulary',
  bedfordshire: 'Bedfordshire Police',
  btp: 'British Transport Police',
  cambridgeshire: 'Cambridgeshire Constabulary',
  cheshire: 'Cheshire Constabulary',
  'city-of-london': 'City of London Police',
  cleveland: 'Cleveland Police',
  cumbria: 'Cumbria Constabulary',
  derbyshire: 'Derbyshire Constabulary',
  'devon-and-cornwall': 'Devon & Cornwall Police',
  dorset: 'Dorset Police',
  durham: 'Durham Constabulary',
  'dyfed-powys': 'Dyfed-Powys Police',
  essex: 'Essex Police',
  gloucestershire: 'Gloucestershire Constabulary',
  'greater-manchester': 'Greater Manchester Police',
  gwent: 'Gwent Police',
  hampshire: 'Hampshire Constabulary',
  hertfordshire: 'Hertfordshire Constabulary',
  humberside: 'Humberside Police',
  kent: 'Kent Police',
  lancashire: 'Lancashire Constabulary',
  leicestershire: 'Leicestershire Police',
  lincolnshire: 'Lincolnshire Police',
  merseyside: 'Merseyside Police',
  metropolitan: 'Metropolitan Police Service',
  norfolk: 'Norfolk Constabulary',
  'north-wales': 'North Wales Police',
  'north-yorkshire': 'North Yorkshire Police',
  northamptonshire: 'Northamptonshire Police',
  northumbria: 'Northumbria Police',
  nottinghamshire: 'Nottinghamshire Police',
  'northern-ireland': 'Police Service of Northern Ireland',
  'south-wales': 'South Wales Police',
  'south-yorkshire': 'South Yorkshire Police',
  staffordshire: 'Staffordshire Police',
  suffolk: 'Suffolk Constabulary',
  surrey: 'Surrey Police',
  sussex: 'Sussex Police',
  'thames-valley': 'Thames Valley Police',
  warwickshire: 'Warwickshire Police',
  'west-mercia': 'West Mercia Police',
  'west-midlands': 'West Midlands Police',
  'west-yorkshire': 'West Yorkshire Police',
  wiltshire: 'Wiltshire Police',
};

const SLUG_BY_NAME = new Map(
  Object.entries(POLICE_UK_FORCES).map(([slug, name]) => [name.toLowerCase(), slug]),
);

/** The police.uk slug for a force name; unknown names are slugified (and flagged by the caller). */
export function forceSlugFromName(name: string): { slug: string; known: boolean } {
  const known = SLUG_BY_NAME.get(name.trim().toLowerCase());
  if (known !== undefined) return { slug: known, known: true };
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/\b(police service|constabulary|police)\b/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return { slug: slug === '' ? 'unknown' : slug, known: false };
}

export function isKnownForceSlug(slug: string): boolean {
  return Object.hasOwn(POLICE_UK_FORCES, slug);
}
