/**
 * The "where" of the Strategic Needs Assessment as one pure function over plain data: the grid
 * over the area, counts per cell, kernel density, Gi* hot and cold spots with corrected p-values,
 * the same on LSOAs, change between two periods, hotspot classes over time, concentration and
 * repeat locations. Every option is resolved into `params` (the automatic ones marked, explained
 * and announced), every doubt into `warnings`. The workspace side (what is read, from where) is
 * `analyseHotspots`; the benchmark and tests call this directly.
 */
import { announceParam, Params, Warnings } from '../selection/analysisResult.js';
import { usageError } from '../../core/errors.js';
import { formatRuns } from '../../core/months.js';
import type { Shape } from '../../geo/shapes.js';
import { adjustPValues, CORRECTION_NAMES, type Correction } from './adjustPValues.js';
import { hotspotChange } from './hotspotChange.js';
import {
  CLASSIFY_DEFAULTS,
  HOTSPOT_CLASSES,
  hotspotClassify,
  type HotspotClass,
} from './hotspotClassify.js';
import { hotspotConcentration, type Concentration } from './hotspotConcentration.js';
import { DEFAULT_CONTIGUITY_TOLERANCE, keptContiguity } from './hotspotContiguity.js';
import { hotspotCounts, locateCell } from './hotspotCounts.js';
import { hotspotGistar, hotspotGistarPermutation } from './hotspotGistar.js';
import { autoCellSize, keptGrid, type GridShape } from './hotspotGrid.js';
import {
  densityCellSize,
  medianOf,
  MIN_PERIOD_INCIDENTS,
  occupancy,
  sparseReason,
  TARGET_PER_OCCUPIED_CELL,
} from './hotspotDefaults.js';
import { autoBandwidth, hotspotKde } from './hotspotKde.js';
import { fromLists, gridNeighbours, neighbourCount, type Neighbours } from './hotspotNeighbours.js';
import { normalTwoSidedPs } from './normalPValue.js';
import type { BoundaryChoice } from './hotspotArea.js';
import type { AnalysisResult } from '../../api/analyses.js';
import type {
  HotspotArea,
  HotspotGridSummary,
  HotspotPeriod,
  HotspotSummary,
} from '../../api/analyses.js';

