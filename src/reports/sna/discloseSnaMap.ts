/**
 * The SNA map made fit for its audience (docs/decisions/0064-readable-maps-and-hotspot-defaults.md).
 *
 * The level: LSOAs, unless the audience is the public and LSOA-level disclosure would withhold
 * more than half of the LSOAs that hold records (those not published as 0: a share worked out from
 * published figures only); then the first coarser level (wards, then MSOAs) at which at most half
 * of the areas with records are withheld is drawn instead, and the "where" table is published at that
 * level (never both: a ward's count less its published LSOAs would give back a withheld LSOA).
 * The choice is stated in the caption.
 *
 * Everything else reads the disclosed "where" table: areas are filled by its figures, the top
 * areas are the largest published figures, rates are worked from published counts only; the named
 * hot spot cells' counts go through the policy one by one (primary suppression: they are not
 * margins of any published table).
 */
import {
  discloseFigure,
  withheld,
  type DisclosedFigure,
  type DisclosurePolicy,
} from '../../disclosure/index.js';
import { labelPoint } from '../../geo/labelPoint.js';
import type { Shape } from '../../geo/shapes.js';
import type { CoarseArea, DisclosedSna, RawTable, ShownTable, SnaData } from './snaTypes.js';

/** A public map falls back to a coarser level when more than this share of LSOAs is withheld. */
export const MAX_WITHHELD_SHARE = 0.5;
/** Rows of the "top areas" table. */
export const TOP_AREAS = 10;

export const LEVEL_WORDS = {
  lsoa: { one: 'LSOA', many: 'LSOAs', header: 'LSOA' },
  ward: { one: 'ward', many: 'wards', header: 'Ward' },
  msoa: { one: 'MSOA', many: 'MSOAs', header: 'MSOA' },
} as const;

export interface MapLevelChoice {
  level: 'lsoa' | 'ward' | 'msoa';
  /** The raw "where" table at that level. */
  where: RawTable;
  areas: CoarseArea[] | null;
  fallback: string | null;
}

const withheldRows = (t: ShownTable): number =>
  t.cells.filter((r) => r[0]?.suppressed !== false).length;
/** Rows not published as 0: withheld, or shown with records. */
const rowsWithRecords = (t: ShownTable): number =>
  t.cells.filter((r) => !(r[0]?.suppressed === false && r[0].value === 0)).length;

const sum = (cells: number[][]): number => cells.reduce((a, r) => a + (r[0] ?? 0), 0);

/** The level the map (and the "where" table) is published at, by the rule above. */
export function chooseMapLevel(
  data: SnaData,
  policy: DisclosurePolicy,
  show: (t: RawTable) => ShownTable,
): MapLevelChoice {
  const where = data.tables.where;
  const lsoa: MapLevelChoice = { level: 'lsoa', where, areas: null, fallback: null };
  const rows = where.rows.length;
  if (policy.audience !== 'public' || data.hotspots === null || rows === 0) return lsoa;
  const shown = show(where);
  const hidden = withheldRows(shown);
  const holding = rowsWithRecords(shown);
  if (holding === 0 || hidden / holding <= MAX_WITHHELD_SHARE) return lsoa;
  const atLsoa = `At LSOA level ${hidden} of the ${holding} LSOAs with records would be withheld (more than half)`;
  for (const c of data.hotspots.coarser ?? []) {
    const raw: RawTable = {
      ...where,
      title: `Records by ${LEVEL_WORDS[c.level].one}`,
      rowHeader: LEVEL_WORDS[c.level].header,
      rows: c.areas.map((a) => (a.name === null ? a.code : `${a.name} (${a.code})`)),
      cells: c.areas.map((a) => [a.count]),
    };
    // Each area is the sum of its LSOAs, so the totals agree; never publish one that does not.
    if (sum(raw.cells) !== sum(where.cells)) continue;
    const s = show(raw);
    const h = withheldRows(s);
    const k = rowsWithRecords(s);
    if (k > 0 && h / k <= MAX_WITHHELD_SHARE)
      return {
        level: c.level,
        where: raw,
        areas: c.areas,
        fallback: `${atLsoa}, so this public map and the tables below are drawn by ${LEVEL_WORDS[c.level].one} (${h} of the ${k} ${LEVEL_WORDS[c.level].many} with records withheld).`,
      };
  }
  return {
    ...lsoa,
    fallback: `${atLsoa}, and no coarser level with boundaries loaded shows most of its areas, so the map is drawn by LSOA.`,
  };
}

