/**
 * The dashboard's API, in-process (Fastify inject): its numbers equal the command line's on the
 * same workspace, its errors are the command line's errors with an HTTP status, the OpenAPI
 * document lists every route, the workspace is read-only unless uploads are allowed, and an
 * upload is ingested with its validation report.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { fixedClock } from '../../src/core/clock.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { BAD_ISTV, buildTestWorkspace } from '../helpers/dashboard.js';
import { svd } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-server-');
let db: string;
let pool: WorkspacePool;
let app: FastifyInstance;

const DEF = 'thames-valley-vru';
/** "Today" for overdue actions and measures, pinned for the server and the command line alike. */
const TODAY = '2025-06-01';
const OXFORD = 'district:E07000178';

beforeAll(async () => {
  db = await buildTestWorkspace(dir);
  pool = await WorkspacePool.open(db, { writable: false, reporter: silentReporter });
  app = await buildServer({
    pool,
    reporter: silentReporter,
    webRoot: path.join(dir, 'no-web'),
    clock: fixedClock(`${TODAY}T12:00:00Z`),
  });
});

afterAll(async () => {
  await app?.close();
  pool?.close();
});

async function get<T = unknown>(
  url: string,
): Promise<{ status: number; body: T; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() as T, headers: res.headers };
}

