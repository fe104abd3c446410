/**
 * The aggregate's detailed groups held in memory as columns, for the questions a statement
 * answers slowly for their size: the hot spot analysis's points of a selection, and the counts of
 * a selection by several dimensions in turn (the LSOAs' counts of Causes, Hotspots and every
 * page's rates). Such a statement reads a few thousand groups, yet costs 10–35 ms at ten million
 * records, most of it the database's fixed cost of planning and starting a query of five joins;
 * a loop over the groups held takes a millisecond or two (decision 0081, sixteenth pass).
 *
 * What a filter or a dimension means is not written again here: the value each group takes under
 * a dimension is read through that dimension's own SQL and joins, over the groups, the first time
 * it is asked for (and kept, a few dozen at most). A filter is then a comparison of those values,
 * a count a sum over them. What the held values cannot answer so (a range of anything but the
 * month, several values of a dimension a record may take several of, two filters whose joins may
 * each give a record several rows, values that are not text) is left to the SQL.
 */
import {
  DuckDBIntegerVector,
  DuckDBTypeId,
  type DuckDBConnection,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { CountFilter, Dimension } from '../../core/dimension.js';
import { codePointBefore } from '../../core/codePointOrder.js';
import { isMonth } from '../../core/months.js';
import { incidentFilterSql } from '../../analyses/selection/incidentFilter.js';
import {
  SYNTHETIC_RECORD,
  type HeldCount,
  type HeldSelection,
} from '../../analyses/counts/incidentCounting.js';
import type { PointRows, PointsRequest } from '../../analyses/hotspots/hotspotPoints.js';
import { valueKey } from '../../core/valueKey.js';

/**
 * One dimension's values of each group: the rows its joins give the group (one for most; a
 * record in two nested partnerships has two), each an index into `index`'s values or -1 for NULL.
 * Group g's rows are `codes[offsets[g]]` to `codes[offsets[g + 1] - 1]`.
 */
export interface HeldDimension {
  readonly offsets: Int32Array;
  readonly codes: Int32Array;
  /** The values, by index (in the database's order of them), and the index of each. */
  readonly values: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Whether some group has more than one row. */
  readonly several: boolean;
  /** The first and last group taking each value (by index + 1; NULL's at 0). */
  readonly first: Int32Array;
  readonly last: Int32Array;
}

export interface GroupsInMemory {
  /** Groups held; group `g` is the aggregate's id `g + 1`. */
  readonly size: number;
  /** year × 12 + month − 1 of the group's month. */
  readonly month: Int32Array;
  readonly n: Float64Array;
  readonly policeUk: Uint8Array;
  readonly synthetic: Uint8Array;
  /** Whether the group has a placement row (its records were placed). */
  readonly placed: Uint8Array;
  /** The group's point (an index into `pointX`/`pointY`, ordered by easting then northing), or -1. */
  readonly point: Int32Array;
  readonly pointX: Float64Array;
  readonly pointY: Float64Array;
  readonly longitude: (number | null)[];
  readonly latitude: (number | null)[];
  readonly label: (string | null)[];
  /** The group's base LSOA (`vintage|code`, an index into the keys of `areaLsoas`), or -1. */
  readonly base: Int32Array;
  /** Base LSOAs held. */
  readonly bases: number;
  /** The base LSOAs of each area (`level`, NUL, `code`), any membership. */
  readonly areaLsoas: ReadonlyMap<string, ReadonlySet<number>>;
  /**
   * A dimension's values of every group, read through its own SQL and joins the first time it is
   * asked for with these parameters (those its SQL names); null when they are not all text (or
   * NULL), or when a parameter it names is not given.
   */
  dimension(
    dimension: Dimension,
    params: Readonly<Record<string, DuckDBValue>>,
  ): Promise<HeldDimension | null>;
}

/** Each row of a read, column by column, in the order of the read (the ids, 1 to size). */
async function eachRow(
  connection: DuckDBConnection,
  sql: string,
  params: Record<string, DuckDBValue>,
  row: (item: (column: number) => DuckDBValue, index: number) => void,
): Promise<number> {
  const result = await connection.run(sql, params);
  let index = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) break;
    const vectors = Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnVector(i));
    for (let r = 0; r < chunk.rowCount; r++) row((c) => vectors[c]!.getItem(r), index++);
  }
  return index;
}

