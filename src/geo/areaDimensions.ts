/**
 * The area levels as `svd counts` dimensions. Each joins the incident's placement (its LSOA of
 * the counting vintage, see placeIncidents) to that LSOA's area at the level. A record counts once
 * per level, except for partnerships, which nest: a record in South Oxfordshire counts in both its
 * district partnership and the county-wide one. A filter of partnerships is then a semi-join, so
 * that such a record counts once (`several`).
 */
import type { Dimension } from '../core/dimension.js';
import {
  areaNameDimension,
  LEVEL_DESCRIPTIONS,
  PARENT_LEVELS,
  type ParentLevel,
} from './levels.js';

const PLACES = 'LEFT JOIN incident_places p ON p.incident_id = i.id';

/** The levels whose areas nest, so that a record may be in several areas of the level. */
const NESTING_LEVELS: readonly string[] = ['csp'];

function parentDimensions(level: ParentLevel): Dimension[] {
  const m = `m_${level}`;
  const a = `a_${level}`;
  const member = (alias: string): string =>
    `${alias}.lsoa_vintage = p.base_vintage AND ${alias}.lsoa_code = p.base_code AND ${alias}.level = '${level}' AND ${alias}.is_primary`;
  const named = (alias: string, membership: string): string =>
    `LEFT JOIN geo_area_list ${alias} ON ${alias}.level = '${level}' AND ${alias}.code = ${membership}.area_code`;
  const joins = {
    places: PLACES,
    [m]: `LEFT JOIN geo_memberships ${m} ON ${member(m)}`,
    [a]: named(a, m),
  };
  // The same values found by a subquery of the record's memberships (aliases of their own).
  const w = `w_${level}`;
  const wa = `wa_${level}`;
  const nests = NESTING_LEVELS.includes(level);
  const memberships = `SELECT 1 FROM geo_memberships ${w}`;
  const several = (withName: boolean): NonNullable<Dimension['several']> => ({
    join: m,
    requires: ['places'],
    anyOf: (values) =>
      `EXISTS (${memberships}${withName ? ` ${named(wa, w)}` : ''} WHERE ${member(w)}
        AND ${withName ? `coalesce(${wa}.name, ${w}.area_code)` : `${w}.area_code`} IN (${values.join(', ')}))`,
    none: `NOT EXISTS (${memberships} WHERE ${member(w)})`,
  });
  const description = LEVEL_DESCRIPTIONS[level];
  const name = areaNameDimension(level);
  return [
    ...(name === undefined
      ? []
      : [
          {
            name,
            description: `${description}: name (needs boundaries or lookups; svd geo)`,
            sql: `coalesce(${a}.name, ${m}.area_code)`,
            joins,
            requires: ['places', m],
            ...(nests ? { several: several(true) } : {}),
          },
        ]),
    {
      name: `${level}_code`,
      description: `${description}: code`,
      sql: `${m}.area_code`,
      joins,
      requires: ['places', m],
      ...(nests ? { several: several(false) } : {}),
    },
  ];
}

export const AREA_DIMENSIONS: readonly Dimension[] = [
  {
    name: 'lsoa11',
    description: 'LSOA 2011 code: published, or by point in polygon (svd geo place)',
    sql: 'p.lsoa11_code',
    joins: { places: PLACES },
    requires: ['places'],
  },
  {
    name: 'lsoa21',
    description: 'LSOA 2021 code: published, by crosswalk or point in polygon',
    sql: 'p.lsoa21_code',
    joins: { places: PLACES },
    requires: ['places'],
  },
  {
    name: 'lsoa11_method',
    description: 'how the LSOA 2011 was found (published, point-in-polygon, nearest, outside…)',
    sql: 'p.lsoa11_method',
    joins: { places: PLACES },
    requires: ['places'],
  },
  {
    name: 'lsoa21_method',
    description: 'how the LSOA 2021 was found',
    sql: 'p.lsoa21_method',
    joins: { places: PLACES },
    requires: ['places'],
  },
  ...PARENT_LEVELS.flatMap(parentDimensions),
];

export const usesAreas = (names: readonly string[]): boolean =>
  names.some((n) => AREA_DIMENSIONS.some((d) => d.name === n));
