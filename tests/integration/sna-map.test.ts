/**
 * The SNA map on a small demo-like workspace built through the real commands (Thames Valley
 * police.uk, January and February 2024; Oxford's LSOA 2011, 2013 ward and MSOA boundaries; the
 * districts; Census 2021 population; classified under the police.uk proxy definition): the top
 * LSOAs are named (LSOA, ward, district, most common location text) with counts that an SQL count
 * of the classified records gives independently; district and ward outlines are drawn with the
 * district's name; the legend states the unit and the period; and a public map that would be
 * mostly withheld at LSOA level is drawn by ward, which the caption says, with no LSOA count
 * published.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { discloseSna } from '../../src/reports/sna/discloseSna.js';
import { gatherSnaData } from '../../src/reports/sna/gatherSnaData.js';
import { renderSnaHtml } from '../../src/reports/sna/renderSnaHtml.js';
import type { SnaData } from '../../src/reports/sna/snaTypes.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { TV_STREET, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { refreshDerivedData } from '../../src/app/deriveData.js';

const dir = tempDir();
const db = path.join(dir, 'map.duckdb');
const OXFORD = 'E07000178';
let ws: Workspace;
let data: SnaData;

async function run(args: string[]): Promise<void> {
  const r = await svd([...args, '--db', db, '--quiet'], {}, dir);
  expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(0);
}

beforeAll(async () => {
  await run([
    'ingest',
    'police-uk',
    ...['2024-01', '2024-02'].map((m) => path.join(TV_STREET(), `${m}-thames-valley-street.csv`)),
  ]);
  const boundaries = (folder: string): string =>
    sharedData('boundaries', folder, `${OXFORD}.geojson`);
  await run(['geo', 'load', boundaries('lsoa-2011-by-lad'), '--level', 'lsoa11']);
  await run(['geo', 'load', boundaries('wards-2013-by-lad'), '--level', 'ward']);
  await run(['geo', 'load', boundaries('msoa-2011-by-lad'), '--level', 'msoa']);
  await run([
    'geo',
    'load',
    sharedData('boundaries', 'lad', 'lad-2019-uk.topojson'),
    '--level',
    'district',
  ]);
  await run([
    'population',
    'load',
    sharedData('population', 'census2021-lsoa21-usual-residents-age6-thames-valley.csv'),
  ]);
  await run(['classify', '--definition', 'police-uk-proxy']);
  ws = await openWorkspace(db, { create: false });
  await refreshDerivedData(ws, { reporter: silentReporter });
  data = await gatherSnaData(
    ws,
    { area: `district=${OXFORD}`, period: '2024-01..2024-02', definition: 'police-uk-proxy' },
    {
      cwd: dir,
      reporter: silentReporter,
      clock: { now: () => new Date('2024-06-01T00:00:00Z') },
    },
  );
}, 600_000);
afterAll(() => ws?.close());

/** The first tier's records by LSOA 2011, counted here from the stored classification. */
async function sqlCounts(): Promise<Map<string, number>> {
  const rows = await ws.db.all<{ code: string; n: number }>(
    `SELECT p.lsoa11_code AS code, count(*) AS n
       FROM incidents i
       JOIN incident_places p ON p.incident_id = i.id
       JOIN incident_tiers t ON t.incident_id = i.id AND t.definition_id = 'police-uk-proxy'
      WHERE t.tier = 'primary-proxy'
        AND i.month BETWEEN DATE '2024-01-01' AND DATE '2024-02-01'
        AND p.lsoa11_code IN (SELECT lsoa_code FROM geo_memberships
          WHERE lsoa_vintage = 2011 AND level = 'district' AND area_code = $d)
      GROUP BY 1`,
    { d: OXFORD },
  );
  return new Map(rows.map((r) => [r.code, Number(r.n)]));
}

