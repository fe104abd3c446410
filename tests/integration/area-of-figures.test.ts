/**
 * Figures true for the area they name (docs/decisions/0060-area-of-figures.md), on a workspace
 * built through the real commands: two Thames Valley police.uk months, the seeded synthetic force
 * extract and A&E data anchored on them (plus a second A&E file from a department the partnership
 * configuration does not list), the Oxfordshire LSOA 2011 boundaries, the lookup, the partnership
 * configuration, Census 2021 population and IMD 2019. The A&E side of a selection by area counts
 * only the departments lying in it (checked against an independent count in SQL); denominators of
 * deprivation follow the selection's area (checked against an independent sum of the population
 * file and count of the lookup).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { listValue } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyseDeprivation } from '../../src/analyses/deprivation/analyseDeprivation.js';
import { silentReporter } from '../../src/core/reporter.js';
import { readPartnershipConfig, OXFORDSHIRE_CONFIG } from '../../src/geo/partnershipConfig.js';
import { analyseHealthVsPolice } from '../../src/analyses/health/analyseHealthVsPolice.js';
import { computeRates } from '../../src/analyses/rates/computeRates.js';
import { DIMENSIONS } from '../../src/analyses/selection/dimensions.js';
import { TIER_DIMENSIONS, tierParams } from '../../src/definitions/tierDimensions.js';
import { countIncidents, countIncidentsEach } from '../../src/analyses/counts/countIncidents.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { selectionAreas } from '../../src/geo/selectionAreas.js';
import { SYNTHETIC_SITES } from '../../src/sources/synthetic/synthIstv.js';
import { svd } from '../helpers/cli.js';
import type { WhatIfResult } from '../../src/api/definitions.js';
import { TV_STREET, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { refreshDerivedData } from '../../src/app/deriveData.js';

const dir = tempDir();
const db = path.join(dir, 'area.duckdb');
const ctx = { cwd: dir, reporter: silentReporter };
const MONTHS = ['2024-01', '2024-02'];
const EXTRACT = { dimension: 'source', values: ['force-extract'] };
const UNLISTED = 'SITE-NOT-IN-CONFIG';
const OXFORDSHIRE = [
  'Cherwell',
  'Oxford',
  'South Oxfordshire',
  'Vale of White Horse',
  'West Oxfordshire',
];
const { config } = readPartnershipConfig(OXFORDSHIRE_CONFIG);
const partnership = (code: string): string[] =>
  config.partnerships.find((p) => p.code === code)!.districts;

async function run(args: string[], withDb = true): Promise<string> {
  const r = await svd([...args, ...(withDb ? ['--db', db] : []), '--quiet'], {}, dir);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function withWs<T>(fn: (ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await openWorkspace(db, { create: false });
  try {
    await refreshDerivedData(ws, { reporter: silentReporter });
    return await fn(ws);
  } finally {
    ws.close();
  }
}

/** Attendances of these sites in these months, counted directly in the workspace. */
async function aeCount(sites: readonly string[], months: readonly string[]): Promise<number> {
  return withWs(async (ws) =>
    Number(
      await ws.db.value<number>(
        `SELECT count(*) FROM ae_attendances
          WHERE list_contains($sites, site_code) AND list_contains($months, strftime(month, '%Y-%m'))`,
        { sites: listValue([...sites]), months: listValue([...months]) },
      ),
    ),
  );
}

