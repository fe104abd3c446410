/** "Did you mean …?" for names a person typed: the closest known values, few and ranked. */

/** Edits (insert, delete, replace, swap of two neighbours) turning a into b. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

export interface SuggestOptions {
  /** At most this many suggestions (default 3). */
  limit?: number;
  /** Among equally close candidates, lower ranks come first (default: the candidates' order). */
  rank?: (candidate: string) => number;
}

/**
 * Candidates close to `value`: the same ignoring case first; else those starting with it; else
 * those containing it or
 * contained in it (for values of three or more characters); else those within a small edit
 * distance (one edit for short values, about a third of the length for longer ones).
 */
export function suggest(
  value: string,
  candidates: readonly string[],
  options: SuggestOptions = {},
): string[] {
  const limit = options.limit ?? 3;
  const order = new Map(candidates.map((c, i) => [c, i]));
  const rank = options.rank ?? ((c: string) => order.get(c) ?? 0);
  const byRank = (list: string[]): string[] =>
    [...list].sort((a, b) => rank(a) - rank(b) || order.get(a)! - order.get(b)!);
  const lower = value.toLowerCase().trim();
  const same = candidates.filter((c) => c.toLowerCase() === lower);
  if (same.length > 0) return byRank(same).slice(0, limit);
  const starting = candidates.filter((c) => lower !== '' && c.toLowerCase().startsWith(lower));
  if (starting.length > 0) return byRank(starting).slice(0, limit);
  if (lower.length >= 3) {
    const near = candidates.filter((c) => {
      const lc = c.toLowerCase();
      return lc.includes(lower) || (lc.length >= 3 && lower.includes(lc));
    });
    if (near.length > 0) return byRank(near).slice(0, limit);
  }
  const allowed = Math.max(1, Math.floor(lower.length / 3));
  let best = Infinity;
  let found: string[] = [];
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d > allowed) continue;
    if (d < best) {
      best = d;
      found = [c];
    } else if (d === best) found.push(c);
  }
  return byRank(found).slice(0, limit);
}

/** ` (did you mean "a"?)`, ` (did you mean "a", "b" or "c"?)`, or '' when there is nothing close. */
export function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((s) => JSON.stringify(s));
  const list =
    quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
  return ` (did you mean ${list}?)`;
}
