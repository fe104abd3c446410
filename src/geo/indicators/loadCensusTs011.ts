/**
 * Layout `census-ts011`: Census 2021 TS011, households by number of dimensions of deprivation,
 * long (five rows per LSOA 2021: 0 to 4 dimensions). Stored per LSOA: the households in each
 * number of dimensions (breakdown `dimensions=N`, value and numerator the count, denominator the
 * LSOA's total, the sum of its five rows), and one derived indicator — the share of households
 * deprived in one or more dimensions (%), with its numerator and denominator.
 */
import type { Workspace } from '../../store/openWorkspace.js';
import { OGL, type IndicatorMeta } from './indicatorTypes.js';
import { type IndicatorSource } from './indicatorSource.js';
import { STAGE, numberSql } from './storeIndicatorValues.js';

export const TS011_REQUIRED = [
  'lsoa21_code',
  'households_number_deprivation_dimensions',
  'count',
] as const;
export const TS011_HOUSEHOLDS = 'census2021/ts011_households_by_deprivation_dimensions';
export const TS011_DEPRIVED_SHARE = 'census2021/ts011_households_deprived_one_or_more_dimensions';

export async function stageCensusTs011(
  ws: Workspace,
  source: IndicatorSource,
): Promise<{ meta: IndicatorMeta[]; announce: string }> {
  const { file } = source;
  const count = numberSql('CAST("count" AS VARCHAR)');
  const dims = `trim(CAST(households_number_deprivation_dimensions AS VARCHAR))`;
  await ws.db.run(
    `INSERT INTO ${STAGE}
       SELECT line, '${TS011_HOUSEHOLDS}', 'lsoa21_code', lsoa21_code, NULL, NULL, '2021', 'census',
              'dimensions=' || ${dims}, 'count', CAST("count" AS VARCHAR), NULL, NULL,
              CAST("count" AS VARCHAR),
              CAST(sum(${count}) OVER (PARTITION BY lsoa21_code) AS VARCHAR)
         FROM ${source.rows}`,
    { file },
  );
  // Derived: the share deprived in one or more dimensions; the line is the LSOA's first row.
  await ws.db.run(
    `INSERT INTO ${STAGE}
       SELECT min(line), '${TS011_DEPRIVED_SHARE}', 'lsoa21_code', lsoa21_code, NULL, NULL, '2021',
              'census', '',
              'count', CAST(round(100 * sum(${count}) FILTER (WHERE ${dims} <> '0') / nullif(sum(${count}), 0), 4) AS VARCHAR),
              NULL, NULL,
              CAST(sum(${count}) FILTER (WHERE ${dims} <> '0') AS VARCHAR), CAST(sum(${count}) AS VARCHAR)
         FROM ${source.rows} GROUP BY lsoa21_code`,
    { file },
  );
  const common = {
    publisher: 'ONS (Census 2021)',
    licence: OGL,
    periodType: 'census day (21 March 2021)',
    topic: 'deprivation',
    disclosure: 'published' as const,
  };
  return {
    meta: [
      {
        indicatorId: TS011_HOUSEHOLDS,
        name: 'Households by number of dimensions of deprivation',
        definition:
          'Census 2021 TS011: households deprived in 0, 1, 2, 3 or 4 of the dimensions employment, education, health and disability, and housing (breakdown dimensions=N); denominator: all households of the LSOA (the sum of its five rows). Counts are perturbed by ONS for disclosure control.',
        unit: 'households',
        polarity: 'neutral',
        ...common,
      },
      {
        indicatorId: TS011_DEPRIVED_SHARE,
        name: 'Households deprived in one or more dimensions (%)',
        definition:
          'Derived by svd from Census 2021 TS011: households deprived in at least one dimension (numerator: the rows with 1 to 4 dimensions) as a percentage of all households (denominator: the sum of the five rows).',
        unit: '%',
        polarity: 'higher-is-worse',
        ...common,
      },
    ],
    announce: `households by number of dimensions (0–4) per LSOA 2021, and the derived share deprived in one or more dimensions (%)`,
  };
}
