/**
 * `npm run bench [part ...]`: every benchmark, each a ratio against a reference measured in the
 * same run. Each part runs in a process of its own, so that its peak memory is its own, and writes
 * its own results file, `bench-results/<part>.json`: running one part leaves the others' files as
 * they were. At the end the goals of every part are gathered from those files into one table.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, REPO } from './support.js';

type Part = () => Promise<Record<string, unknown>>;

/** The parts, in the order they run; each is imported only when it runs. */
const PARTS: Record<string, () => Promise<Part>> = {
  startup: async () => (await import('./startup.js')).benchStartup,
  ingest: async () => (await import('./ingest.js')).benchIngest,
  classify: async () => (await import('./classify.js')).benchClassify,
  geo: async () => (await import('./geo.js')).benchGeo,
  definitions: async () => (await import('./definitions.js')).benchDefinitions,
  'force-extract': async () => (await import('./forceExtract.js')).benchForceExtract,
  hotspots: async () => (await import('./hotspots.js')).benchHotspots,
  dashboard: async () => (await import('./dashboard.js')).benchDashboard,
  report: async () => (await import('./report.js')).benchReport,
  'new-data': async () => (await import('./newData.js')).benchNewData,
};

const RESULTS = path.join(REPO, 'bench-results');

/** A goal a part states: a measured figure against its target. */
export interface Goal {
  workload: string;
  reference: string;
  goal: string;
  measured: string;
  met: boolean;
}

async function runPart(name: string): Promise<void> {
  const load = PARTS[name];
  if (load === undefined) throw new Error(`unknown benchmark part ${name}`);
  const started = new Date();
  const results = await (await load())();
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.json`);
  const record = {
    part: name,
    at: started.toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    // The benchmark process's own peak (the parts that spawn processes report theirs apart).
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    results,
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`\n${name}: results written to ${path.relative(process.cwd(), file)}`);
}

function summary(): void {
  const rows: Record<string, string>[] = [];
  for (const name of Object.keys(PARTS)) {
    const file = path.join(RESULTS, `${name}.json`);
    if (!existsSync(file)) continue;
    const record = JSON.parse(readFileSync(file, 'utf8')) as {
      at: string;
      peakRssMiB: number;
      results: { goals?: Goal[] };
    };
    for (const g of record.results.goals ?? [])
      rows.push({
        part: name,
        workload: g.workload,
        reference: g.reference,
        goal: g.goal,
        measured: g.measured,
        status: g.met ? 'met' : 'NOT met',
      });
  }
  if (rows.length === 0) return;
  console.log('\n## goals (from bench-results/*.json)');
  printTable(rows);
}

const asked = process.argv.slice(2);
if (asked.length === 1 && process.env['SVD_BENCH_CHILD'] === '1') {
  await runPart(asked[0]!);
} else {
  const names = asked.length > 0 ? asked : Object.keys(PARTS);
  const unknown = names.filter((n) => PARTS[n] === undefined);
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark part ${unknown.join(', ')}; the parts are: ${Object.keys(PARTS).join(', ')}`,
    );
    process.exit(2);
  }
  let failed = 0;
  for (const name of names) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), name],
      { stdio: 'inherit', env: { ...process.env, SVD_BENCH_CHILD: '1' } },
    );
    if (child.status !== 0) {
      failed++;
      console.error(`\nbenchmark part ${name} failed (exit ${child.status ?? child.signal})`);
    }
  }
  summary();
  if (failed > 0) process.exit(1);
}
