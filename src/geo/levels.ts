/**
 * The area levels svd knows, smallest first, with what their ONS codes look like. LSOAs come in
 * two vintages (2011 and 2021); the other levels are whatever boundaries or lookups were loaded.
 */
import { usageError } from '../core/errors.js';

export const LEVELS = ['lsoa11', 'lsoa21', 'msoa', 'ward', 'district', 'csp', 'force'] as const;
export type Level = (typeof LEVELS)[number];

/** Levels an LSOA belongs to through the hierarchy (plus its IMD decile). */
export const PARENT_LEVELS = ['msoa', 'ward', 'district', 'csp', 'force', 'imd_decile'] as const;
export type ParentLevel = (typeof PARENT_LEVELS)[number];

/**
 * The dimension that selects an area of a parent level by its name, if any. `force` is the record's
 * own police.uk slug (the force that published it, `i.force`), so the placed force area has no name
 * dimension: it is selected by `force_code`, whose codes are the same slugs where the area comes
 * from the configuration.
 */
export function areaNameDimension(level: ParentLevel): string | undefined {
  return level === 'force' ? undefined : level;
}

/** Every level rates and counts can be given by. */
export const AREA_LEVELS = ['lsoa11', 'lsoa21', ...PARENT_LEVELS] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const LEVEL_DESCRIPTIONS: Record<AreaLevel, string> = {
  lsoa11: 'LSOA, 2011 boundaries',
  lsoa21: 'LSOA, 2021 boundaries',
  msoa: 'MSOA',
  ward: 'electoral ward (LSOAs by best fit)',
  district: 'local authority district',
  csp: 'community safety partnership',
  force: 'police force area',
  imd_decile: 'IMD 2019 decile of the LSOA (1 = most deprived)',
};

/** ONS code prefixes expected at each level (England, Wales). */
export const CODE_PREFIXES: Record<Level, readonly string[]> = {
  lsoa11: ['E01', 'W01'],
  lsoa21: ['E01', 'W01'],
  msoa: ['E02', 'W02'],
  ward: ['E05', 'W05'],
  district: ['E06', 'E07', 'E08', 'E09', 'W06', 'S12', 'N09'],
  csp: ['E22', 'W22'],
  force: ['E23', 'W15'],
};

export function parseLevel(value: string, allowed: readonly string[] = LEVELS): Level {
  if (!allowed.includes(value))
    throw usageError(
      'UNKNOWN_LEVEL',
      `unknown level "${value}"`,
      `use one of: ${allowed.join(', ')}`,
    );
  return value as Level;
}

export function parseAreaLevel(value: string): AreaLevel {
  if (!(AREA_LEVELS as readonly string[]).includes(value))
    throw usageError(
      'UNKNOWN_LEVEL',
      `unknown level "${value}"`,
      `use one of: ${AREA_LEVELS.join(', ')}`,
    );
  return value as AreaLevel;
}
