/**
 * Compares two results figure by figure: the same shape, the same strings and booleans, numbers
 * equal to 1e-9 relative (sums taken in another order may differ in the last bits). Keys listed in
 * `ignore` (by name, anywhere in the tree) are left out; each caller says why.
 */

export interface Difference {
  path: string;
  whole: unknown;
  onlyA: unknown;
}

const TOLERANCE = 1e-9;

function numbersAgree(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

export function figureDifferences(
  whole: unknown,
  onlyA: unknown,
  ignore: ReadonlySet<string> = new Set(),
  at = '',
  out: Difference[] = [],
): Difference[] {
  if (typeof whole === 'number' && typeof onlyA === 'number') {
    if (!numbersAgree(whole, onlyA)) out.push({ path: at, whole, onlyA });
    return out;
  }
  if (typeof whole === 'bigint' || typeof onlyA === 'bigint') {
    if (String(whole) !== String(onlyA)) out.push({ path: at, whole, onlyA });
    return out;
  }
  if (Array.isArray(whole) && Array.isArray(onlyA)) {
    if (whole.length !== onlyA.length)
      out.push({ path: `${at}.length`, whole: whole.length, onlyA: onlyA.length });
    const n = Math.min(whole.length, onlyA.length);
    for (let i = 0; i < n; i++) figureDifferences(whole[i], onlyA[i], ignore, `${at}[${i}]`, out);
    return out;
  }
  if (whole instanceof Map && onlyA instanceof Map)
    return figureDifferences(Object.fromEntries(whole), Object.fromEntries(onlyA), ignore, at, out);
  if (
    whole !== null &&
    onlyA !== null &&
    typeof whole === 'object' &&
    typeof onlyA === 'object' &&
    !Array.isArray(whole) &&
    !Array.isArray(onlyA)
  ) {
    const a = whole as Record<string, unknown>;
    const b = onlyA as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (ignore.has(key)) continue;
      figureDifferences(a[key], b[key], ignore, `${at}.${key}`, out);
    }
    return out;
  }
  if (!Object.is(whole, onlyA)) out.push({ path: at, whole, onlyA });
  return out;
}

/** The differences in a few lines, for an assertion's message (SVD_DIFF_LIMIT=N lists N of them). */
export function describeDifferences(
  differences: readonly Difference[],
  limit = Number(process.env['SVD_DIFF_LIMIT'] ?? 15),
): string {
  const text = (v: unknown): string => {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x));
    return s === undefined ? 'undefined' : s.length > 160 ? `${s.slice(0, 160)}…` : s;
  };
  return [
    `${differences.length} figure(s) differ:`,
    ...differences
      .slice(0, limit)
      .map((d) => `  ${d.path}: whole ${text(d.whole)} ≠ only-A ${text(d.onlyA)}`),
  ].join('\n');
}
