/**
 * What the SNA map needs beside the LSOA counts and Gi*: each LSOA's ward, district, most common
 * location text and residents; the coarser levels (wards, MSOAs) a public map may be drawn at
 * instead, each area the sum of its LSOAs; the outlines drawn over the map (districts, and wards
 * when the map is of one district); and the top hot spot cells of the grid, named.
 */
import { listValue } from '@duckdb/node-api';
import type { LevelShapes } from '../../geo/areaShapes.js';
import { dissolve } from '../../geo/dissolve.js';
import { lsoaPlaces, type AreaPlace } from '../../geo/placeNames.js';
import type { Shape } from '../../geo/shapes.js';
import type { HotspotsResult } from '../../analyses/hotspots/hotspotAnalysis.js';
import type { Workspace } from '../../store/openWorkspace.js';
import type { CoarseArea, LsoaOnMap, MapOutline, NamedHotCell } from './snaTypes.js';

/** The label given most (ties: the first alphabetically), or null. */
function mostCommon(tally: Map<string, number> | undefined): string | null {
  let best: string | null = null;
  let most = 0;
  for (const [label, n] of tally ?? [])
    if (n > most || (n === most && best !== null && label < best)) [best, most] = [label, n];
  return best;
}

const areaName = (a: { code: string; name: string | null } | null | undefined): string | null =>
  a === null || a === undefined ? null : (a.name ?? a.code);

export interface SnaMapExtras {
  lsoas: LsoaOnMap[];
  outlines: MapOutline[];
  coarser: { level: 'ward' | 'msoa'; areas: CoarseArea[] }[];
  hotCells: NamedHotCell[];
}

