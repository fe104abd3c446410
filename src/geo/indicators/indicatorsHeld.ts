/**
 * The indicators a workspace holds, one line each: metadata, levels, first and last period (by
 * their dates, else as written), areas, values held and missing, and the batch and file they came
 * from. Read-only; the analyses of causes read it too.
 */
import type { Workspace } from '../../store/openWorkspace.js';

export interface IndicatorSummary {
  indicatorId: string;
  name: string;
  unit: string | null;
  polarity: string;
  publisher: string | null;
  licence: string | null;
  layout: string;
  disclosure: string;
  levels: string[];
  firstPeriod: string | null;
  lastPeriod: string | null;
  periods: number;
  areas: number;
  values: number;
  missing: number;
  batchId: number;
  fileName: string | null;
}

export async function indicatorsHeld(ws: Workspace): Promise<IndicatorSummary[]> {
  const rows = await ws.db.all<Omit<IndicatorSummary, 'levels'> & { levels: string | null }>(
    `SELECT i.indicator_id AS "indicatorId", i.name, i.unit, i.polarity, i.publisher, i.licence,
            i.layout, i.disclosure, v.levels, v.first_period AS "firstPeriod",
            v.last_period AS "lastPeriod", coalesce(v.periods, 0) AS periods,
            coalesce(v.areas, 0) AS areas, coalesce(v.n, 0) AS "values",
            coalesce(v.missing, 0) AS missing, i.batch_id AS "batchId", b.file_name AS "fileName"
       FROM indicators i
       LEFT JOIN (
         SELECT indicator_id, string_agg(DISTINCT area_level, ',' ORDER BY area_level) AS levels,
                arg_min(period, coalesce(strftime(period_start, '%Y-%m-%d'), period)) AS first_period,
                arg_max(period, coalesce(strftime(period_end, '%Y-%m-%d'), period)) AS last_period,
                count(DISTINCT period) AS periods, count(DISTINCT area_code) AS areas,
                count(*) FILTER (WHERE marker IS NULL) AS n,
                count(*) FILTER (WHERE marker IS NOT NULL) AS missing
           FROM indicator_values GROUP BY indicator_id) v USING (indicator_id)
       LEFT JOIN batches b ON b.batch_id = i.batch_id
      ORDER BY i.indicator_id`,
  );
  return rows.map((r) => ({ ...r, levels: r.levels === null ? [] : r.levels.split(',') }));
}
