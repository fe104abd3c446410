import { Command } from 'commander';
import { parseLevel } from '../../geo/levels.js';
import { usageError } from '../../core/errors.js';
import { audited } from '../../app/audited.js';
import { fileName, populationOutcome } from '../../app/auditEntries.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface PopulationOptions extends CommonOptions {
  mapping?: string;
  dataset?: string;
  year?: string;
  level?: string;
}

const common = (c: Command): Command =>
  c
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress or announcements');

export function populationCommand(io: CliIo): Command {
  const population = new Command('population').description(
    'resident population by area, age band and sex',
  );
  common(
    population
      .command('load')
      .description('load a population table (long, wide by age/sex, or wide by year)')
      .argument('<file>', 'CSV (.csv or .csv.gz)')
      .option('--mapping <file>', 'JSON mapping of the columns (found automatically otherwise)')
      .option('--dataset <name>', 'name of the dataset (default: the file name)')
      .option(
        '--year <YYYY>',
        'the year of the population (default: from the file or column names)',
      )
      .option('--level <level>', 'the level of the area codes (default: from the codes)'),
  )
    .addHelpText(
      'after',
      `
Without --mapping the layout is found and announced. A mapping file says it explicitly, e.g.
  {"code": "LSOA code (2011)", "layout": "wide", "year": 2015,
   "columns": [{"column": "Dependent Children aged 0-15: mid 2015 (excluding prisoners)"},
               {"column": "Population aged 16-59: mid 2015 (excluding prisoners)"},
               {"column": "Older population aged 60 and over: mid 2015 (excluding prisoners)", "age": "60+"}]}
See README, "Population". The load is recorded in the audit log (svd audit). Example:
  svd population load ../shared/data/population/census2021-lsoa21-usual-residents-age6-ew.csv.gz`,
    )
    .action(async (file: string, options: PopulationOptions) => {
      const { loadPopulation, readPopulationMapping } =
        await import('../../geo/population/loadPopulation.js');
      const ctx = commandContext(io, options);
      const year = options.year === undefined ? undefined : Number(options.year);
      if (year !== undefined && !/^\d{4}$/.test(options.year!))
        throw usageError('BAD_YEAR', `--year ${options.year} is not a year`, 'e.g. --year 2021');
      const report = await withCommandWorkspace(ctx, { create: true }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'population-load',
            attempt: { target: 'population', detail: { file: fileName(file) } },
          },
          () =>
            loadPopulation(ws, file, {
              reporter: ctx.reporter,
              ...(options.mapping === undefined
                ? {}
                : { mapping: readPopulationMapping(options.mapping) }),
              ...(options.dataset === undefined ? {} : { dataset: options.dataset }),
              ...(year === undefined ? {} : { year }),
              ...(options.level === undefined ? {} : { level: parseLevel(options.level) }),
            }),
          populationOutcome,
        ),
      );
      if (ctx.json) return ctx.printJson(report);
      ctx.print(
        `${report.dataset}: ${report.areas.toLocaleString('en-GB')} ${report.level} areas, ${report.year}, population ${Math.round(report.total).toLocaleString('en-GB')}; bands ${report.bands.join(', ')}; sex ${report.sexes.join(', ')}`,
      );
    });
  common(population.command('list').description('the population datasets in the workspace')).action(
    async (options: CommonOptions) => {
      const { listPopulationDatasets } = await import('../../geo/population/populationByArea.js');
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        listPopulationDatasets(ws),
      );
      if (ctx.json) return ctx.printJson(rows);
      ctx.print(
        formatTable(rows, [
          { header: 'dataset', value: (r) => r.dataset },
          { header: 'level', value: (r) => r.level },
          { header: 'year', value: (r) => String(r.year) },
          { header: 'areas', value: (r) => r.areas, align: 'right' },
          { header: 'population', value: (r) => Math.round(r.total), align: 'right' },
        ]),
      );
    },
  );
  return population;
}

export function deprivationCommand(io: CliIo): Command {
  const deprivation = new Command('deprivation').description(
    'English Indices of Deprivation 2019 by LSOA 2011',
  );
  common(
    deprivation
      .command('load')
      .description('load IoD2019 File 1 and/or File 2 (IMD and domain ranks and deciles)')
      .argument('<files...>', 'CSV (.csv or .csv.gz)'),
  ).action(async (files: string[], options: CommonOptions) => {
    const { loadDeprivation } = await import('../../geo/deprivation/loadDeprivation.js');
    const ctx = commandContext(io, options);
    const reports = await withCommandWorkspace(ctx, { create: true }, async (ws) => {
      const out = [];
      for (const f of files) out.push(await loadDeprivation(ws, f, { reporter: ctx.reporter }));
      return out;
    });
    if (ctx.json) return ctx.printJson(reports);
    for (const r of reports)
      ctx.print(
        `${r.file}: ${r.domains.map((d) => `${d.domain} (${d.areas.toLocaleString('en-GB')} LSOAs)`).join(', ')}`,
      );
  });
  return deprivation;
}