/** The command line's answer on the same workspace (the pool holds it read-only: no lock). */
async function cli<T = unknown>(args: string[]): Promise<T> {
  const r = await svd([...args, '--db', db, '--json'], { SVD_TODAY: TODAY });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

describe('health and the OpenAPI document', () => {
  it('answers /api/health with the workspace', async () => {
    const r = await get<{ status: string; writable: boolean; incidents: number }>('/api/health');
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.writable).toBe(false);
    expect(r.body.incidents).toBeGreaterThan(40_000);
  });

  it('lists every route with its parameters', async () => {
    const doc = (
      await get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
        '/api/openapi.json',
      )
    ).body;
    expect(doc.openapi).toBe('3.1.0');
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`),
    );
    const registered = (app as unknown as { registeredRoutes: string[] }).registeredRoutes;
    expect(registered.length).toBeGreaterThan(10);
    expect([...listed].sort()).toEqual([...registered].sort());
    const overview = doc.paths['/api/overview']!['get'] as { parameters: { name: string }[] };
    expect(overview.parameters.map((p) => p.name)).toEqual([
      'from',
      'to',
      'area',
      'definition',
      'tier',
      'source',
    ]);
  });
});

describe('numbers equal the command line', () => {
  it('/api/counts is svd counts --json', async () => {
    const args = [
      '--by',
      'month,tier',
      '--where',
      'district=Oxford',
      '--where',
      'source=force-extract',
    ];
    const expected = await cli(['counts', ...args, '--definition', DEF]);
    const r = await get(
      `/api/counts?by=month,tier&where=district%3DOxford&where=source%3Dforce-extract&definition=${DEF}`,
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expected);
    // A tier without a definition is refused as such, by=tier or where=tier=… (an unknown
    // dimension before), as svd counts refuses it.
    for (const url of ['/api/counts?by=tier', '/api/counts?by=month&where=tier%3Dprimary']) {
      const refused = await get<{ error: { code: string; message: string } }>(url);
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.code, url).toBe('NEEDS_DEFINITION');
      expect(refused.body.error.message, url).toContain('tier needs definition=');
    }
  });

  it("/api/overview's tiers and months are svd counts by tier and by month", async () => {
    const where = [
      '--where',
      'district_code=E07000178',
      '--where',
      'source=force-extract',
      '--where',
      'month=2024-02..2024-03',
    ];
    const byTier = await cli<{ tier: string; n: number }[]>([
      'counts',
      '--by',
      'tier',
      ...where,
      '--definition',
      DEF,
    ]);
    const byMonth = await cli<{ month: string; n: number }[]>([
      'counts',
      '--by',
      'month',
      ...where,
    ]);
    const r = await get<{
      tiers: { tier: string; n: number | null }[];
      months: { month: string; n: number }[];
      total: number;
      synthetic: { incidents: number };
      definition: { meta: { id: string; version: number } };
    }>(
      `/api/overview?area=${OXFORD}&source=force-extract&from=2024-02&to=2024-03&definition=${DEF}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.definition.meta).toMatchObject({ id: DEF, version: 2 });
    for (const t of byTier) expect(r.body.tiers.find((x) => x.tier === t.tier)?.n).toBe(t.n);
    expect(r.body.months).toEqual(byMonth.map((m) => ({ month: m.month, n: m.n })));
    expect(r.body.total).toBe(byMonth.reduce((s, m) => s + m.n, 0));
    // The synthetic force extract is all synthetic.
    expect(r.body.synthetic.incidents).toBe(r.body.total);
  });

  it('a filter changes the numbers: a tier narrows the monthly series', async () => {
    const all = await get<{ total: number }>(
      `/api/overview?area=${OXFORD}&source=force-extract&definition=${DEF}`,
    );
    const primary = await get<{ total: number; tiers: { tier: string; n: number }[] }>(
      `/api/overview?area=${OXFORD}&source=force-extract&definition=${DEF}&tier=primary`,
    );
    expect(primary.body.total).toBeLessThan(all.body.total);
    expect(primary.body.total).toBe(primary.body.tiers.find((t) => t.tier === 'primary')?.n);
  });

  it('the default view counts the primary tier of the default definition; tier=all counts every record', async () => {
    const meta = (
      await get<{
        defaultDefinition: string;
        defaultTier: string;
        defaultSource: string;
        definitions: { id: string; tiers: { id: string }[] }[];
      }>('/api/meta')
    ).body;
    expect(meta.defaultDefinition).toBe(DEF);
    // The primary tier is the definition's first tier.
    expect(meta.defaultTier).toBe(meta.definitions.find((d) => d.id === DEF)!.tiers[0]!.id);
    const query = `definition=${meta.defaultDefinition}&source=${meta.defaultSource}`;
    const byDefault = await get<{ total: number }>(
      `/api/overview?${query}&tier=${meta.defaultTier}`,
    );
    const everything = await get<{ total: number }>(`/api/overview?${query}&tier=all`);
    expect(byDefault.status).toBe(200);
    expect(everything.status).toBe(200);
    // Counted independently: the incidents of the source whose first tier under the newest
    // classified version of the definition is the primary tier, and all of the source's.
    const [primary, all] = await pool.read(async (ws) => [
      await ws.db.value<number>(
        `SELECT count(*)::INTEGER FROM incidents i
           JOIN incident_tiers t ON t.incident_id = i.id AND t.definition_id = $d
            AND t.version = (SELECT max(version) FROM classification_runs WHERE definition_id = $d)
          WHERE i.source = $source AND t.tier = $tier`,
        { d: DEF, source: meta.defaultSource, tier: meta.defaultTier },
      ),
      await ws.db.value<number>(`SELECT count(*)::INTEGER FROM incidents WHERE source = $source`, {
        source: meta.defaultSource,
      }),
    ]);
    expect(primary).toBeGreaterThan(0);
    expect(byDefault.body.total).toBe(primary);
    expect(everything.body.total).toBe(all);
    expect(primary).toBeLessThan(all!);
    // "all" is the same as no tier at all.
    expect((await get<{ total: number }>(`/api/overview?${query}`)).body.total).toBe(all);
  });

  it('/api/map is svd rates --by lsoa11 within the area', async () => {
    const expected = await cli<{ rows: unknown[] }>([
      'rates',
      '--by',
      'lsoa11',
      '--within',
      OXFORD,
      '--where',
      'source=force-extract',
    ]);
    const r = await get<{ rows: unknown[] }>(`/api/map?area=${OXFORD}&source=force-extract`);
    expect(r.status).toBe(200);
    expect(r.body.rows).toEqual(expected.rows);
    expect(r.body.rows).toHaveLength(83); // Oxford's LSOAs 2011
  });

  it('/api/boundaries holds the GeoJSON of the same LSOAs', async () => {
    const r = await get<{ type: string; features: { id: string; geometry: { type: string } }[] }>(
      `/api/boundaries?area=${OXFORD}`,
    );
    expect(r.body.type).toBe('FeatureCollection');
    expect(r.body.features).toHaveLength(83);
    expect(['Polygon', 'MultiPolygon']).toContain(r.body.features[0]!.geometry.type);
  });

  it('/api/points groups the located incidents by map point', async () => {
    const r = await get<{ points: { n: number }[]; total: number }>(
      `/api/points?area=${OXFORD}&source=force-extract`,
    );
    const counted = await cli<{ located: string; n: number }[]>([
      'counts',
      '--by',
      'located',
      '--where',
      'district_code=E07000178',
      '--where',
      'source=force-extract',
    ]);
    expect(r.body.total).toBe(counted.find((c) => c.located === 'yes')?.n);
  });

  it('/api/coverage and /api/batches are svd coverage and svd batches', async () => {
    const coverage = await get<{
      policeUk: unknown;
      sources: { sources: { source: string; months: (number | null)[] }[] };
    }>('/api/coverage');
    expect(coverage.body.policeUk).toEqual(await cli(['coverage']));
    expect(coverage.body.sources.sources.map((s) => s.source)).toEqual([
      'police-uk',
      'force-extract',
      'istv',
    ]);
    // The same rows, with the file's name only: the server never answers where a file lay on it.
    const listed = (await cli(['batches'])) as { file_path: string }[];
    expect((await get('/api/batches')).body).toEqual(
      listed.map((b) => ({ ...b, file_path: path.basename(b.file_path) })),
    );
  });

  it('/api/explain is svd explain --json', async () => {
    const records = await get<{ id: number; tier: string }[]>(
      `/api/records?area=${OXFORD}&source=force-extract&definition=${DEF}&tier=primary&limit=1`,
    );
    const id = records.body[0]!.id;
    expect(records.body[0]!.tier).toBe('primary');
    const r = await get(`/api/explain/${id}?definition=${DEF}`);
    expect(r.body).toEqual(await cli(['explain', String(id), '--definition', DEF]));
  });

  it('/api/whatif is svd whatif --json for the same proposal', async () => {
    const described = await get<{ sourceText: string }>(`/api/definitions/${DEF}`);
    // Promote the monitoring list's assault with injury into the primary tier.
    const proposal = described.body.sourceText
      .replace(/^version: 2$/m, 'version: 3')
      .replace(/(tiers:\n)/, '$1')
      .replace('id: gbh-without-intent', 'id: gbh-without-intent-all-8n')
      .replace(/statutes: \[OAPA1861-s20\]/, 'statutes: [OAPA1861-s20, OAPA1861-s47]');
    const file = path.join(dir, 'proposal.yaml');
    writeFileSync(file, proposal);
    const expected = await cli<{ headline: string }>(['whatif', '--base', DEF, '--proposal', file]);
    const res = await app.inject({
      method: 'POST',
      url: '/api/whatif',
      payload: { base: DEF, proposal },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Record<string, unknown>;
    const { warnings: _w, ...result } = body;
    const { proposal: p1, ...rest1 } = result as { proposal: Record<string, unknown> };
    const { proposal: p2, ...rest2 } = expected as unknown as { proposal: Record<string, unknown> };
    expect(rest1).toEqual(rest2);
    expect(p1['content_hash']).toBe(p2['content_hash']);
  });
});

