/**
 * Contiguity of 2021 LSOAs for Moran's I of the residuals. The workspace holds 2011 LSOA
 * boundaries; most 2021 LSOAs are a 2011 LSOA unchanged, the others splits or merges of them
 * (`lsoa_crosswalk`). Two 2021 LSOAs are neighbours when a 2011 LSOA of one is a queen neighbour
 * of (or is) a 2011 LSOA of the other: exact for unchanged LSOAs, and for a split it makes the
 * parts neighbours of each other and of everything around the whole (docs/decisions/0080-causes.md).
 * Queen contiguity is that of the Gi* analysis (poly2nb(queen = TRUE, snap = 1 m)).
 */
import type { Workspace } from '../../store/openWorkspace.js';
import { keptLevelShapes } from '../../geo/areaShapes.js';
import { hotspotContiguity } from '../hotspots/hotspotContiguity.js';

export interface AreaNeighbours {
  /** Neighbours of each area, as indices into the codes given; never the area itself. */
  lists: number[][];
  /** Whether any 2011 boundaries were held (without them there are no neighbours). */
  boundaries: boolean;
}

/** Kept until the next write, for the same codes (callers only read it). */
export function lsoa21Neighbours(ws: Workspace, codes: readonly string[]): Promise<AreaNeighbours> {
  return ws.db.memo(`lsoa21Neighbours\u0000${codes.join(',')}`, () => computeNeighbours(ws, codes));
}

async function computeNeighbours(ws: Workspace, codes: readonly string[]): Promise<AreaNeighbours> {
  const index = new Map(codes.map((c, i) => [c, i]));
  const shapes = await keptLevelShapes(ws, 'lsoa11');
  if (shapes.codes.length === 0) return { lists: codes.map(() => []), boundaries: false };
  const crosswalk = await crosswalkPairs(ws);
  // Each 2011 LSOA's 2021 LSOAs among the codes; a code with no crosswalk row stands for itself.
  const to21 = new Map<string, number[]>();
  const add = (lsoa11: string, i: number | undefined): void => {
    if (i === undefined) return;
    const list = to21.get(lsoa11) ?? [];
    if (!list.includes(i)) list.push(i);
    to21.set(lsoa11, list);
  };
  for (const r of crosswalk) add(r.lsoa11, index.get(r.lsoa21));
  const mapped = new Set(crosswalk.map((r) => r.lsoa21));
  for (const [code, i] of index) if (!mapped.has(code)) add(code, i);
  // Only the 2011 LSOAs that reach the codes are needed.
  const used = shapes.codes
    .map((code, k) => ({ code, k }))
    .filter((x) => to21.has(x.code) && shapes.shapes[x.k] !== undefined);
  const nb = hotspotContiguity(used.map((u) => shapes.shapes[u.k]!));
  const sets = codes.map(() => new Set<number>());
  used.forEach((u, a) => {
    const from = to21.get(u.code)!;
    for (let p = nb.offsets[a]!; p < nb.offsets[a + 1]!; p++) {
      const to = to21.get(used[nb.indices[p]!]!.code)!;
      for (const i of from) for (const j of to) if (i !== j) sets[i]!.add(j);
    }
  });
  return { lists: sets.map((s) => [...s].sort((a, b) => a - b)), boundaries: true };
}

/** The pairs of the LSOA crosswalk, 2021 and 2011 codes in order; kept until the next write. */
function crosswalkPairs(ws: Workspace): Promise<{ lsoa21: string; lsoa11: string }[]> {
  return ws.db.memo('lsoaCrosswalkPairs', () =>
    ws.db.all<{ lsoa21: string; lsoa11: string }>(
      `SELECT DISTINCT lsoa21_code AS lsoa21, lsoa11_code AS lsoa11 FROM lsoa_crosswalk ORDER BY 1, 2`,
    ),
  );
}

/** The 2011 LSOAs of each 2021 LSOA given (by the crosswalk; a code without a row is its own). */
export async function lsoa11Parts(
  ws: Workspace,
  codes: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(codes.map((c) => [c, []]));
  for (const r of await crosswalkPairs(ws)) out.get(r.lsoa21)?.push(r.lsoa11);
  for (const [code, parts] of out) if (parts.length === 0) parts.push(code);
  return out;
}
