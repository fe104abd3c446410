/**
 * Dashboard benchmark. The demo workspace (built or reused) is copied into a temporary workspace
 * and its incidents replicated — with their placement and their classification under the
 * definitions the pages use — to about ten million. `svd serve` runs on it (read-only, loopback)
 * and the API is measured:
 *
 * - uncached: on a server started without its answer cache, a filter not seen before for every
 *   request (area, tier, source and period drawn, each combination once), one at a time (what the
 *   first person to ask a new question waits), and 20 concurrent clients (BENCH_UNCACHED_CONCURRENT=1);
 *   the first request after the server starts is reported apart (it may wait for the
 *   aggregate the server builds at start), as is the server's peak RSS;
 * - cached: 20 concurrent clients over the same distinct requests (what everyone after waits);
 *
 * for the overview, map and trends endpoints, as p50/p95. Then (unless BENCH_RENDER=0) the
 * time to first render of each page in Chromium (from navigation to the page's data drawn), on a
 * cold and a warm server, and the size of the web app's JavaScript. Targets: p95 under 100 ms,
 * first render under 2 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { silentReporter } from '../src/core/reporter.js';
import { ensureDemoWorkspace } from '../src/app/demo/ensureDemoWorkspace.js';
import { storedTables } from '../src/store/incidentTables.js';
import { classifiedVersions, forgetClassification } from '../src/store/classificationTables.js';
import { reclassifyHeld } from '../src/app/deriveData.js';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { launchChromium } from '../tests/helpers/browser.js';
import type { Goal } from './run.js';
import { printTable, REPO, sharedDataPath } from './support.js';

const TARGET = Number(process.env['BENCH_INCIDENTS'] ?? 10_000_000);
const CLIENTS = 20;
const CACHED_REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 1000);
const UNCACHED_SINGLE = Number(process.env['BENCH_UNCACHED_SINGLE'] ?? 10);
/** 20 concurrent uncached requests take many minutes at ten million incidents on two cores. */
const UNCACHED_CONCURRENT = process.env['BENCH_UNCACHED_CONCURRENT'] === '1';
/** Time to first render in Chromium (minutes at ten million incidents). */
const RENDER = process.env['BENCH_RENDER'] !== '0';
/** A scaled workspace kept from an earlier run (made there when missing), instead of a fresh one. */
const KEEP_WORKSPACE = process.env['BENCH_WORKSPACE'];
const DEFINITIONS = ['thames-valley-vru', 'home-office-success-measures'];
/** Every page of the dashboard, and the map's hotspot layer. */
const PAGES = [
  '/',
  '/map',
  '/map?measure=gistar',
  '/trends',
  '/when',
  '/who',
  '/health',
  '/deprivation',
  '/definitions',
  '/data',
  '/strategy',
  '/measures',
  '/reviews',
];

/**
 * The demo workspace, built first if it is missing (police.uk months downloaded under `work`);
 * returns its path.
 */
export async function demoWorkspace(work: string): Promise<string> {
  const demoDb = path.join(REPO, '.svd', 'demo-oxfordshire.duckdb');
  await ensureDemoWorkspace(demoDb, {
    sharedData: process.env['SVD_SHARED_DATA'] ?? path.resolve(REPO, '../shared/data'),
    downloadDir: path.join(work, 'police-uk'),
    reporter: silentReporter,
  });
  return demoDb;
}

/** Copies the demo workspace and replicates its incidents up to `target`. */
export async function scaledWorkspace(demo: string, dest: string, target: number): Promise<number> {
  copyFileSync(demo, dest);
  const ws = await openWorkspace(dest, { create: false });
  try {
    const n = (await ws.db.value<number>('SELECT count(*) FROM incidents')) ?? 0;
    const maxId = (await ws.db.value<number>('SELECT max(id) FROM incidents')) ?? 0;
    const copies = Math.max(1, Math.ceil(target / n));
    const k = `range(1, ${copies}) t(k)`;
    for (const t of storedTables('incidents'))
      await ws.db.run(
        `INSERT INTO ${t} SELECT x.* REPLACE (x.id + k * ${maxId} AS id) FROM ${t} x, ${k}`,
      );
    await ws.db.run(
      `INSERT INTO incident_places SELECT x.* REPLACE (x.incident_id + k * ${maxId} AS incident_id) FROM incident_places x, ${k}`,
    );
    // The definitions left out are forgotten, runs and all, so nothing claims to be classified
    // that is not; the rest are classified again, copies and all, as after new data.
    for (const v of await classifiedVersions(ws.db))
      if (!DEFINITIONS.includes(v.definition_id))
        await forgetClassification(ws.db, v.definition_id, v.version);
    await ws.db.run(
      `DELETE FROM classification_runs WHERE NOT list_contains(['${DEFINITIONS.join("','")}'], definition_id)`,
    );
    await reclassifyHeld(ws, silentReporter);
    await ws.db.run('CHECKPOINT');
    return (await ws.db.value<number>('SELECT count(*) FROM incidents')) ?? 0;
  } finally {
    ws.close();
  }
}

