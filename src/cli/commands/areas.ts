import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { AREA_LEVELS, parseAreaLevel } from '../../geo/levels.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

const common = (c: Command): Command =>
  c
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print JSON')
    .option('--quiet', 'no progress or announcements');

export function areasCommand(io: CliIo): Command {
  const areas = new Command('areas').description(
    'the areas in the workspace, and the records in an area',
  );
  common(
    areas
      .command('list')
      .description('areas of a level with their parent, population and IMD 2019')
      .requiredOption('--level <level>', `one of ${AREA_LEVELS.join(', ')}`)
      .option('--population <dataset>', 'population dataset (default: the most recent)'),
  ).action(async (options: CommonOptions & { level: string; population?: string }) => {
    const { listAreas } = await import('../../geo/listAreas.js');
    const ctx = commandContext(io, options);
    const level = parseAreaLevel(options.level);
    const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
      listAreas(ws, level, {
        reporter: ctx.reporter,
        ...(options.population === undefined ? {} : { population: options.population }),
      }),
    );
    if (ctx.json) return ctx.printJson(rows);
    if (rows.length === 0) return ctx.print(`no ${level} areas in the workspace (svd geo --help)`);
    ctx.print(
      formatTable(rows, [
        { header: 'code', value: (r) => r.code },
        { header: 'name', value: (r) => r.name },
        { header: 'within', value: (r) => r.within },
        { header: 'population', value: (r) => r.population, align: 'right' },
        { header: 'IMD decile', value: (r) => r.imdDecile, align: 'right' },
        { header: 'km²', value: (r) => r.areaKm2, align: 'right' },
      ]),
    );
    ctx.print(`${rows.length.toLocaleString('en-GB')} ${level} areas`);
  });
  common(
    areas
      .command('records')
      .description('the records whose point lies inside an area (by its boundary)')
      .requiredOption('--level <level>', `one of ${AREA_LEVELS.join(', ')}`)
      .requiredOption('--code <code>', 'the area code, e.g. E01028513')
      .option('--limit <n>', 'show at most this many (default 50; all with --json)'),
  ).action(async (options: CommonOptions & { level: string; code: string; limit?: string }) => {
    const { recordsInArea } = await import('../../geo/listAreas.js');
    const ctx = commandContext(io, options);
    const level = parseAreaLevel(options.level);
    const limit = options.limit === undefined ? (ctx.json ? Infinity : 50) : Number(options.limit);
    if (!(limit > 0))
      throw usageError('BAD_LIMIT', `--limit ${options.limit} is not a positive number`);
    const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
      recordsInArea(ws, level, options.code),
    );
    if (ctx.json) return ctx.printJson(rows.slice(0, limit));
    ctx.print(
      formatTable(rows.slice(0, limit), [
        { header: 'id', value: (r) => String(r.id) },
        { header: 'month', value: (r) => r.month },
        { header: 'source', value: (r) => r.source },
        { header: 'crime type', value: (r) => r.crimeType },
        { header: 'easting', value: (r) => r.easting, align: 'right' },
        { header: 'northing', value: (r) => r.northing, align: 'right' },
        { header: 'published LSOA', value: (r) => r.publishedLsoa },
      ]),
    );
    ctx.print(
      `${rows.length.toLocaleString('en-GB')} record(s) in ${level} ${options.code}${rows.length > limit ? ` (first ${limit} shown)` : ''}`,
    );
  });
  return areas;
}
