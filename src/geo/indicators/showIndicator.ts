/**
 * One indicator: its metadata, the notes of the file it came from (publishers' value notes,
 * skipped rows) and its series of values, for one area when asked (by its current or its
 * published code).
 */
import { SvdError } from '../../core/errors.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { indicatorsHeld, type IndicatorSummary } from './indicatorsHeld.js';

export interface IndicatorValueRow {
  areaLevel: string;
  areaCode: string;
  publishedCode: string;
  areaName: string | null;
  period: string;
  periodStart: string | null;
  periodEnd: string | null;
  breakdown: string;
  value: number | null;
  lower: number | null;
  upper: number | null;
  numerator: number | null;
  denominator: number | null;
  marker: string | null;
}

export interface IndicatorDetail extends IndicatorSummary {
  definition: string | null;
  periodType: string | null;
  topic: string | null;
  notes: { code: string; message: string; count: number }[];
  area: string | null;
  series: IndicatorValueRow[];
}

export async function showIndicator(
  ws: Workspace,
  id: string,
  options: { area?: string } = {},
): Promise<IndicatorDetail> {
  const summary = (await indicatorsHeld(ws)).find((i) => i.indicatorId === id);
  if (summary === undefined)
    throw new SvdError({
      kind: 'input',
      code: 'UNKNOWN_INDICATOR',
      message: `no indicator ${id} in the workspace`,
      location: { value: id },
      fix: 'see svd indicators list for the indicators held',
    });
  const meta = (await ws.db.one<{
    definition: string | null;
    periodType: string | null;
    topic: string | null;
  }>(
    `SELECT definition, period_type AS "periodType", topic FROM indicators WHERE indicator_id = $id`,
    { id },
  ))!;
  const notes = await ws.db.all<{ code: string; message: string; count: number }>(
    `SELECT code, message, count FROM batch_messages WHERE batch_id = $batch ORDER BY count DESC, message`,
    { batch: summary.batchId },
  );
  const area = options.area?.trim().toUpperCase();
  const series = await ws.db.all<IndicatorValueRow>(
    `SELECT area_level AS "areaLevel", area_code AS "areaCode", published_code AS "publishedCode",
            area_name AS "areaName", period, period_start AS "periodStart", period_end AS "periodEnd",
            breakdown, value, lower, upper, numerator, denominator, marker
       FROM indicator_values
      WHERE indicator_id = $id AND ($area IS NULL OR upper(area_code) = $area OR upper(published_code) = $area)
      ORDER BY area_level, area_code, period_start NULLS LAST, period, breakdown`,
    { id, area: area ?? null },
  );
  if (area !== undefined && series.length === 0)
    throw new SvdError({
      kind: 'input',
      code: 'AREA_NOT_HELD',
      message: `indicator ${id} has no values for area ${area}`,
      location: { value: area },
      fix: `give the ONS code of an area at level ${summary.levels.join(' or ')} (svd indicators show ${id} --json lists them)`,
    });
  return { ...summary, ...meta, notes, area: area ?? null, series };
}
