import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import {
  DEFAULT_EXPANSION_LIMITS,
  EXPANSION_ENV,
  expansionLimits,
  formatBytes,
} from '../../core/expansionLimits.js';
import { LEVELS, parseLevel } from '../../geo/levels.js';
import { OXFORDSHIRE_CONFIG } from '../../geo/shippedPartnerships.js';
import { DEFAULT_SNAP_METRES, type PlacementReport } from '../../geo/derivedDataState.js';
import { PROJECTION_ACCURACY } from '../../geo/projection.js';
import { audited } from '../../app/audited.js';
import { boundariesOutcome, fileName } from '../../app/auditEntries.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface LoadOptions extends CommonOptions {
  level: string;
  codeProperty?: string;
  nameProperty?: string;
}

const common = (c: Command): Command =>
  c
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress or announcements');

export function renderPlacement(r: PlacementReport): string {
  const methods = (m: Record<string, number>): string =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toLocaleString('en-GB')}`)
      .join(', ');
  return [
    `placed ${r.placed.toLocaleString('en-GB')} record(s) in ${r.seconds.toFixed(1)} s (${r.alreadyPlaced.toLocaleString('en-GB')} already placed)`,
    `LSOA 2011: ${methods(r.lsoa11) || '—'}`,
    `LSOA 2021: ${methods(r.lsoa21) || '—'}`,
    r.outside.count === 0
      ? 'no located record falls outside the LSOA polygons'
      : `${r.outside.count.toLocaleString('en-GB')} located record(s) outside every LSOA polygon, furthest ${r.outside.maxDistanceMetres ?? '?'} m; ${r.outside.snapped} within ${r.snapMetres} m given the nearest`,
  ].join('\n');
}

function parseSnap(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SNAP_METRES;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0)
    throw usageError(
      'BAD_SNAP',
      `--snap ${text} is not a distance in metres`,
      'e.g. --snap 50, or --snap 0 to never snap',
    );
  return n;
}

export function geoCommand(io: CliIo): Command {
  const geo = new Command('geo').description(
    'boundaries, lookups and partnerships; placing records in their areas',
  );
  common(
    geo
      .command('load')
      .description(
        'load boundary files (GeoJSON or TopoJSON) of one level; they replace that level',
      )
      .argument('<files...>', '.geojson / .json / .topojson files (WGS84 or British National Grid)')
      .requiredOption('--level <level>', `one of ${LEVELS.join(', ')}`)
      .option(
        '--code-property <name>',
        'the property holding the area code (found automatically otherwise)',
      )
      .option(
        '--name-property <name>',
        'the property holding the area name (found automatically otherwise)',
      ),
  )
    .addHelpText(
      'after',
      `
