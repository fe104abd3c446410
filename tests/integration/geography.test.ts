/**
 * The geography layer on the real shared data: Thames Valley police.uk months placed in the 1,415
 * LSOA 2011 polygons, districts from the LAD 2019 TopoJSON, the Oxfordshire partnership
 * configuration, the Census 2021 population and IMD 2019; then counts and rates through the CLI.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingReporter } from '../../src/core/reporter.js';
import { levelShapes } from '../../src/geo/areaShapes.js';
import { loadBoundaries } from '../../src/geo/loadBoundaries.js';
import { OXFORDSHIRE_CONFIG } from '../../src/geo/partnershipConfig.js';
import { loadPartnershipConfig } from '../../src/geo/loadPartnershipConfig.js';
import { placeIncidents } from '../../src/geo/placeIncidents.js';
import { type PlacementReport } from '../../src/geo/derivedDataState.js';
import { wgs84ToBng } from '../../src/geo/projection.js';
import { distanceToShape, shapeContains } from '../../src/geo/shapes.js';
import { loadPopulation } from '../../src/geo/population/loadPopulation.js';
import { chooseDataset, populationByArea } from '../../src/geo/population/populationByArea.js';
import { loadDeprivation } from '../../src/geo/deprivation/loadDeprivation.js';
import { ingestPoliceUk } from '../../src/sources/police-uk/ingestPoliceUk.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { sharedData, TV_LSOA11_FILES, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

const dir = tempDir();
const db = path.join(dir, 'geo.duckdb');
const OXFORDSHIRE = ['E07000177', 'E07000178', 'E07000179', 'E07000180', 'E07000181'];
let ws: Workspace;
let placement: PlacementReport;
const reporter = recordingReporter();

beforeAll(async () => {
  ws = await openWorkspace(db);
  await ingestPoliceUk(
    ws,
    ['2019-01', '2024-01', '2024-02', '2024-03'].map((m) =>
      path.join(TV_STREET(), `${m}-thames-valley-street.csv`),
    ),
    { reporter },
  );
  await loadBoundaries(ws, TV_LSOA11_FILES(), { level: 'lsoa11', reporter });
  await loadBoundaries(ws, [sharedData('boundaries', 'lad', 'lad-2019-uk.topojson')], {
    level: 'district',
    reporter,
  });
  await loadPartnershipConfig(ws, OXFORDSHIRE_CONFIG, { reporter });
  await loadPopulation(
    ws,
    sharedData('population', 'census2021-lsoa21-usual-residents-age6-ew.csv.gz'),
    { reporter },
  );
  await loadDeprivation(
    ws,
    sharedData('imd', 'File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz'),
    { reporter },
  );
  placement = await placeIncidents(ws, { reporter });
  return () => ws.close();
});

describe('boundaries', () => {
  it('announce the code and name properties and the coordinate system chosen', () => {
    expect(reporter.infos).toContainEqual(
      expect.stringMatching(
        /E07000178\.geojson: 83 lsoa11 areas \(geojson, WGS84 per its crs member\); codes from property LSOA11CD, names from LSOA11NM/,
      ),
    );
    expect(reporter.infos).toContainEqual(
      expect.stringMatching(
        /lad-2019-uk\.topojson: 382 district areas \(topojson, WGS84, judged from the coordinates\); codes from property AREACD, names from AREANM/,
      ),
    );
    expect(reporter.infos).toContainEqual(
      "lsoa11 → district: 1,415 links by the district named in the LSOA name, 0 by best fit (the district holding most of each LSOA's area)",
    );
  });

  it('hold the 1,415 Thames Valley LSOAs, 8 of them MultiPolygons', async () => {
    const shapes = await levelShapes(ws, 'lsoa11');
    expect(shapes.codes).toHaveLength(1415);
    const multi = await ws.db.value<number>(
      `SELECT count(*) FROM geo_areas WHERE level = 'lsoa11' AND geojson LIKE '{"type":"MultiPolygon"%'`,
    );
    expect(multi).toBe(8);
  });

  it('TopoJSON (quantised) and GeoJSON of the same LSOAs give the same areas within a few metres', async () => {
    const scratch = await openWorkspace(':memory:');
    try {
      const r = recordingReporter();
      await loadBoundaries(
        scratch,
        [sharedData('boundaries', 'lsoa-2011-by-lad-topojson', 'E07000178.topojson')],
        { level: 'lsoa11', reporter: r },
      );
      const topo = await levelShapes(scratch, 'lsoa11');
      const geo = await levelShapes(ws, 'lsoa11');
      expect(topo.codes).toHaveLength(83);
      for (const [i, code] of topo.codes.entries()) {
        const other = geo.shapes[geo.byCode.get(code)!]!;
        const s = topo.shapes[i]!;
        for (let k = 0; k < s.rings[0]!.length; k += 40)
          expect(distanceToShape(other, s.rings[0]![k]!, s.rings[0]![k + 1]!)).toBeLessThan(25);
      }
    } finally {
      scratch.close();
    }
  });

  it('refuse a file of the wrong level, naming it and the fix', async () => {
    const r = await svd([
      'geo',
      'load',
      sharedData('boundaries', 'lad', 'lad-2022-england-wales.topojson'),
      '--level',
      'lsoa11',
      '--db',
      path.join(dir, 'other.duckdb'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /error\[LEVEL_MISMATCH\]: .*lad-2022-england-wales\.topojson.*do not look like lsoa11 codes/,
    );
    expect(r.stderr).toContain('fix: give the --level that matches the file');
  });

  it('refuse an unknown code property, listing those that exist', async () => {
    const r = await svd([
      'geo',
      'load',
      TV_LSOA11_FILES()[0]!,
      '--level',
      'lsoa11',
      '--code-property',
      'CODE',
      '--db',
      path.join(dir, 'other.duckdb'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no feature property is called "CODE"');
    expect(r.stderr).toContain('fix: choose one of: LSOA11CD, LSOA11NM');
  });
});

describe('placement', () => {
  it('on 2019-01, point in polygon reproduces the published LSOA for at least 97% of located rows, and every disagreement lies within 200 m of the published polygon', async () => {
    const rows = await ws.db.all<{
      longitude: number;
      latitude: number;
      lsoa_code: string;
      pip: string | null;
    }>(
      `SELECT i.longitude, i.latitude, i.lsoa_code, p.lsoa11_pip AS pip FROM incidents i JOIN incident_places p ON p.incident_id = i.id
        WHERE i.month = DATE '2019-01-01' AND i.longitude IS NOT NULL`,
    );
    expect(rows).toHaveLength(13_504);
    const same = rows.filter((r) => r.pip === r.lsoa_code).length;
    expect(same / rows.length).toBeGreaterThanOrEqual(0.97);
    const shapes = await levelShapes(ws, 'lsoa11');
    let furthest = 0;
    let outsideForce = 0;
    for (const r of rows.filter((r) => r.pip !== r.lsoa_code)) {
      const i = shapes.byCode.get(r.lsoa_code);
      if (i === undefined) {
        outsideForce++; // a neighbouring force's LSOA, whose polygon is not loaded
        continue;
      }
      const [x, y] = wgs84ToBng(r.longitude, r.latitude);
      furthest = Math.max(furthest, distanceToShape(shapes.shapes[i]!, x!, y!));
    }
    expect(furthest).toBeLessThanOrEqual(200);
    expect(outsideForce).toBeLessThanOrEqual(2);
  });

  it('keeps the published code when it is of the 2011 vintage', async () => {
    const n = await ws.db.value<number>(
      `SELECT count(*) FROM incidents i JOIN incident_places p ON p.incident_id = i.id
        WHERE i.month = DATE '2019-01-01' AND i.lsoa_code IS NOT NULL AND (p.lsoa11_code <> i.lsoa_code OR p.lsoa11_method <> 'published')`,
    );
    expect(n).toBe(0);
  });

  it('on the 2024 months (2021 codes), every located row inside the force area gets a 2011 LSOA', async () => {
    const force = (await levelShapes(ws, 'force')).shapes[0]!;
    const rows = await ws.db.all<{ x: number; y: number; lsoa11: string | null }>(
      `SELECT p.easting AS x, p.northing AS y, p.lsoa11_code AS lsoa11 FROM incidents i JOIN incident_places p ON p.incident_id = i.id
        WHERE i.month >= DATE '2024-01-01' AND p.easting IS NOT NULL`,
    );
    const inside = rows.filter((r) => shapeContains(force, r.x, r.y));
    expect(inside.length).toBeGreaterThan(45_000);
    expect(inside.filter((r) => r.lsoa11 === null)).toEqual([]);
  });

  it('reports how each record was placed, and is idempotent', async () => {
    expect(placement.placed).toBe(14_993 + 15_606 + 15_016 + 16_160);
    expect(placement.lsoa11['point-in-polygon']).toBeGreaterThan(4000);
    expect(placement.outside.count).toBeGreaterThan(0);
    expect(placement.outside.maxDistanceMetres).toBeLessThan(50);
    const again = await placeIncidents(ws, { reporter });
    expect(again.placed).toBe(0);
    expect(again.alreadyPlaced).toBe(placement.placed);
    // Without snapping, the points outside every polygon get no LSOA 2011 unless published.
    const strict = await placeIncidents(ws, { reporter, snapMetres: 0 });
    expect(strict.placed).toBe(placement.placed);
    expect(strict.lsoa11['nearest']).toBeUndefined();
    expect(strict.lsoa11['outside']).toBe(placement.lsoa11['nearest']);
    await placeIncidents(ws, { reporter });
  });
});

describe('population and hierarchy', () => {
  it("Oxfordshire's Census 2021 population is 725,275, and its five districts sum to it", async () => {
    const dataset = await chooseDataset(ws, undefined, reporter);
    const csp = await populationByArea(ws, { level: 'csp', dataset });
    expect(csp.values.get('safer-oxfordshire')).toBe(725_275);
    const districts = await populationByArea(ws, { level: 'district', dataset });
    const five = OXFORDSHIRE.map((d) => districts.values.get(d) ?? 0);
    expect(five.every((v) => v > 100_000)).toBe(true);
    expect(five.reduce((s, v) => s + v, 0)).toBe(725_275);
    // Each district equals an independent sum of the Census rows whose LSOA name begins with it.
    const text = gunzipSync(
      readFileSync(sharedData('population', 'census2021-lsoa21-usual-residents-age6-ew.csv.gz')),
    ).toString('utf8');
    const byDistrict = new Map<string, number>();
    for (const line of text.split('\n').slice(1)) {
      const m = /^E\d{8},"?(.*?) \d{3}[A-Z]"?,.*,(\d+)$/.exec(line.trim());
      if (m !== null) byDistrict.set(m[1]!, (byDistrict.get(m[1]!) ?? 0) + Number(m[2]));
    }
    expect(five).toEqual(
      ['Cherwell', 'Oxford', 'South Oxfordshire', 'Vale of White Horse', 'West Oxfordshire'].map(
        (d) => byDistrict.get(d),
      ),
    );
    expect(csp.values.get('oxford')).toBe(byDistrict.get('Oxford'));
    // South and Vale shares a district partnership.
    expect(csp.values.get('south-and-vale')).toBe(
      districts.values.get('E07000179')! + districts.values.get('E07000180')!,
    );
    const force = await populationByArea(ws, { level: 'force', dataset });
    expect(force.values.get('thames-valley')).toBe(2_515_179);
  });

  it('gives age-specific denominators from whole bands, and refuses ages that split a band', async () => {
    const dataset = await chooseDataset(ws, undefined, reporter);
    const u25 = await populationByArea(ws, { level: 'csp', dataset, age: { min: 0, max: 24 } });
    expect(u25.bands).toEqual(['0-15', '16-24']);
    const all = await populationByArea(ws, { level: 'csp', dataset });
    expect(u25.values.get('oxford')!).toBeLessThan(all.values.get('oxford')!);
    await expect(
      populationByArea(ws, { level: 'csp', dataset, age: { min: 0, max: 20 } }),
    ).rejects.toThrow(/cannot be made from the age bands/);
  });
});

describe('command line', () => {
  it('svd counts gains the area levels as dimensions', async () => {
    const r = await svd([
      'counts',
      '--by',
      'district',
      '--where',
      'csp=Safer Oxfordshire Partnership',
      '--where',
      'month=2024-01..2024-03',
      '--db',
      db,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { district: string; n: number }[];
    expect(rows.map((x) => x.district).sort()).toEqual([
      'Cherwell',
      'Oxford',
      'South Oxfordshire',
      'Vale of White Horse',
      'West Oxfordshire',
    ]);
    // Independent count: published LSOA names of the Oxfordshire districts.
    const byName = await svd([
      'counts',
      '--by',
      'lsoa_district',
      '--where',
      'month=2024-01..2024-03',
      '--db',
      db,
      '--json',
    ]);
    const named = JSON.parse(byName.stdout) as { lsoa_district: string; n: number }[];
    const oxon = named.filter((x) =>
      [
        'Cherwell',
        'Oxford',
        'South Oxfordshire',
        'Vale of White Horse',
        'West Oxfordshire',
      ].includes(x.lsoa_district),
    );
    const total = rows.reduce((s, x) => s + x.n, 0);
    const expected = oxon.reduce((s, x) => s + x.n, 0);
    expect(Math.abs(total - expected) / expected).toBeLessThan(0.002);
  });

  it('svd rates gives count, population, rate per 1,000, exact interval and the small-number flag', async () => {
    const r = await svd([
      'rates',
      '--by',
      'csp',
      '--where',
      'crime_type=Violence and sexual offences',
      '--where',
      'month=2024-01..2024-03',
      '--db',
      db,
      '--json',
    ]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      rows: {
        code: string;
        count: number;
        population: number;
        rate: number;
        lower: number;
        upper: number;
        small: boolean;
      }[];
      metadata: { population: { dataset: string }; notes: string[]; within: { codes: string[] } };
    };
    const oxford = result.rows.find((x) => x.code === 'oxford')!;
    expect(oxford.population).toBe(162_030); // Oxford's LSOAs in the Census 2021 file
    expect(oxford.rate).toBeCloseTo((oxford.count / oxford.population) * 1000, 10);
    expect(oxford.lower).toBeLessThan(oxford.rate);
    expect(oxford.upper).toBeGreaterThan(oxford.rate);
    expect(result.metadata.within.codes).toEqual(['thames-valley']);
    expect(result.metadata.notes.join(' ')).toMatch(/partnerships nest/);
    const county = result.rows.find((x) => x.code === 'safer-oxfordshire')!;
    expect(county.count).toBe(
      result.rows.filter((x) => x.code !== 'safer-oxfordshire').reduce((s, x) => s + x.count, 0),
    );
  });

  it('svd rates by LSOA flags small counts and keeps LSOAs without incidents as 0', async () => {
    const r = await svd([
      'rates',
      '--by',
      'lsoa21',
      '--where',
      'crime_type=Robbery',
      '--where',
      'month=2024-01',
      '--db',
      db,
      '--json',
      '--quiet',
    ]);
    const rows = (
      JSON.parse(r.stdout) as { rows: { count: number; small: boolean; upper: number | null }[] }
    ).rows;
    expect(rows).toHaveLength(1485);
    expect(rows.filter((x) => x.count === 0).length).toBeGreaterThan(1300);
    expect(rows.every((x) => x.small === x.count < 10)).toBe(true);
  });

  it('svd areas list shows LSOAs with population and IMD decile carried to 2021', async () => {
    const r = await svd(['areas', 'list', '--level', 'lsoa21', '--db', db, '--json', '--quiet']);
    const rows = JSON.parse(r.stdout) as {
      code: string;
      within: string | null;
      imdDecile: number | null;
      population: number | null;
    }[];
    const oxford005a = rows.find((x) => x.code === 'E01028513')!;
    expect(oxford005a.within).toBe('E07000178');
    expect(oxford005a.imdDecile).not.toBeNull();
  });

  it('svd areas records answers which records lie in an area', async () => {
    const r = await svd([
      'areas',
      'records',
      '--level',
      'lsoa11',
      '--code',
      'E01028513',
      '--db',
      db,
      '--json',
      '--quiet',
    ]);
    const rows = JSON.parse(r.stdout) as { publishedLsoa: string | null }[];
    expect(rows.length).toBeGreaterThan(10);
    expect(
      rows.filter((x) => x.publishedLsoa === 'E01028513').length / rows.length,
    ).toBeGreaterThan(0.8);
  });
});