const num = (v: DuckDBValue): number => Number(v);

/** Dimensions held at once, at most (the least recently asked for is dropped). */
const HELD_DIMENSIONS = 48;

/**
 * Reads the detailed groups (the connection's search path at the detailed schema). `connect`:
 * a connection of the aggregate's own, its search path at the detailed schema, for reading a
 * dimension's values when first asked for (closed after).
 */
export async function loadGroupsInMemory(
  connection: DuckDBConnection,
  connect: () => Promise<DuckDBConnection>,
): Promise<GroupsInMemory> {
  const sizeRow = await connection.runAndReadAll(
    'SELECT count(*), coalesce(max(id), 0) FROM incidents',
  );
  const [count, maxId] = sizeRow.getRows()[0]!.map(num) as [number, number];
  if (count !== maxId) throw new Error(`the aggregate's ids are not 1 to ${count}`);
  const size = count;
  const month = new Int32Array(size);
  const n = new Float64Array(size);
  const policeUk = new Uint8Array(size);
  const synthetic = new Uint8Array(size);
  const placed = new Uint8Array(size);
  const point = new Int32Array(size).fill(-1);
  const base = new Int32Array(size).fill(-1);
  const longitude: (number | null)[] = new Array<number | null>(size).fill(null);
  const latitude: (number | null)[] = new Array<number | null>(size).fill(null);
  const label: (string | null)[] = new Array<string | null>(size).fill(null);
  const xs = new Float64Array(size);
  const ys = new Float64Array(size);
  const located = new Uint8Array(size);
  const bases = new Map<string, number>();
  await eachRow(
    connection,
    `SELECT CAST(year(i.month) * 12 + month(i.month) - 1 AS INTEGER), i.n, i.source = 'police-uk',
            ${SYNTHETIC_RECORD}, p.incident_id IS NOT NULL, p.base_vintage, p.base_code,
            p.easting, p.northing, i.longitude, i.latitude, i.location_text
       FROM incidents i LEFT JOIN incident_places p ON p.incident_id = i.id ORDER BY i.id`,
    {},
    (item, g) => {
      month[g] = num(item(0));
      n[g] = num(item(1));
      policeUk[g] = item(2) === true ? 1 : 0;
      synthetic[g] = item(3) === true ? 1 : 0;
      placed[g] = item(4) === true ? 1 : 0;
      const code = item(6);
      if (code !== null) {
        const key = `${String(item(5))}|${String(code)}`;
        let b = bases.get(key);
        if (b === undefined) bases.set(key, (b = bases.size));
        base[g] = b;
      }
      const x = item(7);
      const y = item(8);
      if (x !== null && y !== null) {
        located[g] = 1;
        xs[g] = num(x);
        ys[g] = num(y);
      }
      const lon = item(9);
      const lat = item(10);
      const text = item(11);
      longitude[g] = lon === null ? null : num(lon);
      latitude[g] = lat === null ? null : num(lat);
      label[g] = text === null ? null : String(text);
    },
  );
  // The distinct points, numbered in the order of easting then northing.
  const located0: number[] = [];
  for (let g = 0; g < size; g++) if (located[g] === 1) located0.push(g);
  located0.sort((a, b) => xs[a]! - xs[b]! || ys[a]! - ys[b]!);
  const pointX: number[] = [];
  const pointY: number[] = [];
  for (const g of located0) {
    const last = pointX.length - 1;
    if (last < 0 || pointX[last] !== xs[g] || pointY[last] !== ys[g]) {
      pointX.push(xs[g]!);
      pointY.push(ys[g]!);
    }
    point[g] = pointX.length - 1;
  }
  const areaLsoas = new Map<string, Set<number>>();
  await eachRow(
    connection,
    'SELECT level, area_code, lsoa_vintage, lsoa_code FROM geo_memberships',
    {},
    (item) => {
      const b = bases.get(`${String(item(2))}|${String(item(3))}`);
      if (b === undefined) return;
      const key = `${String(item(0))}\u0000${String(item(1))}`;
      let set = areaLsoas.get(key);
      if (set === undefined) areaLsoas.set(key, (set = new Set()));
      set.add(b);
    },
  );
  const held = new Map<string, Promise<HeldDimension | null>>();
  const dimension = (
    d: Dimension,
    params: Readonly<Record<string, DuckDBValue>>,
  ): Promise<HeldDimension | null> => {
    // The parameters its SQL and joins name, and only those (DuckDB refuses others).
    const text = [d.sql, ...Object.values(d.joins ?? {})].join('\n');
    const used: Record<string, DuckDBValue> = {};
    for (const [, name] of text.matchAll(/\$(\w+)/g)) {
      if (!Object.hasOwn(params, name!)) return Promise.resolve(null);
      // A list is the question's own (the areas rates are given for): held, it would be read
      // again for each, at the cost of the queries it saves.
      const value = params[name!]!;
      if (typeof value === 'object' && value !== null) return Promise.resolve(null);
      used[name!] = value;
    }
    const key = `${d.name}\u0000${text}\u0000${valueKey(used)}`;
    let found = held.get(key);
    if (found === undefined) {
      found = readDimension(connect, d, used, size);
      if (held.size >= HELD_DIMENSIONS) held.delete(held.keys().next().value!);
      found.catch(() => held.delete(key));
    } else held.delete(key);
    held.set(key, found);
    return found;
  };
  return {
    size,
    month,
    n,
    policeUk,
    synthetic,
    placed,
    point,
    pointX: Float64Array.from(pointX),
    pointY: Float64Array.from(pointY),
    longitude,
    latitude,
    label,
    base,
    bases: bases.size,
    areaLsoas,
    dimension,
  };
}

