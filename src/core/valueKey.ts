/**
 * A key for a value made of JSON-like parts and DuckDB's bigints: two values have the same key
 * exactly when they are equal part for part (a bigint is never taken for the number or the string
 * of the same digits).
 */
export function valueKey(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
