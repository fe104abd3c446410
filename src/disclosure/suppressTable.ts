/**
 * Primary and secondary suppression of a table of counts published with its row totals, column
 * totals and grand total.
 *
 * Write the table with its margins as an (R+1)×(C+1) array whose last row and column hold the
 * totals negated: every row and every column of it then sums to zero. Hidden entries are the
 * unknowns of those R+C+2 equations. Think of rows and columns as the two sides of a bipartite
 * graph and each hidden entry as an edge: the unknowns can move together only around cycles
 * (add δ and subtract δ alternately round a cycle and every sum stays the same), so a hidden
 * entry can be worked out from what is published exactly when its edge lies on no cycle — when it
 * is a bridge. Secondary suppression therefore hides more entries until no hidden entry is a
 * bridge: for each bridge (r, c) it hides the cheapest rectangle (r, c′), (r′, c), (r′, c′),
 * which puts (r, c) on a four-cycle. Adding edges never turns a cycle edge into a bridge, so one
 * rectangle per remaining bridge is enough.
 *
 * Cheapest means least information lost: the smallest counts are hidden first, interior cells
 * before totals, and zeros only when nothing else will do (a hidden zero can be pinned by the
 * requirement that counts are not negative, and zeros are otherwise always shown).
 */

export interface SuppressionInput {
  /** Counts, rows × columns (whole numbers ≥ 0). */
  cells: readonly (readonly number[])[];
  /** Counts from 1 to minimum−1 are hidden (0: nothing is hidden). */
  minimum: number;
  /**
   * Entries to hide whatever their value, because the same figure is withheld in another table
   * published beside this one (extended coordinates: row R holds the column totals, column C the
   * row totals). They are then protected like any other hidden entry.
   */
  alsoHide?: readonly (readonly [number, number])[];
}

export interface SuppressionResult {
  rowTotals: number[];
  columnTotals: number[];
  total: number;
  /** 'primary' (small), 'secondary' (hidden to protect a small one) or false, per cell. */
  cells: (false | 'primary' | 'secondary')[][];
  rowTotalsHidden: (false | 'primary' | 'secondary')[];
  columnTotalsHidden: (false | 'primary' | 'secondary')[];
  totalHidden: false | 'primary' | 'secondary';
}

type Mark = false | 'primary' | 'secondary';

/** The edges of the hidden-entry graph that lie on no cycle (Tarjan's bridge search). */
export function hiddenBridges(hidden: readonly (readonly boolean[])[]): [number, number][] {
  const rows = hidden.length;
  const cols = hidden[0]?.length ?? 0;
  const n = rows + cols;
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  const edges: [number, number][] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      if (hidden[r]![c]) {
        const id = edges.length;
        edges.push([r, c]);
        adjacency[r]!.push(id);
        adjacency[rows + c]!.push(id);
      }
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const bridges: [number, number][] = [];
  let counter = 0;
  const other = (edge: number, node: number): number => {
    const [r, c] = edges[edge]!;
    return node === r ? rows + c : r;
  };
  for (let start = 0; start < n; start++) {
    if (order[start] !== -1) continue;
    // Iterative depth-first search: (node, edge it was reached by, next adjacency index).
    const stack: [number, number, number][] = [[start, -1, 0]];
    order[start] = low[start] = counter++;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, via, next] = top;
      if (next < adjacency[node]!.length) {
        top[2]++;
        const edge = adjacency[node]![next]!;
        if (edge === via) continue;
        const to = other(edge, node);
        if (order[to] === -1) {
          order[to] = low[to] = counter++;
          stack.push([to, edge, 0]);
        } else low[node] = Math.min(low[node]!, order[to]!);
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent !== undefined) {
          low[parent[0]] = Math.min(low[parent[0]]!, low[node]!);
          if (low[node]! > order[parent[0]]!) bridges.push(edges[via]!);
        }
      }
    }
  }
  return bridges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

export function suppressTable(input: SuppressionInput): SuppressionResult {
  const { cells, minimum } = input;
  const R = cells.length;
  const C = cells[0]?.length ?? 0;
  for (const row of cells)
    if (row.length !== C)
      throw new RangeError('every row of a table needs the same number of cells');
  const rowTotals = cells.map((row) => row.reduce((s, v) => s + v, 0));
  const columnTotals = Array.from({ length: C }, (_, c) =>
    cells.reduce((s, row) => s + row[c]!, 0),
  );
  const total = rowTotals.reduce((s, v) => s + v, 0);
  // The extended table: cells, then each row's total in column C, column totals in row R.
  const value = (r: number, c: number): number =>
    r < R ? (c < C ? cells[r]![c]! : rowTotals[r]!) : c < C ? columnTotals[c]! : total;
  const marks: Mark[][] = Array.from({ length: R + 1 }, (_, r) =>
    Array.from({ length: C + 1 }, (_, c) => {
      const v = value(r, c);
      return v !== 0 && v < minimum ? ('primary' as const) : false;
    }),
  );
  for (const [r, c] of input.alsoHide ?? [])
    if (r >= 0 && r <= R && c >= 0 && c <= C && marks[r]![c] === false) marks[r]![c] = 'secondary';
  const cost = (r: number, c: number): number => {
    if (marks[r]![c] !== false) return 0;
    const v = value(r, c);
    if (v === 0) return 1e12; // a hidden zero only when nothing else will do
    return v + (r === R || c === C ? 1e6 : 0); // totals after every interior cell
  };
  for (;;) {
    const hidden = marks.map((row) => row.map((m) => m !== false));
    const bridge = hiddenBridges(hidden)[0];
    if (bridge === undefined) break;
    const [r, c] = bridge;
    let best: { r: number; c: number; cost: number } | undefined;
    for (let r2 = 0; r2 <= R; r2++) {
      if (r2 === r) continue;
      for (let c2 = 0; c2 <= C; c2++) {
        if (c2 === c) continue;
        const k = cost(r, c2) + cost(r2, c) + cost(r2, c2);
        if (best === undefined || k < best.cost) best = { r: r2, c: c2, cost: k };
      }
    }
    // The extended table is at least 2×2, so a rectangle always exists.
    for (const [rr, cc] of [
      [r, best!.c],
      [best!.r, c],
      [best!.r, best!.c],
    ] as const)
      if (marks[rr]![cc] === false) marks[rr]![cc] = 'secondary';
  }
  return {
    rowTotals,
    columnTotals,
    total,
    cells: marks.slice(0, R).map((row) => row.slice(0, C)),
    rowTotalsHidden: marks.slice(0, R).map((row) => row[C]!),
    columnTotalsHidden: marks[R]!.slice(0, C),
    totalHidden: marks[R]![C]!,
  };
}