/**
 * A dimension's values of every group, by its own SQL and joins over the detailed groups; null
 * when a value is not text: what the filters compare and the counts order is text. The database
 * numbers the values, so that what is read back for each group is two integers (its id, its
 * value's number) and each value's text only once: read one by one as text, a read took
 * 140–440 ms at ten million records, and the first answer that needed a dimension waited for it
 * (decision 0081, seventeenth pass).
 */
async function readDimension(
  connect: () => Promise<DuckDBConnection>,
  dimension: Dimension,
  params: Record<string, DuckDBValue>,
  size: number,
): Promise<HeldDimension | null> {
  const connection = await connect();
  try {
    const { from } = incidentFilterSql([], [dimension], {
      alsoUsing: [dimension.name],
      params,
    });
    // The values (id 0, each with its number, numbered in the database's order of them), and each
    // group's rows (NULL numbered -1), in no order: they are put in the order of id here, for less
    // than the database's sort. The value column is NULL on a group's rows, and of the dimension's
    // own type, so that a value that is not text is seen as such.
    const result = await connection.run(
      `WITH d AS MATERIALIZED (SELECT i.id AS id, ${dimension.sql} AS v FROM ${from}),
            n AS (SELECT v, CAST(row_number() OVER (ORDER BY v) - 1 AS INTEGER) AS c
                    FROM (SELECT DISTINCT v FROM d WHERE v IS NOT NULL))
       SELECT 0 AS id, c, v FROM n
       UNION ALL
       SELECT CAST(d.id AS INTEGER), coalesce(n.c, -1), NULL FROM d LEFT JOIN n ON n.v = d.v`,
      params,
    );
    const type = result.columnTypeId(2);
    if (type !== DuckDBTypeId.VARCHAR && type !== DuckDBTypeId.ENUM) return null;
    const values: string[] = [];
    const index = new Map<string, number>();
    // Each group's rows, by id − 1, counted, then placed in order.
    const offsets = new Int32Array(size + 1);
    let groupOf: Int32Array = new Int32Array(size);
    let codeOf: Int32Array = new Int32Array(size);
    let rows = 0;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const ids = chunk.getColumnVector(0);
      const numbers = chunk.getColumnVector(1);
      const texts = chunk.getColumnVector(2);
      if (!(ids instanceof DuckDBIntegerVector) || !(numbers instanceof DuckDBIntegerVector))
        throw new Error(`${dimension.name}: the values were not numbered as integers`);
      for (let r = 0; r < chunk.rowCount; r++) {
        const id = ids.getItem(r)!;
        const c = numbers.getItem(r)!;
        if (id === 0) {
          const text = String(texts.getItem(r));
          values[c] = text;
          index.set(text, c);
          continue;
        }
        // Ids from 1 to size only.
        if (id < 1 || id > size) return null;
        if (rows === groupOf.length) {
          groupOf = grown(groupOf);
          codeOf = grown(codeOf);
        }
        groupOf[rows] = id - 1;
        codeOf[rows++] = c;
        offsets[id]!++;
      }
    }
    // Each group once or more.
    for (let g = 0; g < size; g++) {
      if (offsets[g + 1] === 0) return null;
      offsets[g + 1] = offsets[g + 1]! + offsets[g]!;
    }
    const codes = new Int32Array(rows);
    const next = offsets.slice(0, size);
    for (let r = 0; r < rows; r++) codes[next[groupOf[r]!]!++] = codeOf[r]!;
    const first = new Int32Array(values.length + 1).fill(size);
    const lastOf = new Int32Array(values.length + 1).fill(-1);
    for (let g = 0; g < size; g++)
      for (let r = offsets[g]!; r < offsets[g + 1]!; r++) {
        const c = codes[r]! + 1;
        if (g < first[c]!) first[c] = g;
        lastOf[c] = g;
      }
    return {
      offsets,
      codes,
      values,
      index,
      several: rows > size,
      first,
      last: lastOf,
    };
  } finally {
    connection.closeSync();
  }
}

