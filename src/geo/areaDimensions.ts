/**
 * The area levels as `svd counts` dimensions. Each joins the incident's placement (its LSOA of
 * the counting vintage, see placeIncidents) to that LSOA's area at the level. A record counts once
 * per level, except for partnerships, which nest: a record in South Oxfordshire counts in both its
 * district partnership and the county-wide one.
 */
import type { Dimension } from '../core/dimension.js';
import { LEVEL_DESCRIPTIONS, PARENT_LEVELS } from './levels.js';

const PLACES = 'LEFT JOIN incident_places p ON p.incident_id = i.id';

function parentDimensions(level: string): Dimension[] {
  const m = `m_${level}`;
  const a = `a_${level}`;
  const joins = {
    places: PLACES,
    [m]: `LEFT JOIN geo_memberships ${m} ON ${m}.lsoa_vintage = p.base_vintage AND ${m}.lsoa_code = p.base_code AND ${m}.level = '${level}' AND ${m}.is_primary`,
    [a]: `LEFT JOIN geo_area_list ${a} ON ${a}.level = '${level}' AND ${a}.code = ${m}.area_code`,
  };
  return [
    {
      name: level,
      description: `${LEVEL_DESCRIPTIONS[level as keyof typeof LEVEL_DESCRIPTIONS]}: name (needs boundaries or lookups; svd geo)`,
      sql: `coalesce(${a}.name, ${m}.area_code)`,
      joins,
      requires: ['places', m],
    },
    {
      name: `${level}_code`,
      description: `${LEVEL_DESCRIPTIONS[level as keyof typeof LEVEL_DESCRIPTIONS]}: code`,
      sql: `${m}.area_code`,
      joins,
      requires: ['places', m],
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
