/**
 * Reading the indicators held (src/geo/indicators loads them): their metadata, and their values
 * for a set of areas at one level, the latest period held unless one is named. Only the rows of
 * no breakdown (`breakdown = ''`, the whole population) are read for comparisons; a value of NULL
 * is missing (suppressed or not published), never zero. The reads are memoised by the store
 * (until its next write): every filter of the dashboard's Causes page, and every section of a
 * report, asks the same of the same areas.
 */
import { listValue } from '@duckdb/node-api';
import type { IndicatorPolarity } from '../../api/causes.js';
import type { Workspace } from '../../store/openWorkspace.js';

export interface IndicatorMeta {
  id: string;
  name: string;
  definition: string | null;
  unit: string | null;
  polarity: IndicatorPolarity;
  publisher: string | null;
  disclosure: 'published' | 'partner';
  topic: string | null;
}

const POLARITIES: readonly IndicatorPolarity[] = [
  'higher-is-worse',
  'higher-is-better',
  'neutral',
  'unknown',
];

export async function indicatorMetas(ws: Workspace): Promise<Map<string, IndicatorMeta>> {
  const rows = await ws.db.allMemo<{
    id: string;
    name: string;
    definition: string | null;
    unit: string | null;
    polarity: string;
    publisher: string | null;
    disclosure: string;
    topic: string | null;
  }>(
    `SELECT indicator_id AS id, name, definition, unit, polarity, publisher, disclosure, topic
       FROM indicators ORDER BY indicator_id`,
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        ...r,
        polarity: (POLARITIES as readonly string[]).includes(r.polarity)
          ? (r.polarity as IndicatorPolarity)
          : 'unknown',
        disclosure: r.disclosure === 'partner' ? 'partner' : 'published',
      },
    ]),
  );
}

/**
 * Indicators with values (of no breakdown) at a level, with their latest period: by its end date,
 * else (a publisher's period without dates) by its label, which publishers write year first.
 */
export async function indicatorsAtLevel(
  ws: Workspace,
  level: string,
): Promise<{ id: string; period: string }[]> {
  return ws.db.allMemo<{ id: string; period: string }>(
    `SELECT indicator_id AS id, arg_max(period, coalesce(strftime(period_end, '%Y-%m-%d'), '') || '|' || period) AS period
       FROM indicator_values WHERE area_level = $level AND breakdown = ''
      GROUP BY 1 ORDER BY 1`,
    { level },
  );
}

