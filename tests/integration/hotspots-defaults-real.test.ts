/**
 * Hotspot defaults and named hot spots on the real shared data (Thames Valley police.uk, Oxford,
 * October 2018 – January 2019, with Oxford's LSOA 2011 and 2013 ward boundaries): a sparse
 * selection (one month of possession of weapons) is warned of and has no hot spot without
 * incidents; the defaults are announced; the top hot spot cells are named by the LSOA holding
 * their centre, its ward and district (checked against the stored memberships by SQL) and the
 * street their records name most (checked by an SQL count of the records in the cell), and when
 * the selection's records carry no text, the street the period's other records in the cell name
 * most.
 */
import path from 'node:path';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Reporter } from '../../src/core/reporter.js';
import { silentReporter } from '../../src/core/reporter.js';
import { loadBoundaries } from '../../src/geo/loadBoundaries.js';
import { shapeContains } from '../../src/geo/shapes.js';
import { levelShapes } from '../../src/geo/areaShapes.js';
import { analyseHotspots } from '../../src/analyses/hotspots/analyseHotspots.js';
import type { Workspace } from '../../src/store/openWorkspace.js';
import { OXFORD, oxfordWorkspace } from '../helpers/oxfordHotspots.js';
import { SHARED_DATA, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { refreshDerivedData } from '../../src/app/deriveData.js';
import { storedTables } from '../../src/store/incidentTables.js';

const dir = tempDir();
let ws: Workspace;

beforeAll(async () => {
  ws = await oxfordWorkspace(SHARED_DATA, path.join(dir, 'oxford.duckdb'));
  await loadBoundaries(ws, [sharedData('boundaries', 'wards-2013-by-lad', 'E07000178.geojson')], {
    level: 'ward',
    reporter: silentReporter,
  });
  await refreshDerivedData(ws, { reporter: silentReporter });
});
afterAll(() => ws.close());

function recorder(): { reporter: Reporter; said: string[] } {
  const said: string[] = [];
  const reporter: Reporter = {
    ...silentReporter,
    info: (m: string) => said.push(m),
    warn: (m: string) => said.push(`warning: ${m}`),
  };
  return { reporter, said };
}

/**
 * The location text the records of the four months (of any kind) in the square cell of side s
 * around (x, y) give most (ties: the first alphabetically), counted by SQL apart from svd.
 */
async function commonestText(s: number, x: number, y: number): Promise<string | null> {
  const top = await ws.db.one<{ location_text: string }>(
    `SELECT i.location_text FROM incidents i JOIN incident_places p ON p.incident_id = i.id
      WHERE i.month BETWEEN DATE '2018-10-01' AND DATE '2019-01-01'
        AND floor(p.easting / $s) = floor($x / $s) AND floor(p.northing / $s) = floor($y / $s)
        AND i.location_text IS NOT NULL
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    { s, x, y },
  );
  return top?.location_text ?? null;
}

describe('a sparse real selection: one month of possession of weapons in Oxford', () => {
  it('warns that the data are too sparse, announces the defaults and has no hot spot without incidents', async () => {
    const { reporter, said } = recorder();
    const a = await analyseHotspots(
      ws,
      {
        from: '2018-10',
        to: '2018-10',
        where: [{ dimension: 'crime_type', values: ['Possession of weapons'] }],
      },
      { area: `district=${OXFORD.district}` },
      { cwd: dir, reporter },
    );
    // The records of the selection, counted directly.
    const n = await ws.db.value<number>(
      `SELECT count(*) FROM incidents i JOIN incident_places p ON p.incident_id = i.id
        WHERE i.crime_type = 'Possession of weapons' AND i.month = DATE '2018-10-01'
          AND p.base_code IN (SELECT lsoa_code FROM geo_memberships
            WHERE level = 'district' AND area_code = $d AND lsoa_vintage = 2011)
          AND p.easting IS NOT NULL`,
      { d: OXFORD.district },
    );
    expect(Number(n)).toBeLessThan(50);
    expect(a.result.incidents.inArea).toBe(Number(n));
    const sparse = a.warnings.find((w) => w.code === 'SPARSE_DATA');
    expect(sparse?.message).toContain(`only ${Number(n)} located incidents lie in the area`);
    expect(said.some((m) => m.includes(`only ${Number(n)} located incidents`))).toBe(true);
    expect(a.result.summary.sparse).toBe(true);
    expect(a.params['cell size']?.automatic).toBe(true);
    expect(said.some((m) => m.startsWith('cell size set to'))).toBe(true);
    expect(said.some((m) => m.startsWith('bandwidth set to'))).toBe(true);
    expect(a.params['bandwidth']!.value as number).toBeGreaterThanOrEqual(
      a.params['cell size']!.value as number,
    );
    for (const c of a.result.cells) if (c.hotspot === 'hotspot') expect(c.count).toBeGreaterThan(0);
    for (const u of a.result.lsoas!.units)
      if (u.hotspot === 'hotspot') expect(u.count).toBeGreaterThan(0);
  });
});

describe('named hot spot cells on the four months', () => {
  it('names each top hot spot by its LSOA, ward, district and commonest street', async () => {
    const a = await analyseHotspots(
      ws,
      { from: OXFORD.from, to: OXFORD.to },
      { area: `district=${OXFORD.district}` },
      { cwd: dir, reporter: silentReporter },
    );
    const r = a.result;
    expect(r.topHotspots.length).toBeGreaterThan(0);
    const size = r.grid.cellSize;
    const lsoas = await levelShapes(ws, 'lsoa11');
    for (const id of r.topHotspots) {
      const cell = r.cells[id - 1]!;
      expect(cell.hotspot).toBe('hotspot');
      expect(cell.count).toBeGreaterThan(0);
      const place = cell.place!;
      // The LSOA holds the cell's centre.
      const i = lsoas.byCode.get(place.lsoa!.code)!;
      expect(shapeContains(lsoas.shapes[i]!, cell.easting, cell.northing)).toBe(true);
      // Its ward and district as stored.
      const m = await ws.db.all<{ level: string; code: string; name: string }>(
        `SELECT m.level, m.area_code AS code, a.name FROM geo_memberships m
           JOIN geo_area_list a ON a.level = m.level AND a.code = m.area_code
          WHERE m.lsoa_vintage = 2011 AND m.lsoa_code = $c AND m.is_primary
            AND m.level IN ('ward', 'district') ORDER BY m.level`,
        { c: place.lsoa!.code },
      );
      expect(place.district).toEqual({ code: OXFORD.district, name: 'Oxford' });
      expect(m.find((x) => x.level === 'district')?.code).toBe(OXFORD.district);
      const ward = m.find((x) => x.level === 'ward')!;
      expect(place.ward).toEqual({ code: ward.code, name: ward.name });
      expect(ward.code.startsWith('E05')).toBe(true);
      // The commonest location text of the records in the cell (ties: the first alphabetically).
      expect(place.street).toBe(await commonestText(size, cell.easting, cell.northing));
    }
  });
});

describe('a top hot spot whose records give no location text', () => {
  it('is named by the text the records of the period within its square give most', async () => {
    // Violence without its text, as partner extracts often come; every other record keeps it.
    const violence = 'Violence and sexual offences';
    for (const table of storedTables('incidents'))
      await ws.db.run(`UPDATE ${table} SET location_text = NULL WHERE crime_type = $t`, {
        t: violence,
      });
    const a = await analyseHotspots(
      ws,
      {
        from: OXFORD.from,
        to: OXFORD.to,
        where: [{ dimension: 'crime_type', values: [violence] }],
      },
      { area: `district=${OXFORD.district}` },
      { cwd: dir, reporter: silentReporter },
    );
    const r = a.result;
    expect(r.topHotspots.length).toBeGreaterThan(1);
    const size = r.grid.cellSize;
    let named = 0;
    for (const id of r.topHotspots) {
      const cell = r.cells[id - 1]!;
      // The records of any kind in the cell's square over the period, counted by text.
      expect(cell.place!.street).toBe(await commonestText(size, cell.easting, cell.northing));
      if (cell.place!.street !== null) named++;
    }
    expect(named).toBeGreaterThan(0);
  });
});