export const PERIODS = ['month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];

export interface MonthRange {
  from: string;
  to: string;
}

export interface HotspotOptions {
  /** `LEVEL=NAME` or `LEVEL=CODE`; by default the area the selection names, else the force area. */
  area?: string;
  /** The outline of the area's LSOAs (default, when all are loaded) or the area's own boundary. */
  boundary?: BoundaryChoice;
  grid?: GridShape;
  /**
   * Metres; by default about 50 cells across the area's shorter side, enlarged while the incidents
   * average fewer than two per occupied cell (hotspotDefaults.ts).
   */
  cellSize?: number;
  /** KDE bandwidth in metres; by default the mean normal-reference bandwidth of x and y, at least the cell size. */
  bandwidth?: number;
  correction?: Correction;
  /** Significance level for hot and cold spots (default 0.05). */
  alpha?: number;
  /** Conditional permutations for Gi* p-values (0, the default: the normal approximation). */
  permutations?: number;
  seed?: number;
  lsoaLevel?: 'lsoa11' | 'lsoa21';
  /** Metres within which two LSOAs' vertices make them neighbours (default 1). */
  contiguityTolerance?: number;
  before?: MonthRange;
  after?: MonthRange;
  classify?: boolean;
  period?: Period;
  /** Repeat locations to list (default 10). */
  top?: number;
}

export interface LsoaInputRow {
  code: string;
  name: string | null;
  count: number;
  population: number | null;
  rate: number | null;
  lower: number | null;
  upper: number | null;
  small: boolean;
}

export interface HotspotInput {
  area: {
    level: string;
    code: string;
    name: string | null;
    boundary: Shape;
    boundarySource: string;
    /** Why svd chose this boundary (null when asked for). */
    boundaryChosen: string | null;
    /** Why svd chose this area (null when given). */
    chosen: string | null;
  };
  /** Located incidents, grouped by point and month (month = year · 12 + month − 1). */
  points: { x: Float64Array; y: Float64Array; month: Int32Array; n: Float64Array };
  /** The distinct points, with their incidents and what police.uk calls them. */
  locations: {
    x: Float64Array;
    y: Float64Array;
    n: Float64Array;
    longitude: (number | null)[];
    latitude: (number | null)[];
    label: (string | null)[];
  };
  /** Months of the selection that hold data (ascending), and the range asked for. */
  monthsWithData: number[];
  range: { from: number | null; to: number | null };
  incidents: { selected: number; unlocated: number; policeUk: number; synthetic: number };
  lsoas: {
    level: 'lsoa11' | 'lsoa21';
    levelChosen: string | null;
    rows: LsoaInputRow[];
    shapes: (Shape | null)[];
    /** Per 1,000 residents, and the population dataset; null when no population is loaded. */
    rates: { per: number; population: string } | null;
  } | null;
}

export type HotOrCold = 'hotspot' | 'coldspot' | null;

/** Where a cell or area is, in words: the areas holding it and the street its records name most. */
export interface Place {
  /**
   * The most common location text among the records in it (police.uk: "On or near …"); when they
   * give none, the one any record of the period there gives most (the workspace side).
   */
  street: string | null;
  lsoa?: { code: string; name: string | null } | null;
  ward?: { code: string; name: string | null } | null;
  district?: { code: string; name: string | null } | null;
}

export interface HotspotCell {
  id: number;
  row: number;
  col: number;
  easting: number;
  northing: number;
  /** Share of the cell inside the area (1 unless the boundary cuts it). */
  areaShare: number;
  count: number;
  /** Quartic-kernel density, incidents per km². */
  kde: number;
  z: number | null;
  p: number | null;
  pAdjusted: number | null;
  hotspot: HotOrCold;
  /**
   * Set on a cell with no incident whose Gi* is significantly high: it is near a hot spot (its
   * neighbours are busy) and is not counted or shown as one.
   */
  nearHotspot?: true;
  /** Named for the hot spots with incidents (the workspace side adds the areas). */
  place?: Place;
  before?: number;
  after?: number;
  change?: number;
  class?: HotspotClass;
}

export interface HotspotLsoa extends LsoaInputRow {
  neighbours: number;
  z: number | null;
  p: number | null;
  pAdjusted: number | null;
  hotspot: HotOrCold;
  /** An LSOA with no record whose Gi* is significantly high (see HotspotCell). */
  nearHotspot?: true;
}

export interface RepeatLocation {
  easting: number;
  northing: number;
  longitude: number | null;
  latitude: number | null;
  label: string | null;
  incidents: number;
  share: number;
}

export interface HotspotsResult {
  area: HotspotArea;
  period: HotspotPeriod;
  incidents: {
    selected: number;
    unlocated: number;
    located: number;
    inArea: number;
    outsideArea: number;
    policeUk: number;
    synthetic: number;
  };
  grid: HotspotGridSummary<GridShape>;
  summary: HotspotSummary<Correction>;
  /** Ids of the hot spot cells with incidents, highest z first (at most 10). */
  topHotspots: number[];
  cells: HotspotCell[];
  lsoas: {
    level: string;
    units: HotspotLsoa[];
    hotspots: number;
    coldspots: number;
    withoutBoundary: string[];
    islands: number;
    ratesPer: number | null;
    population: string | null;
  } | null;
  concentration: { cells: Concentration; lsoas: Concentration | null };
  repeatLocations: {
    locations: number;
    repeat: number;
    incidentsAtRepeat: number;
    shareAtRepeat: number;
    top: RepeatLocation[];
    snapped: boolean;
  };
  change: {
    before: MonthRange;
    after: MonthRange;
    totalBefore: number;
    totalAfter: number;
    cellsUp: number;
    cellsDown: number;
    cellsSame: number;
  } | null;
  classes: {
    period: Period;
    periods: string[];
    recentPeriods: number;
    counts: Partial<Record<HotspotClass, number>>;
    /** Set when the classes are withheld because the periods hold too few incidents. */
    withheld?: string;
  } | null;
}

/** How many hot spot cells are named and listed as the top ones. */
export const TOP_HOTSPOTS = 10;

export const formatMonth = (m: number): string =>
  `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
export const parseMonth = (s: string): number =>
  Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7)) - 1;

const periodKey = (period: Period, m: number): number =>
  period === 'month' ? m : period === 'quarter' ? Math.floor(m / 3) : Math.floor(m / 12);
const periodLabel = (period: Period, key: number): string =>
  period === 'month'
    ? formatMonth(key)
    : period === 'quarter'
      ? `${Math.floor(key / 4)} Q${(key % 4) + 1}`
      : String(key);
const monthsInPeriod = (period: Period): number =>
  period === 'month' ? 1 : period === 'quarter' ? 3 : 12;

const nf = (v: number): string => v.toLocaleString('en-GB');
const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

interface Inference {
  z: Float64Array;
  p: Float64Array;
  pAdjusted: Float64Array;
}

function infer(
  values: Float64Array,
  nb: Neighbours,
  method: { permutations: number; seed: number; correction: Correction },
): Inference {
  const g = hotspotGistar(values, nb);
  const p =
    method.permutations > 0
      ? hotspotGistarPermutation(values, nb, g.lag, {
          permutations: method.permutations,
          seed: method.seed,
        })
      : normalTwoSidedPs(g.z);
  // Units whose z cannot be computed (no variation) have no p-value either.
  for (let i = 0; i < p.length; i++) if (Number.isNaN(g.z[i]!)) p[i] = NaN;
  return { z: g.z, p, pAdjusted: adjustPValues(p, method.correction) };
}

function hotOrCold(z: number, pAdjusted: number, alpha: number): HotOrCold {
  if (!(pAdjusted < alpha)) return null;
  return z > 0 ? 'hotspot' : z < 0 ? 'coldspot' : null;
}

export function hotspotAnalysis(
  input: HotspotInput,
  options: HotspotOptions,
  announce: (message: string) => void = () => undefined,
): AnalysisResult<HotspotsResult> {
  const params = new Params();
  const warnings = new Warnings();
  const { boundary } = input.area;
  const areaLabel = `${input.area.level} ${input.area.name ?? input.area.code}`;
  const noneLocated = `no located incident of the selection lies in ${areaLabel}`;
  if (input.area.chosen === null) params.given('area', `${areaLabel} (${input.area.code})`);
  else params.automatic('area', `${areaLabel} (${input.area.code})`, input.area.chosen);
  if (input.area.boundaryChosen === null) params.given('boundary', input.area.boundarySource);
  else params.automatic('boundary', input.area.boundarySource, input.area.boundaryChosen);

  // Grid.
  const gridShape = params.resolve('grid', options.grid, () => ({
    value: 'square' as GridShape,
    explanation: 'square cells, as sfhotspot draws them unless told otherwise',
  }));
  const auto = autoCellSize(boundary);
  const { x, y, n } = input.points;
  const cellSize = params.resolve(
    'cell size',
    options.cellSize,
    () => {
      const d = densityCellSize(boundary, gridShape, { x, y, n }, auto.cellSize, auto.shorterSide);
      const base = `50 cells across the shorter side of ${input.area.name ?? input.area.code} (${(auto.shorterSide / 1000).toFixed(1)} km), ${auto.cellSize >= 100 ? 'rounded down to a multiple of 100 m, as sfhotspot' : 'in whole metres: the area is too small for cells of 100 m'}`;
      const per = (v: number): string => v.toFixed(1);
      const why =
        d.atBase.located === 0
          ? 'no located incident to size the cells by'
          : d.cellSize === d.base
            ? `the ${nf(d.atBase.located)} located incidents average ${per(d.atBase.perOccupied)} per occupied cell at that size, at least ${TARGET_PER_OCCUPIED_CELL}`
            : `enlarged from ${nf(d.base)} m, where the ${nf(d.atBase.located)} located incidents average ${per(d.atBase.perOccupied)} per occupied cell, ${d.capped ? `as far as a tenth of the shorter side (${per(d.chosen.perOccupied)} per occupied cell; the target is ${TARGET_PER_OCCUPIED_CELL})` : `until they average at least ${TARGET_PER_OCCUPIED_CELL} (${per(d.chosen.perOccupied)})`}`;
      return {
        value: d.cellSize,
        explanation:
          d.cellSize === d.base ? `${base}; ${why}` : `${why}; the starting size was ${base}`,
      };
    },
    'metres',
  );
  const grid = keptGrid(boundary, { shape: gridShape, cellSize });
  if (grid.n === 0)
    throw usageError('EMPTY_GRID', `no ${cellSize} m cell overlaps ${areaLabel}`, 'check the area');

  // Inference settings.
  const alpha = params.resolve('significance level', options.alpha, () => ({
    value: 0.05,
    explanation: 'cells and LSOAs with a corrected p-value below 0.05 are hot or cold spots',
  }));
  if (!(alpha > 0 && alpha < 1))
    throw usageError(
      'BAD_ALPHA',
      `significance level ${alpha} is not between 0 and 1`,
      'e.g. 0.05',
    );
  const correction = params.resolve('correction', options.correction, () => ({
    value: 'fdr' as Correction,
    explanation: `${CORRECTION_NAMES.fdr} across all cells (and across all LSOAs), as ArcGIS applies by default; sfhotspot corrects nothing by default`,
  }));
  const permutations = options.permutations ?? 0;
  if (!Number.isInteger(permutations) || permutations < 0 || permutations > 99_999)
    throw usageError(
      'BAD_PERMUTATIONS',
      `--permutations ${permutations} is not a whole number from 0 to 99,999`,
      'e.g. 999, or 0 for the normal approximation',
    );
  let seed = 0;
  if (permutations > 0) {
    params.given(
      'p-values',
      `conditional permutation, ${nf(permutations)} permutations, two-sided`,
    );
    seed = params.resolve('seed', options.seed, () => ({
      value: 1,
      explanation: 'the same permutations every run; give --seed to draw others',
    }));
    if (!Number.isInteger(seed) || seed < 0 || seed > 4_294_967_295)
      throw usageError('BAD_SEED', `--seed ${seed} is not a whole number from 0 to 4294967295`);
  } else
    params.automatic(
      'p-values',
      'normal approximation, two-sided',
      'P(|Z| ≥ |z|) from the Gi* z-score, as spdep::localG; --permutations gives conditional permutation p-values',
    );
  params.automatic(
    'neighbourhood',
    gridShape === 'square'
      ? 'queen: the 8 cells around and the cell itself'
      : 'the 6 hexagons around and the cell itself',
    "Gi* (self included), as sfhotspot's default and spdep::localG with include.self",
  );
  params.automatic('weights', 'binary', 'every neighbour counts once (spdep style "B")');

  // Months.
  const months = input.monthsWithData;
  const first = input.range.from ?? months[0] ?? null;
  const last = input.range.to ?? months.at(-1) ?? null;
  if (first !== null && last !== null) {
    const have = new Set(months);
    const gaps: string[] = [];
    for (let m = first; m <= last; m++) if (!have.has(m)) gaps.push(formatMonth(m));
    if (gaps.length > 0)
      warnings.add(
        'MONTH_GAPS',
        `${gaps.length} month${gaps.length === 1 ? '' : 's'} of the period hold${gaps.length === 1 ? 's' : ''} no located incidents and ${gaps.length === 1 ? 'is' : 'are'} treated as missing, not zero: ${formatRuns(gaps)}`,
      );
  }

  // Counts per cell (all months of the selection).
  const counted = hotspotCounts(grid, x, y, n);
  const located = counted.total + counted.outsideWeight;
  if (counted.outsideWeight > 0)
    warnings.add(
      'OUTSIDE_AREA',
      `${nf(counted.outsideWeight)} located incident${counted.outsideWeight === 1 ? ' lies' : 's lie'} outside the boundary of ${areaLabel} and ${counted.outsideWeight === 1 ? 'is' : 'are'} not in the grid`,
    );
  if (input.incidents.unlocated > 0)
    warnings.add(
      'UNLOCATED',
      `${nf(input.incidents.unlocated)} selected incident${input.incidents.unlocated === 1 ? ' has' : 's have'} no location and cannot be mapped`,
    );
  if (input.incidents.policeUk > 0)
    warnings.add(
      'SNAPPED_POINTS',
      'police.uk locations are snapped to anonymous map points (the centre of a street or a place near the incident), so cell counts, densities and repeat locations are approximate at the scale of a street',
    );
  if (input.incidents.synthetic > 0)
    warnings.add(
      'SYNTHETIC',
      `${nf(input.incidents.synthetic)} of these incidents are SYNTHETIC (generated for tests and demonstrations, not real records)`,
    );
  if (counted.total === 0) warnings.add('NO_INCIDENTS', noneLocated);
  const sparse = counted.total > 0 ? sparseReason(occupancy(counted.counts), cellSize) : null;
  if (sparse !== null) {
    warnings.add('SPARSE_DATA', sparse);
    announce(`warning: ${sparse}`);
  }
  const cut = grid.cutRings.size;
  if (cut > 0)
    warnings.add(
      'CUT_CELLS',
      `${nf(cut)} of ${nf(grid.n)} cells are cut by the boundary: their counts cover only the part inside (areaShare), so they read low`,
    );

  // KDE (points inside the area only).
  const inside = new Float64Array(n.length);
  for (let i = 0; i < n.length; i++) inside[i] = counted.cellOf[i]! >= 0 ? n[i]! : 0;
  const bandwidth = params.resolve(
    'bandwidth',
    options.bandwidth,
    () => {
      const keepX: number[] = [];
      const keepY: number[] = [];
      const keepN: number[] = [];
      for (let i = 0; i < n.length; i++)
        if (inside[i]! > 0) {
          keepX.push(x[i]!);
          keepY.push(y[i]!);
          keepN.push(inside[i]!);
        }
      const b = autoBandwidth(
        Float64Array.from(keepX),
        Float64Array.from(keepY),
        Float64Array.from(keepN),
      );
      if (!Number.isFinite(b.bandwidth) || !(b.bandwidth > 0))
        return { value: cellSize * 3, explanation: 'three cells: too few incidents for the rule' };
      const rule = `the mean of the normal-reference bandwidths in x (${nf(Math.round(b.x))} m) and y (${nf(Math.round(b.y))} m), MASS::bandwidth.nrd, rounded to the metre; sfhotspot uses x alone`;
      return b.bandwidth >= cellSize
        ? { value: b.bandwidth, explanation: `${rule}; never below the cell size` }
        : {
            value: cellSize,
            explanation: `the cell size (${nf(cellSize)} m), the floor of the bandwidth: ${rule}, gives only ${nf(b.bandwidth)} m`,
          };
    },
    'metres',
  );
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth))
    throw usageError('BAD_BANDWIDTH', `bandwidth ${bandwidth} is not a positive number of metres`);
  params.automatic(
    'kernel',
    'quartic',
    'density at each cell centre in incidents per km², 3/(πh²)·(1 − d²/h²)² summed over incidents within the bandwidth h',
  );
  if (bandwidth < cellSize / 2)
    warnings.add(
      'SMALL_BANDWIDTH',
      `the bandwidth (${nf(bandwidth)} m) is under half the cell size (${nf(cellSize)} m): the density is sampled too coarsely to be smooth`,
    );
  const kde = hotspotKde(grid, x, y, { bandwidth, weights: inside });

  // Gi* on cells.
  const nb = gridNeighbours(grid);
  const method = { permutations, seed, correction };
  const cellInference = infer(counted.counts, nb, method);
  if (counted.total > 0 && cellInference.z.some((v) => Number.isNaN(v)))
    warnings.add('NO_VARIATION', 'every cell holds the same count: Gi* is undefined');

  const cells: HotspotCell[] = [];
  let hot = 0;
  let cold = 0;
  let nearHot = 0;
  for (let k = 0; k < grid.n; k++) {
    const z = cellInference.z[k]!;
    const pa = cellInference.pAdjusted[k]!;
    let h = hotOrCold(z, pa, alpha);
    // A cell with no incident is never a hot spot: its high Gi* comes from its neighbours.
    const near = h === 'hotspot' && counted.counts[k]! === 0;
    if (near) {
      h = null;
      nearHot++;
    }
    if (h === 'hotspot') hot++;
    else if (h === 'coldspot') cold++;
    cells.push({
      id: k + 1,
      row: grid.row[k]!,
      col: grid.col[k]!,
      easting: grid.x[k]!,
      northing: grid.y[k]!,
      areaShare: grid.areaShare[k]!,
      count: counted.counts[k]!,
      kde: kde[k]!,
      z: finite(z),
      p: finite(cellInference.p[k]!),
      pAdjusted: finite(pa),
      hotspot: h,
      ...(near ? { nearHotspot: true as const } : {}),
    });
  }
  if (nearHot > 0)
    warnings.add(
      'NEAR_HOTSPOTS',
      `${nf(nearHot)} cell${nearHot === 1 ? '' : 's'} with no incident ${nearHot === 1 ? 'has' : 'have'} a significantly high Gi* only through ${nearHot === 1 ? 'its' : 'their'} neighbours: marked "near a hot spot", not counted as hot spots`,
    );
  // The top hot spots: hot cells (all hold incidents now), highest z first, each named by the
  // location text its records give most.
  const topHotspots = cells
    .filter((c) => c.hotspot === 'hotspot')
    .sort((a, b) => (b.z ?? 0) - (a.z ?? 0) || b.count - a.count || a.id - b.id)
    .slice(0, TOP_HOTSPOTS)
    .map((c) => c.id);
  const loc = input.locations;
  if (topHotspots.length > 0) {
    const wanted = new Map(topHotspots.map((id) => [id - 1, new Map<string, number>()]));
    for (let i = 0; i < loc.n.length; i++) {
      const label = loc.label[i];
      if (label === null || label === undefined) continue;
      const tally = wanted.get(locateCell(grid, loc.x[i]!, loc.y[i]!));
      if (tally !== undefined) tally.set(label, (tally.get(label) ?? 0) + loc.n[i]!);
    }
    for (const [k, tally] of wanted) {
      let street: string | null = null;
      let most = 0;
      for (const [label, count] of tally)
        if (count > most || (count === most && street !== null && label < street))
          [street, most] = [label, count];
      cells[k]!.place = { street };
    }
  }

  // Change between two periods.
  let change: HotspotsResult['change'] = null;
  const countMonths = (from: number, to: number): Float64Array => {
    const out = new Float64Array(grid.n);
    const month = input.points.month;
    for (let i = 0; i < n.length; i++) {
      const k = counted.cellOf[i]!;
      if (k >= 0 && month[i]! >= from && month[i]! <= to) out[k]! += n[i]!;
    }
    return out;
  };
  if ((options.before === undefined) !== (options.after === undefined))
    throw usageError('NEEDS_BOTH_PERIODS', 'change needs both --before and --after');
  if (options.before !== undefined && options.after !== undefined) {
    const b = options.before;
    const a = options.after;
    params.given('before', `${b.from} to ${b.to}`);
    params.given('after', `${a.from} to ${a.to}`);
    for (const [label, r] of [
      ['before', b],
      ['after', a],
    ] as const) {
      const lo = parseMonth(r.from);
      const hi = parseMonth(r.to);
      if (lo > hi)
        throw usageError('BAD_PERIOD', `--${label} ${r.from}..${r.to} runs backwards`, 'swap them');
      if ((first !== null && lo < first) || (last !== null && hi > last))
        throw usageError(
          'PERIOD_OUTSIDE',
          `--${label} ${r.from}..${r.to} reaches outside the selection (${first === null ? '?' : formatMonth(first)} to ${last === null ? '?' : formatMonth(last)})`,
          'widen --from/--to, or choose a period within them',
        );
      const missing: string[] = [];
      for (let m = lo; m <= hi; m++) if (!months.includes(m)) missing.push(formatMonth(m));
      if (missing.length > 0)
        warnings.add(
          'CHANGE_GAPS',
          `the ${label} period has month${missing.length === 1 ? '' : 's'} without data (${formatRuns(missing)}): its counts are incomplete`,
        );
    }
    const ch = hotspotChange(
      countMonths(parseMonth(b.from), parseMonth(b.to)),
      countMonths(parseMonth(a.from), parseMonth(a.to)),
    );
    for (let k = 0; k < grid.n; k++) {
      cells[k]!.before = ch.before[k]!;
      cells[k]!.after = ch.after[k]!;
      cells[k]!.change = ch.change[k]!;
    }
    change = {
      before: b,
      after: a,
      totalBefore: ch.totalBefore,
      totalAfter: ch.totalAfter,
      cellsUp: ch.up,
      cellsDown: ch.down,
      cellsSame: ch.same,
    };
  }

  // Hotspot classes over periods.
  let classes: HotspotsResult['classes'] = null;
  if (options.classify === true) {
    const span = first !== null && last !== null ? last - first + 1 : 0;
    const period = params.resolve('period', options.period, () => {
      const value: Period = span <= 24 ? 'month' : span <= 120 ? 'quarter' : 'year';
      return {
        value,
        explanation: `the selection spans ${span} month${span === 1 ? '' : 's'}; sfhotspot's rule of thumb in whole months (police.uk gives only the month): months up to 2 years, quarters up to 10, years beyond`,
      };
    });
    const keys = [...new Set(months.map((m) => periodKey(period, m)))].sort((p, q) => p - q);
    for (const key of keys) {
      const held = months.filter((m) => periodKey(period, m) === key).length;
      if (held < monthsInPeriod(period))
        warnings.add(
          'PARTIAL_PERIOD',
          `period ${periodLabel(period, key)} holds data for ${held} of its ${monthsInPeriod(period)} months`,
        );
    }
    const zs: Float64Array[] = [];
    const ps: Float64Array[] = [];
    const periodTotals: number[] = [];
    for (const key of keys) {
      const w = new Float64Array(grid.n);
      const month = input.points.month;
      let total = 0;
      for (let i = 0; i < n.length; i++) {
        const k = counted.cellOf[i]!;
        if (k >= 0 && periodKey(period, month[i]!) === key) {
          w[k]! += n[i]!;
          total += n[i]!;
        }
      }
      periodTotals.push(total);
      const g = hotspotGistar(w, nb);
      zs.push(g.z);
      ps.push(normalTwoSidedPs(g.z));
    }
    const c = CLASSIFY_DEFAULTS;
    params.automatic(
      'classes',
      `hotspot_prop ${c.hotspotProp}, persistent_prop ${c.persistentProp}, recent_prop ${c.recentProp}, critical_p ${c.criticalP}`,
      "sfhotspot's hotspot_classify_params() defaults; per period, normal p-values without correction, then Holm across each cell's periods (sfhotspot's default)",
    );
    // With no located incident at all there is nothing to classify, whatever the period: say so
    // rather than ask for a wider one.
    if (keys.length === 0)
      throw usageError(
        'NO_INCIDENTS',
        `${noneLocated}: there are no hot spots to classify over time`,
        'choose a selection that holds incidents: another tier, source, period or area',
      );
    if (keys.length < 2)
      throw usageError(
        'TOO_FEW_PERIODS',
        `classifying hotspots needs at least two ${period}s with data, and the selection has ${keys.length}`,
        'widen --from/--to or choose a shorter --period',
      );
    const median = medianOf(periodTotals);
    const result = hotspotClassify(zs, ps, c);
    if (median < MIN_PERIOD_INCIDENTS) {
      const why = `the median ${period} holds ${nf(median)} located incident${median === 1 ? '' : 's'}, fewer than ${MIN_PERIOD_INCIDENTS}: Gi* on so few per ${period} over ${nf(grid.n)} cells is noise, so hotspot classes (persistent, emerging, former…) are not given — widen the area or choose a longer --period`;
      warnings.add('CLASSES_TOO_SPARSE', why);
      announce(`warning: ${why}`);
      classes = {
        period,
        periods: keys.map((k) => periodLabel(period, k)),
        recentPeriods: result.recentPeriods,
        counts: {},
        withheld: why,
      };
    } else {
      if (result.recentRaised)
        warnings.add(
          'RECENT_RAISED',
          `with ${keys.length} periods, ${c.recentProp} of them is less than one: the last period is taken as the recent one`,
        );
      const countsByClass: Partial<Record<HotspotClass, number>> = {};
      for (const cls of HOTSPOT_CLASSES) countsByClass[cls] = 0;
      result.classes.forEach((cls, k) => {
        cells[k]!.class = cls;
        countsByClass[cls] = (countsByClass[cls] ?? 0) + 1;
      });
      classes = {
        period,
        periods: keys.map((k) => periodLabel(period, k)),
        recentPeriods: result.recentPeriods,
        counts: countsByClass,
      };
    }
  }

  // LSOAs.
  let lsoas: HotspotsResult['lsoas'] = null;
  let lsoaConcentration: Concentration | null = null;
  if (input.lsoas !== null) {
    const L = input.lsoas;
    if (L.levelChosen === null) params.given('LSOA level', L.level);
    else params.automatic('LSOA level', L.level, L.levelChosen);
    const tolerance = params.resolve(
      'LSOA neighbourhood tolerance',
      options.contiguityTolerance,
      () => ({
        value: DEFAULT_CONTIGUITY_TOLERANCE,
        explanation:
          'LSOAs are neighbours when their boundaries share a point (queen contiguity, spdep::poly2nb), vertices within this distance counting as shared',
      }),
      'metres',
    );
    const withShape: number[] = [];
    const withoutBoundary: string[] = [];
    L.rows.forEach((r, i) =>
      L.shapes[i] === null ? withoutBoundary.push(r.code) : withShape.push(i),
    );
    if (withoutBoundary.length > 0)
      warnings.add(
        'LSOA_WITHOUT_BOUNDARY',
        `${withoutBoundary.length} ${L.level} area${withoutBoundary.length === 1 ? ' has' : 's have'} no boundary and ${withoutBoundary.length === 1 ? 'is' : 'are'} left out of the LSOA Gi*`,
      );
    const lnb =
      withShape.length > 0
        ? keptContiguity(
            withShape.map((i) => L.shapes[i]!),
            tolerance,
          )
        : fromLists([]);
    const values = Float64Array.from(withShape, (i) => L.rows[i]!.count);
    const inf = infer(values, lnb, method);
    let islands = 0;
    const units: HotspotLsoa[] = L.rows.map((r) => ({
      ...r,
      neighbours: 0,
      z: null,
      p: null,
      pAdjusted: null,
      hotspot: null,
    }));
    let lHot = 0;
    let lCold = 0;
    withShape.forEach((i, j) => {
      const u = units[i]!;
      u.neighbours = neighbourCount(lnb, j) - 1;
      if (u.neighbours === 0) islands++;
      u.z = finite(inf.z[j]!);
      u.p = finite(inf.p[j]!);
      u.pAdjusted = finite(inf.pAdjusted[j]!);
      u.hotspot = hotOrCold(inf.z[j]!, inf.pAdjusted[j]!, alpha);
      if (u.hotspot === 'hotspot' && u.count === 0) {
        u.hotspot = null;
        u.nearHotspot = true;
      }
      if (u.hotspot === 'hotspot') lHot++;
      else if (u.hotspot === 'coldspot') lCold++;
    });
    if (islands > 0)
      warnings.add(
        'LSOA_ISLANDS',
        `${islands} LSOA${islands === 1 ? ' has' : 's have'} no neighbour within the area: ${islands === 1 ? 'its' : 'their'} Gi* compares the LSOA alone with the mean`,
      );
    lsoaConcentration = hotspotConcentration(Float64Array.from(L.rows, (r) => r.count));
    lsoas = {
      level: L.level,
      units,
      hotspots: lHot,
      coldspots: lCold,
      withoutBoundary,
      islands,
      ratesPer: L.rates?.per ?? null,
      population: L.rates?.population ?? null,
    };
    if (L.rates === null)
      warnings.add(
        'NO_POPULATION',
        'no population is loaded, so LSOA rates are not given (svd population load …)',
      );
  }

  // Repeat locations (points inside the area).
  const top = options.top ?? 10;
  const insideLocations: number[] = [];
  let locTotal = 0;
  for (let i = 0; i < loc.n.length; i++)
    if (locateCell(grid, loc.x[i]!, loc.y[i]!) >= 0) {
      insideLocations.push(i);
      locTotal += loc.n[i]!;
    }
  insideLocations.sort(
    (a, b) => loc.n[b]! - loc.n[a]! || loc.x[a]! - loc.x[b]! || loc.y[a]! - loc.y[b]!,
  );
  let repeat = 0;
  let atRepeat = 0;
  for (const i of insideLocations)
    if (loc.n[i]! >= 2) {
      repeat++;
      atRepeat += loc.n[i]!;
    }
  const repeatLocations: HotspotsResult['repeatLocations'] = {
    locations: insideLocations.length,
    repeat,
    incidentsAtRepeat: atRepeat,
    shareAtRepeat: locTotal > 0 ? atRepeat / locTotal : 0,
    top: insideLocations.slice(0, top).map((i) => ({
      easting: loc.x[i]!,
      northing: loc.y[i]!,
      longitude: loc.longitude[i] ?? null,
      latitude: loc.latitude[i] ?? null,
      label: loc.label[i] ?? null,
      incidents: loc.n[i]!,
      share: locTotal > 0 ? loc.n[i]! / locTotal : 0,
    })),
    snapped: input.incidents.policeUk > 0,
  };

  // Announce what svd chose.
  const all = params.all();
  for (const name of ['area', 'boundary', 'cell size', 'bandwidth', 'LSOA level', 'period', 'seed'])
    if (all[name]?.automatic === true) announce(announceParam(name, all[name]));
  announce(
    `method: Gi* with ${String(all['neighbourhood']?.value)}, binary weights, ${String(all['p-values']?.value)} p-values, ${CORRECTION_NAMES[correction]} correction${all['correction']?.automatic === true ? ' (the default; --correction to change)' : ''}, significance ${alpha}`,
  );

  return {
    result: {
      area: {
        level: input.area.level,
        code: input.area.code,
        name: input.area.name,
        areaKm2: grid.area / 1e6,
        boundary: input.area.boundarySource,
      },
      period: {
        from: first === null ? null : formatMonth(first),
        to: last === null ? null : formatMonth(last),
        monthsWithData: months.map(formatMonth),
      },
      incidents: {
        selected: input.incidents.selected,
        unlocated: input.incidents.unlocated,
        located,
        inArea: counted.total,
        outsideArea: counted.outsideWeight,
        policeUk: input.incidents.policeUk,
        synthetic: input.incidents.synthetic,
      },
      grid: {
        shape: gridShape,
        cellSize,
        cells: grid.n,
        cutCells: cut,
        cellAreaKm2: grid.cellArea / 1e6,
      },
      summary: {
        hotspots: hot,
        coldspots: cold,
        nearHotspots: nearHot,
        alpha,
        correction,
        sparse: sparse !== null,
      },
      topHotspots,
      cells,
      lsoas,
      concentration: { cells: hotspotConcentration(counted.counts), lsoas: lsoaConcentration },
      repeatLocations,
      change,
      classes,
    },
    params: params.all(),
    warnings: warnings.list(),
  };
}
