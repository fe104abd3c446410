/** Reads the small CSV fixtures (no quoted fields) into objects of strings. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './paths.js';

export function readFixtureCsv(...parts: string[]): Record<string, string>[] {
  const text = readFileSync(path.join(REPO, 'tests', 'fixtures', ...parts), 'utf8');
  const [head, ...lines] = text.trim().split('\n');
  const names = head!.split(',');
  return lines.map((line) => {
    const values = line.split(',');
    return Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
  });
}

/** |a − b| ≤ tolerance · max(1, |b|): absolute near zero, relative beyond. */
export function close(a: number | null, b: number, tolerance: number): boolean {
  if (a === null) return false;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));
}

/** Relative agreement for small probabilities. */
export function relativelyClose(a: number | null, b: number, tolerance: number): boolean {
  if (a === null) return false;
  if (b === 0) return a === 0;
  return Math.abs(a - b) <= tolerance * Math.abs(b);
}
