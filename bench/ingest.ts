/**
 * Ingest benchmark: the 39-force police.uk month (331,750 rows) into a fresh workspace, against
 * DuckDB's own read_csv of the same files into a bare table in a fresh database file, measured
 * in the same run, alternating, several times. Reports rows per second and the ratio of medians.
 */
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, listValue } from '@duckdb/node-api';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { ingestPoliceUk } from '../src/sources/police-uk/ingestPoliceUk.js';
import { silentReporter } from '../src/core/reporter.js';
import { median, printTable, sharedDataPath } from './support.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);

export async function benchIngest(): Promise<Record<string, unknown>> {
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

  async function bare(explicit: boolean): Promise<number> {
    const file = fresh(explicit ? 'bare-explicit' : 'bare');
    const started = performance.now();
    const instance = await DuckDBInstance.create(file);
    const c = await instance.connect();
    const options = explicit
      ? `, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${[
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
        ]
          .map((n) => `'${n}': 'VARCHAR'`)
          .join(', ')}}`
      : '';
    await c.run(`CREATE TABLE bare AS SELECT * FROM read_csv($files${options})`, {
      files: listValue(files),
    });
    c.closeSync();
    instance.closeSync();
    return (performance.now() - started) / 1000;
  }

  let rows = 0;
  const stages: Record<string, number[]> = {};
  async function ours(): Promise<number> {
    const file = fresh('svd');
    const started = performance.now();
    const ws = await openWorkspace(file);
    const report = await ingestPoliceUk(ws, [folder], { reporter: silentReporter });
    ws.close();
    rows = report.rowsStored;
    for (const [k, v] of Object.entries(report.stages)) (stages[k] ??= []).push(v);
    return (performance.now() - started) / 1000;
  }

  const times = { svd: [] as number[], bare: [] as number[], bareExplicit: [] as number[] };
  await ours(); // warm-up: file cache, code paths
  for (let round = 0; round < ROUNDS; round++) {
    times.bare.push(await bare(false));
    times.svd.push(await ours());
    times.bareExplicit.push(await bare(true));
  }
  for (const name of ['svd', 'bare', 'bare-explicit']) fresh(name);

  const svd = median(times.svd);
  const reference = median(times.bare);
  const referenceExplicit = median(times.bareExplicit);
  console.log(
    `\nIngest: police.uk street, 39 forces, 2019-01 (${rows.toLocaleString('en-GB')} rows), median of ${ROUNDS} rounds`,
  );
  printTable([
    {
      step: 'svd ingest police-uk (fresh workspace, all checks, provenance)',
      seconds: svd,
      'rows/s': rows / svd,
    },
    {
      step: 'reference: read_csv into a bare table (DuckDB defaults)',
      seconds: reference,
      'rows/s': rows / reference,
    },
    {
      step: 'reference: read_csv, all VARCHAR, no sniffing',
      seconds: referenceExplicit,
      'rows/s': rows / referenceExplicit,
    },
  ]);
  console.log(
    `stages of the svd ingest (median s): ${Object.entries(stages)
      .map(([k, v]) => `${k} ${median(v).toFixed(3)}`)
      .join(', ')}`,
  );
  const ratio = svd / reference;
  const ratioExplicit = svd / referenceExplicit;
  console.log(
    `ratio svd / read_csv (defaults): ${ratio.toFixed(2)}×   target ≤ 1.5× — ${ratio <= 1.5 ? 'met' : 'NOT met'}`,
  );
  console.log(`ratio svd / read_csv (no sniffing): ${ratioExplicit.toFixed(2)}×`);
  return { rows, svd, reference, referenceExplicit, ratio, ratioExplicit, rounds: ROUNDS };
}
