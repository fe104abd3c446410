import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/** A whole process as the user runs it: wall seconds and its peak resident memory. */
export interface ProcessRun {
  seconds: number;
  peakRssMiB: number;
  stdout: string;
}

const RSS_PRELOAD = path.join(REPO, 'bench', 'peakRss.mjs');

/**
 * Runs `node ARGS` to completion and measures it: wall time from spawn to exit, and the peak RSS
 * the process reports as it exits (a preload module writes `process.resourceUsage().maxRSS`).
 */
export function nodeProcess(args: readonly string[], options: { cwd?: string } = {}): ProcessRun {
  const rssFile = path.join(os.tmpdir(), `svd-bench-rss-${process.pid}-${Math.random()}.txt`);
  const started = performance.now();
  const child = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(RSS_PRELOAD).href, ...args],
    {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, SVD_BENCH_RSS_FILE: rssFile },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if (child.status !== 0)
    throw new Error(
      `node ${args.join(' ')} failed (exit ${child.status ?? child.signal}): ${child.stderr.slice(-2000)}`,
    );
  const kib = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
  rmSync(rssFile, { force: true });
  return { seconds, peakRssMiB: Math.round(kib / 1024), stdout: child.stdout };
}

/** `node -e SCRIPT` as an ES module, measured like `nodeProcess`. */
export function nodeScript(script: string, options: { cwd?: string } = {}): ProcessRun {
  return nodeProcess(['--input-type=module', '-e', script], options);
}

/** The peak RSS of this process so far, MiB. */
export function ownPeakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