export async function gatherSnaMap(
  ws: Workspace,
  area: { level: string; code: string },
  result: HotspotsResult,
  shapes: LevelShapes,
  period: { from: string; to: string } | null,
  /** The location texts of the selected records, tallied by their LSOA (of the level mapped). */
  tallies: Map<string, Map<string, number>>,
  /** The record sources the report may draw on (undefined: every source). */
  sources?: readonly string[],
): Promise<SnaMapExtras> {
  const L = result.lsoas!;
  const level = L.level as 'lsoa11' | 'lsoa21';
  const units = L.units;
  const places = await lsoaPlaces(
    ws,
    level,
    units.map((u) => u.code),
  );
  // LSOAs whose selected records give no location text (partner extracts often carry none): the
  // text that any record of the period in the LSOA gives most (police.uk: "On or near …").
  const without = units.filter((u) => !tallies.has(u.code)).map((u) => u.code);
  if (without.length > 0 && period !== null) {
    const rows = await ws.db.all<{ code: string; label: string; n: number }>(
      `SELECT p.${level}_code AS code, i.location_text AS label, count(*) AS n
         FROM incidents i JOIN incident_places p ON p.incident_id = i.id
        WHERE i.location_text IS NOT NULL
          AND i.month BETWEEN CAST($from || '-01' AS DATE) AND CAST($to || '-01' AS DATE)
          AND p.${level}_code IN (SELECT unnest($codes))
          ${sources === undefined ? '' : 'AND list_contains($sources, i.source)'}
        GROUP BY 1, 2`,
      {
        from: period.from,
        to: period.to,
        codes: listValue(without),
        ...(sources === undefined ? {} : { sources: listValue([...sources]) }),
      },
    );
    for (const r of rows) {
      let t = tallies.get(r.code);
      if (t === undefined) tallies.set(r.code, (t = new Map()));
      t.set(r.label, (t.get(r.label) ?? 0) + Number(r.n));
    }
  }
  const lsoas: LsoaOnMap[] = units.map((u) => {
    const i = shapes.byCode.get(u.code);
    const p: AreaPlace | undefined = places.get(u.code);
    return {
      code: u.code,
      name: u.name,
      hotspot: u.hotspot,
      shape: i === undefined ? null : shapes.shapes[i]!,
      ward: areaName(p?.ward),
      district: areaName(p?.district),
      street: mostCommon(tallies.get(u.code)),
      population: u.population,
    };
  });

  // Coarser levels: every LSOA must belong to one, and there must be two areas or more.
  const coarser: SnaMapExtras['coarser'] = [];
  for (const lvl of ['ward', 'msoa'] as const) {
    const groups = new Map<
      string,
      {
        name: string | null;
        count: number;
        population: number | null;
        tally: Map<string, number>;
        districts: Map<string, number>;
        shapes: Shape[];
      }
    >();
    let complete = true;
    for (const u of units) {
      const a = places.get(u.code)?.[lvl] ?? null;
      if (a === null) {
        complete = false;
        break;
      }
      let g = groups.get(a.code);
      if (g === undefined)
        groups.set(
          a.code,
          (g = {
            name: a.name,
            count: 0,
            population: 0,
            tally: new Map(),
            districts: new Map(),
            shapes: [],
          }),
        );
      g.count += u.count;
      g.population =
        g.population === null || u.population === null ? null : g.population + u.population;
      for (const [label, n] of tallies.get(u.code) ?? [])
        g.tally.set(label, (g.tally.get(label) ?? 0) + n);
      const shape = lsoas.find((l) => l.code === u.code)?.shape ?? null;
      if (shape !== null) g.shapes.push(shape);
      const d = areaName(places.get(u.code)?.district);
      if (d !== null) g.districts.set(d, (g.districts.get(d) ?? 0) + 1);
    }
    if (!complete || groups.size < 2) continue;
    // Each area drawn as the union of its LSOAs (wards and MSOAs are counted by their LSOAs,
    // best fit, so their own boundaries would not match the counts).
    coarser.push({
      level: lvl,
      areas: [...groups]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([code, g]) => ({
          code,
          name: g.name,
          district: mostCommon(g.districts),
          street: mostCommon(g.tally),
          count: g.count,
          population: g.population,
          shape: g.shapes.length === 0 ? null : dissolve(g.shapes),
        })),
    });
  }

  // Outlines: the districts of the LSOAs; their wards too when the map is of one district. Each
  // is the union of its LSOAs, so that it follows the areas drawn exactly (the boundary files
  // are often generalised differently, and wards hold their LSOAs by best fit).
  const outlines: MapOutline[] = [];
  const codesAt = (lvl: 'ward' | 'district'): string[] =>
    [
      ...new Set([...places.values()].flatMap((p) => (p[lvl] === null ? [] : [p[lvl].code]))),
    ].sort();
  const outlineOf = (lvl: 'ward' | 'district', code: string): MapOutline | null => {
    const parts = lsoas.flatMap((l) =>
      l.shape !== null && places.get(l.code)?.[lvl]?.code === code ? [l.shape] : [],
    );
    if (parts.length === 0) return null;
    const name = [...places.values()].find((p) => p[lvl]?.code === code)?.[lvl]?.name ?? null;
    return { level: lvl, code, name, shape: dissolve(parts) };
  };
  const districts = codesAt('district');
  const levels: ('ward' | 'district')[] =
    area.level === 'district' || districts.length === 1 ? ['ward', 'district'] : ['district'];
  for (const lvl of levels)
    for (const code of lvl === 'district' ? districts : codesAt('ward')) {
      const o = outlineOf(lvl, code);
      if (o !== null) outlines.push(o);
    }

  const hotCells: NamedHotCell[] = result.topHotspots.map((id) => {
    const c = result.cells[id - 1]!;
    const lsoa = c.place?.lsoa ?? null;
    return {
      count: c.count,
      z: c.z ?? 0,
      street: c.place?.street ?? null,
      lsoa: lsoa === null ? null : lsoa.name === null ? lsoa.code : `${lsoa.name} (${lsoa.code})`,
      ward: areaName(c.place?.ward),
      district: areaName(c.place?.district),
    };
  });
  return { lsoas, outlines, coarser, hotCells };
}
