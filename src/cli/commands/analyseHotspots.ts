/**
 * `svd analyse hotspots`: where incidents concentrate — a grid over the area with counts, kernel
 * density and Gi* hot and cold spots, the same on LSOAs, change between two periods, hotspot
 * classes over time, concentration and repeat locations; JSON with --json, GeoJSON for QGIS with
 * --geojson (and --lsoa-geojson).
 */
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { isMonth } from '../../core/months.js';
import { parseCorrection, CORRECTIONS } from '../../analyses/hotspots/adjustPValues.js';
import {
  PERIODS,
  type HotspotOptions,
  type HotspotsResult,
  type MonthRange,
  type Period,
} from '../../analyses/hotspots/hotspotAnalysis.js';
import {
  AREA_LEVELS_WITH_BOUNDARIES,
  BOUNDARIES,
  type BoundaryChoice,
} from '../../analyses/hotspots/hotspotArea.js';
import { hotspotGeoJson, lsoaGeoJson } from '../../analyses/hotspots/hotspotGeoJson.js';
import { GRID_SHAPES, type GridShape } from '../../analyses/hotspots/hotspotGrid.js';
import {
  addSelectionOptions,
  selectionFromOptions,
  type SelectionOptions,
} from '../selectionOptions.js';
import { commandContext, withCommandWorkspace } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface HotspotsCliOptions extends SelectionOptions {
  area?: string;
  boundary?: string;
  grid?: string;
  cellSize?: string;
  bandwidth?: string;
  correction?: string;
  alpha?: string;
  permutations?: string;
  seed?: string;
  lsoa?: string;
  tolerance?: string;
  before?: string;
  after?: string;
  classify?: boolean;
  period?: string;
  top?: string;
  geojson?: string;
  lsoaGeojson?: string;
}

function number(
  name: string,
  value: string | undefined,
  check: (v: number) => boolean,
  hint: string,
): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || !check(v))
    throw usageError('BAD_OPTION', `--${name} ${JSON.stringify(value)} is not ${hint}`);
  return v;
}

function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(
    'BAD_OPTION',
    `invalid --${name} ${JSON.stringify(value)}`,
    `use one of: ${allowed.join(', ')}`,
  );
}

function monthRange(name: string, value: string | undefined): MonthRange | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4}-\d{2})(?:\.\.(\d{4}-\d{2}))?$/.exec(value.trim());
  if (m === null || !isMonth(m[1]!) || (m[2] !== undefined && !isMonth(m[2])))
    throw usageError(
      'BAD_PERIOD',
      `--${name} ${JSON.stringify(value)} is not a month or a range of months`,
      `e.g. --${name} 2024-01..2024-03`,
    );
  return { from: m[1]!, to: m[2] ?? m[1]! };
}

