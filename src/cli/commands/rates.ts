import { formatMonthRange } from '../../core/months.js';
import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { AREA_LEVELS, parseAreaLevel } from '../../geo/levels.js';
import { parseAgeRange } from '../../geo/population/ageLabels.js';
import { commandContext, withCommandWorkspace } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { selectionFromOptions, type SelectionOptions } from '../selectionOptions.js';
import { definitionHeader } from '../definitionText.js';
import { definitionStamp } from '../../definitions/definitionLabel.js';

/** --where, --definition and --tier as the analyses take them (rates has no --from, --to, --area). */
interface RatesOptions extends SelectionOptions {
  by: string;
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
    .option('--definition <ID[@VERSION]|FILE>', 'a classified definition (needed for --tier)')
    .option('--tier <TIER>', 'count only incidents in this tier under --definition, e.g. primary')
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
  svd rates --by district --where crime_type="Violence and sexual offences" --where month=2024-01..2024-03
  svd rates --by csp --definition thames-valley-vru --tier primary`,
    )
    .action(async (options: RatesOptions) => {
      const [{ computeRates }, { resolveSelection, definitionParams }] = await Promise.all([
        import('../../analyses/rates/computeRates.js'),
        import('../../analyses/selection/selection.js'),
      ]);
      const ctx = commandContext(io, options);
      const level = parseAreaLevel(options.by);
      // Read as every analysis reads them: with --definition, its tier dimensions too (--tier
      // without it refused there).
      const selection = selectionFromOptions(options);
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
      const { rates: result, definition } = await withCommandWorkspace(
        ctx,
        { create: false, readOnly: true },
        async (ws) => {
          // The definition resolved as every analysis resolves it: classified, its version and
          // hash announced, its tiers counted under the parameters that name it.
          const resolved = await resolveSelection(ws, selection, {
            cwd: io.cwd,
            reporter: ctx.reporter,
          });
          const rates = await computeRates(
            ws,
            {
              level,
              where: resolved.where,
              ...(age === undefined ? {} : { age }),
              ...(options.population === undefined ? {} : { population: options.population }),
              ...(within === undefined ? {} : { within }),
              ...(small === undefined ? {} : { smallCount: small }),
            },
            {
              reporter: ctx.reporter,
              dimensions: resolved.dimensions,
              ...definitionParams(resolved),
            },
          );
          return { rates, definition: resolved.definition?.meta };
        },
      );
      const labelled = definition === undefined ? {} : { definition: definitionStamp(definition) };
      if (ctx.json) return ctx.printJson({ ...result, ...labelled });
      const m = result.metadata;
      if (definition !== undefined) {
        for (const line of definitionHeader(definition)) ctx.print(line);
      }
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