/** A frame in British National Grid, north up, `width` units across, 0.1-unit steps. */
function projector(shapes: readonly Shape[], width = 1000) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const s of shapes) {
    minX = Math.min(minX, s.minX);
    minY = Math.min(minY, s.minY);
    maxX = Math.max(maxX, s.maxX);
    maxY = Math.max(maxY, s.maxY);
  }
  const scale = width / Math.max(maxX - minX, 1);
  const px = (x: number): number => Math.round((x - minX) * scale * 10) / 10;
  const py = (y: number): number => Math.round((maxY - y) * scale * 10) / 10;
  const path = (shape: Shape): string => {
    let d = '';
    for (const ring of shape.rings) {
      let lastX = NaN;
      let lastY = NaN;
      let part = '';
      for (let i = 0; i < ring.length; i += 2) {
        const x = px(ring[i]!);
        const y = py(ring[i + 1]!);
        if (x === lastX && y === lastY) continue;
        part += `${part === '' ? 'M' : 'L'}${x} ${y}`;
        lastX = x;
        lastY = y;
      }
      if (part !== '') d += `${part}Z`;
    }
    return d;
  };
  const viewBox =
    shapes.length === 0 ? '0 0 1 1' : `0 0 ${width} ${Math.ceil((maxY - minY) * scale)}`;
  return { path, point: (x: number, y: number) => ({ x: px(x), y: py(y) }), viewBox };
}

const valueOf = (f: DisclosedFigure | undefined): number | null =>
  f === undefined || f.suppressed !== false ? null : f.value;

/** The disclosed map, from the disclosed "where" table at the level chosen. */
export function discloseSnaMap(
  data: SnaData,
  where: ShownTable,
  choice: MapLevelChoice,
  policy: DisclosurePolicy,
): NonNullable<DisclosedSna['map']> | null {
  const h = data.hotspots;
  if (h === null || h.lsoas.length === 0) return null;
  const figureAt = (i: number): DisclosedFigure => where.cells[i]?.[0] ?? withheld('primary');
  const drawn =
    choice.areas === null
      ? h.lsoas.map((l, i) => ({
          code: l.code,
          name: l.name,
          hotspot: l.hotspot,
          ward: l.ward ?? null,
          district: l.district ?? null,
          street: l.street ?? null,
          population: l.population ?? null,
          shape: l.shape,
          figure: figureAt(i),
        }))
      : choice.areas.map((a, i) => ({
          code: a.code,
          name: a.name,
          hotspot: null,
          ward: null,
          district: a.district,
          street: a.street,
          population: a.population,
          shape: a.shape,
          figure: figureAt(i),
        }));
  const frameShapes = [
    ...drawn.flatMap((a) => (a.shape === null ? [] : [a.shape])),
    ...h.lsoas.flatMap((l) => (l.shape === null ? [] : [l.shape])),
  ];
  const frame = projector(frameShapes);
  const shapes: Record<string, string> = {};
  for (const a of drawn) if (a.shape !== null) shapes[a.code] = frame.path(a.shape);
  const outlines = (h.outlines ?? []).map((o) => ({
    level: o.level,
    name: o.name ?? o.code,
    d: frame.path(o.shape),
    label: o.level === 'district' ? (({ x, y }) => frame.point(x, y))(labelPoint(o.shape)) : null,
  }));
  const spotOutlines =
    choice.areas === null
      ? []
      : h.lsoas.flatMap((l) =>
          l.shape === null || l.hotspot === null
            ? []
            : [{ d: frame.path(l.shape), hotspot: l.hotspot }],
        );
  const years = (h.months ?? 12) / 12;
  const top = drawn
    .map((a) => ({ a, v: valueOf(a.figure) }))
    .filter((x): x is { a: (typeof drawn)[number]; v: number } => x.v !== null && x.v > 0)
    .sort((p, q) => q.v - p.v || p.a.code.localeCompare(q.a.code))
    .slice(0, TOP_AREAS)
    .map(({ a, v }) => ({
      code: a.code,
      name: a.name,
      ward: a.ward,
      district: a.district,
      street: a.street,
      figure: a.figure,
      rate:
        a.population === null || a.population <= 0
          ? null
          : Math.round((v / a.population / years) * 1000 * 100) / 100,
    }));
  return {
    lsoas: drawn.map((a) => ({
      code: a.code,
      name: a.name,
      hotspot: a.hotspot,
      ward: a.ward,
      district: a.district,
      street: a.street,
      figure: a.figure,
    })),
    shapes,
    viewBox: frame.viewBox,
    hot: h.hot,
    cold: h.cold,
    correction: h.correction,
    alpha: h.alpha,
    level: choice.level,
    fallback: choice.fallback,
    outlines,
    spotOutlines,
    top,
    hotCells: (h.hotCells ?? []).map((c) => ({
      z: c.z,
      street: c.street,
      lsoa: c.lsoa,
      ward: c.ward,
      district: c.district,
      figure: discloseFigure(c.count, policy, choice.where.sources),
    })),
    cellSize: h.cellSize ?? null,
  };
}