function writeAtomically(file: string, value: unknown): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(value)}\n`);
  renameSync(tmp, file);
}

const nf = (v: number): string => v.toLocaleString('en-GB');
const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
const fixed = (v: number | null | undefined, d: number): string | null =>
  v === null || v === undefined ? null : v.toFixed(d);
const pv = (v: number | null): string | null =>
  v === null ? null : v < 0.0001 ? '<0.0001' : v.toFixed(4);

function printText(print: (t: string) => void, r: HotspotsResult, top: number): void {
  const a = r.area;
  print(
    `Hotspots in ${a.level} ${a.name ?? a.code} (${a.code}, ${a.areaKm2.toFixed(1)} km²), ${r.period.from === null || r.period.to === null ? 'no month with data' : `${r.period.from} to ${r.period.to}`}`,
  );
  print(
    `incidents: ${nf(r.incidents.selected)} selected, ${nf(r.incidents.inArea)} mapped in the area, ${nf(r.incidents.outsideArea)} outside it, ${nf(r.incidents.unlocated)} without a location`,
  );
  print(
    `grid: ${nf(r.grid.cells)} ${r.grid.shape} cells of ${nf(r.grid.cellSize)} m (${nf(r.grid.cutCells)} cut by the boundary)`,
  );
  print(
    `Gi*: ${nf(r.summary.hotspots)} hot spot cells and ${nf(r.summary.coldspots)} cold spot cells (${r.summary.correction} correction, significance ${r.summary.alpha})${r.summary.nearHotspots > 0 ? `; ${nf(r.summary.nearHotspots)} cells without incidents are near a hot spot (not counted as hot spots)` : ''}`,
  );
  const placeOf = (c: HotspotsResult['cells'][number]): string => {
    const p = c.place;
    if (p === undefined) return '';
    const area = (a: { code: string; name: string | null } | null | undefined): string | null =>
      a === null || a === undefined ? null : (a.name ?? a.code);
    return [p.street, area(p.lsoa), area(p.ward), area(p.district)]
      .filter((v): v is string => v !== null)
      .join(', ');
  };
  const hotCells = r.cells
    .filter((c) => c.hotspot === 'hotspot')
    .sort((p, q) => (q.z ?? 0) - (p.z ?? 0))
    .slice(0, top);
  if (hotCells.length > 0) {
    print('');
    print(
      formatTable(hotCells, [
        { header: 'cell', value: (c) => c.id },
        { header: 'easting', value: (c) => Math.round(c.easting), align: 'right' },
        { header: 'northing', value: (c) => Math.round(c.northing), align: 'right' },
        { header: 'count', value: (c) => c.count },
        { header: 'kde /km²', value: (c) => fixed(c.kde, 1), align: 'right' },
        { header: 'Gi* z', value: (c) => fixed(c.z, 2), align: 'right' },
        { header: 'p adjusted', value: (c) => pv(c.pAdjusted), align: 'right' },
        { header: 'where', value: placeOf },
      ]),
    );
  }
  const cc = r.concentration.cells;
  print('');
  print(
    `concentration: ${cc.levels.map((l) => `the busiest ${l.topShare * 100}% of cells (${nf(l.units)}) hold ${pct(l.share)} of incidents`).join('; ')}; half the incidents lie in ${pct(cc.halfShareOfUnits)} of cells`,
  );
  if (r.lsoas !== null) {
    const L = r.lsoas;
    const lc = r.concentration.lsoas;
    print(
      `LSOAs (${L.level}): ${nf(L.units.length)}, ${nf(L.hotspots)} hot spots and ${nf(L.coldspots)} cold spots by Gi* on contiguous LSOAs${lc === null ? '' : `; the busiest ${lc.levels.map((l) => `${l.topShare * 100}% (${nf(l.units)}) hold ${pct(l.share)}`).join(', ')} of incidents`}`,
    );
    const hotL = L.units
      .filter((u) => u.hotspot === 'hotspot')
      .sort((p, q) => (q.z ?? 0) - (p.z ?? 0))
      .slice(0, top);
    if (hotL.length > 0)
      print(
        formatTable(hotL, [
          { header: 'LSOA', value: (u) => u.code },
          { header: 'name', value: (u) => u.name },
          { header: 'count', value: (u) => u.count },
          {
            header: `per ${nf(L.ratesPer ?? 1000)}`,
            value: (u) => fixed(u.rate, 2),
            align: 'right',
          },
          { header: 'Gi* z', value: (u) => fixed(u.z, 2), align: 'right' },
          { header: 'p adjusted', value: (u) => pv(u.pAdjusted), align: 'right' },
        ]),
      );
  }
  const rl = r.repeatLocations;
  print('');
  print(
    `repeat locations${rl.snapped ? ' (police.uk map points, snapped: not exact addresses)' : ''}: ${nf(rl.repeat)} of ${nf(rl.locations)} locations hold more than one incident, ${pct(rl.shareAtRepeat)} of incidents`,
  );
  if (rl.top.length > 0)
    print(
      formatTable(rl.top, [
        { header: 'location', value: (l) => l.label },
        { header: 'easting', value: (l) => Math.round(l.easting), align: 'right' },
        { header: 'northing', value: (l) => Math.round(l.northing), align: 'right' },
        { header: 'incidents', value: (l) => l.incidents },
        { header: 'share', value: (l) => pct(l.share), align: 'right' },
      ]),
    );
  if (r.change !== null) {
    const c = r.change;
    print('');
    print(
      `change: ${nf(c.totalBefore)} incidents in ${c.before.from}..${c.before.to}, ${nf(c.totalAfter)} in ${c.after.from}..${c.after.to}; ${nf(c.cellsUp)} cells up, ${nf(c.cellsDown)} down, ${nf(c.cellsSame)} the same`,
    );
  }
  if (r.classes?.withheld !== undefined) {
    print('');
    print(`hotspot classes: not given: ${r.classes.withheld}`);
  } else if (r.classes !== null) {
    const k = r.classes;
    print('');
    print(
      `hotspot classes over ${k.periods.length} ${k.period}s (${k.periods[0]} to ${k.periods.at(-1)}, the last ${k.recentPeriods} recent): ${Object.entries(
        k.counts,
      )
        .filter(([, v]) => (v ?? 0) > 0)
        .map(([cls, v]) => `${cls} ${nf(v ?? 0)}`)
        .join(', ')}`,
    );
  }
}

export function hotspotsCommand(io: CliIo): Command {
  return addSelectionOptions(
    new Command('hotspots').description(
      'where incidents concentrate: grid counts, kernel density, Gi* hot and cold spots, LSOAs, change, classes, concentration, repeat locations',
    ),
    { area: false },
  )
    .option(
      '--area <CODE|NAME|LEVEL=VALUE>',
      `the area to map: a ${AREA_LEVELS_WITH_BOUNDARIES.join(', ')} by code or name (default: the area --where names, else the force area with data)`,
    )
    .option(
      '--boundary <which>',
      "lsoas: the outline of the area's LSOAs (default, when loaded); area: the area's own boundary",
    )
    .option('--grid <shape>', `cell shape: ${GRID_SHAPES.join(' or ')} (default square)`)
    .option(
      '--cell-size <metres>',
      'cell size (default: 50 cells across the shorter side, rounded down to 100 m, enlarged while the incidents average under 2 per occupied cell)',
    )
    .option(
      '--bandwidth <metres>',
      'KDE bandwidth (default: mean normal-reference bandwidth of x and y, at least the cell size)',
    )
    .option(
      '--correction <name>',
      `multiple-testing correction: ${CORRECTIONS.join(', ')} (default fdr)`,
    )
    .option('--alpha <p>', 'significance level for hot and cold spots (default 0.05)')
    .option(
      '--permutations <n>',
      'conditional permutation p-values with n permutations (default: normal)',
    )
    .option('--seed <n>', 'seed of the permutations (default 1)')
    .option('--lsoa <level>', 'LSOA vintage: lsoa11 or lsoa21 (default: the one with boundaries)')
    .option(
      '--tolerance <metres>',
      'LSOA contiguity: vertices this close count as shared (default 1)',
    )
    .option('--before <YYYY-MM..YYYY-MM>', 'change: the earlier period')
    .option('--after <YYYY-MM..YYYY-MM>', 'change: the later period')
    .option('--classify', "hotspot classes over periods (sfhotspot's hotspot_classify)")
    .option(
      '--period <period>',
      `period for --classify: ${PERIODS.join(', ')} (default: by the span)`,
    )
    .option('--top <n>', 'rows to list of hot spots and repeat locations (default 10)')
    .option('--geojson <file>', 'write the cells as GeoJSON (WGS84) for QGIS')
    .option('--lsoa-geojson <file>', 'write the LSOAs as GeoJSON (WGS84) for QGIS')
    .addHelpText(
      'after',
      `
