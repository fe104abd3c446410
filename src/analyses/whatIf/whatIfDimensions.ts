/** The breakdowns of a what-if, apart from the analysis so that its help can list them cheaply. */
import { type Dimension } from '../../core/dimension.js';
import { DIMENSIONS } from '../selection/dimensions.js';

/** Breakdowns whatif offers beyond the count dimensions. */
export const WHATIF_DIMENSIONS: readonly Dimension[] = [
  {
    name: 'offence',
    description: 'Home Office offence code (labelled from the reference table)',
    sql: 'i.offence_code',
  },
  ...DIMENSIONS,
];

export const DEFAULT_WHATIF_BY = ['offence', 'month', 'lsoa_district'] as const;