async function startServer(
  db: string,
  extra: string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'bin', 'svd.js'), 'serve', '--db', db, '--port', '0', '--quiet', ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /svd dashboard: (http:\/\/\S+)/.exec(out);
      if (m !== null) resolve(m[1]!.replace(/\/$/, ''));
    });
    child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
    child.on('exit', (code) => reject(new Error(`svd serve exited with ${code}`)));
  });
  return { url, child };
}

/** The peak resident set size of a process so far, in MB (Linux: VmHWM), or null. */
function peakRssMb(child: ChildProcess): number | null {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? null : Number(kb) / 1024;
  } catch {
    return null;
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

/** The time to a whole answer and its status; a server error (5xx) rejects. */
function timedAnswer(url: string): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 500) reject(new Error(`${url}: HTTP ${status}`));
          else resolve({ ms: performance.now() - started, status });
        });
      })
      .on('error', reject);
  });
}

async function timedGet(url: string): Promise<number> {
  const { ms, status } = await timedAnswer(url);
  if (status !== 200) throw new Error(`${url}: HTTP ${status}`);
  return ms;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** `clients` loops, each taking the next URL round-robin until `total` requests are done. */
async function load(urls: readonly string[], total: number, clients: number): Promise<number[]> {
  return (await loadAnswers(urls, total, clients, true)).map((a) => a.ms);
}

/** As load, with each answer's status; refusals (4xx) are answers unless `only200`. */
async function loadAnswers(
  urls: readonly string[],
  total: number,
  clients: number,
  only200 = false,
): Promise<{ ms: number; status: number }[]> {
  const answers: { ms: number; status: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        const url = urls[i % urls.length]!;
        answers.push(only200 ? { ms: await timedGet(url), status: 200 } : await timedAnswer(url));
      }
    }),
  );
  return answers;
}

/**
 * The dashboard's other pages, each asked unseen filters: they count from the aggregate's
 * detailed groups (times, people, points), and fit models (causes), find hot spots and read the
 * A&E records besides.
 */
const OTHER_PAGES = ['when', 'who', 'deprivation', 'causes', 'hotspots', 'health-vs-police'];

const AREAS = [
  'csp:safer-oxfordshire',
  'district:E07000177',
  'district:E07000178',
  'district:E07000179',
  'district:E07000180',
  'district:E07000181',
  'all',
];

/**
 * `count` distinct filters for each endpoint, none among those of endpointUrls nor repeated:
 * area × tier × source × period, the period a run of months within the months held. The same
 * list for every endpoint, in a shuffled order (seeded).
 */
function unseenFilters(months: readonly string[], count: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let seed = 17;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  while (out.length < count && seen.size < 100_000) {
    const area = AREAS[next(AREAS.length)]!;
    const tier = ['', 'primary', 'secondary'][next(3)]!;
    const source = ['force-extract', 'police-uk'][next(2)]!;
    const a = next(months.length);
    const b = Math.min(months.length - 1, a + next(months.length));
    const q = new URLSearchParams();
    if (area !== 'all') q.set('area', area);
    q.set('definition', 'thames-valley-vru');
    if (tier !== '') q.set('tier', tier);
    q.set('source', source);
    q.set('from', months[a]!);
    q.set('to', months[b]!);
    const key = q.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(key);
  }
  return out;
}

async function heldMonths(db: string): Promise<string[]> {
  const ws = await openWorkspace(db, { create: false });
  try {
    const rows = await ws.db.all<{ month: string }>(
      `SELECT DISTINCT strftime(month, '%Y-%m') AS month FROM incidents ORDER BY 1`,
    );
    return rows.map((r) => r.month);
  } finally {
    ws.close();
  }
}

