/**
 * Layout `ees`: a DfE Explore Education Statistics tidy CSV. The standard columns say the time
 * and the area; every other column whose values are numbers or suppression markers is a measure
 * (an indicator `<file stem>/<column>`), the rest are filters, and a filter with more than one
 * value makes the `breakdown` (`population_type=Children looked after on 31 March each year`).
 * National rows are `country`, regional rows `region`, local authority rows `county` (upper tier).
 */
import path from 'node:path';
import type { Workspace } from '../../store/openWorkspace.js';
import { OGL, type IndicatorMeta, type IndicatorWarning } from './indicatorTypes.js';
import { sqlText } from '../../core/sqlText.js';
import { quoteIdent, type IndicatorSource } from './indicatorSource.js';
import { createLaNumberTable } from './dfeLaNumbers.js';
import { STAGE, isBadNumberSql, isMissingSql } from './storeIndicatorValues.js';

export const EES_REQUIRED = ['time_period', 'time_identifier', 'geographic_level'] as const;

/** Columns of the EES standard (time and geography), never measures or filters. */
const EES_STANDARD = new Set([
  'time_period',
  'time_identifier',
  'geographic_level',
  'country_code',
  'country_name',
  'region_code',
  'region_name',
  'old_la_code',
  'new_la_code',
  'la_name',
  'lad_code',
  'lad_name',
  'pcon_code',
  'pcon_name',
  'lsip_code',
  'lsip_name',
  'local_enterprise_partnership_code',
  'local_enterprise_partnership_name',
  'english_devolved_area_code',
  'english_devolved_area_name',
  'opportunity_area_code',
  'opportunity_area_name',
  'ward_code',
  'ward_name',
  'rsc_region_lead_name',
  'school_urn',
  'school_laestab',
  'school_name',
  'trust_id',
  'trust_name',
  'sponsor_id',
  'sponsor_name',
  'provider_ukprn',
  'provider_name',
  'institution_id',
  'institution_name',
  'planning_area_code',
  'planning_area_name',
]);

