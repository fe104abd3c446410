/**
 * Ingest benchmark: the 39-force police.uk month (331,750 rows) into a fresh workspace, against
 * DuckDB's own read_csv of the same files into a table in a fresh database file, with the
 * columns' types given (no sniffing). Both sides are whole processes — `node bin/svd.js ingest
 * police-uk …` (run `npm run build` first: it runs `dist/`) against `node` running the bare
 * read_csv — measured in the same run, alternating, after a warm-up round, BENCH_ROUNDS times
 * (default 5). Reports the ratio of medians, the seconds of CPU and the peak resident memory of
 * each process (from /usr/bin/time), the stages of the ingest (from its JSON report), and the
 * ingest called in this process (no start-up: the figure this benchmark gave before).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { ingestPoliceUk } from '../src/sources/police-uk/ingestPoliceUk.js';
import { silentReporter } from '../src/core/reporter.js';
import type { Goal } from './run.js';
import { REPO, median, printTable, sharedDataPath } from './support.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const TIME = '/usr/bin/time';
/** The line /usr/bin/time appends to the child's standard error. */
const MARK = 'bench-ingest-usage';

/** The street layout, typed as the reference reads it: coordinates DOUBLE, the rest VARCHAR. */
const STREET_COLUMNS = [
  'crime_id',
  'month',
  'reported_by',
  'falls_within',
  'longitude',
  'latitude',
  'location',
  'lsoa_code',
  'lsoa_name',
  'crime_type',
  'last_outcome',
  'context',
];
const REFERENCE_TYPES = `{${STREET_COLUMNS.map(
  (n) => `'${n}': '${n === 'longitude' || n === 'latitude' ? 'DOUBLE' : 'VARCHAR'}'`,
).join(', ')}}`;

/** The reference process: DuckDB's read_csv of the files (argv) into a table of a fresh file. */
const REFERENCE_SCRIPT = `
import { DuckDBInstance, listValue } from '@duckdb/node-api';
const [file, ...files] = process.argv.slice(1);
const instance = await DuckDBInstance.create(file);
const c = await instance.connect();
await c.run(
  "CREATE TABLE t AS SELECT * FROM read_csv($files, header = true, auto_detect = false, columns = ${REFERENCE_TYPES})",
  { files: listValue(files) },
);
c.closeSync();
instance.closeSync();
`;

interface ProcessRun {
  seconds: number;
  cpu: number;
  peakKb: number;
  stdout: string;
}

/** Runs a process under /usr/bin/time: wall seconds, CPU seconds, peak resident set. */
function timed(args: string[]): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(TIME, ['-f', `${MARK} %M %U %S`, ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const usage = stderr.split('\n').find((l) => l.startsWith(MARK));
      if (code !== 0 || usage === undefined) {
        reject(new Error(`${args.join(' ')} failed (${code}):\n${stderr}`));
        return;
      }
      const [kb, user, system] = usage.slice(MARK.length).trim().split(/\s+/).map(Number);
      resolve({ seconds, cpu: user! + system!, peakKb: kb!, stdout });
    });
  });
}

