import { formatMonthRange } from '../../core/months.js';
import { Command } from 'commander';
import { parseWhere } from '../../analyses/counts/countIncidents.js';
import { DIMENSIONS } from '../../analyses/selection/dimensions.js';
import { usageError } from '../../core/errors.js';
import { AREA_LEVELS, parseAreaLevel } from '../../geo/levels.js';
import { parseAgeRange } from '../../geo/population/ageLabels.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface RatesOptions extends CommonOptions {
  by: string;
  where?: string[];
  definition?: string;
  tier?: string;
  age?: string;
  population?: string;
  within?: string;
  small?: string;
}

const fixed = (v: number | null, digits = 2): string | null =>
  v === null ? null : v.toFixed(digits);

export function ratesCommand(io: CliIo): Command {
  return new Command('rates')
    .description('incidents per 1,000 residents by area, with exact Poisson 95% intervals')
    .requiredOption('--by <level>', `one of ${AREA_LEVELS.join(', ')}`)
    .option(
      '--where <DIM=VALUE>',
      'filter as in svd counts (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option(
      '--definition <id>',
      'count only incidents of this serious violence definition (with --tier)',
    )
    .option('--tier <tier>', 'count only incidents of this tier of the definition')
    .option(
      '--age <A-B>',
      'population of these ages (e.g. 0-24), and incidents whose victim is of these ages',
    )
    .option('--population <dataset>', 'population dataset (default: the most recent)')
    .option(
      '--within <LEVEL:CODE,…>',
      'only areas within these (default: the area the --where filters select, else the force areas with data)',
    )
    .option('--small <n>', 'flag counts below this as too small for a reliable rate (default 10)')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print rows and metadata as JSON')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `
The rate is per 1,000 residents over the whole period selected (not per year). The interval is the
exact (Garwood) Poisson 95% interval; counts below --small are flagged "small". Example:
  svd rates --by district --where crime_type="Violence and sexual offences" --where month=2024-01..2024-03`,
    )
    .action(async (options: RatesOptions) => {
      const { computeRates } = await import('../../analyses/rates/computeRates.js');
      const ctx = commandContext(io, options);
      const level = parseAreaLevel(options.by);
      const extra: string[] = [];
      if (options.tier !== undefined || options.definition !== undefined) {
        if (!DIMENSIONS.some((d) => d.name === 'tier'))
          throw usageError(
            'NO_DEFINITIONS',
            'this svd has no definition engine yet, so --definition and --tier cannot be applied',
            'filter with --where (e.g. --where crime_type="Violence and sexual offences") meanwhile',
          );
        if (options.tier !== undefined) extra.push(`tier=${options.tier}`);
      }
      const where = parseWhere([...(options.where ?? []), ...extra]);
      const age = options.age === undefined ? undefined : parseAgeRange(options.age);
      if (options.age !== undefined && age === undefined)
        throw usageError(
          'BAD_AGE',
          `--age ${options.age} is not an age range`,
          'e.g. --age 0-24 or --age 65+',
        );
      const within = options.within === undefined ? undefined : parseWithin(options.within);
      const small = options.small === undefined ? undefined : Number(options.small);
      if (small !== undefined && !(small >= 0))
        throw usageError('BAD_SMALL', `--small ${options.small} is not a count`);
      const result = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        computeRates(
          ws,
          {
            level,
            where,
            ...(age === undefined ? {} : { age }),
            ...(options.population === undefined ? {} : { population: options.population }),
            ...(within === undefined ? {} : { within }),
            ...(small === undefined ? {} : { smallCount: small }),
          },
          {
            reporter: ctx.reporter,
            ...(options.definition === undefined
              ? {}
              : { params: { definition: options.definition } }),
          },
        ),
      );
      if (ctx.json) return ctx.printJson(result);
      const m = result.metadata;
      ctx.print(
        formatTable(result.rows, [
          { header: level, value: (r) => r.code },
          { header: 'name', value: (r) => r.name },
          { header: 'count', value: (r) => r.count, align: 'right' },
          {
            header: `population${m.age === 'all ages' ? '' : ` ${m.age}`}`,
            value: (r) => (r.population === null ? null : Math.round(r.population)),
            align: 'right',
          },
          {
            header: `per ${m.per.toLocaleString('en-GB')}`,
            value: (r) => fixed(r.rate),
            align: 'right',
          },
          {
            header: '95% interval',
            value: (r) => (r.lower === null ? null : `${fixed(r.lower)}–${fixed(r.upper)}`),
            align: 'right',
          },
          { header: 'flag', value: (r) => (r.small ? 'small' : '') },
        ]),
      );
      ctx.print(
        `months ${m.months.from === null || m.months.to === null ? '—' : formatMonthRange(m.months.from, m.months.to)}; population ${m.population.dataset} (${m.population.year}, ${m.age}${m.population.bands.length > 1 ? `: ${m.population.bands.join(' + ')}` : ''}); ${m.interval}; "small": count below ${m.smallCount}`,
      );
      for (const note of [...m.notes, ...(m.periodNote === null ? [] : [m.periodNote])])
        ctx.print(`note: ${note}`);
    });
}

export function parseWithin(text: string): {
  level: ReturnType<typeof parseAreaLevel>;
  codes: string[];
} {
  const m = /^([a-z0-9_]+):(.+)$/.exec(text);
  if (m === null)
    throw usageError(
      'BAD_WITHIN',
      `--within ${text} is not LEVEL:CODE`,
      'e.g. --within csp:safer-oxfordshire',
    );
  return { level: parseAreaLevel(m[1]!), codes: m[2]!.split(',').map((s) => s.trim()) };
}