/** "Anypoint_child" → "Anypoint child"; "rate_per_10000" → "Rate per 10000". */
export function humanise(column: string): string {
  const words = column.replace(/_+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function unitOf(column: string): string | null {
  const rate = /rate_per_?(\d+)/i.exec(column);
  if (rate !== null) return `rate per ${Number(rate[1]).toLocaleString('en-GB')}`;
  if (/percent|_pct$|percentage/i.test(column)) return '%';
  if (/(^|_)(count|number|episodes|child|children|cohort)($|_)/i.test(column)) return 'count';
  return null;
}

export async function stageEes(
  ws: Workspace,
  source: IndicatorSource,
): Promise<{ meta: IndicatorMeta[]; warnings: IndicatorWarning[]; announce: string }> {
  const { file, header } = source;
  const stem = path.basename(file).replace(/\.csv(\.gz)?$/i, '');
  const candidates = header.filter((h) => !EES_STANDARD.has(h.toLowerCase()));
  // A column is a measure when its cells are numbers or markers, allowing a few bad cells (1 in
  // 100 numbers) so that a typing error is refused rather than turning a measure into a filter.
  const counts = (await ws.db.one<Record<string, number>>(
    `SELECT ${candidates
      .flatMap((c, i) => [
        `count(*) FILTER (WHERE NOT ${isMissingSql(quoteIdent(c))} AND NOT ${isBadNumberSql(quoteIdent(c))}) AS n${i}`,
        `count(*) FILTER (WHERE ${isBadNumberSql(quoteIdent(c))}) AS b${i}`,
        `count(DISTINCT ${quoteIdent(c)}) AS d${i}`,
      ])
      .join(', ')} FROM ${source.rows}`,
    { file },
  ))!;
  const measures: string[] = [];
  const filters: string[] = [];
  candidates.forEach((c, i) => {
    const numbers = counts[`n${i}`]!;
    const bad = counts[`b${i}`]!;
    if (bad === 0 || (numbers > 0 && bad <= Math.max(1, numbers / 100))) measures.push(c);
    else filters.push(c);
  });
  const varying = filters.filter((c, _) => counts[`d${candidates.indexOf(c)}`]! > 1);
  const constant = filters.filter((c) => !varying.includes(c));
  const breakdown =
    varying.length === 0
      ? `''`
      : `concat_ws('; ', ${varying.map((c) => `${sqlText(`${c}=`)} || coalesce(${quoteIdent(c)}, '')`).join(', ')})`;
  const headerHas = (c: string): boolean => header.includes(c);
  const col = (c: string): string => (headerHas(c) ? quoteIdent(c) : 'NULL');
  const level = `lower(trim(geographic_level))`;
  // A local authority row without new_la_code is placed by its DfE number, when known.
  const byNumber = headerHas('old_la_code') && headerHas('new_la_code');
  if (byNumber) await createLaNumberTable(ws);
  const laCode = byNumber
    ? `CASE WHEN nullif(trim(new_la_code), '') IS NULL
         THEN (SELECT ons_code FROM ind_la WHERE la_number = TRY_CAST(trim(old_la_code) AS INTEGER)) END`
    : 'NULL';
  const laPublished = byNumber
    ? `coalesce(nullif(trim(new_la_code), ''), trim(old_la_code))`
    : col('new_la_code');
  for (const m of measures) {
    await ws.db.run(
      `INSERT INTO ${STAGE}
         SELECT line, ${sqlText(`${stem}/${m}`)},
                CASE ${level} WHEN 'national' THEN 'country_code' WHEN 'regional' THEN 'region_code' ELSE 'new_la_code' END,
                CASE ${level} WHEN 'national' THEN ${col('country_code')} WHEN 'regional' THEN ${col('region_code')}
                     ELSE ${laPublished} END,
                CASE ${level} WHEN 'local authority' THEN ${laCode} END,
                CASE ${level} WHEN 'national' THEN ${col('country_name')} WHEN 'regional' THEN ${col('region_name')}
                     ELSE ${col('la_name')} END,
                time_period, time_identifier, ${breakdown}, ${sqlText(m)}, ${quoteIdent(m)},
                NULL, NULL, NULL, NULL
           FROM ${source.rows}
          WHERE ${level} IN ('national', 'regional', 'local authority')`,
      { file },
    );
  }
  const warnings: IndicatorWarning[] = [];
  if (byNumber) {
    const placed =
      (await ws.db.value<number>(
        `SELECT count(*) FROM ${source.rows}
          WHERE ${level} = 'local authority' AND nullif(trim(new_la_code), '') IS NULL
            AND TRY_CAST(trim(old_la_code) AS INTEGER) IN (SELECT la_number FROM ind_la)`,
        { file },
      )) ?? 0;
    if (placed > 0)
      warnings.push({
        code: 'PLACED_BY_LA_NUMBER',
        message: `${placed} local authority rows without new_la_code placed by their old_la_code (reference/dfe-la-codes.csv)`,
        count: placed,
      });
  }
  const others = await ws.db.all<{ level: string; n: number }>(
    `SELECT geographic_level AS level, count(*) AS n FROM ${source.rows}
      WHERE lower(trim(geographic_level)) NOT IN ('national', 'regional', 'local authority')
      GROUP BY ALL ORDER BY 1`,
    { file },
  );
  for (const o of others)
    warnings.push({
      code: 'GEOGRAPHIC_LEVEL_NOT_KEPT',
      message: `${o.n} rows of geographic level ${JSON.stringify(o.level)} skipped (svd keeps National, Regional and Local authority)`,
      count: o.n,
    });
  const timeIdentifiers = (
    await ws.db.all<{ t: string }>(
      `SELECT DISTINCT trim(time_identifier) AS t FROM ${source.rows}
        WHERE nullif(trim(time_identifier), '') IS NOT NULL ORDER BY 1`,
      { file },
    )
  ).map((r) => r.t);
  const meta: IndicatorMeta[] = measures.map((m) => ({
    indicatorId: `${stem}/${m}`,
    name: humanise(m),
    definition: `${humanise(m)}, from the DfE statistics file ${stem}`,
    unit: unitOf(m),
    polarity: 'unknown',
    publisher: 'DfE',
    licence: OGL,
    periodType: timeIdentifiers.length === 0 ? null : timeIdentifiers.join(', '),
    topic: null,
    disclosure: 'published',
  }));
  return {
    meta,
    warnings,
    announce: `measures ${measures.join(', ')}; breakdown by ${varying.length === 0 ? 'nothing' : varying.join(', ')}${constant.length === 0 ? '' : ` (the same throughout: ${constant.join(', ')})`}`,
  };
}