The code and name properties are found among the usual ONS names (LSOA11CD, WD13CD, AREACD,
areacd…) and announced. Coordinates are WGS84 or British National Grid (from the crs member, else
from their range); they are projected to British National Grid (${PROJECTION_ACCURACY.method},
within ${PROJECTION_ACCURACY.helmertEnglandWalesMetres} m in England and Wales). A .gz file is expanded
within ${formatBytes(DEFAULT_EXPANSION_LIMITS.maxBytes)} ($${EXPANSION_ENV.maxBytes}) and ${DEFAULT_EXPANSION_LIMITS.maxRatio}:1 ($${EXPANSION_ENV.maxRatio}). The load is recorded in the
audit log (svd audit). Example:
  svd geo load ../shared/data/boundaries/lsoa-2011-by-lad/*.geojson --level lsoa11`,
    )
    .action(async (files: string[], options: LoadOptions) => {
      const { loadBoundaries } = await import('../../geo/loadBoundaries.js');
      const ctx = commandContext(io, options);
      const level = parseLevel(options.level);
      const limits = expansionLimits({}, io.env);
      const report = await withCommandWorkspace(ctx, { create: true }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'geography-load',
            attempt: { target: `boundaries:${level}`, detail: { files: files.map(fileName) } },
          },
          () =>
            loadBoundaries(ws, files, {
              level,
              reporter: ctx.reporter,
              expansionLimits: limits,
              ...(options.codeProperty === undefined ? {} : { codeProperty: options.codeProperty }),
              ...(options.nameProperty === undefined ? {} : { nameProperty: options.nameProperty }),
            }),
          boundariesOutcome,
        ),
      );
      if (ctx.json) return ctx.printJson(report);
      ctx.print(
        formatTable(report.files, [
          { header: 'file', value: (f) => f.file.split('/').at(-1) ?? f.file },
          { header: 'format', value: (f) => f.format },
          { header: 'areas', value: (f) => f.features, align: 'right' },
          { header: 'code', value: (f) => f.codeProperty ?? '(feature id)' },
          { header: 'name', value: (f) => f.nameProperty ?? '—' },
          { header: 'batch', value: (f) => f.batchId ?? '', align: 'right' },
        ]),
      );
      ctx.print(
        report.status === 'already-loaded'
          ? `these ${level} boundaries were already loaded; nothing changed`
          : `${report.areas.toLocaleString('en-GB')} ${level} areas loaded`,
      );
    });
  common(
    geo
      .command('lookup')
      .description(
        'load an ONS lookup file relating LSOAs to MSOAs, wards, districts, partnerships, forces (or LSOA 2011 to 2021)',
      )
      .argument(
        '<file>',
        'CSV (.csv or .csv.gz) with ONS column names, e.g. LSOA11CD, MSOA11CD, LAD17CD',
      ),
  ).action(async (file: string, options: CommonOptions) => {
    const { loadLookup } = await import('../../geo/loadLookup.js');
    const ctx = commandContext(io, options);
    const report = await withCommandWorkspace(ctx, { create: true }, (ws) =>
      loadLookup(ws, file, { reporter: ctx.reporter }),
    );
    if (ctx.json) return ctx.printJson(report);
    ctx.print(
      formatTable(report.parents, [
        { header: 'from', value: () => `${report.child.level} (${report.child.column})` },
        { header: 'to', value: (p) => `${p.level} (${p.column})` },
        { header: 'links', value: (p) => p.links, align: 'right' },
      ]),
    );
  });
  common(
    geo
      .command('partnerships')
      .description(
        'load the partnership configuration: districts of each community safety partnership and force area',
      )
      .argument('[file]', 'JSON configuration', OXFORDSHIRE_CONFIG),
  )
    .addHelpText('after', `\nThe Oxfordshire configuration ships as ${OXFORDSHIRE_CONFIG}.`)
    .action(async (file: string, options: CommonOptions) => {
      const { loadPartnershipConfig } = await import('../../geo/loadPartnershipConfig.js');
      const ctx = commandContext(io, options);
      const report = await withCommandWorkspace(ctx, { create: true }, (ws) =>
        loadPartnershipConfig(ws, file, { reporter: ctx.reporter }),
      );
      if (ctx.json) return ctx.printJson(report);
      ctx.print(
        formatTable(report.config.partnerships, [
          { header: 'partnership', value: (p) => p.code },
          { header: 'name', value: (p) => p.name },
          { header: 'within', value: (p) => p.within ?? '' },
          { header: 'districts', value: (p) => p.districts.join(' ') },
        ]),
      );
    });
  common(
    geo
      .command('place')
      .description(
        'place every record not yet placed in its LSOA (2011 and 2021) and areas; idempotent',
      )
      .option(
        '--snap <metres>',
        `give a point outside every polygon the nearest one within this distance (default ${DEFAULT_SNAP_METRES})`,
      ),
  )
    .addHelpText(
      'after',
      `
The published LSOA code is kept when it is of the vintage; otherwise the record's point is
located in the loaded LSOA polygons. Commands that need areas (counts by area, rates, areas)
place records themselves; this command shows how they were placed.`,
    )
    .action(async (options: CommonOptions & { snap?: string }) => {
      const { refreshDerivedData } = await import('../../app/deriveData.js');
      const ctx = commandContext(io, options);
      const snapMetres = parseSnap(options.snap);
      const report = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        refreshDerivedData(ws, { reporter: ctx.reporter, snapMetres }),
      );
      if (ctx.json) return ctx.printJson(report);
      ctx.print(renderPlacement(report));
    });
  return geo;
}
