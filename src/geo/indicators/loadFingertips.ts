/**
 * Layout `fingertips`: an OHID Fingertips CSV export (27 columns). One indicator per `Indicator
 * ID` (`fingertips/90284`); the area type gives the level (Counties & UAs: `county`); Sex, Age and
 * Category, where they vary, make the breakdown — the England-by-deprivation-decile rows are kept
 * as breakdowns of the England row (`<Category Type>=<Category>`). The 95% limits are lower and
 * upper, Count the numerator. Each distinct `Value note` is a counted warning of the batch.
 */
import type { Workspace } from '../../store/openWorkspace.js';
import { OGL, type IndicatorMeta, type IndicatorWarning } from './indicatorTypes.js';
import { quoteIdent, type IndicatorSource } from './indicatorSource.js';
import { STAGE } from './storeIndicatorValues.js';

export const FINGERTIPS_REQUIRED = [
  'Indicator ID',
  'Indicator Name',
  'Area Code',
  'Area Name',
  'Area Type',
  'Time period',
  'Value',
] as const;

export const FINGERTIPS_AUX = {
  lower: 'Lower CI 95.0 limit',
  upper: 'Upper CI 95.0 limit',
  numerator: 'Count',
  denominator: 'Denominator',
} as const;

export async function stageFingertips(
  ws: Workspace,
  source: IndicatorSource,
): Promise<{
  meta: IndicatorMeta[];
  warnings: IndicatorWarning[];
  upperTier: boolean;
  auxFields: Partial<Record<'lower' | 'upper' | 'numerator' | 'denominator', string>>;
  announce: string;
}> {
  const { file, header } = source;
  const has = (c: string): boolean => header.includes(c);
  const col = (c: string): string => (has(c) ? quoteIdent(c) : 'NULL');
  const varies = async (c: string): Promise<boolean> =>
    has(c) &&
    ((await ws.db.value<number>(`SELECT count(DISTINCT ${quoteIdent(c)}) FROM ${source.rows}`, {
      file,
    })) ?? 0) > 1;
  const parts: string[] = [];
  const labels: string[] = [];
  if (await varies('Sex')) {
    parts.push(`'sex=' || coalesce(${col('Sex')}, '')`);
    labels.push('sex');
  }
  if (await varies('Age')) {
    parts.push(`'age=' || coalesce(${col('Age')}, '')`);
    labels.push('age');
  }
  if (has('Category Type') && has('Category')) {
    labels.push('category');
    parts.push(
      `CASE WHEN nullif(trim(${col('Category Type')}), '') IS NOT NULL
            THEN ${col('Category Type')} || '=' || coalesce(${col('Category')}, '') END`,
    );
  }
  const breakdown = parts.length === 0 ? `''` : `concat_ws('; ', ${parts.join(', ')})`;
  const areaTypes = (
    await ws.db.all<{ t: string }>(
      `SELECT DISTINCT coalesce("Area Type", '') AS t FROM ${source.rows} ORDER BY 1`,
      { file },
    )
  ).map((r) => r.t);
  const upperTier = areaTypes.some((t) => /count(y|ies)|upper tier|\bUAs?\b.*\bcount/i.test(t));
  const auxFields = Object.fromEntries(
    Object.entries(FINGERTIPS_AUX).filter(([, name]) => has(name)),
  ) as Partial<Record<'lower' | 'upper' | 'numerator' | 'denominator', string>>;
  const aux = (k: keyof typeof FINGERTIPS_AUX): string =>
    auxFields[k] === undefined ? 'NULL' : quoteIdent(auxFields[k]);
  await ws.db.run(
    `INSERT INTO ${STAGE}
       SELECT line, 'fingertips/' || trim("Indicator ID"), 'Area Code', "Area Code", NULL, "Area Name",
              "Time period", 'financial', ${breakdown}, 'Value', "Value",
              ${aux('lower')}, ${aux('upper')}, ${aux('numerator')}, ${aux('denominator')}
         FROM ${source.rows}`,
    { file },
  );
  const meta = (
    await ws.db.all<{ id: string; name: string }>(
      `SELECT trim("Indicator ID") AS id, any_value("Indicator Name") AS name FROM ${source.rows}
        GROUP BY ALL ORDER BY 1`,
      { file },
    )
  ).map((r): IndicatorMeta => ({
    indicatorId: `fingertips/${r.id}`,
    name: r.name,
    definition: `${r.name} (OHID Fingertips indicator ${r.id})`,
    unit: null,
    polarity: 'unknown',
    publisher: 'OHID (Fingertips)',
    licence: OGL,
    periodType: null,
    topic: null,
    disclosure: 'published',
  }));
  const warnings: IndicatorWarning[] = [];
  if (has('Value note')) {
    const notes = await ws.db.all<{ note: string; n: number }>(
      `SELECT trim("Value note") AS note, count(*) AS n FROM ${source.rows}
        WHERE nullif(trim("Value note"), '') IS NOT NULL GROUP BY ALL ORDER BY n DESC, note`,
      { file },
    );
    for (const n of notes)
      warnings.push({
        code: 'VALUE_NOTE',
        message: `${n.n} values carry the publisher's note: ${n.note}`,
        count: n.n,
      });
  }
  return {
    meta,
    warnings,
    upperTier,
    auxFields,
    announce: `indicators ${meta.map((m) => m.indicatorId).join(', ')}; area types ${areaTypes.map((t) => JSON.stringify(t)).join(', ')}${upperTier ? ' (Counties & UAs: level county)' : ''}; periods as financial years; breakdown ${labels.length === 0 ? 'none' : `by ${labels.join(', ')}`}`,
  };
}