beforeAll(async () => {
  const months = MONTHS.map((m) => path.join(TV_STREET(), `${m}-thames-valley-street.csv`));
  await run(['ingest', 'police-uk', ...months]);
  await run(
    ['synth', 'force-extract', '--from', ...months, '--seed', '7', '--out', 'extract.csv'],
    false,
  );
  await run(['ingest', 'force-extract', 'extract.csv', '--mapping', 'svd-synthetic']);
  await run(['synth', 'istv', '--from', ...months, '--seed', '7', '--out', 'istv.csv'], false);
  await run(['ingest', 'istv', 'istv.csv']);
  // A department no configuration places: the Reading rows under another site code.
  const lines = readFileSync(path.join(dir, 'istv.csv'), 'utf8').split('\r\n');
  writeFileSync(
    path.join(dir, 'unlisted.csv'),
    [lines[0], ...lines.filter((l) => l.startsWith('SYN-READING,'))]
      .map((l) => l!.replace(/^SYN-READING,/, `${UNLISTED},`))
      .join('\r\n') + '\r\n',
  );
  await run(['ingest', 'istv', 'unlisted.csv']);
  await run([
    'geo',
    'load',
    ...partnership('safer-oxfordshire').map((d) =>
      sharedData('boundaries', 'lsoa-2011-by-lad', `${d}.geojson`),
    ),
    '--level',
    'lsoa11',
  ]);
  await run([
    'geo',
    'lookup',
    sharedData('lookups', 'oa11-lsoa11-msoa11-lad17-rgn11-oac11-lookup.csv.gz'),
  ]);
  await run(['geo', 'partnerships']);
  await run([
    'population',
    'load',
    sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
  ]);
  await run([
    'deprivation',
    'load',
    sharedData('imd', 'File_2_-_IoD2019_Domains_of_Deprivation.csv.gz'),
  ]);
  await run(['classify', '--definition', 'thames-valley-vru']);
}, 600_000);

