/**
 * The area against comparators, for each indicator published by local authority: England, the
 * region, and the most similar local authorities — the k nearest by Euclidean distance on stated
 * features standardised across every local authority that has them all (by default the shares of
 * primary and secondary pupils eligible for free school meals: deprivation among children). The
 * area is the partnership's upper-tier local authority (its county or unitary); a district within
 * a county is compared through its county's figure, and says so.
 */
import type { ComparatorRow, ComparatorValue } from '../../api/causes.js';
import type { Workspace } from '../../store/openWorkspace.js';
import {
  heldIndicatorValues,
  indicatorValues,
  indicatorsAtLevel,
  type IndicatorMeta,
} from './indicatorData.js';
import { mean, standardDeviation } from './association.js';
import { median } from './riskIndex.js';

export const ENGLAND = 'E92000001';

export const DEFAULT_SIMILAR_BY = ['lait/PriFSM', 'lait/SecFSM'];
export const DEFAULT_NEIGHBOURS = 10;

/** Local authority areas (not England, not regions) at the county level. */
const isLocalAuthority = (code: string): boolean => /^E(06|08|09|10)/.test(code);

export interface SimilarAreas {
  features: string[];
  similar: { code: string; name: string | null; distance: number }[];
  missingFeatures: string[];
}

export async function similarAreas(
  ws: Workspace,
  county: string,
  features: readonly string[],
  k: number,
): Promise<SimilarAreas> {
  const held = new Map((await indicatorsAtLevel(ws, 'county')).map((r) => [r.id, r.period]));
  const used = features.filter((f) => held.has(f));
  const missingFeatures = features.filter((f) => !held.has(f));
  if (used.length === 0) return { features: used, similar: [], missingFeatures };
  const columns = await Promise.all(
    used.map((f) => heldIndicatorValues(ws, f, 'county', held.get(f)!)),
  );
  const names = new Map<string, string | null>();
  const codes = [...columns[0]!.keys()].filter(
    (c) =>
      isLocalAuthority(c) &&
      columns.every((col) => {
        const v = col.get(c)?.value;
        return v !== undefined && v !== null && Number.isFinite(v);
      }),
  );
  for (const c of codes) names.set(c, columns[0]!.get(c)?.name ?? null);
  if (!codes.includes(county)) return { features: used, similar: [], missingFeatures };
  const z = columns.map((col) => {
    const xs = codes.map((c) => col.get(c)!.value!);
    const m = mean(xs);
    const sd = standardDeviation(xs);
    return new Map(codes.map((c, i) => [c, sd > 0 ? (xs[i]! - m) / sd : 0]));
  });
  const distance = (a: string, b: string): number =>
    Math.sqrt(z.reduce((s, col) => s + (col.get(a)! - col.get(b)!) ** 2, 0));
  const similar = codes
    .filter((c) => c !== county)
    .map((c) => ({ code: c, name: names.get(c) ?? null, distance: distance(county, c) }))
    .sort((a, b) => a.distance - b.distance || a.code.localeCompare(b.code))
    .slice(0, k);
  return { features: used, similar, missingFeatures };
}

function versus(
  area: ComparatorValue,
  england: ComparatorValue | null,
): ComparatorRow['versusEngland'] {
  if (england === null || area.value === null || england.value === null) return 'not-compared';
  if (area.lower === null || area.upper === null) return 'not-compared';
  if (england.lower !== null && england.upper !== null) {
    if (area.lower > england.upper) return 'higher';
    if (area.upper < england.lower) return 'lower';
    return 'similar';
  }
  if (area.lower > england.value) return 'higher';
  if (area.upper < england.value) return 'lower';
  return 'similar';
}

export async function comparatorRow(
  ws: Workspace,
  meta: IndicatorMeta,
  period: string,
  place: { code: string; basis: 'area' | 'county' },
  region: string | null,
  similar: readonly { code: string; distance: number }[],
): Promise<ComparatorRow | null> {
  const values = await heldIndicatorValues(ws, meta.id, 'county', period);
  const held = values.get(place.code);
  if (held === undefined) return null;
  const own = { ...held };
  const pick = async (code: string, level: string): Promise<ComparatorValue | null> => {
    const v = (await indicatorValues(ws, meta.id, level, period, [code])).get(code);
    return v === undefined ? null : v;
  };
  const england = await pick(ENGLAND, 'country');
  const regionValue = region === null ? null : await pick(region, 'region');
  const neighbours = similar.flatMap((s) => {
    const v = values.get(s.code);
    return v === undefined ? [] : [{ ...v, distance: s.distance }];
  });
  const las = [...values.values()].filter(
    (v) => isLocalAuthority(v.code) && v.value !== null && Number.isFinite(v.value),
  );
  const sorted = [...las].sort((a, b) => b.value! - a.value!);
  const position = own.value === null ? -1 : sorted.findIndex((v) => v.value! <= own.value!);
  const notes: string[] = [];
  if (place.basis === 'county') notes.push("the county's figure: not published for the district");
  if (own.value === null) notes.push('suppressed or not published for the area');
  return {
    indicator: meta.id,
    name: meta.name,
    unit: meta.unit,
    polarity: meta.polarity,
    period,
    areaBasis: place.basis,
    area: own,
    england,
    region: regionValue,
    neighbours,
    neighboursMedian: median(
      neighbours.flatMap((n) => (n.value === null || !Number.isFinite(n.value) ? [] : [n.value])),
    ),
    rank: position < 0 ? null : { position: position + 1, of: sorted.length },
    versusEngland: versus(own, england),
    note: notes.length === 0 ? null : notes.join('; '),
  };
}