function endpointUrls(base: string): Record<string, string[]> {
  const areas = AREAS.filter((a) => a !== 'all');
  const filters = areas.flatMap((area) =>
    ['', '&tier=primary'].map(
      (tier) =>
        `area=${encodeURIComponent(area)}&definition=thames-valley-vru&source=force-extract${tier}`,
    ),
  );
  const out: Record<string, string[]> = {
    overview: filters.map((f) => `${base}/api/overview?${f}`),
    map: filters.map((f) => `${base}/api/map?${f}`),
    trends: filters.map((f) => `${base}/api/trends?${f}`),
  };
  return out;
}

export async function benchDashboard(): Promise<Record<string, unknown>> {
  sharedDataPath('police-uk');
  const work = mkdtempSync(path.join(os.tmpdir(), 'svd-bench-dashboard-'));
  const results: Record<string, unknown> = {};
  try {
    console.log('\n== dashboard: building (or reusing) the demo workspace');
    const demoDb = await demoWorkspace(work);
    const db = KEEP_WORKSPACE ?? path.join(work, 'scaled.duckdb');
    if (KEEP_WORKSPACE === undefined || !existsSync(KEEP_WORKSPACE)) {
      const t = performance.now();
      const incidents = await scaledWorkspace(demoDb, db, TARGET);
      const replicateSeconds = (performance.now() - t) / 1000;
      console.log(
        `replicated to ${incidents.toLocaleString('en-GB')} incidents in ${replicateSeconds.toFixed(1)} s (${(statSync(db).size / 1e9).toFixed(2)} GB)`,
      );
      results['replicateSeconds'] = replicateSeconds;
    }
    const months = await heldMonths(db);
    {
      const ws = await openWorkspace(db, { create: false });
      results['incidents'] = await ws.db.value<number>('SELECT count(*) FROM incidents');
      ws.close();
    }

    // Uncached: a server without its answer cache, asked a filter not seen before each time.
    const started = performance.now();
    const uncached = await startServer(db, ['--no-cache']);
    const startSeconds = (performance.now() - started) / 1000;
    const perEndpoint = UNCACHED_SINGLE + (UNCACHED_CONCURRENT ? CLIENTS : 0) + 1;
    const unseen = unseenFilters(months, perEndpoint * (3 + OTHER_PAGES.length));
    const rows: Record<string, string | number>[] = [];
    try {
      let k = 0;
      const take = (n: number): string[] => {
        const out = unseen.slice(k, k + n);
        k += n;
        return out;
      };
      for (const name of ['overview', 'map', 'trends']) {
        // The first request after the start (it may wait for the aggregate built at start).
        const first = await timedGet(`${uncached.url}/api/${name}?${take(1)[0]!}`);
        rows.push({
          endpoint: name,
          mode: `uncached, first after start (${startSeconds.toFixed(1)} s to listen)`,
          requests: 1,
          'p50 ms': first,
          'p95 ms': first,
        });
        const single: number[] = [];
        for (const f of take(UNCACHED_SINGLE))
          single.push(await timedGet(`${uncached.url}/api/${name}?${f}`));
        rows.push({
          endpoint: name,
          mode: 'uncached, unseen filters, one at a time',
          requests: single.length,
          'p50 ms': percentile(single, 50),
          'p95 ms': percentile(single, 95),
        });
        if (UNCACHED_CONCURRENT) {
          const list = take(CLIENTS).map((f) => `${uncached.url}/api/${name}?${f}`);
          const concurrent = await load(list, CLIENTS, CLIENTS);
          rows.push({
            endpoint: name,
            mode: `uncached, unseen filters, ${CLIENTS} clients`,
            requests: concurrent.length,
            'p50 ms': percentile(concurrent, 50),
            'p95 ms': percentile(concurrent, 95),
          });
        }
      }
      // The other pages: the answers given (a refusal, e.g. hot spots over a single month, is
      // counted apart, not timed).
      for (const name of OTHER_PAGES) {
        const modes: [string, number][] = [['one at a time', 1]];
        if (UNCACHED_CONCURRENT) modes.push([`${CLIENTS} clients`, CLIENTS]);
        for (const [mode, clients] of modes) {
          const n = clients === 1 ? UNCACHED_SINGLE : CLIENTS;
          const list = take(n).map((f) => `${uncached.url}/api/${name}?${f}`);
          const answers = await loadAnswers(list, n, clients);
          const answered = answers.filter((a) => a.status === 200).map((a) => a.ms);
          const refused = answers.length - answered.length;
          rows.push({
            endpoint: name,
            mode: `uncached, unseen filters, ${mode}${refused > 0 ? ` (${refused} refused, not timed)` : ''}`,
            requests: answered.length,
            'p50 ms': percentile(answered, 50),
            'p95 ms': percentile(answered, 95),
          });
        }
      }
      const rss = peakRssMb(uncached.child);
      results['uncachedServerPeakRssMb'] = rss;
      console.log(`uncached server: peak RSS ${rss === null ? 'unknown' : `${rss.toFixed(0)} MB`}`);
    } finally {
      await stopServer(uncached.child);
    }

    const server = await startServer(db);
    try {
      const cachedUrls = endpointUrls(server.url);
      for (const [name, list] of Object.entries(cachedUrls)) {
        for (const u of list) await timedGet(u); // fill the cache
        const times = await load(list, CACHED_REQUESTS, CLIENTS);
        rows.push({
          endpoint: name,
          mode: `cached, ${CLIENTS} clients`,
          requests: times.length,
          'p50 ms': percentile(times, 50),
          'p95 ms': percentile(times, 95),
        });
      }
      printTable(rows);
      results['api'] = rows;
      // Unseen filters p95 < 1 s, cached answers p95 < 100 ms (issue 17, decision 0043).
      results['goals'] = rows.flatMap((r): Goal[] => {
        const mode = String(r['mode']);
        const limit = mode.startsWith('cached')
          ? 100
          : mode.startsWith('uncached, unseen')
            ? 1000
            : undefined;
        if (limit === undefined) return [];
        const p95 = Number(r['p95 ms']);
        return [
          {
            workload: `dashboard ${String(r['endpoint'])}, ${mode}, ${Number(results['incidents']).toLocaleString('en-GB')} incidents`,
            reference: '—',
            goal: `p95 < ${limit} ms`,
            measured: `${Math.round(p95)} ms p95 (${Math.round(Number(r['p50 ms']))} ms p50)`,
            met: p95 < limit,
          },
        ];
      });
      const rss = peakRssMb(server.child);
      results['cachedServerPeakRssMb'] = rss;
      console.log(`cached server: peak RSS ${rss === null ? 'unknown' : `${rss.toFixed(0)} MB`}`);
      if (!RENDER) return results;

      // Time to first render: a fresh server, pages opened at once (its warm-up still running),
      // then the same pages again (answers ready).
      await stopServer(server.child);
      const fresh = await startServer(db);
      server.child = fresh.child;
      const browser = await launchChromium();
      const renders: Record<string, string | number>[] = [];
      try {
        for (const pass of ['just started', 'warm']) {
          for (const p of PAGES) {
            const page = await browser.newPage();
            await page.goto(`${fresh.url}${p}`);
            await page.waitForSelector('main h1');
            // Polled (every 20 ms) from here: the pages' CSP forbids a string predicate's eval.
            while ((await page.locator('.loading').count()) > 0) await page.waitForTimeout(20);
            const ms = Number(await page.evaluate('performance.now()'));
            renders.push({ page: p, server: pass, 'first render ms': ms });
            await page.close();
          }
        }
      } finally {
        await browser.close();
      }
      printTable(renders);
      results['firstRender'] = renders;
    } finally {
      await stopServer(server.child);
    }

    const assets = path.join(REPO, 'dist', 'web', 'assets');
    if (existsSync(assets)) {
      const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
      const bytes = js.reduce((s, f) => s + statSync(path.join(assets, f)).size, 0);
      const gz = js.reduce((s, f) => s + gzipSync(readFileSync(path.join(assets, f))).length, 0);
      console.log(
        `web app JavaScript: ${js.length} file(s), ${(bytes / 1024).toFixed(0)} KB (${(gz / 1024).toFixed(0)} KB gzipped)`,
      );
      results['bundle'] = { files: js.length, bytes, gzipBytes: gz };
    }
  } finally {
    agent.destroy();
    rmSync(work, { recursive: true, force: true });
    // A kept workspace stays (BENCH_WORKSPACE), for the next run.
  }
  return results;
}