/** An array of twice the length, the same values first. */
function grown(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2 + 1);
  bigger.set(array);
  return bigger;
}

/** A month YYYY-MM as year × 12 + month − 1. */
const monthIndex = (month: string): number =>
  Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** A filter read from the held values: a run of months, or values of a held dimension. */
type HeldFilter =
  | { kind: 'months'; lo: number; hi: number }
  | {
      kind: 'values';
      held: HeldDimension;
      /** By value index + 1 (NULL at 0): whether the filter keeps it. */
      wanted: Uint8Array;
      /** The groups that may be kept lie from `from` to `to` (inclusive). */
      from: number;
      to: number;
    };

/** One filter as read from the held values, or undefined when they cannot answer it. */
async function heldFilter(
  groups: GroupsInMemory,
  filter: CountFilter,
  dimensions: readonly Dimension[],
  params: Readonly<Record<string, DuckDBValue>>,
): Promise<HeldFilter | undefined> {
  if (filter.range !== undefined) {
    const { from, to } = filter.range;
    if (filter.dimension !== 'month' || !isMonth(from) || !isMonth(to)) return undefined;
    return { kind: 'months', lo: monthIndex(from), hi: monthIndex(to) };
  }
  const dimension = dimensions.find((d) => d.name === filter.dimension);
  if (dimension === undefined) return undefined;
  // Several values of a dimension a record may take several of are a semi-join of its own.
  if (dimension.several !== undefined && filter.values.filter((v) => v !== null).length > 1)
    return undefined;
  const held = await groups.dimension(dimension, params);
  if (held === null) return undefined;
  const wanted = new Uint8Array(held.values.length + 1);
  let from = groups.size;
  let to = -1;
  for (const v of filter.values) {
    const c = v === null ? 0 : (held.index.get(v) ?? -1) + 1;
    if (c === 0 && v !== null) continue;
    wanted[c] = 1;
    from = Math.min(from, held.first[c]!);
    to = Math.max(to, held.last[c]!);
  }
  return { kind: 'values', held, wanted, from, to };
}

