/**
 * Classification benchmark, whole processes as the user runs them: `svd classify --definition
 * thames-valley-vru` against a process that opens the same workspace and runs `SELECT count(*)`
 * on it (the issue's reference), and one that counts every column the definition reads (a scan of
 * the data the classification needs), alternating, at several sizes: the seven Thames Valley
 * police.uk months replicated with synthetic offence detail (see bench/definitions.ts), 0.3, 3 and
 * 10 million records unless BENCH_CLASSIFY_SIZES says otherwise (e.g. "300000,3000000,10000000,30000000").
 * Peak RSS of each process is reported beside its time.
 */
import { copyFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileDefinition } from '../src/definitions/compileDefinition.js';
import { shippedDefinition } from '../src/definitions/shippedDefinitions.js';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { buildTable } from './definitions.js';
import type { Goal } from './run.js';
import { median, nodeProcess, nodeScript, printTable, type ProcessRun } from './support.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SIZES = (process.env['BENCH_CLASSIFY_SIZES'] ?? '300000,3000000,10000000')
  .split(',')
  .map(Number);
const DEFINITION = 'thames-valley-vru';

const duckdbScript = (file: string, sql: string): string =>
  `const { DuckDBInstance } = await import('@duckdb/node-api');
   const instance = await DuckDBInstance.create(${JSON.stringify(file)});
   const c = await instance.connect();
   const r = await c.runAndReadAll(${JSON.stringify(sql)});
   process.stdout.write(String(r.getRows()[0][0]));
   c.closeSync(); instance.closeSync();`;

interface SizeResult {
  records: number;
  classify: { seconds: number; peakRssMiB: number };
  countStar: { seconds: number; peakRssMiB: number };
  columnScan: { seconds: number; peakRssMiB: number };
  ratioToCountStar: number;
  ratioToColumnScan: number;
}

const summarise = (runs: ProcessRun[]): { seconds: number; peakRssMiB: number } => ({
  seconds: median(runs.map((r) => r.seconds)),
  peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
});

export async function benchClassify(): Promise<Record<string, unknown>> {
  const compiled = compileDefinition(shippedDefinition(DEFINITION)!);
  const read = compiled.fieldsRead;
  const bySize: SizeResult[] = [];
  console.log(
    `\n## classify: whole process, ${DEFINITION} (reads ${read.join(', ')}), median of ${ROUNDS} rounds after a warm-up`,
  );
  for (const size of SIZES) {
    const file = path.join(os.tmpdir(), `svd-bench-classify-${process.pid}-${size}.duckdb`);
    const built = `${file}.built`;
    for (const f of [file, built, `${file}.wal`]) rmSync(f, { force: true });
    const ws = await openWorkspace(built);
    const records = await buildTable(ws, size);
    ws.close();
    copyFileSync(built, file);
    const runs = {
      classify: [] as ProcessRun[],
      count: [] as ProcessRun[],
      scan: [] as ProcessRun[],
    };
    const count = duckdbScript(file, 'SELECT count(*) FROM incidents');
    const scan = duckdbScript(
      file,
      `SELECT ${read.map((c) => `count(${c})`).join(' + ')} FROM incidents`,
    );
    for (let round = 0; round <= ROUNDS; round++) {
      const c = nodeScript(count);
      const k = nodeProcess([
        'bin/svd.js',
        'classify',
        '--definition',
        DEFINITION,
        '--db',
        file,
        '--quiet',
      ]);
      const s = nodeScript(scan);
      if (Number(c.stdout) !== records)
        throw new Error(`count(*) gave ${c.stdout}, not ${records}`);
      if (round === 0) continue; // warm-up: file cache, the definition stored once
      runs.count.push(c);
      runs.classify.push(k);
      runs.scan.push(s);
    }
    for (const f of [file, built, `${file}.wal`, `${built}.wal`]) rmSync(f, { force: true });
    const classify = summarise(runs.classify);
    const countStar = summarise(runs.count);
    const columnScan = summarise(runs.scan);
    bySize.push({
      records,
      classify,
      countStar,
      columnScan,
      ratioToCountStar: classify.seconds / countStar.seconds,
      ratioToColumnScan: classify.seconds / columnScan.seconds,
    });
  }
  printTable(
    bySize.map((r) => ({
      records: r.records,
      'svd classify s': r.classify.seconds,
      'MiB ': String(r.classify.peakRssMiB),
      'count(*) s': r.countStar.seconds,
      MiB: String(r.countStar.peakRssMiB),
      'column scan s': r.columnScan.seconds,
      ' MiB': String(r.columnScan.peakRssMiB),
      '× count(*)': r.ratioToCountStar,
      '× scan': r.ratioToColumnScan,
    })),
  );
  const goals: Goal[] = bySize.map((r) => ({
    workload: `svd classify, ${(r.records / 1e6).toLocaleString('en-GB')} M records`,
    reference: 'count(*) of the table, whole process',
    goal: '≤ 3×',
    measured: `${r.ratioToCountStar.toFixed(1)}× (${r.ratioToColumnScan.toFixed(1)}× a scan of the columns read)`,
    met: r.ratioToCountStar <= 3,
  }));
  return { definition: DEFINITION, rounds: ROUNDS, bySize, goals };
}