export async function benchIngest(): Promise<Record<string, unknown>> {
  if (!existsSync(TIME)) throw new Error(`${TIME} is needed to measure the processes' memory`);
  if (!existsSync(path.join(REPO, 'dist', 'cli', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  const folder = sharedDataPath('police-uk', 'all-forces-2019-01');
  const files = readdirSync(folder)
    .sort()
    .map((f) => path.join(folder, f));
  const scratch = path.join(os.tmpdir(), `svd-bench-${process.pid}`);
  const fresh = (name: string): string => {
    const p = `${scratch}-${name}.duckdb`;
    rmSync(p, { force: true });
    rmSync(`${p}.wal`, { force: true });
    return p;
  };

  const reference = (): Promise<ProcessRun> =>
    timed([
      process.execPath,
      '--input-type=module',
      '-e',
      REFERENCE_SCRIPT,
      fresh('reference'),
      ...files,
    ]);

  let rows = 0;
  const stages: Record<string, number[]> = {};
  async function svd(): Promise<ProcessRun> {
    const run = await timed([
      process.execPath,
      path.join(REPO, 'bin', 'svd.js'),
      'ingest',
      'police-uk',
      folder,
      '--db',
      fresh('svd'),
      '--quiet',
      '--json',
    ]);
    const report = JSON.parse(run.stdout) as { rowsStored: number; stages: Record<string, number> };
    rows = report.rowsStored;
    for (const [k, v] of Object.entries(report.stages)) (stages[k] ??= []).push(v);
    return run;
  }

  /** The ingest called in this process: no start-up, no audit (the old figure). */
  async function inProcess(): Promise<number> {
    const file = fresh('in-process');
    const started = performance.now();
    const ws = await openWorkspace(file);
    await ingestPoliceUk(ws, [folder], { reporter: silentReporter });
    ws.close();
    return (performance.now() - started) / 1000;
  }

  // Warm-up: file cache, compiled code.
  await reference();
  await svd();
  await inProcess();
  for (const k of Object.keys(stages)) stages[k] = [];
  const runs = { svd: [] as ProcessRun[], reference: [] as ProcessRun[] };
  const inProcessTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which side goes first, so neither always follows the other.
    if (round % 2 === 0) {
      runs.reference.push(await reference());
      runs.svd.push(await svd());
    } else {
      runs.svd.push(await svd());
      runs.reference.push(await reference());
    }
    inProcessTimes.push(await inProcess());
  }
  for (const name of ['svd', 'reference', 'in-process']) fresh(name);

  const summary = (list: ProcessRun[]): { seconds: number; cpu: number; peakMb: number } => ({
    seconds: median(list.map((r) => r.seconds)),
    cpu: median(list.map((r) => r.cpu)),
    peakMb: median(list.map((r) => r.peakKb)) / 1024,
  });
  const ours = summary(runs.svd);
  const bare = summary(runs.reference);
  const inProcessSeconds = median(inProcessTimes);
  console.log(
    `\nIngest: police.uk street, 39 forces, 2019-01 (${rows.toLocaleString('en-GB')} rows), whole processes, median of ${ROUNDS} rounds`,
  );
  printTable([
    {
      step: 'svd ingest police-uk (process: start-up, checks, provenance, audit)',
      seconds: ours.seconds,
      'cpu s': ours.cpu,
      'peak MB': ours.peakMb,
      'rows/s': rows / ours.seconds,
    },
    {
      step: 'reference: node + DuckDB read_csv, types given (process)',
      seconds: bare.seconds,
      'cpu s': bare.cpu,
      'peak MB': bare.peakMb,
      'rows/s': rows / bare.seconds,
    },
    {
      step: 'svd ingest called in this process (no start-up, no audit)',
      seconds: inProcessSeconds,
      'cpu s': '',
      'peak MB': '',
      'rows/s': rows / inProcessSeconds,
    },
  ]);
  console.log(
    `stages of the svd ingest (median s): ${Object.entries(stages)
      .map(([k, v]) => `${k} ${median(v).toFixed(3)}`)
      .join(', ')}`,
  );
  const ratio = ours.seconds / bare.seconds;
  const cpuRatio = ours.cpu / bare.cpu;
  console.log(
    `ratio svd / read_csv (whole processes): ${ratio.toFixed(2)}×   target ≤ 1.5× — ${ratio <= 1.5 ? 'met' : 'NOT met'}`,
  );
  console.log(`ratio of CPU seconds: ${cpuRatio.toFixed(2)}×`);
  return {
    rows,
    svd: ours.seconds,
    reference: bare.seconds,
    ratio,
    svdCpu: ours.cpu,
    referenceCpu: bare.cpu,
    cpuRatio,
    svdPeakMb: ours.peakMb,
    referencePeakMb: bare.peakMb,
    inProcess: inProcessSeconds,
    stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, median(v)])),
    rounds: ROUNDS,
    goals: [
      {
        workload: `svd ingest police-uk, 39 forces, 2019-01 (${rows.toLocaleString('en-GB')} rows)`,
        reference: 'read_csv with the types given into a table, whole process',
        goal: '≤ 1.5×',
        measured: `${ratio.toFixed(2)}× (${ours.seconds.toFixed(2)} s against ${bare.seconds.toFixed(2)} s; CPU ${cpuRatio.toFixed(2)}×; ${Math.round(ours.peakMb)} MB)`,
        met: ratio <= 1.5,
      },
    ] satisfies Goal[],
  };
}