/**
 * Keeps, of the `count` groups picked, those the filter keeps, each counted as many times more as
 * the filter keeps rows of it (the SQL's join counts a group once per row kept). Returns how many
 * are left, in place.
 */
function narrow(
  groups: GroupsInMemory,
  filter: HeldFilter,
  picked: Int32Array,
  times: Int32Array,
  count: number,
): number {
  let kept = 0;
  if (filter.kind === 'months') {
    const { month } = groups;
    for (let k = 0; k < count; k++) {
      const g = picked[k]!;
      if (month[g]! < filter.lo || month[g]! > filter.hi) continue;
      picked[kept] = g;
      times[kept++] = times[k]!;
    }
    return kept;
  }
  const { offsets, codes } = filter.held;
  const wanted = filter.wanted;
  for (let k = 0; k < count; k++) {
    const g = picked[k]!;
    let rows = 0;
    for (let r = offsets[g]!; r < offsets[g + 1]!; r++) rows += wanted[codes[r]! + 1]!;
    if (rows === 0) continue;
    picked[kept] = g;
    times[kept++] = times[k]! * rows;
  }
  return kept;
}

/** The groups a selection picks, each with the times the SQL's joins count it. */
interface Picked {
  picked: Int32Array;
  times: Int32Array;
  count: number;
}

/**
 * The groups the filters select, of those `first` keeps (all when not given); undefined when a
 * filter is not one the held values answer.
 */
async function pick(
  groups: GroupsInMemory,
  selection: HeldSelection,
  first?: (g: number) => boolean,
): Promise<Picked | undefined> {
  const filters: HeldFilter[] = [];
  let several = 0;
  let from = 0;
  let to = groups.size - 1;
  for (const filter of selection.filters) {
    const held = await heldFilter(groups, filter, selection.dimensions, selection.params);
    if (held === undefined) return undefined;
    if (held.kind === 'values') {
      if (held.held.several) several++;
      from = Math.max(from, held.from);
      to = Math.min(to, held.to);
    }
    filters.push(held);
  }
  // Two filters whose joins may each give a group several rows: the SQL pairs their rows (or
  // shares one join between two dimensions); left to it.
  if (several > 1) return undefined;
  const picked = new Int32Array(Math.max(0, to - from + 1));
  const times = new Int32Array(picked.length);
  let count = 0;
  for (let g = from; g <= to; g++) {
    if (first !== undefined && !first(g)) continue;
    picked[count] = g;
    times[count++] = 1;
  }
  for (const filter of filters) count = narrow(groups, filter, picked, times, count);
  return { picked, times, count };
}

/**
 * The hot spot analysis's points of a selection from the groups held: the rows its SQL gives
 * (analyseHotspots.ts), or undefined when a filter is not one the held values answer.
 */
