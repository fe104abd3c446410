/**
 * Layout `iod2025`: the English Indices of Deprivation 2025 as the IMD R package writes them — an
 * LSOA 2021 file (`lsoa21_code` and one column per score, rank, decile or underlying indicator)
 * or the local authority district summaries (`ltla24_code`, `ltla24_name`). Every column other
 * than the code and name is an indicator `iod2025/<column>`, period 2025. Polarity: ranks and
 * deciles are higher-is-better (1 = most deprived); scores, rates, numerators, proportions and
 * underlying indicators higher-is-worse.
 */
import type { Workspace } from '../../store/openWorkspace.js';
import { humanise } from './loadEes.js';
import { OGL, type IndicatorMeta, type Polarity } from './indicatorTypes.js';
import { sqlText } from '../../core/sqlText.js';
import { quoteIdent, type IndicatorSource } from './indicatorSource.js';
import { STAGE } from './storeIndicatorValues.js';

export const IOD_CODE_COLUMNS = ['lsoa21_code', 'ltla24_code'] as const;
const NAME_COLUMNS = new Set(['ltla24_name', 'lsoa21_name']);

export function iodPolarity(column: string): Polarity {
  if (/rank|decile/i.test(column)) return 'higher-is-better';
  if (/score|rate|numerator|indicator|proportion|extent|concentration|scale|ratio/i.test(column))
    return 'higher-is-worse';
  return 'unknown';
}

function iodUnit(column: string): string | null {
  if (/decile/i.test(column)) return 'decile (1 = most deprived 10%)';
  if (/rank/i.test(column)) return 'rank (1 = most deprived)';
  if (/rate_per_1_000/i.test(column)) return 'rate per 1,000';
  if (/percent/i.test(column)) return '%';
  if (/proportion/i.test(column)) return 'proportion';
  if (/numerator/i.test(column)) return 'count';
  if (/score/i.test(column)) return 'score';
  return null;
}

export async function stageIod2025(
  ws: Workspace,
  source: IndicatorSource,
): Promise<{ meta: IndicatorMeta[]; announce: string; level: string }> {
  const { file, header } = source;
  const code = header.find((h) => (IOD_CODE_COLUMNS as readonly string[]).includes(h))!;
  const name = header.find((h) => NAME_COLUMNS.has(h));
  const measures = header.filter((h) => h !== code && h !== name);
  for (const m of measures)
    await ws.db.run(
      `INSERT INTO ${STAGE}
         SELECT line, ${sqlText(`iod2025/${m}`)}, ${sqlText(code)}, ${quoteIdent(code)}, NULL,
                ${name === undefined ? 'NULL' : quoteIdent(name)}, '2025', '', '', ${sqlText(m)},
                CAST(${quoteIdent(m)} AS VARCHAR), NULL, NULL, NULL, NULL
           FROM ${source.rows}`,
      { file },
    );
  const meta = measures.map((m): IndicatorMeta => ({
    indicatorId: `iod2025/${m}`,
    name: humanise(m),
    definition: `English Indices of Deprivation 2025: ${humanise(m)} (${code === 'ltla24_code' ? 'local authority district summary' : 'LSOA 2021'})`,
    unit: iodUnit(m),
    polarity: iodPolarity(m),
    publisher: 'MHCLG',
    licence: OGL,
    periodType: 'index year',
    topic: 'deprivation',
    disclosure: 'published',
  }));
  const level = code === 'ltla24_code' ? 'district' : 'lsoa21';
  return {
    meta,
    level,
    announce: `${measures.length} indicators by ${code} (level ${level}), period 2025`,
  };
}
