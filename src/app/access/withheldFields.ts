/**
 * Record fields an agreement withholds, kept out of the live answers as well as out of single
 * records (docs/decisions/0074-sign-in-and-enforcement.md). Of the fields an agreement may
 * withhold, the one the live answers carry is the location text: the street an LSOA's or a
 * hotspot cell's records name most (`street`) and the label of a repeat location. The rest
 * (exact ages, offence descriptions, coordinates, crime references) are never in an answer
 * other than a single record's, which such readers are refused.
 */

/** The answer with the location text of every place and repeat location replaced by null. */
export function withholdLocationText(answer: unknown): unknown {
  return strip(answer, false);
}

function strip(value: unknown, inRepeatLocations: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, inRepeatLocations));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'street' || (inRepeatLocations && key === 'label')) out[key] = null;
    else out[key] = strip(v, inRepeatLocations || key === 'repeatLocations');
  }
  return out;
}

/** Whether the live answers of a reader must go without the location text. */
export function withholdsLocationText(fieldsWithheld: readonly string[]): boolean {
  return fieldsWithheld.includes('location_text');
}