describe('A&E sites belong to areas', () => {
  it('the synthetic departments are in the configuration, each in the district of its hospital', () => {
    expect(config.sites.map((s) => [s.code, s.district]).sort()).toEqual(
      SYNTHETIC_SITES.map((s) => [s.code, s.district]).sort(),
    );
    const byCode = new Map(config.sites.map((s) => [s.code, s]));
    // Oxford's and Banbury's departments lie in Oxfordshire; the others outside it.
    expect(byCode.get('SYN-OXFORD')!.district).toBe('E07000178');
    expect(byCode.get('SYN-BANBURY')!.district).toBe('E07000177');
    for (const s of ['SYN-READING', 'SYN-SLOUGH', 'SYN-AYLESBURY', 'SYN-MILTON-KEYNES'])
      expect(partnership('safer-oxfordshire')).not.toContain(byCode.get(s)!.district);
  });

  it('a configuration listing a department twice is refused', async () => {
    const twice = path.join(dir, 'twice.json');
    writeFileSync(twice, JSON.stringify({ ...config, sites: [config.sites[0], config.sites[0]] }));
    const r = await svd(['geo', 'partnerships', twice, '--db', path.join(dir, 'other.duckdb')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/site "SYN-OXFORD" is listed twice/);
  });
});

describe('police beside health follows the area of the selection', () => {
  for (const [label, where, sites] of [
    ['Oxford', { dimension: 'district', values: ['Oxford'] }, ['SYN-OXFORD']],
    [
      'the Safer Oxfordshire CSP',
      { dimension: 'csp_code', values: ['safer-oxfordshire'] },
      ['SYN-BANBURY', 'SYN-OXFORD'],
    ],
  ] as const) {
    it(`for ${label}: only the departments in it, equal to an independent count; the unplaced department warned about and left out`, async () => {
      const expected = config.sites
        .filter((s) =>
          where.dimension === 'district'
            ? s.district === 'E07000178'
            : partnership('safer-oxfordshire').includes(s.district),
        )
        .map((s) => s.code)
        .sort();
      expect(expected).toEqual(sites);
      const r = await withWs((ws) =>
        analyseHealthVsPolice(
          ws,
          { where: [EXTRACT, { dimension: where.dimension, values: [...where.values] }] },
          {},
          ctx,
        ),
      );
      expect(r.result.bySite.map((s) => s.site)).toEqual(expected);
      expect(r.result.comparedMonths).toEqual(MONTHS);
      expect(r.result.total.ae).toBe(await aeCount(expected, r.result.comparedMonths));
      expect(r.result.total.ae).toBeGreaterThan(0);
      const unknown = r.warnings.find((w) => w.code === 'SITE_AREA_UNKNOWN');
      expect(unknown?.message).toMatch(new RegExp(`${UNLISTED}: left out`));
      const chosen = r.params['sites']!;
      expect(chosen.automatic).toBe(true);
      expect(chosen.value).toMatchObject({ selected: expected });
      expect(
        (chosen.value as { leftOut: { site: string; reason: string }[] }).leftOut,
      ).toContainEqual({
        site: UNLISTED,
        reason: 'no known area',
      });
      // The comparison by area is by the district each department lies in.
      expect(r.result.byArea?.map((a) => a.area).sort()).toEqual(
        config.sites
          .filter((s) => expected.includes(s.code))
          .map((s) => s.district)
          .sort(),
      );
      // Police side by the same areas: for a district, all of the selection's records; for the
      // partnership, those of its districts that have a department (Cherwell, Oxford) only.
      const police = r.result.byArea!.reduce((s, a) => s + a.police, 0);
      if (where.dimension === 'district') expect(police).toBe(r.result.total.police);
      else expect(police).toBeLessThan(r.result.total.police);
    });
  }

  it('a selection naming no area counts every department, and still reports the unplaced one', async () => {
    const r = await withWs((ws) => analyseHealthVsPolice(ws, { where: [EXTRACT] }, {}, ctx));
    const all = [...SYNTHETIC_SITES.map((s) => s.code), UNLISTED].sort();
    expect(r.result.bySite.map((s) => s.site)).toEqual(all);
    expect(r.result.total.ae).toBe(await aeCount(all, r.result.comparedMonths));
    expect(r.warnings.find((w) => w.code === 'SITE_AREA_UNKNOWN')?.message).toMatch(
      /counted because the selection names no area/,
    );
  });

  it('a selection finer than the departments’ districts leaves them out, saying why', async () => {
    const lsoa = await withWs((ws) =>
      ws.db.value<string>(
        `SELECT lsoa_code FROM geo_memberships WHERE level = 'district' AND area_code = 'E07000178' AND lsoa_vintage = 2011 ORDER BY 1 LIMIT 1`,
      ),
    );
    const r = await svd([
      'analyse',
      'health-vs-police',
      '--where',
      'source=force-extract',
      '--where',
      `lsoa11=${lsoa!}`,
      '--db',
      db,
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /no emergency department is known to lie in the area of the selection/,
    );
  });
});

describe('denominators follow the area of the selection', () => {
  /** Residents of Oxfordshire in the population file, summed directly. */
  function oxfordshireResidents(): number {
    const text = readFileSync(
      sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
      'utf8',
    );
    let total = 0;
    for (const line of text.trim().split(/\r?\n/).slice(1)) {
      const [, name, , n] = line.split(',');
      if (OXFORDSHIRE.some((d) => name!.startsWith(`${d} `))) total += Number(n);
    }
    return total;
  }

  /** Oxfordshire's LSOAs 2011 in the lookup, counted directly. */
  function oxfordshireLsoas(): number {
    const text = gunzipSync(
      readFileSync(sharedData('lookups', 'oa11-lsoa11-msoa11-lad17-rgn11-oac11-lookup.csv.gz')),
    ).toString('utf8');
    const lsoas = new Set<string>();
    for (const line of text.split(/\r?\n/).slice(1)) {
      const f = line.split(',');
      if (partnership('safer-oxfordshire').includes(f[9]!)) lsoas.add(f[3]!);
    }
    return lsoas.size;
  }

  it('deprivation for csp_code=safer-oxfordshire: the 407 Oxfordshire LSOAs and their 725,275 residents, announced', async () => {
    const residents = oxfordshireResidents();
    const lsoas = oxfordshireLsoas();
    expect([lsoas, residents]).toEqual([407, 725_275]);
    const where = [EXTRACT, { dimension: 'csp_code', values: ['safer-oxfordshire'] }];
    const r = await withWs((ws) => analyseDeprivation(ws, { where }, {}, ctx));
    expect(r.params['within']).toMatchObject({
      automatic: true,
      value: { level: 'csp', codes: ['safer-oxfordshire'], basis: 'selection' },
    });
    expect(r.params['within']!.explanation).toMatch(/the area of the selection/);
    const population = r.result.deciles.reduce((s, d) => s + d.population!, 0);
    expect(population).toBeCloseTo(residents, 6);
    for (const c of r.result.correlations) expect(c.lsoas).toBe(lsoas);
    // Every selected record placed in Oxfordshire is counted in a decile.
    const counted = r.result.deciles.reduce((s, d) => s + d.count, 0);
    const selected = JSON.parse(
      await run([
        'counts',
        '--by',
        'source',
        '--where',
        'source=force-extract',
        '--where',
        'csp_code=safer-oxfordshire',
        '--json',
      ]),
    ) as { n: number }[];
    expect(counted).toBe(selected[0]!.n);
    // The force's LSOAs only when asked for.
    const force = await withWs((ws) =>
      analyseDeprivation(
        ws,
        { where },
        { within: { level: 'force', codes: ['thames-valley'] } },
        ctx,
      ),
    );
    expect(force.result.correlations[0]!.lsoas).toBeGreaterThan(lsoas);
  });

  it('the command line (area as a filter) and the dashboard (area as within) give the same deprivation figures', async () => {
    const csp = { dimension: 'csp_code', values: ['safer-oxfordshire'] };
    const cli = await withWs((ws) => analyseDeprivation(ws, { where: [EXTRACT, csp] }, {}, ctx));
    const dashboard = await withWs((ws) =>
      analyseDeprivation(
        ws,
        { where: [EXTRACT] },
        { within: { level: 'csp', codes: ['safer-oxfordshire'] } },
        ctx,
      ),
    );
    expect(cli.result.deciles).toEqual(dashboard.result.deciles);
    expect(cli.result.correlations).toEqual(dashboard.result.correlations);
    expect(cli.result.ratio).toEqual(dashboard.result.ratio);
  });

  it('rates by district for a selection of Oxford give Oxford alone, its residents those of the file', async () => {
    const r = await withWs((ws) =>
      computeRates(
        ws,
        { level: 'district', where: [EXTRACT, { dimension: 'district', values: ['Oxford'] }] },
        { reporter: silentReporter },
      ),
    );
    expect(r.metadata.within).toEqual({
      level: 'district',
      codes: ['E07000178'],
      basis: 'selection',
    });
    expect(r.rows.map((x) => x.code)).toEqual(['E07000178']);
    const text = readFileSync(
      sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
      'utf8',
    );
    const oxford = text
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','))
      .filter((f) => f[1]!.startsWith('Oxford '))
      .reduce((s, f) => s + Number(f[3]), 0);
    expect(r.rows[0]!.population).toBeCloseTo(oxford, 0);
  });

  it('force= is the record’s publishing force, not an area; DIM= (no area) names no area', async () => {
    // The workspace holds one force: filtering by it changes no figure and bounds no area.
    const rates = (where: { dimension: string; values: (string | null)[] }[]) =>
      withWs((ws) => computeRates(ws, { level: 'district', where: [EXTRACT, ...where] }, ctx));
    const all = await rates([]);
    const force = await rates([{ dimension: 'force', values: ['thames-valley'] }]);
    expect(force.rows).toEqual(all.rows);
    expect(force.metadata.within).toEqual(all.metadata.within);
    expect(
      await withWs((ws) => selectionAreas(ws, [{ dimension: 'force', values: ['thames-valley'] }])),
    ).toEqual([]);
    // "No district" (a fault before): no district holds those records, within the same bound.
    const none = await rates([{ dimension: 'district', values: [null] }]);
    expect(none.metadata.within).toEqual(all.metadata.within);
    expect(none.rows.map((r) => r.code)).toEqual(all.rows.map((r) => r.code));
    expect(none.rows.every((r) => r.count === 0)).toBe(true);
    // The help lists force once, as the record's; the force area is chosen by its code.
    const help = await run(['counts', '--help'], false);
    expect(help.match(/^ {2}force\b/gm)).toHaveLength(1);
    expect(help).toMatch(/^ {2}force_code\b/m);
  });

  it('svd rates of a tier counts, partnership by partnership, what svd counts counts in it; a tier alone or an unknown area is refused', async () => {
    const rates = JSON.parse(
      await run([
        'rates',
        '--by',
        'csp',
        '--definition',
        'thames-valley-vru',
        '--tier',
        'primary',
        '--json',
      ]),
    ) as {
      rows: { code: string; count: number; population: number | null }[];
      definition: { id: string; version: number };
    };
    const counts = JSON.parse(
      await run([
        'counts',
        '--by',
        'csp_code',
        '--definition',
        'thames-valley-vru',
        '--where',
        'tier=primary',
        '--json',
      ]),
    ) as { csp_code: string | null; n: number }[];
    const expected = counts
      .filter((c) => c.csp_code !== null)
      .map((c) => [c.csp_code, c.n])
      .sort();
    expect(expected.length).toBeGreaterThan(1);
    expect(rates.rows.map((r) => [r.code, r.count]).sort()).toEqual(expected);
    expect(rates.rows.every((r) => r.population !== null && r.population > 0)).toBe(true);
    expect(rates.definition).toMatchObject({ id: 'thames-valley-vru' });
    // Fewer than every record: the tier was applied.
    const all = JSON.parse(await run(['rates', '--by', 'csp', '--json'])) as typeof rates;
    const total = (r: typeof rates) => r.rows.reduce((s, x) => s + x.count, 0);
    expect(total(rates)).toBeLessThan(total(all));

    const refused = await svd(['rates', '--by', 'csp', '--tier', 'primary', '--db', db], {}, dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('NEEDS_DEFINITION');
    // Every command reading a selection refuses a tier without its definition the same way.
    for (const args of [
      ['analyse', 'trends', '--tier', 'primary'],
      ['analyse', 'when', '--where', 'tier=primary'],
    ]) {
      const r = await svd([...args, '--db', db], {}, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('NEEDS_DEFINITION');
      expect(r.stderr).not.toContain('UNKNOWN_DIMENSION');
    }
    // An area filter naming no area is refused as svd counts refuses it (it was an internal fault).
    const unknown = await svd(
      ['rates', '--by', 'district', '--where', 'district=Nowhere', '--db', db],
      {},
      dir,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('UNKNOWN_AREA');
  });
});

describe('the SNA speaks of its area', () => {
  it('for the Safer Oxfordshire CSP: A&E attendances of its departments only, never added to police records', async () => {
    await run(['classify', '--definition', 'thames-valley-vru']);
    await run([
      'report',
      'sna',
      '--area',
      'csp=safer-oxfordshire',
      '--period',
      `${MONTHS[0]!}..${MONTHS.at(-1)!}`,
      '--definition',
      'thames-valley-vru',
      '--audience',
      'analyst',
      '--out',
      'sna.html',
    ]);
    const html = readFileSync(path.join(dir, 'sna.html'), 'utf8');
    const data = JSON.parse(
      /<script type="application\/json" id="sna-data">([\s\S]*?)<\/script>/.exec(html)![1]!,
    ) as {
      tables: Record<string, Record<string, unknown> | null>;
      summary: string[];
      params: { analysis: string; params: Record<string, { value: unknown }> }[];
    };
    const health = data.tables['health']!;
    const sites = ['SYN-BANBURY', 'SYN-OXFORD'];
    expect((health['columnTotals'] as number[])[1]).toBe(await aeCount(sites, MONTHS));
    // Police records and attendances are never added together: no row totals, no grand total.
    for (const id of ['health', 'healthMethod']) {
      expect(data.tables[id]).not.toHaveProperty('total');
      expect(data.tables[id]).not.toHaveProperty('rowTotals');
    }
    const table = /<table class="data" id="table-health">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).not.toMatch(/<th class="num total">Total<\/th>/);
    expect(data.summary.find((l) => l.startsWith('Police beside health'))).toContain(
      'at the emergency departments in Safer Oxfordshire Partnership',
    );
    const hv = data.params.find((p) => p.analysis === 'health-vs-police')!;
    expect(hv.params['sites']!.value).toMatchObject({ selected: sites });
    const dep = data.params.find((p) => p.analysis === 'deprivation')!;
    expect(dep.params['within']!.value).toEqual({
      level: 'csp',
      codes: ['safer-oxfordshire'],
      basis: 'selection',
    });
  });

  it('for a partnership with no department of its own, the health section says so instead of borrowing others', async () => {
    await run([
      'report',
      'sna',
      '--area',
      'csp=south-and-vale',
      '--period',
      `${MONTHS[0]!}..${MONTHS.at(-1)!}`,
      '--definition',
      'thames-valley-vru',
      '--audience',
      'analyst',
      '--out',
      'south.html',
    ]);
    const html = readFileSync(path.join(dir, 'south.html'), 'utf8');
    const data = JSON.parse(
      /<script type="application\/json" id="sna-data">([\s\S]*?)<\/script>/.exec(html)![1]!,
    ) as { tables: Record<string, unknown>; summary: string[] };
    expect(data.tables['health']).toBeNull();
    expect(data.summary.some((l) => l.startsWith('Police beside health'))).toBe(false);
    expect(html).toContain(
      'No police beside health: no emergency department is known to lie in the area of the selection (csp south-and-vale)',
    );
  });
});

describe('a record in several partnerships or tiers counts once', () => {
  /** Records placed in an LSOA of any of these partnerships, each once: an independent count. */
  async function inPartnerships(ws: Workspace, codes: readonly string[]): Promise<number> {
    return Number(
      await ws.db.value<number>(
        `SELECT count(*) FROM incidents
          WHERE id IN (SELECT p.incident_id FROM incident_places p JOIN geo_memberships m
                         ON m.lsoa_vintage = p.base_vintage AND m.lsoa_code = p.base_code
                        WHERE m.level = 'csp' AND m.is_primary AND list_contains($codes, m.area_code))`,
        { codes: listValue([...codes]) },
      ),
    );
  }

  it('a filter of several partnerships counts a record in two of them once (every pair and triple)', async () => {
    await withWs(async (ws) => {
      const codes = config.partnerships.map((p) => p.code).sort();
      expect(codes.length).toBeGreaterThanOrEqual(4);
      const sets: string[][] = [];
      for (let a = 0; a < codes.length; a++)
        for (let b = a + 1; b < codes.length; b++) {
          sets.push([codes[a]!, codes[b]!]);
          for (let c = b + 1; c < codes.length; c++) sets.push([codes[a]!, codes[b]!, codes[c]!]);
        }
      let nested = 0;
      for (const set of sets) {
        const counted = await countIncidents(ws, {
          by: ['source'],
          where: [{ dimension: 'csp_code', values: set }],
        });
        const expected = await inPartnerships(ws, set);
        expect(counted.total, set.join(' + ')).toBe(expected);
        // The same selection by name.
        const names = await ws.db.all<{ name: string }>(
          `SELECT name FROM geo_area_list WHERE level = 'csp' AND list_contains($codes, code)`,
          { codes: listValue(set) },
        );
        const byName = await countIncidents(ws, {
          by: ['source'],
          where: [{ dimension: 'csp', values: names.map((n) => n.name) }],
        });
        expect(byName.total, set.join(' + ')).toBe(expected);
        // With the records in no partnership too.
        const withNone = await countIncidents(ws, {
          by: ['source'],
          where: [{ dimension: 'csp_code', values: [...set, null] }],
        });
        const none = await countIncidents(ws, {
          by: ['source'],
          where: [{ dimension: 'csp_code', values: [null] }],
        });
        expect(withNone.total).toBe(expected + none.total);
        const singly = await Promise.all(set.map((code) => inPartnerships(ws, [code])));
        if (singly.reduce((s, n) => s + n, 0) > expected) nested++;
      }
      // The county-wide partnership holds the others: many of the sets overlap.
      expect(nested).toBeGreaterThan(0);
    });
  });

  it('grouped by partnership, each row is its own and the total counts each record once', async () => {
    await withWs(async (ws) => {
      const whole = await countIncidents(ws, { by: ['source'], where: [] });
      const byCsp = await countIncidents(ws, { by: ['csp_code'], where: [] });
      expect(byCsp.total).toBe(whole.total);
      expect(byCsp.syntheticTotal).toBe(whole.syntheticTotal);
      expect(byCsp.rows.reduce((s, r) => s + r.n, 0)).toBeGreaterThan(whole.total);
      for (const r of byCsp.rows)
        if (r['csp_code'] !== null)
          expect(r.n).toBe(await inPartnerships(ws, [String(r['csp_code'])]));
      // Counted beside other dimensions in one call: those are not multiplied by the partnerships.
      const [csp, month, method] = await countIncidentsEach(
        ws,
        ['csp_code', 'month', 'lsoa11_method'],
        [],
      );
      expect(csp.rows).toEqual(byCsp.rows);
      expect(csp.total).toBe(whole.total);
      for (const each of [month, method]) {
        expect(each.total).toBe(whole.total);
        expect(each.syntheticTotal).toBe(whole.syntheticTotal);
      }
      const byMonth = await countIncidents(ws, { by: ['month'], where: [] });
      expect(month.rows).toEqual(byMonth.rows);
    });
  });

  it('a filter of several tiers matched counts a record in two of them once; a definition with no tier asked of it is no fault', async () => {
    await withWs(async (ws) => {
      const run = await ws.db.one<{ definition_id: string; version: number }>(
        `SELECT definition_id, version FROM classification_runs ORDER BY run_id DESC LIMIT 1`,
      );
      const params = tierParams(run!.definition_id, run!.version);
      const context = { dimensions: [...DIMENSIONS, ...TIER_DIMENSIONS], params };
      // Records whose pattern matched any of the tiers, each once: an independent count.
      const inTiers = async (tiers: string[]): Promise<number> =>
        Number(
          await ws.db.value<number>(
            `SELECT count(DISTINCT ic.incident_id) FROM incident_classifications ic
               JOIN classification_patterns cp ON cp.definition_id = ic.definition_id
                AND cp.version = ic.version AND cp.mask = ic.mask, unnest(cp.tiers) AS t(tier)
              WHERE ic.definition_id = $d AND ic.version = $v AND list_contains($tiers, t.tier)`,
            { d: run!.definition_id, v: run!.version, tiers: listValue(tiers) },
          ),
        );
      const both = ['primary', 'monitoring'];
      const counted = await countIncidents(
        ws,
        { by: ['source'], where: [{ dimension: 'matched_tier', values: both }] },
        context,
      );
      expect(counted.total).toBe(await inTiers(both));
      const singly = (await inTiers(['primary'])) + (await inTiers(['monitoring']));
      // The definition's primary tier lies within its monitoring list for some records.
      expect(singly).toBeGreaterThan(counted.total);
      const byTier = await countIncidents(ws, { by: ['matched_tier'], where: [] }, context);
      const whole = await countIncidents(ws, { by: ['source'], where: [] });
      expect(byTier.total).toBe(whole.total);
      expect(byTier.rows.reduce((s, r) => s + r.n, 0)).toBeGreaterThan(whole.total);
    });
    // Counting under a definition by something else than a tier (an internal fault before).
    const bySource = await run(['counts', '--by', 'source', '--definition', 'thames-valley-vru']);
    expect(bySource).toMatch(/^total [\d,]+ \(thames-valley-vru@/m);
  });

  it('svd whatif counts a record in two partnerships once, filtered by both or broken down by partnership', async () => {
    const whatif = async (args: string[]): Promise<WhatIfResult> =>
      JSON.parse(
        await run([
          'whatif',
          '--base',
          'thames-valley-vru',
          '--proposal',
          'home-office-success-measures',
          ...args,
          '--json',
        ]),
      ) as WhatIfResult;
    const whole = await whatif(['--by', 'source']);
    const records = await withWs((ws) => countIncidents(ws, { by: ['source'], where: [] }));
    expect(whole.records).toBe(records.total);
    // Broken down by partnership: the totals are those of every record, each once.
    const byCsp = await whatif(['--by', 'csp_code,source']);
    expect(byCsp.records).toBe(whole.records);
    expect(byCsp.tiers).toEqual(whole.tiers);
    expect(byCsp.transitions).toEqual(whole.transitions);
    expect(byCsp.breakdowns[1]).toEqual(whole.breakdowns[0]);
    const county = 'safer-oxfordshire';
    const district = config.partnerships.map((p) => p.code).find((c) => c !== county)!;
    for (const code of [county, district]) {
      // Each partnership's rows: the changed records of a comparison of that partnership alone.
      const alone = await whatif(['--where', `csp_code=${code}`, '--by', 'source']);
      const rows = byCsp.breakdowns[0]!.rows.filter((r) => r.value === code);
      expect(rows.reduce((s, r) => s + r.n, 0)).toBe(alone.changed);
      expect(alone.changed).toBeGreaterThan(0);
    }
    // Filtered by two nested partnerships: the county's records, each once.
    const both = await whatif(['--where', `csp_code=${district}`, '--where', `csp_code=${county}`]);
    expect(both.records).toBe(await withWs((ws) => inPartnerships(ws, [district, county])));
    expect(both.records).toBe(await withWs((ws) => inPartnerships(ws, [county])));
    const text = await run([
      'whatif',
      '--base',
      'thames-valley-vru',
      '--proposal',
      'home-office-success-measures',
      '--by',
      'csp',
    ]);
    expect(text).toMatch(/^By csp \(the rows overlap/m);
  });

  it('svd counts --by csp gives the total of the records, and says the rows overlap', async () => {
    const bySource = await run(['counts', '--by', 'source']);
    const byCsp = await run(['counts', '--by', 'csp']);
    const total = (out: string) => /^total ([\d,]+)/m.exec(out)![1];
    expect(total(byCsp)).toBe(total(bySource));
    expect(byCsp).toContain('the rows overlap (partnerships nest');
    expect(bySource).not.toContain('the rows overlap');
    // svd rates by partnership: how the incidents counted were placed, each counted once; those
    // counted are the records within the rates' bound (the forces with data).
    const rates = JSON.parse(await run(['rates', '--by', 'csp', '--json'])) as {
      unplaced: number;
      rows: { count: number }[];
      metadata: {
        within: { level: string; codes: string[] };
        placement: { lsoa2011Methods: Record<string, number> };
      };
    };
    const { within } = rates.metadata;
    const bound = await withWs((ws) =>
      countIncidents(ws, {
        by: ['source'],
        where: [{ dimension: `${within.level}_code`, values: within.codes }],
      }),
    );
    const methods = Object.values(rates.metadata.placement.lsoa2011Methods);
    expect(methods.reduce((s, n) => s + n, 0)).toBe(bound.total);
    expect(rates.rows.reduce((s, r) => s + r.count, 0) + rates.unplaced).toBeGreaterThan(
      bound.total,
    );
  });
});