describe('the analyst map', () => {
  it('names the top 10 LSOAs with the counts an SQL count gives, their ward, district and street', async () => {
    const d = discloseSna(data, { audience: 'analyst' });
    const m = d.map!;
    expect(m.level).toBe('lsoa');
    const counts = await sqlCounts();
    const expected = [...counts].sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, 10);
    expect(
      m.top!.map((t) => [t.code, t.figure.suppressed === false ? t.figure.value : null]),
    ).toEqual(expected);
    for (const t of m.top!) {
      const ward = await ws.db.one<{ name: string }>(
        `SELECT a.name FROM geo_memberships g JOIN geo_area_list a
            ON a.level = 'ward' AND a.code = g.area_code
          WHERE g.lsoa_vintage = 2011 AND g.lsoa_code = $c AND g.level = 'ward' AND g.is_primary`,
        { c: t.code },
      );
      expect(t.ward).toBe(ward!.name);
      expect(t.district).toBe('Oxford');
      expect(t.name).toMatch(/^Oxford \d{3}[A-Z]$/);
      // The location text the LSOA's selected records give most (ties: first alphabetically).
      const street = await ws.db.one<{ label: string }>(
        `SELECT i.location_text AS label FROM incidents i
           JOIN incident_places p ON p.incident_id = i.id
           JOIN incident_tiers t ON t.incident_id = i.id AND t.definition_id = 'police-uk-proxy'
          WHERE t.tier = 'primary-proxy' AND p.lsoa11_code = $c
            AND i.month BETWEEN DATE '2024-01-01' AND DATE '2024-02-01'
            AND i.location_text IS NOT NULL
          GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
        { c: t.code },
      );
      expect(t.street).toBe(street!.label);
    }
  });

  it('draws district and ward outlines with the district name, and a legend with unit and period', () => {
    const d = discloseSna(data, { audience: 'analyst' });
    const html = renderSnaHtml(d);
    const outlines = d.map!.outlines!;
    expect(outlines.filter((o) => o.level === 'district').map((o) => o.name)).toEqual(['Oxford']);
    expect(outlines.filter((o) => o.level === 'ward').length).toBeGreaterThan(10);
    expect(html).toMatch(/<path class="outline-district" d="M/);
    expect(html).toMatch(/<path class="outline-ward" d="M/);
    expect(html).toMatch(/<text class="area-label" x="[\d.]+" y="[\d.]+">Oxford<\/text>/);
    expect(html.replace(/\s+/g, ' ')).toContain(
      'Records of serious violence per LSOA (a count, not a rate), Jan 2024 – Feb 2024',
    );
    expect(html).toContain('id="table-top-areas"');
  });
});

describe('the public map', () => {
  it('falls back to wards when most LSOAs with records would be withheld, and says so', async () => {
    // A high minimum makes most LSOA counts small.
    const d = discloseSna(data, { audience: 'public', minimum: 20 });
    const m = d.map!;
    expect(m.level).toBe('ward');
    expect(m.fallback).toMatch(
      /^At LSOA level \d+ of the \d+ LSOAs with records would be withheld \(more than half\), so this public map and the tables below are drawn by ward/,
    );
    // The "where" table is by ward: no LSOA count is published beside the wards' counts.
    expect(d.tables.where.rowHeader).toBe('Ward');
    expect(d.tables.where.rows.every((r) => /\(E05\d{6}\)$/.test(r))).toBe(true);
    // Each ward's count is the sum of its LSOAs' (counted by SQL), where published.
    const counts = await sqlCounts();
    const wards = await ws.db.all<{ lsoa: string; ward: string }>(
      `SELECT lsoa_code AS lsoa, area_code AS ward FROM geo_memberships
        WHERE lsoa_vintage = 2011 AND level = 'ward' AND is_primary`,
    );
    const byWard = new Map<string, number>();
    for (const w of wards)
      byWard.set(w.ward, (byWard.get(w.ward) ?? 0) + (counts.get(w.lsoa) ?? 0));
    d.tables.where.rows.forEach((row, i) => {
      const f = d.tables.where.cells[i]![0]!;
      if (f.suppressed === false) expect(f.value).toBe(byWard.get(/\((E05\d+)\)$/.exec(row)![1]!));
      else expect(byWard.get(/\((E05\d+)\)$/.exec(row)![1]!)!).toBeGreaterThan(0);
    });
    const withheld = m.lsoas.filter((a) => a.figure.suppressed !== false).length;
    const withRecords = m.lsoas.filter(
      (a) => !(a.figure.suppressed === false && a.figure.value === 0),
    ).length;
    expect(withheld / withRecords).toBeLessThanOrEqual(0.5);
    for (const t of m.top!) {
      expect(t.code).toMatch(/^E05/);
      expect(t.figure.suppressed).toBe(false);
      if (t.figure.suppressed === false) expect(t.figure.value).toBeGreaterThanOrEqual(20);
    }
    const html = renderSnaHtml(d).replace(/\s+/g, ' ');
    expect(html).toContain(m.fallback!);
    expect(html).toContain('Records of serious violence per ward (a count, not a rate)');
    expect(html).toContain('Records by ward </caption>');
    expect(html).not.toContain('Records by LSOA </caption>');
  });

  it('stays at LSOA level when most LSOAs with records are shown', () => {
    const d = discloseSna(data, { audience: 'public', minimum: 3 });
    expect(d.map!.level).toBe('lsoa');
    expect(d.map!.fallback).toBeNull();
  });
});
