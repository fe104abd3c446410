/** The options every `svd analyse …` command takes to say which incidents it analyses. */
import type { Command } from 'commander';
import type { Selection } from '../analyses/selection/selection.js';
import { parseWhere } from '../analyses/counts/countIncidents.js';
import { DIMENSIONS } from '../analyses/selection/dimensions.js';
import {
  refuseTiersWithoutDefinition,
  TIER_DIMENSIONS,
  whereNames,
} from '../definitions/tierDimensions.js';
import type { CommonOptions } from './context.js';

export interface SelectionOptions extends CommonOptions {
  from?: string;
  to?: string;
  where?: string[];
  definition?: string;
  tier?: string;
  area?: string;
}

export const AREA_OPTION_HELP =
  'only incidents in this area: a bare code or name of any level (Oxford, E07000178, csp=oxford, thames-valley)';

export function addSelectionOptions(command: Command, options: { area?: boolean } = {}): Command {
  if (options.area !== false) command.option('--area <CODE|NAME|LEVEL=VALUE>', AREA_OPTION_HELP);
  return command
    .option('--from <YYYY-MM>', 'first month (default: the first month held)')
    .option('--to <YYYY-MM>', 'last month (default: the last month held)')
    .option(
      '--where <DIM=VALUE>',
      'filter on any counts dimension, e.g. district=Oxford, source=force-extract (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--definition <ID[@VERSION]|FILE>', 'a classified definition (needed for --tier)')
    .option('--tier <TIER>', 'only incidents in this tier under --definition, e.g. primary')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print { result, params, warnings } as JSON')
    .option('--quiet', 'no progress or announcements');
}

export function selectionFromOptions(
  options: SelectionOptions,
  /** `area: false` for a command whose --area means something else (hotspots: the area mapped). */
  use: { area?: boolean } = {},
): Selection {
  refuseTiersWithoutDefinition(
    [...whereNames(options.where ?? []), ...(options.tier === undefined ? [] : ['tier'])],
    options.definition,
  );
  const dimensions =
    options.definition === undefined ? DIMENSIONS : [...DIMENSIONS, ...TIER_DIMENSIONS];
  const where = parseWhere(
    [...(options.where ?? []), ...(options.tier === undefined ? [] : [`tier=${options.tier}`])],
    dimensions,
  );
  return {
    ...(options.from === undefined ? {} : { from: options.from }),
    ...(options.to === undefined ? {} : { to: options.to }),
    where,
    ...(options.definition === undefined ? {} : { definition: options.definition }),
    ...(options.area === undefined || use.area === false ? {} : { area: options.area }),
  };
}
