/**
 * Which feature property holds the area code, and which the name: the usual ONS names for the
 * level first (LSOA11CD, WD13CD, LAD19CD…), then generic ones (AREACD, areacd, code), then the
 * feature id. Only a property that every feature has, with distinct values, can be the code.
 */
import { SvdError } from '../core/errors.js';
import type { Level } from './levels.js';
import type { RawFeature } from './readBoundaryFile.js';

const LEVEL_CODE: Record<Level, RegExp> = {
  lsoa11: /^LSOA11CD$/i,
  lsoa21: /^LSOA21CD$/i,
  msoa: /^MSOA\d\dCD$/i,
  ward: /^WD\d\dCD$/i,
  district: /^(LAD|LTLA)\d\dCD$/i,
  csp: /^CSP\d\dCD$/i,
  force: /^PFA\d\dCD$/i,
};
const GENERIC_CODE = [
  /^(LSOA|MSOA|WD|LAD|LTLA|UTLA|CSP|PFA|CTYUA|CTY|OA)\d\dCD$/i,
  /^areacd$/i,
  /^(area_?)?code$/i,
  /^geo_?code$/i,
];
const ONS_CODE = /^[EWSNK]\d{8}$/;

export interface PropertyChoice {
  code: { property: string | undefined; source: 'option' | 'detected' | 'feature-id' };
  name: { property: string | undefined; source: 'option' | 'detected' | 'none' };
}

function propertyNames(features: RawFeature[]): string[] {
  const names = new Set<string>();
  for (const f of features.slice(0, 50)) for (const k of Object.keys(f.properties)) names.add(k);
  return [...names];
}

function usableAsCode(features: RawFeature[], property: string): boolean {
  const seen = new Set<string>();
  for (const f of features) {
    const v = f.properties[property];
    if ((typeof v !== 'string' && typeof v !== 'number') || String(v).trim() === '') return false;
    const s = String(v).trim();
    if (seen.has(s)) return false;
    seen.add(s);
  }
  return true;
}

const looksOns = (features: RawFeature[], property: string): boolean =>
  features.every((f) => ONS_CODE.test(String(f.properties[property]).trim()));

export function chooseProperties(
  file: string,
  features: RawFeature[],
  level: Level,
  given: { code?: string; name?: string },
): PropertyChoice {
  const names = propertyNames(features);
  let code: PropertyChoice['code'];
  if (given.code !== undefined) {
    if (!names.includes(given.code) || !usableAsCode(features, given.code))
      throw new SvdError({
        kind: 'usage',
        code: 'BAD_CODE_PROPERTY',
        message: names.includes(given.code)
          ? `property ${JSON.stringify(given.code)} is missing, empty or repeated in some features, so it cannot identify the areas`
          : `no feature property is called ${JSON.stringify(given.code)}`,
        location: { file, field: given.code },
        fix: `choose one of: ${names.join(', ')}`,
      });
    code = { property: given.code, source: 'option' };
  } else {
    const candidates = names.filter((n) => !/CDO$/i.test(n) && usableAsCode(features, n));
    const ranked = [LEVEL_CODE[level], ...GENERIC_CODE]
      .flatMap((re) => candidates.filter((n) => re.test(n)))
      .sort((a, b) => Number(looksOns(features, b)) - Number(looksOns(features, a)));
    const chosen = ranked[0];
    if (chosen !== undefined) code = { property: chosen, source: 'detected' };
    else if (
      features.every((f) => f.id !== undefined) &&
      new Set(features.map((f) => f.id)).size === features.length
    )
      code = { property: undefined, source: 'feature-id' };
    else
      throw new SvdError({
        kind: 'usage',
        code: 'NO_CODE_PROPERTY',
        message: `cannot tell which property holds the area codes (properties: ${names.join(', ') || 'none'})`,
        location: { file },
        fix: 'name it with --code-property, e.g. --code-property LSOA11CD',
      });
  }
  let name: PropertyChoice['name'];
  if (given.name !== undefined) {
    if (!names.includes(given.name))
      throw new SvdError({
        kind: 'usage',
        code: 'BAD_NAME_PROPERTY',
        message: `no feature property is called ${JSON.stringify(given.name)}`,
        location: { file, field: given.name },
        fix: `choose one of: ${names.join(', ')}`,
      });
    name = { property: given.name, source: 'option' };
  } else {
    const twin = code.property?.replace(/CD$/i, (m) => (m === 'CD' ? 'NM' : 'nm'));
    const candidates = [
      ...(twin !== undefined && twin !== code.property ? [twin] : []),
      ...names.filter((n) => /^(LSOA|MSOA|WD|LAD|LTLA|CSP|PFA)\d\dNM$/i.test(n)),
      ...names.filter((n) => /^areanm$/i.test(n)),
      ...names.filter((n) => /^(area_?)?name$/i.test(n)),
    ];
    const chosen = candidates.find((n) => names.includes(n));
    name =
      chosen === undefined
        ? { property: undefined, source: 'none' }
        : { property: chosen, source: 'detected' };
  }
  return { code, name };
}

export function featureCode(f: RawFeature, choice: PropertyChoice): string {
  return choice.code.property === undefined
    ? String(f.id)
    : String(f.properties[choice.code.property]).trim();
}

export function featureName(f: RawFeature, choice: PropertyChoice): string | null {
  if (choice.name.property === undefined) return null;
  const v = f.properties[choice.name.property];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}