describe('the analyses are svd analyse … --json', () => {
  const where = ['--where', 'district_code=E07000178', '--where', 'source=force-extract'];
  const query = `area=${OXFORD}&source=force-extract&definition=${DEF}`;
  it.each(['trends', 'when', 'who', 'health-vs-police'])('%s', async (name) => {
    const r = await get<{ result: { summary: string[] }; params: unknown }>(
      `/api/${name}?${query}&tier=primary`,
    );
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      await cli(['analyse', name, ...where, '--definition', DEF, '--tier', 'primary']),
    );
    expect(r.body.result.summary.length).toBeGreaterThan(0);
  });

  it('who lists location types by count, ties by name, the same on every run', async () => {
    const r = await get<{ result: { locationTypes: { type: string; count: number }[] } }>(
      `/api/who?${query}`,
    );
    const types = r.body.result.locationTypes;
    expect(types.length).toBeGreaterThan(3);
    const sorted = [...types].sort((a, b) => b.count - a.count || a.type.localeCompare(b.type));
    expect(types).toEqual(sorted);
  });

  it('a definition without a tier is accepted (its parameters are not passed unused)', async () => {
    const r = await get<{ result: { total: number } }>(`/api/trends?${query}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(await cli(['analyse', 'trends', ...where, '--definition', DEF]));
  });

  it('deprivation gives the rates within the area', async () => {
    const r = await get(`/api/deprivation?${query}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      await cli([
        'analyse',
        'deprivation',
        '--where',
        'source=force-extract',
        '--definition',
        DEF,
        '--within',
        OXFORD,
      ]),
    );
  });
});

