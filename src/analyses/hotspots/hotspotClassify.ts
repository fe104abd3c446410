/**
 * Hot and cold spot classes over time, by the rules and defaults of sfhotspot's hotspot_classify
 * (hotspot_classify_params(): hotspot_prop 0.1, persistent_prop 0.8, recent_prop 0.2,
 * critical_p 0.05). For each cell and period a Gi* z and p; each cell's p-values are corrected
 * across its periods (Holm, what sfhotspot's default p_adjust_method = NULL means in
 * stats::p.adjust); a period is a significant hot (cold) one when the corrected p < critical_p and
 * z > 0 (z ≤ 0). With P periods, the last floor(recent_prop · P) are recent (at least one, and at
 * least one must be older). Then, for hot spots (cold spots alike), in this order:
 *
 * - persistent: significant in at least persistent_prop of all periods;
 * - emerging: significant in less than hotspot_prop of the older periods and in at least
 *   recent_prop of the recent ones;
 * - former: significant in at least hotspot_prop of the older periods and in less than
 *   hotspot_prop of the recent ones;
 * - intermittent: significant in at least hotspot_prop of all periods;
 *
 * and "mixed hot/coldspot" when a cell qualifies as both. One difference from sfhotspot's code is
 * deliberate: it counts the recent periods over one column too many ((P − r):P, r + 1 columns,
 * divided by r); here the recent periods are exactly the last r. See
 * docs/decisions/0025-hotspot-classes.md.
 */
import { usageError } from '../../core/errors.js';
import { adjustPValues, type Correction } from './adjustPValues.js';

export const HOTSPOT_CLASSES = [
  'persistent hotspot',
  'emerging hotspot',
  'former hotspot',
  'intermittent hotspot',
  'persistent coldspot',
  'emerging coldspot',
  'former coldspot',
  'intermittent coldspot',
  'mixed hot/coldspot',
  'no pattern',
] as const;
export type HotspotClass = (typeof HOTSPOT_CLASSES)[number];

export interface ClassifyParams {
  hotspotProp: number;
  persistentProp: number;
  recentProp: number;
  criticalP: number;
  /** Correction of each cell's p-values across its periods. */
  correction: Correction;
}

export const CLASSIFY_DEFAULTS: ClassifyParams = {
  hotspotProp: 0.1,
  persistentProp: 0.8,
  recentProp: 0.2,
  criticalP: 0.05,
  correction: 'holm',
};

export interface Classification {
  classes: HotspotClass[];
  periods: number;
  recentPeriods: number;
  /** Set when fewer than one period would have been recent and the last one was taken. */
  recentRaised: boolean;
}

/** `z[t][i]`, `p[t][i]`: period t, cell i. */
export function hotspotClassify(
  z: readonly Float64Array[],
  p: readonly Float64Array[],
  params: ClassifyParams = CLASSIFY_DEFAULTS,
): Classification {
  const periods = z.length;
  let recent = Math.floor(params.recentProp * periods);
  let recentRaised = false;
  if (recent < 1 || periods - recent < 1) {
    recent = 1;
    recentRaised = true;
  }
  if (periods - recent < 1)
    throw usageError(
      'TOO_FEW_PERIODS',
      `classifying hotspots needs at least two periods with data, and there ${periods === 1 ? 'is' : 'are'} ${periods}`,
      'widen --from/--to or choose a shorter --period',
    );
  const n = z[0]?.length ?? 0;
  const older = periods - recent;
  const hotAll = new Int32Array(n);
  const coldAll = new Int32Array(n);
  const hotRecent = new Int32Array(n);
  const coldRecent = new Int32Array(n);
  const cellP = new Float64Array(periods);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < periods; t++) cellP[t] = p[t]![i]!;
    const adj = adjustPValues(cellP, params.correction);
    for (let t = 0; t < periods; t++) {
      if (!(adj[t]! < params.criticalP)) continue;
      const hot = z[t]![i]! > 0;
      if (hot) {
        hotAll[i]!++;
        if (t >= older) hotRecent[i]!++;
      } else {
        coldAll[i]!++;
        if (t >= older) coldRecent[i]!++;
      }
    }
  }
  const category = (all: number, rec: number): string | null => {
    const prop = all / periods;
    const recentProp = rec / recent;
    const olderProp = (all - rec) / older;
    if (prop >= params.persistentProp) return 'persistent';
    if (olderProp < params.hotspotProp && recentProp >= params.recentProp) return 'emerging';
    if (olderProp >= params.hotspotProp && recentProp < params.hotspotProp) return 'former';
    if (prop >= params.hotspotProp) return 'intermittent';
    return null;
  };
  const classes: HotspotClass[] = [];
  for (let i = 0; i < n; i++) {
    const h = category(hotAll[i]!, hotRecent[i]!);
    const c = category(coldAll[i]!, coldRecent[i]!);
    classes.push(
      h !== null && c !== null
        ? 'mixed hot/coldspot'
        : h !== null
          ? (`${h} hotspot` as HotspotClass)
          : c !== null
            ? (`${c} coldspot` as HotspotClass)
            : 'no pattern',
    );
  }
  return { classes, periods, recentPeriods: recent, recentRaised };
}
