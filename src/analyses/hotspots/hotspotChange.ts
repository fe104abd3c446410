/**
 * Change between two periods, cell by cell (as sfhotspot's hotspot_change): the counts before and
 * after and their difference, with the totals, so that a map of change can be read against the
 * overall rise or fall.
 */
export interface Change {
  before: Float64Array;
  after: Float64Array;
  change: Float64Array;
  totalBefore: number;
  totalAfter: number;
  /** Cells with more incidents after than before, fewer, and the same. */
  up: number;
  down: number;
  same: number;
}

export function hotspotChange(before: Float64Array, after: Float64Array): Change {
  const change = new Float64Array(before.length);
  let totalBefore = 0;
  let totalAfter = 0;
  let up = 0;
  let down = 0;
  let same = 0;
  for (let i = 0; i < before.length; i++) {
    const d = after[i]! - before[i]!;
    change[i] = d;
    totalBefore += before[i]!;
    totalAfter += after[i]!;
    if (d > 0) up++;
    else if (d < 0) down++;
    else same++;
  }
  return { before, after, change, totalBefore, totalAfter, up, down, same };
}