describe('hotspots are svd analyse hotspots --classify', () => {
  const query = `area=${OXFORD}&definition=${DEF}&tier=primary`;
  const args = [
    'analyse',
    'hotspots',
    '--where',
    'district_code=E07000178',
    '--definition',
    DEF,
    '--tier',
    'primary',
    '--classify',
  ];

  it('/api/hotspots is its JSON, Gi* corrected for the false discovery rate', async () => {
    const r = await get<{
      result: {
        area: { code: string };
        summary: { correction: string; hotspots: number };
        cells: { kde: number; hotspot: string | null; class?: string }[];
        classes: { withheld?: string } | null;
      };
      warnings: { code: string }[];
    }>(`/api/hotspots?${query}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(await cli(args));
    expect(r.body.result.area.code).toBe('E07000178');
    expect(r.body.result.summary.correction).toBe('fdr');
    expect(r.body.result.summary.hotspots).toBe(
      r.body.result.cells.filter((c) => c.hotspot === 'hotspot').length,
    );
    expect(r.body.result.classes).not.toBeNull();
    // Classes are given for every cell, or withheld for all when the months hold too few
    // incidents (a few dozen synthetic records a month in Oxford's primary tier).
    if (r.body.result.classes!.withheld === undefined)
      expect(r.body.result.cells.every((c) => c.class !== undefined)).toBe(true);
    else {
      expect(r.body.result.cells.every((c) => c.class === undefined)).toBe(true);
      expect(r.body.warnings.map((w) => w.code)).toContain('CLASSES_TOO_SPARSE');
    }
  });

  it('a definition without a tier is accepted (its parameters are not passed unused)', async () => {
    const r = await get(`/api/hotspots?area=${OXFORD}&definition=${DEF}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      await cli([
        'analyse',
        'hotspots',
        '--where',
        'district_code=E07000178',
        '--definition',
        DEF,
        '--classify',
      ]),
    );
  });

  it('/api/hotspots/cells is its GeoJSON, cell for cell', async () => {
    const r = await get<{
      type: string;
      features: { properties: { class: string; kde: number; trend_class: string } }[];
    }>(`/api/hotspots/cells?${query}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/json/);
    const file = path.join(dir, 'cells.geojson');
    const r2 = await svd([...args, '--db', db, '--geojson', file, '--quiet']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r.body).toEqual(JSON.parse(readFileSync(file, 'utf8')));
    expect(r.body.type).toBe('FeatureCollection');
    expect(r.body.features.length).toBeGreaterThan(100);
    expect(r.body.features.some((f) => f.properties.class === 'hotspot')).toBe(true);
  });
});

describe('the strategy', () => {
  it('/api/strategy is svd strategy show --json', async () => {
    const r = await get<{ title: string; priorities: unknown[] }>('/api/strategy');
    expect(r.status).toBe(200);
    expect(r.body).toEqual(await cli(['strategy', 'show']));
    expect(r.body.priorities.length).toBeGreaterThan(0);
  });

  it('/api/actions filters as svd actions list does', async () => {
    const all = await get<{ overdue: boolean }[]>('/api/actions');
    expect(all.body).toEqual(await cli(['actions', 'list']));
    const overdue = await get<{ overdue: boolean }[]>('/api/actions?overdue=true');
    expect(overdue.body).toEqual(await cli(['actions', 'list', '--overdue']));
    expect(overdue.body.every((a) => a.overdue)).toBe(true);
    expect(overdue.body.length).toBeGreaterThan(0);
    expect(overdue.body.length).toBeLessThan(all.body.length);
    const bad = await get('/api/actions?status=finished');
    expect(bad.status).toBe(400);
  });

  it('/api/measures is svd measures --json, with each series', async () => {
    const r = await get<{ measures: { id: string; series: unknown[] }[]; evaluatedAt: string }>(
      '/api/measures',
    );
    const c = await cli<{ measures: unknown[]; evaluatedAt: string }>(['measures']);
    expect(r.body.measures).toEqual(c.measures);
    expect(r.body.measures.some((m) => m.series.length > 0)).toBe(true);
  });

  it('/api/reviews holds the two reviews of the demo, the second compared with the first', async () => {
    const r =
      await get<{ review: { review_id: number; data_to: string }; previous: number | null }[]>(
        '/api/reviews',
      );
    expect(r.body.map((e) => [e.review.data_to, e.previous])).toEqual([
      ['2024-02', null],
      ['2024-03', r.body[0]!.review.review_id],
    ]);
  });
});

describe('errors are the command line errors', () => {
  it('a bad month is refused by the schema with 400', async () => {
    const r = await get<{ error: { kind: string; code: string; message: string } }>(
      '/api/overview?from=2024-13',
    );
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ kind: 'usage', code: 'BAD_REQUEST' });
    expect(r.body.error.message).toMatch(/from/);
  });

  it('an unknown definition gives the same code and message as the CLI, as 400', async () => {
    const r = await get<{ error: { code: string; message: string; fix: string } }>(
      '/api/overview?definition=thames-valey-vru',
    );
    const c = await svd([
      'counts',
      '--by',
      'tier',
      '--definition',
      'thames-valey-vru',
      '--db',
      db,
      '--json',
    ]);
    expect(c.code).toBe(2);
    const cliError = (
      JSON.parse(c.stdout) as { error: { code: string; message: string; fix: string } }
    ).error;
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(cliError.code);
    expect(r.body.error.message).toBe(cliError.message);
    expect(r.body.error.fix).toBe(cliError.fix);
  });

  it('a definition that is a file path is refused before anything is read', async () => {
    const r = await get('/api/overview?definition=..%2F..%2Fetc%2Fpasswd');
    expect(r.status).toBe(400);
  });

  it('an unknown record is the CLI NO_SUCH_RECORD', async () => {
    const r = await get<{ error: { code: string } }>(`/api/explain/999999999?definition=${DEF}`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('NO_SUCH_RECORD');
  });

  it('an invalid proposal names the place of each problem (422 would be a file; this is usage)', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/whatif',
      payload: {
        base: DEF,
        proposal: 'id: x\nversion: 1\ntitle: t\neffective_from: 2024-01-01\ntiers: []\n',
      },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    const body = res.json() as { error: { problems: { message: string }[] } };
    expect(body.error.problems.length).toBeGreaterThan(0);
  });

  it('unknown endpoints are 404 JSON; the web app says when it is not built', async () => {
    expect((await get('/api/nothing')).status).toBe(404);
    const page = await app.inject({ method: 'GET', url: '/map' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toMatch(/npm run build/);
  });

  it('every answer carries the security headers', async () => {
    const r = await get('/api/health');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(String(r.headers['content-security-policy'])).toMatch(/default-src 'self'/);
  });
});

describe('uploads', () => {
  it('are refused while the workspace is served read-only, and nothing changes', async () => {
    const before = await storeFingerprint(db);
    const res = await app.inject({
      method: 'POST',
      url: '/api/uploads?kind=istv&name=bad.csv',
      headers: { 'content-type': 'application/octet-stream' },
      payload: Buffer.from(BAD_ISTV),
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('READ_ONLY');
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('with uploads allowed: a file with a bad row is refused with its validation report, then stored leaving the row out', async () => {
    await app.close();
    pool.close();
    pool = await WorkspacePool.open(db, { writable: true, reporter: silentReporter });
    app = await buildServer({ pool, reporter: silentReporter, maxUploadBytes: 4096 });
    const send = (query: string, payload: Buffer) =>
      app.inject({
        method: 'POST',
        url: `/api/uploads?${query}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload,
      });
    const refused = await send('kind=istv&name=bad.csv', Buffer.from(BAD_ISTV));
    expect(refused.statusCode).toBe(422);
    const error = (
      refused.json() as {
        error: { code: string; problems: { line: number; field: string; message: string }[] };
      }
    ).error;
    expect(error.code).toBe('BATCH_REFUSED');
    expect(error.problems[0]).toMatchObject({ line: 3, field: 'Arrival Date' });

    const before = (await get<{ batch_id: number }[]>('/api/batches')).body.length;
    const stored = await send('kind=istv&name=bad.csv&maxErrors=1', Buffer.from(BAD_ISTV));
    expect(stored.statusCode).toBe(200);
    const report = stored.json() as {
      report: { files: { batchId: number; rowsStored: number; rowsRejected: number }[] };
    };
    expect(report.report.files[0]).toMatchObject({ rowsStored: 2, rowsRejected: 1 });
    const batches = (await get<{ batch_id: number }[]>('/api/batches')).body;
    expect(batches).toHaveLength(before + 1);
    const messages = await get<{ severity: string; first_line: number }[]>(
      `/api/batches/${report.report.files[0]!.batchId}/messages`,
    );
    expect(messages.body[0]).toMatchObject({ severity: 'error', first_line: 3 });

    const tooLarge = await send('kind=istv&name=big.csv', Buffer.alloc(8192, 65));
    expect(tooLarge.statusCode).toBe(413);
  });
});
