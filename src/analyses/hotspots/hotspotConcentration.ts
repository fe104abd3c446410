/**
 * How concentrated incidents are: the share of all incidents in the busiest 1% and 5% of units
 * (cells or LSOAs), the units rounded up so that a small map still has one, and the smallest share
 * of units that holds half of the incidents ("the law of crime concentration").
 */
export interface ConcentrationLevel {
  /** Share of units asked for (0.01 = the top 1%). */
  topShare: number;
  units: number;
  incidents: number;
  /** Share of all incidents in those units. */
  share: number;
}

export interface Concentration {
  units: number;
  total: number;
  /** Units with at least one incident. */
  withIncidents: number;
  levels: ConcentrationLevel[];
  /** Fewest units that together hold at least half the incidents, and their share of units. */
  halfUnits: number;
  halfShareOfUnits: number;
}

export function hotspotConcentration(
  counts: Float64Array,
  shares: readonly number[] = [0.01, 0.05],
): Concentration {
  const n = counts.length;
  const sorted = Float64Array.from(counts).sort().reverse();
  let total = 0;
  let withIncidents = 0;
  for (const c of sorted) {
    total += c;
    if (c > 0) withIncidents++;
  }
  const levels = shares.map((topShare) => {
    const units = Math.min(n, Math.max(1, Math.ceil(topShare * n - 1e-9)));
    let incidents = 0;
    for (let i = 0; i < units; i++) incidents += sorted[i]!;
    return { topShare, units, incidents, share: total > 0 ? incidents / total : 0 };
  });
  let run = 0;
  let halfUnits = 0;
  if (total > 0)
    for (let i = 0; i < n; i++) {
      run += sorted[i]!;
      if (run >= total / 2) {
        halfUnits = i + 1;
        break;
      }
    }
  return {
    units: n,
    total,
    withIncidents,
    levels,
    halfUnits,
    halfShareOfUnits: n > 0 ? halfUnits / n : 0,
  };
}
