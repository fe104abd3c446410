/**
 * Report benchmark: the Strategic Needs Assessment of the Safer Oxfordshire Partnership on a
 * demo-sized workspace — the seven Thames Valley police.uk months, a seeded synthetic force
 * extract and A&E data anchored on them, the five Oxfordshire districts' LSOA boundaries, the
 * lookup, Census 2021 population and IMD 2019, classified under the Thames Valley VRU definition.
 * Times each stage (selection and analyses, disclosure, charts, HTML, PDF through Chromium) for
 * the public and the analyst audience, and the same selection's `svd counts` by district and tier
 * as the reference measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main.js';
import { bufferIo } from '../src/cli/io.js';
import { fixedClock } from '../src/core/clock.js';
import { silentReporter } from '../src/core/reporter.js';
import { countIncidents } from '../src/analyses/counts/countIncidents.js';
import { DIMENSIONS } from '../src/analyses/selection/dimensions.js';
import { TIER_DIMENSIONS } from '../src/definitions/tierDimensions.js';
import { countsDefinition } from '../src/definitions/countsDefinition.js';
import { printPdf } from '../src/reports/printPdf.js';
import { refreshDerivedData } from '../src/app/deriveData.js';
import { buildSnaReport } from '../src/reports/sna/buildSnaReport.js';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { demoWorkspace, scaledWorkspace } from './dashboard.js';
import { printTable, sharedDataPath } from './support.js';

const OXFORDSHIRE = ['E07000177', 'E07000178', 'E07000179', 'E07000180', 'E07000181'];

async function cli(args: string[], cwd: string): Promise<void> {
  const io = bufferIo({}, cwd);
  const code = await runCli([...args, '--quiet'], io);
  if (code !== 0) throw new Error(`svd ${args.join(' ')} failed: ${io.err()}`);
}

export async function benchReport(): Promise<Record<string, unknown>> {
  console.log(
    '\n## report: the Strategic Needs Assessment (Safer Oxfordshire, demo-sized workspace)',
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svd-bench-report-'));
  const db = path.join(dir, 'bench.duckdb');
  try {
    const street = sharedDataPath('police-uk', 'thames-valley', 'street');
    let t = performance.now();
    await cli(['ingest', 'police-uk', street, '--db', db], dir);
    await cli(
      ['synth', 'force-extract', '--from', street, '--seed', '3', '--out', 'extract.csv'],
      dir,
    );
    await cli(
      ['ingest', 'force-extract', 'extract.csv', '--mapping', 'svd-synthetic', '--db', db],
      dir,
    );
    await cli(['synth', 'istv', '--from', street, '--seed', '3', '--out', 'istv.csv'], dir);
    await cli(['ingest', 'istv', 'istv.csv', '--db', db], dir);
    await cli(
      [
        'geo',
        'load',
        ...OXFORDSHIRE.map((d) => sharedDataPath('boundaries', 'lsoa-2011-by-lad', `${d}.geojson`)),
        '--level',
        'lsoa11',
        '--db',
        db,
      ],
      dir,
    );
    await cli(
      [
        'geo',
        'lookup',
        sharedDataPath('lookups', 'oa11-lsoa11-msoa11-lad17-rgn11-oac11-lookup.csv.gz'),
        '--db',
        db,
      ],
      dir,
    );
    await cli(['geo', 'partnerships', '--db', db], dir);
    await cli(
      [
        'population',
        'load',
        sharedDataPath('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
        '--db',
        db,
      ],
      dir,
    );
    await cli(
      [
        'deprivation',
        'load',
        sharedDataPath('imd', 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz'),
        '--db',
        db,
      ],
      dir,
    );
    await cli(['classify', '--definition', 'thames-valley-vru', '--db', db], dir);
    const buildMs = performance.now() - t;
    const ws = await openWorkspace(db, { create: false });
    const rows: Record<string, string | number>[] = [];
    const out: Record<string, unknown> = { workspaceBuildMs: Math.round(buildMs) };
    try {
      const incidents = await ws.db.value<number>('SELECT count(*) FROM incidents');
      out['incidents'] = Number(incidents);
      // Derived data (areas, placement) are brought up to date before any analysis, as svd does.
      t = performance.now();
      await refreshDerivedData(ws, { reporter: silentReporter });
      out['refreshDerivedDataMs'] = Math.round(performance.now() - t);
      // The reference: one count of the same selection by district and tier.
      const def = await countsDefinition(ws, 'thames-valley-vru', dir);
      t = performance.now();
      await countIncidents(
        ws,
        {
          by: ['district', 'tier'],
          where: [{ dimension: 'csp_code', values: ['safer-oxfordshire'] }],
        },
        { dimensions: [...DIMENSIONS, ...TIER_DIMENSIONS], params: def.params },
      );
      const referenceMs = performance.now() - t;
      out['referenceCountsMs'] = Math.round(referenceMs);
      for (const audience of ['public', 'analyst'] as const) {
        const stages: Record<string, number> = {};
        t = performance.now();
        const report = await buildSnaReport(
          ws,
          { area: 'safer-oxfordshire', disclosure: { audience } },
          {
            cwd: dir,
            reporter: silentReporter,
            clock: fixedClock('2024-06-01T12:00:00Z'),
            onStage: (stage, ms) => (stages[stage] = (stages[stage] ?? 0) + ms),
          },
        );
        const htmlMs = performance.now() - t;
        t = performance.now();
        const { bytes } = await printPdf(report.html, path.join(dir, `sna-${audience}.pdf`));
        stages['PDF (Chromium)'] = performance.now() - t;
        for (const [stage, ms] of Object.entries(stages))
          rows.push({ audience, stage, ms, 'ratio to counts': ms / referenceMs });
        rows.push({
          audience,
          stage: 'total',
          ms: htmlMs + stages['PDF (Chromium)']!,
          'ratio to counts': (htmlMs + stages['PDF (Chromium)']!) / referenceMs,
        });
        out[audience] = {
          stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v)])),
          htmlBytes: Buffer.byteLength(report.html),
          pdfBytes: bytes,
        };
      }
    } finally {
      ws.close();
    }
    console.log(
      `workspace: ${String(out['incidents'])} incidents, built in ${Math.round(buildMs).toLocaleString('en-GB')} ms (not part of the report); reference svd counts: ${String(out['referenceCountsMs'])} ms`,
    );
    printTable(rows);
    if (process.env['BENCH_REPORT_SCALED'] !== '0')
      out['scaled'] = await scaledReport(dir, Number(process.env['BENCH_INCIDENTS'] ?? 10_000_000));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same report on the demo workspace replicated to about ten million incidents (as the
 * dashboard benchmark does: every incident with its places and classifications copied under new
 * ids), public audience, each stage timed. BENCH_REPORT_SCALED=0 skips it.
 */
