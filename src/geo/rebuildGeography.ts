/**
 * Rebuilds everything derived from the loaded geography: partnership and force areas (force
 * outlines dissolved from their districts), best-fit parent links where no lookup gives one, the
 * LSOA 2011 ↔ 2021 crosswalk, and each LSOA's areas at every level. Placements of incidents depend
 * on all of it, so they are cleared and recomputed on next use. Runs inside the caller's
 * transaction after every geography load, and whenever `ensureGeography` finds the inputs changed.
 */
import { blobValue, listValue } from '@duckdb/node-api';
import type { Clock } from '../core/clock.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';
import { is2021OnlyCode } from '../core/lsoaVintage.js';
import {
  geographyCurrent,
  geographyStamp,
  PLACEMENT_INPUTS_KEY,
  placementInputs,
  STAMP_KEY,
  staleGeography,
} from './derivedDataState.js';
import { levelShapes, type LevelShapes } from './areaShapes.js';
import { dissolve } from './dissolve.js';
import { storedPartnershipConfig } from './partnershipConfig.js';
import { wgs84ToBng, bngToWgs84 } from './projection.js';
import { interiorSamples, packShape, shapeArea, type Shape } from './shapes.js';
import type { ParentLevel } from './levels.js';

export interface RebuildReport {
  links: Record<string, number>;
  crosswalk: Record<string, number>;
  /** 2021 LSOA codes that could not be related to 2011 LSOAs. */
  unmappedLsoa21: number;
  memberships: Record<string, number>;
  placementsCleared: number;
}

interface Link {
  parentLevel: string;
  parentCode: string;
  share: number;
  method: string;
}

/** Crosswalk shares below this (noise from generalised polygons near edges) are dropped. */
const MIN_SHARE = 0.05;

function addLink(
  map: Map<string, Link[]>,
  childLevel: string,
  childCode: string,
  link: Link,
): void {
  const k = `${childLevel}|${childCode}`;
  const list = map.get(k);
  if (list === undefined) map.set(k, [link]);
  else list.push(link);
}

