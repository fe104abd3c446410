/** Random filters over dimensions whose values have been seen, for property tests of counting. */
import type { CountFilter } from '../../src/core/dimension.js';
import type { Random } from '../../src/core/random.js';

/**
 * Each dimension named is filtered with the given chance, on one to three of the values seen of
 * it (`values`, which may include null and the unmatched values).
 */
export function randomFilters(
  random: Random,
  names: readonly string[],
  values: ReadonlyMap<string, readonly (string | null)[]>,
  chance: number,
): CountFilter[] {
  const out: CountFilter[] = [];
  for (const name of names) {
    if (!random.chance(chance)) continue;
    const seen = values.get(name)!;
    const picked = new Set<string | null>();
    const k = random.int(1, Math.min(3, seen.length));
    for (let i = 0; i < k; i++) picked.add(seen[random.int(0, seen.length - 1)]!);
    out.push({ dimension: name, values: [...picked] });
  }
  return out;
}