Method (every choice made automatically is announced and recorded in the JSON "params"):
  grid       square or hexagonal cells in British National Grid, anchored at the grid origin,
             clipped to the area: cells overlapping the boundary are kept whole, with the share
             of each inside (area_share); default size from sfhotspot's (50 cells across the
             shorter side, rounded down to a multiple of 100 m), enlarged while the incidents
             average fewer than 2 per occupied cell, up to a tenth of the shorter side; a warning
             when the data are too sparse for the grid
  kde        quartic kernel at each cell centre, incidents per km²; default bandwidth the mean of
             the normal-reference bandwidths in x and y (sfhotspot uses x alone), at least the
             cell size
  hot spots  a cell with no incident is never a hot spot ("near a hot spot" when its Gi* is
             significantly high); the top hot spots are named (street, LSOA, ward, district)
  Gi*        Getis-Ord Gi* as spdep::localG: binary weights, queen neighbours with the cell
             itself; two-sided normal p-values (or --permutations); Benjamini-Hochberg false
             discovery rate across cells by default (--correction fdr|bonferroni|holm|none)
  LSOAs      counts and rates per 1,000 residents; Gi* on LSOAs that share a boundary point
  classes    --classify: persistent, emerging, former, intermittent hot and cold spots, by
             sfhotspot's hotspot_classify rules and defaults; not given when the median
             period holds fewer than 30 located incidents
police.uk locations are snapped to anonymous map points: point-level results are approximate.