/** The parent of each child shape at a level, by where most of the child's area lies. */
function bestFit(
  children: LevelShapes,
  parents: LevelShapes,
): Map<string, { code: string; share: number }> {
  const out = new Map<string, { code: string; share: number }>();
  children.shapes.forEach((shape, i) => {
    const samples = interiorSamples(shape, 64);
    const counts = new Map<number, number>();
    let total = 0;
    for (let k = 0; k < samples.length; k += 2) {
      const p = parents.index.locate(samples[k]!, samples[k + 1]!);
      total++;
      if (p >= 0) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    let best = -1;
    let bestN = 0;
    for (const [p, n] of counts) if (n > bestN || (n === bestN && p < best)) [best, bestN] = [p, n];
    if (best < 0) {
      const near = parents.index.nearest(samples[0]!, samples[1]!, 2000);
      if (near !== undefined)
        out.set(children.codes[i]!, { code: parents.codes[near.index]!, share: 0 });
      return;
    }
    out.set(children.codes[i]!, { code: parents.codes[best]!, share: bestN / total });
  });
  return out;
}

function toWgsGeoJson(shape: Shape): string {
  const p = new Float64Array(2);
  const rings = shape.rings.map((r) => {
    const out: number[][] = [];
    for (let k = 0; k < r.length; k += 2) {
      bngToWgs84(r[k]!, r[k + 1]!, p);
      out.push([Math.round(p[0]! * 1e6) / 1e6, Math.round(p[1]! * 1e6) / 1e6]);
    }
    out.push(out[0]!);
    return out;
  });
  // Each ring as its own polygon: even-odd holes are kept by the ring order readers apply.
  return JSON.stringify({ type: 'MultiPolygon', coordinates: rings.map((r) => [r]) });
}

export async function rebuildGeography(
  ws: Workspace,
  options: { reporter: Reporter; clock?: Clock },
): Promise<RebuildReport> {
  const { reporter } = options;
  const db = ws.db;
  return db.transaction(async () => {
    const report: RebuildReport = {
      links: {},
      crosswalk: {},
      unmappedLsoa21: 0,
      memberships: {},
      placementsCleared: 0,
    };
    await db.run(`DELETE FROM geo_areas WHERE source IN ('config', 'derived')`);
    await db.run(`DELETE FROM geo_links WHERE method <> 'lookup'`);
    await db.run(`DELETE FROM lsoa_crosswalk WHERE method <> 'lookup'`);
    await db.run(`DELETE FROM geo_memberships`);

    // 1. Partnerships and forces from the configuration; force outlines dissolved from districts.
    const stored = await storedPartnershipConfig(ws);
    const districts = await levelShapes(ws, 'district');
    const configLinks: {
      child: string;
      childLevel: string;
      parentLevel: string;
      parent: string;
    }[] = [];
    if (stored !== undefined) {
      const { config, batchId } = stored;
      const districtNames = new Map(
        (
          await db.all<{ code: string; name: string | null }>(
            `SELECT code, name FROM geo_area_list WHERE level = 'district'`,
          )
        ).map((r) => [r.code, r.name]),
      );
      for (const p of config.partnerships) {
        await db.run(
          `INSERT INTO geo_areas (level, code, name, source, batch_id) VALUES ('csp', $code, $name, 'config', $batch)`,
          { code: p.code, name: p.name, batch: batchId },
        );
        for (const d of p.districts)
          configLinks.push({
            child: d,
            childLevel: 'district',
            parentLevel: 'csp',
            parent: p.code,
          });
      }
      for (const f of config.forces) {
        const members = f.districts.filter((d) => districts.byCode.has(d));
        let shape: Shape | undefined;
        if (members.length > 0) {
          shape = dissolve(members.map((d) => districts.shapes[districts.byCode.get(d)!]!));
          reporter.info(
            `force area ${f.name}: outline dissolved from ${members.length} loaded district boundar${members.length === 1 ? 'y' : 'ies'} (${shape.rings.length} ring${shape.rings.length === 1 ? '' : 's'})`,
          );
        }
        await db.run(
          `INSERT INTO geo_areas (level, code, name, source, batch_id, min_x, min_y, max_x, max_y, area_m2, shape, geojson)
           VALUES ('force', $code, $name, 'config', $batch, $minX, $minY, $maxX, $maxY, $area, $shape, $geojson)`,
          {
            code: f.code,
            name: f.name,
            batch: batchId,
            minX: shape?.minX ?? null,
            minY: shape?.minY ?? null,
            maxX: shape?.maxX ?? null,
            maxY: shape?.maxY ?? null,
            area: shape === undefined ? null : shapeArea(shape),
            shape: shape === undefined ? null : blobValue(packShape(shape)),
            geojson: shape === undefined ? null : toWgsGeoJson(shape),
          },
        );
        for (const d of f.districts)
          configLinks.push({
            child: d,
            childLevel: 'district',
            parentLevel: 'force',
            parent: f.code,
          });
      }
      const named = new Set([...config.partnerships.flatMap((p) => p.districts)]);
      const missing = [...named].filter((d) => districtNames.size > 0 && !districtNames.has(d));
      if (missing.length > 0)
        reporter.warn(
          `the partnership configuration names districts that no loaded district boundaries or lookup hold: ${missing.join(', ')}`,
        );
      for (const p of config.partnerships)
        if (p.within !== undefined)
          configLinks.push({
            child: p.code,
            childLevel: 'csp',
            parentLevel: 'csp',
            parent: p.within,
          });
    }
    for (const l of configLinks)
      await db.run(`INSERT INTO geo_links VALUES ($cl, $c, $pl, $p, 1, 'config', NULL)`, {
        cl: l.childLevel,
        c: l.child,
        pl: l.parentLevel,
        p: l.parent,
      });
    report.links['config'] = configLinks.length;

    // 2. Best-fit links from LSOA polygons where no lookup gives the parent.
    const lookupLinks = await db.all<{
      child_level: string;
      child_code: string;
      parent_level: string;
      parent_code: string;
      share: number;
      method: string;
    }>(`SELECT * FROM geo_links WHERE method = 'lookup'`);
    const haveLookup = new Set(
      lookupLinks.map((l) => `${l.child_level}|${l.child_code}|${l.parent_level}`),
    );
    const lsoa11 = await levelShapes(ws, 'lsoa11');
    const lsoa21 = await levelShapes(ws, 'lsoa21');
    const parentShapes = new Map<string, LevelShapes>();
    for (const level of ['msoa', 'ward', 'district'])
      parentShapes.set(level, level === 'district' ? districts : await levelShapes(ws, level));
    let bestFitCount = 0;
    for (const children of [lsoa11, lsoa21]) {
      if (children.shapes.length === 0) continue;
      for (const [level, parents] of parentShapes) {
        if (parents.shapes.length === 0) continue;
        const needed = children.codes.filter(
          (c) => !haveLookup.has(`${children.level}|${c}|${level}`),
        );
        if (needed.length === 0) continue;
        const fits = bestFit(children, parents);
        // ONS names each LSOA after its district ("Oxford 017A"): where that name is a loaded
        // district's, it decides, as generalised district outlines can put an LSOA on the edge in
        // the neighbouring district.
        const districtByName =
          level === 'district'
            ? new Map(parents.codes.map((c, i) => [parents.names[i] ?? '', c]))
            : undefined;
        let byName = 0;
        for (const code of needed) {
          const named = districtByName?.get(
            (children.names[children.byCode.get(code)!] ?? '').replace(/ \d{3}[A-Z]$/, ''),
          );
          const fit = named ?? fits.get(code)?.code;
          if (fit === undefined) continue;
          await db.run(`INSERT INTO geo_links VALUES ($cl, $c, $pl, $p, 1, $method, NULL)`, {
            cl: children.level,
            c: code,
            pl: level,
            p: fit,
            method: named === undefined ? 'best-fit' : 'name',
          });
          if (named === undefined) bestFitCount++;
          else byName++;
        }
        reporter.info(
          `${children.level} → ${level}: ${byName > 0 ? `${byName.toLocaleString('en-GB')} links by the district named in the LSOA name, ` : ''}${(needed.length - byName).toLocaleString('en-GB')} by best fit (the ${level} holding most of each LSOA's area)`,
        );
      }
    }
    report.links['best-fit'] = bestFitCount;
    report.links['lookup'] = lookupLinks.length;

    // 3. The LSOA 2011 ↔ 2021 crosswalk.
    const crosswalk = await buildCrosswalk(ws, lsoa11, lsoa21, reporter);
    report.crosswalk = crosswalk.methods;
    report.unmappedLsoa21 = crosswalk.unmapped;

    // 4. Each LSOA's areas at every level.
    report.memberships = await buildMemberships(ws, reporter);

    // 5. Placements depend on the LSOA polygons and the crosswalk's one-to-one entries: when
    // those are unchanged the placements made stand, otherwise every record is placed again.
    const inputs = await placementInputs(ws);
    const placedFrom = await db.value<string>(`SELECT value FROM geo_state WHERE key = $k`, {
      k: PLACEMENT_INPUTS_KEY,
    });
    if (placedFrom !== inputs) {
      report.placementsCleared =
        (await db.value<number>(`SELECT count(*) FROM incident_places`)) ?? 0;
      await db.run(`DELETE FROM incident_places`);
      await db.run(`DELETE FROM geo_state WHERE key = $k`, { k: PLACEMENT_INPUTS_KEY });
      await db.run(`INSERT INTO geo_state VALUES ($k, $v)`, {
        k: PLACEMENT_INPUTS_KEY,
        v: inputs,
      });
    }
    await db.run(`DELETE FROM geo_state WHERE key = $k`, { k: STAMP_KEY });
    await db.run(`INSERT INTO geo_state VALUES ($k, $v)`, {
      k: STAMP_KEY,
      v: await geographyStamp(ws),
    });
    return report;
  });
}

interface CrosswalkRow {
  lsoa11: string;
  lsoa21: string;
  weight: number;
  method: string;
}

async function buildCrosswalk(
  ws: Workspace,
  lsoa11: LevelShapes,
  lsoa21: LevelShapes,
  reporter: Reporter,
): Promise<{ methods: Record<string, number>; unmapped: number }> {
  const db = ws.db;
  const fromLookup = new Set(
    (
      await db.all<{ lsoa21_code: string }>(
        `SELECT DISTINCT lsoa21_code FROM lsoa_crosswalk WHERE method = 'lookup'`,
      )
    ).map((r) => r.lsoa21_code),
  );
  const codes21 = (
    await db.all<{ code: string }>(`SELECT code FROM geo_area_list WHERE level = 'lsoa21'`)
  ).map((r) => r.code);
  const set21 = new Set(codes21);
  const rows: CrosswalkRow[] = [];
  const methods: Record<string, number> = {};
  if (fromLookup.size > 0) methods['lookup'] = fromLookup.size;
  const changed: string[] = [];
  for (const z of codes21) {
    if (fromLookup.has(z)) continue;
    if (!is2021OnlyCode(z)) rows.push({ lsoa11: z, lsoa21: z, weight: 1, method: 'same-code' });
    else changed.push(z);
  }
  methods['same-code'] = rows.length;
  let unmapped = 0;
  if (changed.length > 0 && lsoa11.shapes.length > 0) {
    // A 2011 LSOA whose code lives on in 2021 was not split or merged: a changed 2021 LSOA can
    // only come from 2011 LSOAs whose codes ended in 2021.
    const ended = (c: string): boolean => set21.size === 0 || !set21.has(c);
    const byPolygon = changed.filter((z) => lsoa21.byCode.has(z));
    const byRecords = changed.filter((z) => !lsoa21.byCode.has(z));
    const weights = new Map<string, Map<string, number>>();
    // ONS names an LSOA after its district and MSOA ("Oxford 008F"), and MSOA numbers mostly carry
    // over from 2011 to 2021: a 2021 LSOA is related only to 2011 LSOAs of the same district and
    // MSOA number when there are such, else of the same district. This keeps points snapped just
    // across a boundary from relating LSOAs of different districts.
    const names21 = new Map(
      (
        await db.all<{ code: string; name: string | null }>(
          `SELECT code, name FROM geo_area_list WHERE level = 'lsoa21'`,
        )
      ).map((r) => [r.code, r.name]),
    );
    const msoaOf = (name: string | null | undefined): string | undefined =>
      name == null ? undefined : /^(.*) (\d{3})[A-Z]$/.exec(name)?.slice(1, 3).join(' ');
    const districtOf = (name: string | null | undefined): string | undefined =>
      name == null ? undefined : /^(.*) \d{3}[A-Z]$/.exec(name)?.[1];
    const candidates11 = new Map<string, string[]>();
    lsoa11.codes.forEach((c, i) => {
      const name = lsoa11.names[i];
      for (const key of [`m|${msoaOf(name)}`, `d|${districtOf(name)}`]) {
        const list = candidates11.get(key) ?? [];
        list.push(c);
        candidates11.set(key, list);
      }
    });
    const allowed = new Map<string, Set<string> | undefined>();
    const allowedFor = (z: string): Set<string> | undefined => {
      if (allowed.has(z)) return allowed.get(z);
      const name = names21.get(z);
      const byMsoa = candidates11.get(`m|${msoaOf(name)}`)?.filter(ended);
      const byDistrict = candidates11.get(`d|${districtOf(name)}`)?.filter(ended);
      const set =
        byMsoa !== undefined && byMsoa.length > 0
          ? new Set(byMsoa)
          : byDistrict !== undefined && byDistrict.length > 0
            ? new Set(byDistrict)
            : undefined;
      allowed.set(z, set);
      return set;
    };
    const add = (z: string, c: string, w: number): void => {
      const ok = allowedFor(z);
      if (ok !== undefined && !ok.has(c)) return;
      const m = weights.get(z) ?? new Map<string, number>();
      m.set(c, (m.get(c) ?? 0) + w);
      weights.set(z, m);
    };
    for (const z of byPolygon) {
      const shape = lsoa21.shapes[lsoa21.byCode.get(z)!]!;
      const samples = interiorSamples(shape, 100);
      const area = shapeArea(shape) / (samples.length / 2);
      for (let k = 0; k < samples.length; k += 2) {
        const i = lsoa11.index.locate(samples[k]!, samples[k + 1]!);
        if (i >= 0 && ended(lsoa11.codes[i]!)) add(z, lsoa11.codes[i]!, area);
      }
    }
    if (byRecords.length > 0) {
      const reader = await db.connection.runAndReadAll(
        `SELECT lsoa_code, longitude, latitude FROM incidents
          WHERE longitude IS NOT NULL AND lsoa_code IN (SELECT unnest($codes))`,
        { codes: listValue(byRecords) },
      );
      const p = new Float64Array(2);
      for (const row of reader.getRows()) {
        wgs84ToBng(Number(row[1]), Number(row[2]), p);
        const i = lsoa11.index.locate(p[0]!, p[1]!);
        if (i >= 0 && ended(lsoa11.codes[i]!)) add(String(row[0]), lsoa11.codes[i]!, 1);
      }
    }
    const methodOf = (z: string): string =>
      lsoa21.byCode.has(z) ? 'polygon-overlap' : 'record-points';
    for (const z of changed) {
      const m = weights.get(z);
      if (m === undefined) {
        unmapped++;
        continue;
      }
      const total = [...m.values()].reduce((s, v) => s + v, 0);
      const kept = [...m].filter(([, w]) => w / total >= MIN_SHARE);
      for (const [c, w] of kept)
        rows.push({ lsoa11: c, lsoa21: z, weight: w, method: methodOf(z) });
      methods[methodOf(z)] = (methods[methodOf(z)] ?? 0) + 1;
    }
    if (byRecords.length > 0)
      reporter.info(
        `LSOA 2011 ↔ 2021: ${byRecords.length.toLocaleString('en-GB')} 2021 LSOAs created in 2021 have no 2021 boundaries loaded; related to 2011 LSOAs through the located records that carry their codes (record-points)${unmapped > 0 ? `; ${unmapped} have no such records and stay unmapped` : ''}`,
      );
  } else unmapped = changed.length;
  // Shares in each direction from the weights.
  const by21 = new Map<string, number>();
  const by11 = new Map<string, number>();
  for (const r of rows) {
    by21.set(r.lsoa21, (by21.get(r.lsoa21) ?? 0) + r.weight);
    by11.set(r.lsoa11, (by11.get(r.lsoa11) ?? 0) + r.weight);
  }
  if (rows.length > 0) {
    const appender = await db.connection.createAppender('lsoa_crosswalk');
    for (const r of rows) {
      appender.appendVarchar(r.lsoa11);
      appender.appendVarchar(r.lsoa21);
      appender.appendDouble(r.weight / by11.get(r.lsoa11)!);
      appender.appendDouble(r.weight / by21.get(r.lsoa21)!);
      appender.appendVarchar(r.method);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
  }
  if (codes21.length > 0)
    reporter.info(
      `LSOA 2011 ↔ 2021 crosswalk: ${Object.entries(methods)
        .map(([k, v]) => `${v.toLocaleString('en-GB')} by ${k}`)
        .join(', ')}${unmapped > 0 ? `, ${unmapped} unmapped` : ''}`,
    );
  return { methods, unmapped };
}

/**
 * Each LSOA (of both vintages) → its areas at every parent level, with the share of the LSOA in
 * each (1 except where a 2021 LSOA straddles 2011 LSOAs of different parents).
 */
async function buildMemberships(
  ws: Workspace,
  reporter: Reporter,
): Promise<Record<string, number>> {
  const db = ws.db;
  const links = new Map<string, Link[]>();
  for (const l of await db.all<{
    child_level: string;
    child_code: string;
    parent_level: string;
    parent_code: string;
    share: number;
    method: string;
  }>(`SELECT * FROM geo_links`))
    addLink(links, l.child_level, l.child_code, {
      parentLevel: l.parent_level,
      parentCode: l.parent_code,
      share: l.share,
      method: l.method,
    });
  const deciles = new Map(
    (
      await db.all<{ lsoa11_code: string; decile: number }>(
        `SELECT lsoa11_code, decile FROM deprivation WHERE domain = 'imd'`,
      )
    ).map((r) => [r.lsoa11_code, String(r.decile)]),
  );
  if (deciles.size > 0)
    for (let d = 1; d <= 10; d++)
      await db.run(
        `INSERT INTO geo_areas (level, code, name, source) VALUES ('imd_decile', $c, $n, 'derived')`,
        {
          c: String(d),
          n: `IMD decile ${d}${d === 1 ? ' (most deprived)' : d === 10 ? ' (least deprived)' : ''}`,
        },
      );
  const districtByName = new Map(
    (
      await db.all<{ code: string; name: string | null }>(
        `SELECT code, name FROM geo_area_list WHERE level = 'district'`,
      )
    )
      .filter((r) => r.name !== null)
      .map((r) => [r.name!, r.code]),
  );
  const codes11 = new Set(
    (
      await db.all<{ code: string }>(
        `SELECT code FROM geo_area_list WHERE level = 'lsoa11'
       UNION SELECT child_code FROM geo_links WHERE child_level = 'lsoa11'`,
      )
    ).map((r) => r.code),
  );
  const areas21 = await db.all<{ code: string; name: string | null }>(
    `SELECT code, name FROM geo_area_list WHERE level = 'lsoa21'`,
  );
  const crosswalk = new Map<string, { lsoa11: string; share: number }[]>();
  for (const r of await db.all<{ lsoa11_code: string; lsoa21_code: string; share_of_2021: number }>(
    `SELECT lsoa11_code, lsoa21_code, share_of_2021 FROM lsoa_crosswalk`,
  )) {
    const list = crosswalk.get(r.lsoa21_code) ?? [];
    list.push({ lsoa11: r.lsoa11_code, share: r.share_of_2021 });
    crosswalk.set(r.lsoa21_code, list);
  }

  type Acc = Map<string, Map<string, { share: number; method: string }>>; // level → code → …
  const up = (level: string, code: string, share: number, method: string, acc: Acc): void => {
    // From a district to its partnerships and force. Every partnership lists its own districts
    // (nesting is checked when the configuration is read), so partnership → partnership links
    // are not followed: they would count a nested partnership's districts twice.
    for (const l of links.get(`${level}|${code}`) ?? []) {
      if (l.parentLevel !== 'csp' && l.parentLevel !== 'force') continue;
      put(acc, l.parentLevel, l.parentCode, share * l.share, method);
    }
  };
  const put = (acc: Acc, level: string, code: string, share: number, method: string): void => {
    const m = acc.get(level) ?? new Map<string, { share: number; method: string }>();
    const had = m.get(code);
    m.set(code, { share: (had?.share ?? 0) + share, method: had?.method ?? method });
    acc.set(level, m);
  };
  const of2011 = (code: string): Acc => {
    const acc: Acc = new Map();
    for (const l of links.get(`lsoa11|${code}`) ?? []) {
      if (!['msoa', 'ward', 'district', 'force'].includes(l.parentLevel)) continue;
      put(acc, l.parentLevel, l.parentCode, l.share, l.method);
      if (l.parentLevel === 'district') up('district', l.parentCode, l.share, l.method, acc);
    }
    const decile = deciles.get(code);
    if (decile !== undefined) put(acc, 'imd_decile', decile, 1, 'imd-2019');
    return acc;
  };
  const rows: {
    vintage: number;
    lsoa: string;
    level: string;
    area: string;
    share: number;
    method: string;
  }[] = [];
  const emit = (vintage: number, lsoa: string, acc: Acc): void => {
    for (const [level, m] of acc)
      for (const [area, v] of m)
        rows.push({ vintage, lsoa, level, area, share: v.share, method: v.method });
  };
  for (const c of codes11) emit(2011, c, of2011(c));
  let byName = 0;
  for (const { code, name } of areas21) {
    const acc: Acc = new Map();
    const direct = links.get(`lsoa21|${code}`) ?? [];
    for (const l of direct) {
      if (!['msoa', 'ward', 'district', 'force'].includes(l.parentLevel)) continue;
      put(acc, l.parentLevel, l.parentCode, l.share, l.method);
      if (l.parentLevel === 'district') up('district', l.parentCode, l.share, l.method, acc);
    }
    const via = crosswalk.get(code) ?? [];
    for (const { lsoa11: c, share } of via) {
      for (const [level, m] of of2011(c)) {
        if (acc.has(level) && direct.some((l) => l.parentLevel === level)) continue;
        if (level === 'imd_decile') continue;
        for (const [area, v] of m) put(acc, level, area, v.share * share, `via-2011:${v.method}`);
      }
    }
    // IMD is not additive: a 2021 LSOA takes the decile of the 2011 LSOA with the largest share.
    const largest = [...via].sort((a, b) => b.share - a.share)[0];
    const decile = largest === undefined ? undefined : deciles.get(largest.lsoa11);
    if (decile !== undefined)
      put(acc, 'imd_decile', decile, 1, via.length > 1 ? 'imd-2019-largest-share' : 'imd-2019');
    if (!acc.has('district') && name !== null) {
      const district = districtByName.get(name.replace(/ \d{3}[A-Z]$/, ''));
      if (district !== undefined) {
        put(acc, 'district', district, 1, 'name');
        up('district', district, 1, 'name', acc);
        byName++;
      }
    }
    emit(2021, code, acc);
  }
  if (byName > 0)
    reporter.info(
      `${byName.toLocaleString('en-GB')} 2021 LSOAs placed in their district by the district name their LSOA name begins with (no lookup or 2011 link)`,
    );
  // Primary: the largest share at each level (nested partnerships are all primary).
  const max = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.vintage}|${r.lsoa}|${r.level}`;
    max.set(k, Math.max(max.get(k) ?? 0, r.share));
  }
  const counts: Record<string, number> = {};
  if (rows.length > 0) {
    const appender = await db.connection.createAppender('geo_memberships');
    for (const r of rows) {
      appender.appendSmallInt(r.vintage);
      appender.appendVarchar(r.lsoa);
      appender.appendVarchar(r.level);
      appender.appendVarchar(r.area);
      appender.appendDouble(r.share);
      appender.appendBoolean(
        r.level === 'csp' || r.share >= max.get(`${r.vintage}|${r.lsoa}|${r.level}`)! - 1e-9,
      );
      appender.appendVarchar(r.method);
      appender.endRow();
      counts[r.level] = (counts[r.level] ?? 0) + 1;
    }
    appender.flushSync();
    appender.closeSync();
  }
  return counts satisfies Partial<Record<ParentLevel, number>>;
}

/** Rebuilds the derived geography when its inputs changed since the last build. */
export async function ensureGeography(
  ws: Workspace,
  options: { reporter: Reporter; clock?: Clock },
): Promise<RebuildReport | undefined> {
  if (await geographyCurrent(ws)) return undefined;
  if (ws.readOnly === true) throw staleGeography(ws);
  return rebuildGeography(ws, options);
}
