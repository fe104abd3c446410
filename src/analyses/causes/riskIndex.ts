/**
 * The neighbourhood risk index: each component indicator standardised across the areas of the
 * selection (z = (x − mean) / sd), turned so that higher is more risk, and combined as the
 * weighted mean (weights from the versioned YAML, riskWeights.ts). An area missing a component
 * gets no index (counted, never filled in). Quadrants: high risk = index above the median of the
 * areas; high violence = rate above the rate of all the areas together. High risk and low violence
 * are the places for prevention; low risk and high violence are where the index does not explain
 * the violence (a town centre's night-time economy, say).
 */
import type { Quadrant, RiskArea, RiskComponent, RiskIndex } from '../../api/causes.js';
import { mean, standardDeviation, type SmallArea, type ValueLookup } from './association.js';
import type { RiskWeights } from './riskWeights.js';

export interface RiskInput {
  weights: RiskWeights;
  areas: readonly (SmallArea & { name: string | null })[];
  /** The 2011 LSOAs of each area, for maps (by code; the area itself when absent). */
  lsoa11?: ReadonlyMap<string, string[]>;
  /** Per component indicator: its name, period and value by area code; absent when not held. */
  components: ReadonlyMap<string, { name: string; period: string; values: ValueLookup }>;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

export function riskIndex(input: RiskInput): RiskIndex {
  const components: RiskComponent[] = [];
  const scored: { weight: number; direction: 1 | -1; z: Map<string, number> }[] = [];
  for (const c of input.weights.components) {
    const held = input.components.get(c.indicator);
    if (held === undefined) {
      components.push({
        indicator: c.indicator,
        name: c.indicator,
        weight: c.weight,
        direction: c.direction,
        period: null,
        mean: null,
        sd: null,
        missing: input.areas.length,
        held: false,
      });
      continue;
    }
    const present = input.areas.flatMap((a) => {
      const v = held.values.get(a.code);
      return v === undefined || v === null || !Number.isFinite(v) ? [] : [{ code: a.code, v }];
    });
    const m = present.length > 0 ? mean(present.map((p) => p.v)) : null;
    const sd = present.length > 1 ? standardDeviation(present.map((p) => p.v)) : null;
    components.push({
      indicator: c.indicator,
      name: held.name,
      weight: c.weight,
      direction: c.direction,
      period: held.period,
      mean: m,
      sd,
      missing: input.areas.length - present.length,
      held: true,
    });
    if (m !== null && sd !== null && sd > 0)
      scored.push({
        weight: c.weight,
        direction: c.direction,
        z: new Map(present.map((p) => [p.code, (p.v - m) / sd])),
      });
  }
  const totalWeight = scored.reduce((s, c) => s + c.weight, 0);
  const scores = new Map<string, number>();
  if (scored.length > 0)
    for (const a of input.areas) {
      let sum = 0;
      let complete = true;
      for (const c of scored) {
        const z = c.z.get(a.code);
        if (z === undefined) {
          complete = false;
          break;
        }
        sum += c.weight * c.direction * z;
      }
      if (complete) scores.set(a.code, sum / totalWeight);
    }
  const riskThreshold = median([...scores.values()]);
  const totalCount = input.areas.reduce((s, a) => s + a.count, 0);
  const totalPopulation = input.areas.reduce((s, a) => s + a.population, 0);
  const violenceThreshold = totalPopulation > 0 ? (totalCount / totalPopulation) * 1000 : null;
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const rankOf = new Map(ranked.map(([code], i) => [code, i + 1]));
  const quadrants: Record<Quadrant, number> = {
    'high-risk-high-violence': 0,
    'high-risk-low-violence': 0,
    'low-risk-high-violence': 0,
    'low-risk-low-violence': 0,
  };
  const areas: RiskArea[] = input.areas.map((a) => {
    const score = scores.get(a.code) ?? null;
    const rate = a.population > 0 ? (a.count / a.population) * 1000 : null;
    let quadrant: Quadrant | null = null;
    if (score !== null && rate !== null && riskThreshold !== null && violenceThreshold !== null) {
      quadrant =
        `${score > riskThreshold ? 'high' : 'low'}-risk-${rate > violenceThreshold ? 'high' : 'low'}-violence` as Quadrant;
      quadrants[quadrant]++;
    }
    return {
      code: a.code,
      name: a.name,
      lsoa11: input.lsoa11?.get(a.code) ?? [a.code],
      score,
      rank: rankOf.get(a.code) ?? null,
      count: a.count,
      population: a.population,
      rate,
      quadrant,
    };
  });
  return {
    weights: {
      id: input.weights.id,
      version: input.weights.version,
      title: input.weights.title,
      file: input.weights.file,
      sha256: input.weights.sha256,
    },
    components,
    thresholds: {
      risk: riskThreshold,
      violence: violenceThreshold,
      rule: 'high risk: index above the median of the areas; high violence: rate per 1,000 residents above that of all the areas together',
    },
    quadrants,
    areas,
  };
}
