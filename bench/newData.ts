/**
 * After new data: the demo workspace replicated to about ten million incidents (BENCH_INCIDENTS),
 * its areas and placement current; then a month of new records arrives (`svd ingest police-uk` of
 * the Hampshire 2019-01 file from the shared open data, a neighbouring force) and is classified,
 * and the Strategic Needs Assessment of Safer Oxfordshire is made twice: the first run after the
 * new data (which brings the placement up to date) against a warm run of the same, each a whole
 * process, with its peak RSS. Goals: first ≤ 1.5× warm, memory < 2 GB.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { refreshDerivedData } from '../src/app/deriveData.js';
import { silentReporter } from '../src/core/reporter.js';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { demoWorkspace, scaledWorkspace } from './dashboard.js';
import type { Goal } from './run.js';
import { nodeProcess, printTable, sharedDataPath, type ProcessRun } from './support.js';

const TARGET = Number(process.env['BENCH_INCIDENTS'] ?? 10_000_000);

async function refreshed(file: string): Promise<number> {
  const ws = await openWorkspace(file, { create: false });
  try {
    const started = performance.now();
    await refreshDerivedData(ws, { reporter: silentReporter });
    return (performance.now() - started) / 1000;
  } finally {
    ws.close();
  }
}

export async function benchNewData(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svd-bench-new-data-'));
  try {
    const demo = await demoWorkspace(dir);
    // The demo's own derived data made current first, so the replicated workspace starts current.
    const base = path.join(dir, 'base.duckdb');
    copyFileSync(demo, base);
    await refreshed(base);
    const db = path.join(dir, 'scaled.duckdb');
    const incidents = await scaledWorkspace(base, db, TARGET);
    const setupRefresh = await refreshed(db);
    console.log(
      `\n## after new data: ${incidents.toLocaleString('en-GB')} incidents (the demo replicated), areas and placement current (made so in ${setupRefresh.toFixed(1)} s, not timed below)`,
    );
    const svd = (...args: string[]): ProcessRun =>
      nodeProcess(['bin/svd.js', ...args, '--db', db, '--quiet']);
    const file = sharedDataPath(
      'police-uk',
      'all-forces-2019-01',
      '2019-01-hampshire-street.csv.gz',
    );
    const sna = (): ProcessRun =>
      svd(
        'report',
        'sna',
        '--area',
        'safer-oxfordshire',
        '--definition',
        'thames-valley-vru',
        '--as-of',
        '2026-01-01',
        '--out',
        path.join(dir, 'sna.html'),
      );
    const steps: { step: string; run: ProcessRun }[] = [];
    steps.push({
      step: 'svd ingest police-uk (Hampshire, 2019-01)',
      run: svd('ingest', 'police-uk', file),
    });
    steps.push({
      step: 'svd classify --definition thames-valley-vru',
      run: svd('classify', '--definition', 'thames-valley-vru'),
    });
    const first = sna();
    steps.push({ step: 'svd report sna: first after the new data', run: first });
    const warm = sna();
    steps.push({ step: 'svd report sna: warm (the same again)', run: warm });
    printTable(
      steps.map((s) => ({
        step: s.step,
        seconds: s.run.seconds,
        'peak RSS MiB': String(s.run.peakRssMiB),
      })),
    );
    const ratio = first.seconds / warm.seconds;
    const peak = Math.max(first.peakRssMiB, warm.peakRssMiB);
    const goals: Goal[] = [
      {
        workload: `first SNA after new data, ${(incidents / 1e6).toFixed(1)} M incidents`,
        reference: 'warm run of the same, whole process',
        goal: '≤ 1.5×, < 2 GB',
        measured: `${ratio.toFixed(2)}× (${first.seconds.toFixed(1)} s against ${warm.seconds.toFixed(1)} s), ${peak} MiB`,
        met: ratio <= 1.5 && peak < 2048,
      },
      {
        workload: `SNA report, ${(incidents / 1e6).toFixed(1)} M incidents (warm)`,
        reference: '—',
        goal: '< 30 s',
        measured: `${warm.seconds.toFixed(1)} s`,
        met: warm.seconds < 30,
      },
    ];
    return {
      incidents,
      setupRefreshSeconds: setupRefresh,
      steps: steps.map((s) => ({
        step: s.step,
        seconds: s.run.seconds,
        peakRssMiB: s.run.peakRssMiB,
      })),
      ratio,
      goals,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
