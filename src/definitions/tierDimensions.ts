/**
 * Dimensions that `svd counts` gains with `--definition`: the tier of each incident under one
 * classified definition version, every tier it is in, and the rules it matched. They join the
 * stored classification; incidents ingested after it show as "unclassified".
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { usageError } from '../core/errors.js';
import type { Dimension } from '../core/dimension.js';

const CLASSIFICATION = `LEFT JOIN incident_classifications ic
    ON ic.incident_id = i.id AND ic.definition_id = $cls_id AND ic.version = $cls_version`;
const PATTERN = `LEFT JOIN classification_patterns cp
    ON cp.definition_id = ic.definition_id AND cp.version = ic.version AND cp.mask = ic.mask`;
const unnested = (alias: string, column: string): string => `LEFT JOIN (
    SELECT definition_id, version, mask,
      unnest(CASE WHEN len(${column}) = 0 THEN [NULL] ELSE ${column} END) AS value
    FROM classification_patterns) ${alias}
    ON ${alias}.definition_id = cp.definition_id AND ${alias}.version = cp.version
      AND ${alias}.mask = cp.mask`;

/**
 * A record matches several tiers (or rules) of the pattern its classification points to: a filter
 * of several of them asks whether any is among the values, once per record. A pattern with none
 * takes its status (none, excluded, no-data), an unclassified record "unclassified", as the join.
 */
const anyOfList = (column: string): NonNullable<Dimension['several']> => ({
  join: column,
  requires: ['classification', 'pattern'],
  anyOf: (values) =>
    `list_has_any(CASE WHEN coalesce(len(cp.${column}), 0) = 0
       THEN [coalesce(cp.status, 'unclassified')] ELSE cp.${column} END, [${values.join(', ')}])`,
  none: 'false',
});

export const TIER_DIMENSIONS: readonly Dimension[] = [
  {
    name: 'tier',
    description:
      'tier under --definition: the first tier matched, else none, excluded, no-data (carries none of the fields the definition reads) or unclassified',
    sql: `coalesce(cp.tier, cp.status, 'unclassified')`,
    joins: { classification: CLASSIFICATION, pattern: PATTERN },
    requires: ['classification', 'pattern'],
    unmatched: 'unclassified',
  },
  {
    name: 'matched_tier',
    description:
      'every tier a record is in under --definition (a record counts once per tier: the rows overlap, their total counts it once)',
    sql: `coalesce(cpt.value, cp.status, 'unclassified')`,
    joins: { classification: CLASSIFICATION, pattern: PATTERN, tiers: unnested('cpt', 'tiers') },
    requires: ['classification', 'pattern'],
    unmatched: 'unclassified',
    several: anyOfList('tiers'),
  },
  {
    name: 'rule',
    description:
      'every rule a record matched under --definition, exclusions included (a record counts once per rule: the rows overlap, their total counts it once)',
    sql: `coalesce(cpr.value, cp.status, 'unclassified')`,
    joins: { classification: CLASSIFICATION, pattern: PATTERN, rules: unnested('cpr', 'rules') },
    requires: ['classification', 'pattern'],
    unmatched: 'unclassified',
    several: anyOfList('rules'),
  },
];

export const TIER_DIMENSION_NAMES: readonly string[] = TIER_DIMENSIONS.map((d) => d.name);

export function tierParams(id: string, version: number): Record<string, DuckDBValue> {
  return { cls_id: id, cls_version: version };
}

/**
 * Refuses a tier dimension named without a definition: the person named a tier, which exists only
 * under a definition, not a dimension unknown. Asked of the names as written (`--by`, the names of
 * `--where`), before they are parsed against the dimensions, which without a definition hold no
 * tier. `option` is how the definition is given where the names were written.
 */
export function refuseTiersWithoutDefinition(
  names: readonly string[],
  definition: string | undefined,
  option = '--definition',
): void {
  const tier = names.find((n) => TIER_DIMENSION_NAMES.includes(n.trim()));
  if (definition === undefined && tier !== undefined)
    throw usageError(
      'NEEDS_DEFINITION',
      `${tier.trim()} needs ${option}: tiers exist only under a definition`,
      `add e.g. ${option}${option.endsWith('=') ? '' : ' '}thames-valley-vru (svd definitions list shows those classified)`,
    );
}

/** The dimension names of `--where` arguments (DIM=VALUE) as written. */
export const whereNames = (args: readonly string[]): string[] =>
  args.map((w) => w.split('=')[0]!.trim());

/** matched_tier and rule each count a record several times; together they would pair wrongly. */
export function checkTierDimensions(names: readonly string[]): void {
  if (names.includes('matched_tier') && names.includes('rule'))
    throw usageError(
      'BAD_BY',
      'matched_tier and rule cannot be used together (each counts a record once per tier or rule)',
      'count by one of them at a time, e.g. --by rule',
    );
}
