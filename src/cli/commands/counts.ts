import { Command } from 'commander';
import {
  countIncidents,
  labelCountRows,
  parseBy,
  parseWhere,
  type CountsResult,
} from '../../analyses/counts/countIncidents.js';
import { DIMENSIONS } from '../../analyses/selection/dimensions.js';
import { usesAreas } from '../../geo/areaDimensions.js';
import { checkGeography, checkPlacement } from '../../geo/derivedDataState.js';
import { checkAreaFilters, resolveAreaOption } from '../../geo/resolveArea.js';
import type { CountsDefinition } from '../../definitions/countsDefinition.js';
import { shortHash } from '../../definitions/definitionLabel.js';
import {
  TIER_DIMENSIONS,
  refuseTiersWithoutDefinition,
  whereNames,
  checkTierDimensions,
} from '../../definitions/tierDimensions.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import { definitionHeader } from '../definitionText.js';
import type { CliIo } from '../io.js';
import { formatTable, formatNumber } from '../table.js';
import { AREA_OPTION_HELP } from '../selectionOptions.js';

interface CountsOptions extends CommonOptions {
  by: string;
  where?: string[];
  definition?: string;
  area?: string;
}

export function countsCommand(io: CliIo): Command {
  return new Command('counts')
    .description('count incidents by one or more dimensions')
    .requiredOption('--by <dims>', 'comma-separated dimensions, e.g. month,crime_type')
    .option(
      '--where <DIM=VALUE>',
      'filter (repeatable; DIM=A..B for a range of months; DIM= for no value)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--definition <ID[@VERSION]|FILE>',
      'a classified definition: adds the dimensions tier, matched_tier and rule',
    )
    .option('--area <CODE|NAME|LEVEL=VALUE>', AREA_OPTION_HELP)
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print one JSON array of objects with the dimension values and n')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `\nDimensions:\n${DIMENSIONS.map((d) => `  ${d.name.padEnd(18)} ${d.description}`).join('\n')}\n\nWith --definition (after svd classify):\n${TIER_DIMENSIONS.map((d) => `  ${d.name.padEnd(18)} ${d.description}`).join('\n')}\n\nExamples:\n  svd counts --by month,crime_type --where force=thames-valley --where month=2024-01..2024-03\n  svd counts --by month,tier --definition thames-valley-vru --where tier=primary
  svd counts --by month --area Oxford`,
    )
    .action(async (options: CountsOptions) => {
      const { countsDefinition } = await import('../../definitions/countsDefinition.js');
      const ctx = commandContext(io, options);
      const dimensions =
        options.definition === undefined ? DIMENSIONS : [...DIMENSIONS, ...TIER_DIMENSIONS];
      refuseTiersWithoutDefinition(
        [...options.by.split(','), ...whereNames(options.where ?? [])],
        options.definition,
      );
      const query = {
        by: parseBy(options.by, dimensions),
        where: parseWhere(options.where ?? [], dimensions),
      };
      checkTierDimensions([...query.by, ...query.where.map((w) => w.dimension)]);
      const { result, definition } = await withCommandWorkspace(
        ctx,
        { create: false, readOnly: true },
        async (ws) => {
          const definition: CountsDefinition | undefined =
            options.definition === undefined
              ? undefined
              : await countsDefinition(ws, options.definition, io.cwd);
          const given = query.where;
          if (options.area !== undefined) {
            if (ws.placementMaintained !== true) await checkGeography(ws);
            const area = await resolveAreaOption(ws, options.area, ctx.reporter);
            query.where = [...given, area.filter];
          }
          // Area dimensions read the records' placement: place any record not yet placed.
          if (usesAreas([...query.by, ...query.where.map((w) => w.dimension)]))
            await checkPlacement(ws);
          await checkAreaFilters(ws, given);
          const result: CountsResult = await countIncidents(ws, query, {
            dimensions,
            ...(definition === undefined ? {} : { params: definition.params }),
          });
          return { result, definition };
        },
      );
      if (definition !== undefined) {
        const label = `${definition.meta.id}@${definition.meta.version}`;
        for (const n of definition.notes) ctx.reporter.info(n);
        if (definition.unclassified > 0)
          ctx.reporter.warn(
            `${formatNumber(definition.unclassified)} record${definition.unclassified === 1 ? ' was' : 's were'} added after the classification under ${label} and show${definition.unclassified === 1 ? 's' : ''} as "unclassified": run svd classify --definition ${label}`,
          );
        for (const t of definition.unavailableTiers)
          ctx.reporter.warn(
            `tier ${t.tier} needs ${t.fields.join(', ')}, which no record in this workspace carries: it is missing from these counts, not zero`,
          );
        if (definition.multiTier > 0 && query.by.includes('tier'))
          ctx.reporter.info(
            `${formatNumber(definition.multiTier)} record${definition.multiTier === 1 ? ' is' : 's are'} in more than one tier; tier counts each once, in its first tier (use --by matched_tier to count every tier)`,
          );
      }
      if (result.syntheticTotal > 0) {
        ctx.reporter.warn(
          `${result.syntheticTotal.toLocaleString('en-GB')} of these incidents are SYNTHETIC (generated for tests and demonstrations, not real records)`,
        );
      }
      if (ctx.json) {
        ctx.printJson(labelCountRows(result.rows, definition?.meta));
        return;
      }
      if (definition !== undefined) {
        for (const line of definitionHeader(
          definition.meta,
          `, classified ${definition.run.classified_at}`,
        ))
          ctx.print(line);
      }
      if (result.rows.length === 0) {
        ctx.print('no incidents match');
        return;
      }
      ctx.print(
        formatTable(result.rows, [
          ...result.by.map((name) => ({
            header: name,
            value: (r: (typeof result.rows)[number]) => (r[name] ?? '(none)') as string,
          })),
          { header: 'n', value: (r) => r.n, align: 'right' as const },
        ]),
      );
      ctx.print(
        `total ${result.total.toLocaleString('en-GB')}${definition === undefined ? '' : ` (${definition.meta.id}@${definition.meta.version}, sha256 ${shortHash(definition.meta.content_hash)})`}`,
      );
      if (result.rows.reduce((sum, r) => sum + r.n, 0) > result.total)
        ctx.print(
          'the rows overlap (partnerships nest, and a record may match several tiers or rules); the total counts each incident once',
        );
    });
}