async function scaledReport(dir: string, target: number): Promise<Record<string, unknown>> {
  console.log(
    `\n== report on the demo workspace replicated to about ${target.toLocaleString('en-GB')} incidents`,
  );
  const demoDb = await demoWorkspace(dir);
  const db = path.join(dir, 'scaled.duckdb');
  let t = performance.now();
  const incidents = await scaledWorkspace(demoDb, db, target);
  const replicateMs = performance.now() - t;
  const ws = await openWorkspace(db, { create: false });
  const stages: Record<string, number> = {};
  try {
    t = performance.now();
    await refreshDerivedData(ws, { reporter: silentReporter });
    stages['derived data (areas, placement)'] = performance.now() - t;
    t = performance.now();
    const report = await buildSnaReport(
      ws,
      {
        area: 'safer-oxfordshire',
        definition: 'thames-valley-vru',
        disclosure: { audience: 'public' },
      },
      {
        cwd: dir,
        reporter: silentReporter,
        clock: fixedClock('2024-06-01T12:00:00Z'),
        onStage: (stage, ms) => (stages[stage] = (stages[stage] ?? 0) + ms),
      },
    );
    const htmlMs = performance.now() - t;
    t = performance.now();
    await printPdf(report.html, path.join(dir, 'sna-scaled.pdf'));
    stages['PDF (Chromium)'] = performance.now() - t;
    stages['total'] = htmlMs + stages['PDF (Chromium)'];
  } finally {
    ws.close();
  }
  console.log(
    `replicated to ${incidents.toLocaleString('en-GB')} incidents in ${(replicateMs / 1000).toFixed(1)} s (not part of the report)`,
  );
  printTable(Object.entries(stages).map(([stage, ms]) => ({ audience: 'public', stage, ms })));
  return {
    incidents,
    replicateMs: Math.round(replicateMs),
    stagesMs: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v)])),
  };
}