export interface AreaValue {
  code: string;
  name: string | null;
  value: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * The values of one indicator and period for every area held at a level, in code order: sums over
 * them (means, deviations, distances) are then added in one order on every run, so they agree to
 * the last digit. Read once and kept until the next write (the same few indicators are asked for
 * every selection), and shared by every caller: read-only, each value frozen, so a caller that
 * puts one in an answer copies it.
 */
export async function heldIndicatorValues(
  ws: Workspace,
  indicator: string,
  level: string,
  period: string,
): Promise<ReadonlyMap<string, Readonly<AreaValue>>> {
  return ws.db.memo(`indicatorValues\u0000${indicator}\u0000${level}\u0000${period}`, async () => {
    const rows = await ws.db.all<AreaValue>(
      `SELECT area_code AS code, any_value(area_name) AS name, max(value) AS value,
            max(lower) AS lower, max(upper) AS upper
       FROM indicator_values
      WHERE indicator_id = $indicator AND area_level = $level AND period = $period
        AND breakdown = ''
      GROUP BY 1 ORDER BY 1`,
      { indicator, level, period },
    );
    return new Map(rows.map((r) => [r.code, Object.freeze(r)]));
  });
}

/** The values of one indicator and period for the areas given, in code order: copies of their own. */
export async function indicatorValues(
  ws: Workspace,
  indicator: string,
  level: string,
  period: string,
  codes: readonly string[],
): Promise<Map<string, AreaValue>> {
  const all = await heldIndicatorValues(ws, indicator, level, period);
  // In code order, as the whole is (codes are ASCII: the string order is the database's).
  const out = new Map<string, AreaValue>();
  for (const c of [...new Set(codes)].sort()) {
    const v = all.get(c);
    if (v !== undefined) out.set(c, { ...v });
  }
  return out;
}

/**
 * The values of several indicators (each at its own period) for the areas given, read in one pass
 * over the table: indicator → area code → value, each in code order as `indicatorValues` gives
 * it. Kept until the next write under the areas and indicators asked (the dashboard asks the same
 * few selections again and again), one copy shared by every caller, which only reads it; reading
 * each indicator apart would scan the table once each.
 */
export async function indicatorValuesOfAreas(
  ws: Workspace,
  level: string,
  indicators: readonly { id: string; period: string }[],
  codes: readonly string[],
): Promise<Map<string, Map<string, AreaValue>>> {
  const wanted = [...new Map(indicators.map((i) => [i.id, i])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const areas = [...new Set(codes)].sort();
  const params = {
    level,
    ids: listValue(wanted.map((i) => i.id)),
    periods: listValue(wanted.map((i) => i.period)),
    codes: listValue(areas),
  };
  return ws.db.memo(
    `indicatorValuesOfAreas\u0000${level}\u0000${wanted.map((i) => `${i.id}\u0001${i.period}`).join('\u0002')}\u0000${areas.join(',')}`,
    async () => {
      const rows = await ws.db.all<AreaValue & { indicator: string }>(
        `SELECT v.indicator_id AS indicator, v.area_code AS code, any_value(v.area_name) AS name,
                max(v.value) AS value, max(v.lower) AS lower, max(v.upper) AS upper
           FROM indicator_values v
           JOIN (SELECT unnest($ids) AS id, unnest($periods) AS period) k
             ON k.id = v.indicator_id AND k.period = v.period
           JOIN (SELECT unnest($codes) AS code) a ON a.code = v.area_code
          WHERE v.area_level = $level AND v.breakdown = ''
          GROUP BY 1, 2 ORDER BY 1, 2`,
        params,
      );
      const out = new Map<string, Map<string, AreaValue>>(wanted.map((i) => [i.id, new Map()]));
      for (const { indicator, ...value } of rows) out.get(indicator)?.set(value.code, value);
      return out;
    },
  );
}

export interface SeriesPoint {
  period: string;
  end: string | null;
  code: string;
  value: number | null;
}

/**
 * Every period of one indicator for the areas given, oldest first. The series of every indicator
 * at the level for those areas are read in one pass over the table and kept until the next write
 * (a comparison follows a dozen indicators, each of which would scan the table again); each caller
 * gets its own copy of the points.
 */
export async function indicatorSeries(
  ws: Workspace,
  indicator: string,
  level: string,
  codes: readonly string[],
): Promise<SeriesPoint[]> {
  const all = await ws.db.memo(
    `indicatorSeries\u0000${level}\u0000${codes.join(',')}`,
    async () => {
      const rows = await ws.db.all<SeriesPoint & { indicator: string }>(
        `SELECT indicator_id AS indicator, period, CAST(max(period_end) AS VARCHAR) AS "end",
                area_code AS code, max(value) AS value
           FROM indicator_values
          WHERE area_level = $level AND breakdown = '' AND list_contains($codes, area_code)
          GROUP BY indicator_id, period, area_code
          ORDER BY indicator_id, max(period_end) NULLS FIRST, period, area_code`,
        { level, codes: listValue([...codes]) },
      );
      const out = new Map<string, SeriesPoint[]>();
      for (const { indicator: id, ...point } of rows) {
        const list = out.get(id);
        if (list === undefined) out.set(id, [point]);
        else list.push(point);
      }
      return out;
    },
  );
  return (all.get(indicator) ?? []).map((p) => ({ ...p }));
}

/** The name an indicator file gives an area (local authorities are known to svd by code only). */
export async function indicatorAreaName(
  ws: Workspace,
  level: string,
  code: string,
): Promise<string | null> {
  return (
    (await ws.db.valueMemo<string>(
      `SELECT any_value(area_name) FROM indicator_values
        WHERE area_level = $level AND area_code = $code AND area_name IS NOT NULL`,
      { level, code },
    )) ?? null
  );
}
