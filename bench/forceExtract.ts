/**
 * Force extract benchmark: a one-million-row synthetic force extract (the Thames Valley police.uk
 * anchors, repeated in earlier years) ingested into a fresh workspace — every cell read, checked,
 * mapped, pseudonymised — against DuckDB's bare read_csv of the same file into a table in a fresh
 * database file, measured in the same run, alternating. Reports rows per second and the ratio.
 */
import { rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { addMonths } from '../src/core/months.js';
import { silentReporter } from '../src/core/reporter.js';
import { ingestForceExtract } from '../src/sources/force-extract/ingestForceExtract.js';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { SYNTH_CRIME_TYPES } from '../src/sources/synthetic/rates.js';
import { readPoliceUkAnchors } from '../src/sources/synthetic/readPoliceUkAnchors.js';
import {
  synthForceExtract,
  type PoliceUkAnchor,
} from '../src/sources/synthetic/synthForceExtract.js';
import { median, printTable, sharedDataPath } from './support.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const ROWS = Number(process.env['BENCH_FORCE_ROWS'] ?? 1_000_000);

export async function benchForceExtract(): Promise<Record<string, unknown>> {
  const scratch = path.join(os.tmpdir(), `svd-bench-fe-${process.pid}`);
  const file = `${scratch}.csv`;
  const fresh = (name: string): string => {
    const p = `${scratch}-${name}.duckdb`;
    for (const f of [p, `${p}.wal`, `${p}.key`]) rmSync(f, { force: true });
    return p;
  };
  const { anchors: base } = await readPoliceUkAnchors(
    [sharedDataPath('police-uk', 'thames-valley', 'street')],
    SYNTH_CRIME_TYPES,
  );
  const anchors: PoliceUkAnchor[] = [];
  for (let k = 0; anchors.length < ROWS; k++)
    for (const a of base) {
      if (anchors.length >= ROWS) break;
      anchors.push({ ...a, month: addMonths(a.month, -12 * k) });
    }
  const started = performance.now();
  const synth = synthForceExtract(anchors, { seed: 1 });
  writeFileSync(file, synth.text);
  const generateSeconds = (performance.now() - started) / 1000;
  console.log(
    `\nForce extract: ${synth.rows.toLocaleString('en-GB')} synthetic rows, ${(statSync(file).size / 1e6).toFixed(0)} MB, generated in ${generateSeconds.toFixed(1)} s`,
  );

  async function bare(): Promise<number> {
    const db = fresh('bare');
    const t = performance.now();
    const instance = await DuckDBInstance.create(db);
    const c = await instance.connect();
    await c.run(`CREATE TABLE bare AS SELECT * FROM read_csv($f)`, { f: file });
    c.closeSync();
    instance.closeSync();
    return (performance.now() - t) / 1000;
  }
  let stored = 0;
  async function ours(): Promise<number> {
    const db = fresh('svd');
    const t = performance.now();
    const ws = await openWorkspace(db);
    const report = await ingestForceExtract(ws, [file], {
      mapping: 'svd-synthetic',
      reporter: silentReporter,
      keyFile: `${db}.key`,
    });
    ws.close();
    stored = report.rowsStored;
    return (performance.now() - t) / 1000;
  }

  const times = { svd: [] as number[], bare: [] as number[] };
  await bare(); // warm-up: file cache
  for (let round = 0; round < ROUNDS; round++) {
    times.bare.push(await bare());
    times.svd.push(await ours());
  }
  fresh('bare');
  fresh('svd');
  rmSync(file, { force: true });
  const svd = median(times.svd);
  const reference = median(times.bare);
  console.log(`median of ${ROUNDS} rounds`);
  printTable([
    {
      step: 'svd ingest force-extract (fresh workspace, mapping, checks, HMAC, provenance)',
      seconds: svd,
      'rows/s': stored / svd,
    },
    {
      step: 'reference: read_csv into a bare table (DuckDB defaults)',
      seconds: reference,
      'rows/s': stored / reference,
    },
  ]);
  const ratio = svd / reference;
  console.log(`ratio svd / read_csv: ${ratio.toFixed(1)}×`);
  return {
    rows: stored,
    svd,
    reference,
    ratio,
    rowsPerSecond: stored / svd,
    generateSeconds,
    rounds: ROUNDS,
  };
}