export async function hotspotPointsOf(
  groups: GroupsInMemory,
  request: PointsRequest,
): Promise<PointRows | undefined> {
  const { month, n, placed, point, base } = groups;
  // The area test first: placed in an LSOA of the area, or with a point and no LSOA.
  const inArea = new Uint8Array(groups.bases);
  for (const b of groups.areaLsoas.get(`${request.area.level}\u0000${request.area.code}`) ?? [])
    inArea[b] = 1;
  const chosen = await pick(groups, request, (g) => {
    if (placed[g] !== 1) return false;
    const b = base[g]!;
    return b === -1 ? point[g] !== -1 : inArea[b] === 1;
  });
  if (chosen === undefined) return undefined;
  const { picked, times, count } = chosen;
  const points = groups.pointX.length;
  let selected = 0;
  let unlocated = 0;
  let policeUk = 0;
  let synthetic = 0;
  let firstMonth = Infinity;
  for (let k = 0; k < count; k++) firstMonth = Math.min(firstMonth, month[picked[k]!]!);
  const byPointMonth = new Map<number, number>();
  const byPoint = new Map<
    number,
    { n: number; longitude: number | null; latitude: number | null; label: string | null }
  >();
  for (let k = 0; k < count; k++) {
    const g = picked[k]!;
    const records = n[g]! * times[k]!;
    selected += records;
    if (groups.policeUk[g] === 1) policeUk += records;
    if (groups.synthetic[g] === 1) synthetic += records;
    const p = point[g]!;
    if (p === -1) {
      unlocated += records;
      continue;
    }
    const key = (month[g]! - firstMonth) * points + p;
    byPointMonth.set(key, (byPointMonth.get(key) ?? 0) + records);
    const lon = groups.longitude[g]!;
    const lat = groups.latitude[g]!;
    const text = groups.label[g]!;
    const at = byPoint.get(p);
    if (at === undefined) {
      byPoint.set(p, { n: records, longitude: lon, latitude: lat, label: text });
      continue;
    }
    at.n += records;
    if (lon !== null && (at.longitude === null || lon < at.longitude)) at.longitude = lon;
    if (lat !== null && (at.latitude === null || lat < at.latitude)) at.latitude = lat;
    if (text !== null && (at.label === null || codePointBefore(text, at.label))) at.label = text;
  }
  const out: PointRows = {
    points: { x: [], y: [], month: [], n: [] },
    locations: { x: [], y: [], n: [], longitude: [], latitude: [], label: [] },
    totals: count > 0 ? { selected, unlocated, police_uk: policeUk, synthetic } : null,
  };
  // Keys in the order of month, then point (easting, then northing).
  const keys = Float64Array.from(byPointMonth.keys()).sort();
  for (const key of keys) {
    const p = key % points;
    out.points.x.push(groups.pointX[p]!);
    out.points.y.push(groups.pointY[p]!);
    out.points.month.push(firstMonth + (key - p) / points);
    out.points.n.push(byPointMonth.get(key)!);
  }
  for (const p of Int32Array.from(byPoint.keys()).sort()) {
    const at = byPoint.get(p)!;
    out.locations.x.push(groups.pointX[p]!);
    out.locations.y.push(groups.pointY[p]!);
    out.locations.n.push(at.n);
    out.locations.longitude.push(at.longitude);
    out.locations.latitude.push(at.latitude);
    out.locations.label.push(at.label);
  }
  return out;
}

/**
 * The counts of a selection by each of several dimensions in turn, from the groups held: what
 * `countIncidentsEach`'s SQL gives (each value's records and synthetic records, the values in
 * the database's order, NULL last), or undefined when a filter or a dimension is not one the held
 * values answer (a dimension must give each group one value).
 */
export async function heldCountsOf(
  groups: GroupsInMemory,
  names: readonly Dimension[],
  selection: HeldSelection,
): Promise<HeldCount[][] | undefined> {
  const by: HeldDimension[] = [];
  for (const d of names) {
    const held = await groups.dimension(d, selection.params);
    if (held === null || held.several) return undefined;
    by.push(held);
  }
  const chosen = await pick(groups, selection);
  if (chosen === undefined) return undefined;
  const { picked, times, count } = chosen;
  const { n, synthetic } = groups;
  return by.map((held) => {
    // By value index + 1 (NULL at 0).
    const records = new Float64Array(held.values.length + 1);
    const generated = new Float64Array(held.values.length + 1);
    const seen = new Uint8Array(held.values.length + 1);
    for (let k = 0; k < count; k++) {
      const g = picked[k]!;
      const c = held.codes[held.offsets[g]!]! + 1;
      const r = n[g]! * times[k]!;
      records[c] = records[c]! + r;
      if (synthetic[g] === 1) generated[c] = generated[c]! + r;
      seen[c] = 1;
    }
    // The values are numbered in the database's order: the SQL's order of the rows.
    const rows: HeldCount[] = [];
    held.values.forEach((value, c) => {
      if (seen[c + 1] === 1) rows.push({ value, n: records[c + 1]!, synthetic: generated[c + 1]! });
    });
    if (seen[0] === 1) rows.push({ value: null, n: records[0]!, synthetic: generated[0]! });
    return rows;
  });
}