Examples:
  svd analyse hotspots --area district=Oxford --from 2024-01 --to 2024-03
  svd analyse hotspots --where district=Oxford --grid hex --cell-size 200 --geojson oxford.geojson
  svd analyse hotspots --area district=Oxford --before 2018-10..2019-01 --after 2024-01..2024-03
  svd analyse hotspots --area district=Oxford --classify --period month --json`,
    )
    .action(async (options: HotspotsCliOptions) => {
      const { analyseHotspots } = await import('../../analyses/hotspots/analyseHotspots.js');
      const ctx = commandContext(io, options);
      const selection = selectionFromOptions(options, { area: false });
      const hotspotOptions: HotspotOptions = {};
      const set = <K extends keyof HotspotOptions>(
        key: K,
        value: HotspotOptions[K] | undefined,
      ): void => {
        if (value !== undefined) hotspotOptions[key] = value;
      };
      set('area', options.area);
      set('boundary', oneOf<BoundaryChoice>('boundary', options.boundary, BOUNDARIES));
      set('grid', oneOf<GridShape>('grid', options.grid, GRID_SHAPES));
      set(
        'cellSize',
        number('cell-size', options.cellSize, (v) => v > 0, 'a positive number of metres'),
      );
      set(
        'bandwidth',
        number('bandwidth', options.bandwidth, (v) => v > 0, 'a positive number of metres'),
      );
      if (options.correction !== undefined) set('correction', parseCorrection(options.correction));
      set(
        'alpha',
        number('alpha', options.alpha, (v) => v > 0 && v < 1, 'a probability between 0 and 1'),
      );
      set(
        'permutations',
        number(
          'permutations',
          options.permutations,
          (v) => Number.isInteger(v) && v >= 0,
          'a whole number',
        ),
      );
      set(
        'seed',
        number('seed', options.seed, (v) => Number.isInteger(v) && v >= 0, 'a whole number'),
      );
      set('lsoaLevel', oneOf('lsoa', options.lsoa, ['lsoa11', 'lsoa21'] as const));
      set(
        'contiguityTolerance',
        number('tolerance', options.tolerance, (v) => v > 0, 'a positive number of metres'),
      );
      set('before', monthRange('before', options.before));
      set('after', monthRange('after', options.after));
      if (options.classify === true) set('classify', true);
      set('period', oneOf<Period>('period', options.period, PERIODS));
      if (options.period !== undefined && options.classify !== true)
        throw usageError(
          'PERIOD_WITHOUT_CLASSIFY',
          '--period applies to --classify',
          'add --classify',
        );
      const top =
        number('top', options.top, (v) => Number.isInteger(v) && v >= 0, 'a whole number') ?? 10;
      set('top', top);
      const analysis = await withCommandWorkspace(
        ctx,
        { create: false, readOnly: true },
        async (ws) => {
          const a = await analyseHotspots(ws, selection, hotspotOptions, {
            cwd: io.cwd,
            reporter: ctx.reporter,
          });
          let outlines = new Map<string, string>();
          if (options.lsoaGeojson !== undefined && a.result.lsoas !== null) {
            const rows = await ws.db.all<{ code: string; geojson: string }>(
              `SELECT code, geojson FROM geo_area_list WHERE level = $level AND geojson IS NOT NULL`,
              { level: a.result.lsoas.level },
            );
            outlines = new Map(rows.map((r) => [r.code, r.geojson]));
          }
          return { ...a, outlines };
        },
      );
      for (const w of analysis.warnings)
        ctx.reporter.warn(`${w.message}${w.count > 1 ? ` (×${nf(w.count)})` : ''}`);
      if (options.geojson !== undefined) {
        const file = path.resolve(io.cwd, options.geojson);
        writeAtomically(file, hotspotGeoJson(analysis.result, analysis.params));
        ctx.reporter.info(`wrote ${nf(analysis.result.cells.length)} cells to ${file}`);
      }
      if (options.lsoaGeojson !== undefined) {
        if (analysis.result.lsoas === null)
          ctx.reporter.warn('no LSOA layer written: there is no LSOA analysis');
        else {
          const file = path.resolve(io.cwd, options.lsoaGeojson);
          const fc = lsoaGeoJson(analysis.result, analysis.params, analysis.outlines);
          writeAtomically(file, fc);
          ctx.reporter.info(`wrote ${nf(fc.features.length)} LSOAs to ${file}`);
        }
      }
      if (ctx.json) {
        ctx.printJson({
          result: analysis.result,
          params: analysis.params,
          warnings: analysis.warnings,
        });
        return;
      }
      printText((t) => ctx.print(t), analysis.result, top);
    });
}
