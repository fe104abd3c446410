import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function sharedDataPath(...parts: string[]): string {
  const base = process.env['SVD_SHARED_DATA'] ?? path.resolve(REPO, '../shared/data');
  const p = path.join(base, ...parts);
  if (!existsSync(p))
    throw new Error(
      `benchmark data missing: ${p} (put the shared open data beside the repository)`,
    );
  return p;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function printTable(rows: Record<string, string | number>[]): void {
  const keys = Object.keys(rows[0] ?? {});
  const text = rows.map((r) =>
    keys.map((k) => {
      const v = r[k]!;
      return typeof v === 'number'
        ? v >= 1000
          ? Math.round(v).toLocaleString('en-GB')
          : v.toFixed(3)
        : v;
    }),
  );
  const widths = keys.map((k, i) => Math.max(k.length, ...text.map((t) => t[i]!.length)));
  console.log(keys.map((k, i) => k.padEnd(widths[i]!)).join('  '));
  for (const t of text)
    console.log(
      t.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  '),
    );
}
