import { Command } from 'commander';
import { parseWhere } from '../../analyses/counts/countIncidents.js';
import { findDimension } from '../../analyses/selection/dimensions.js';
import { usesAreas } from '../../geo/areaDimensions.js';
import { DEFAULT_WHATIF_BY, WHATIF_DIMENSIONS } from '../../analyses/whatIf/whatIfDimensions.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import { definitionTitleLine, proxyNote } from '../definitionText.js';
import type { CliIo } from '../io.js';
import { formatTable, formatNumber } from '../table.js';
import type { WhatIfResult } from '../../api/definitions.js';

interface WhatIfOptions extends CommonOptions {
  base: string;
  proposal: string;
  by?: string;
  where?: string[];
  limit: string;
}

export function renderWhatIf(result: WhatIfResult, limit: number): string {
  const lines: string[] = [
    `base:     ${definitionTitleLine(result.base).replace(/^definition /, '')}`,
    `proposal: ${definitionTitleLine(result.proposal).replace(/^definition /, '')}`,
  ];
  for (const meta of [result.base, result.proposal]) {
    const note = proxyNote(meta);
    if (note !== null) lines.push(note);
  }
  lines.push(
    `${formatNumber(result.records)} records compared; ${formatNumber(result.changed)} change tier` +
      (result.noData > 0
        ? `; ${formatNumber(result.noData)} carry none of the fields either definition reads (no-data under both)`
        : ''),
    '',
    result.headline,
    '',
    formatTable(result.tiers, [
      { header: 'tier', value: (t) => t.tier },
      { header: 'base', value: (t) => t.base, align: 'right' },
      { header: 'proposal', value: (t) => t.proposal, align: 'right' },
      {
        header: 'change',
        value: (t) =>
          t.change === 0 ? '0' : `${t.change > 0 ? '+' : '−'}${formatNumber(Math.abs(t.change))}`,
        align: 'right',
      },
      {
        header: '%',
        value: (t) =>
          t.percent === null
            ? t.change === 0
              ? ''
              : 'new'
            : `${t.percent > 0 ? '+' : ''}${t.percent.toFixed(1)}%`,
        align: 'right',
      },
    ]),
  );
  if (result.transitions.length === 0) return lines.join('\n');
  lines.push(
    '',
    'Records whose tier changes:',
    formatTable(result.transitions, [
      { header: 'from', value: (t) => t.from },
      { header: 'to', value: (t) => t.to },
      { header: 'records', value: (t) => t.n, align: 'right' },
    ]),
  );
  for (const b of result.breakdowns) {
    const shown = b.rows.slice(0, limit);
    const notes = [
      ...(findDimension(b.by, WHATIF_DIMENSIONS).several === undefined
        ? []
        : ['the rows overlap: partnerships nest, and a record in two counts in both']),
      ...(b.rows.length > shown.length
        ? [`first ${shown.length} of ${b.rows.length}; --limit or --json for all`]
        : []),
    ];
    lines.push(
      '',
      `By ${b.by}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}:`,
      formatTable(shown, [
        { header: b.by, value: (r) => r.value ?? '(none)' },
        ...(b.by === 'offence'
          ? [{ header: 'name', value: (r: (typeof shown)[number]) => r.label ?? '' }]
          : []),
        { header: 'from', value: (r) => r.from },
        { header: 'to', value: (r) => r.to },
        { header: 'records', value: (r) => r.n, align: 'right' as const },
      ]),
    );
  }
  return lines.join('\n');
}

export function whatifCommand(io: CliIo): Command {
  return new Command('whatif')
    .description(
      're-run all history under a proposed definition and show which records change tier',
    )
    .requiredOption('--base <ID[@VERSION]|FILE>', 'the definition in use')
    .requiredOption('--proposal <FILE|ID[@VERSION]>', 'the proposed definition')
    .option(
      '--by <dims>',
      `breakdowns of the changed records (default ${DEFAULT_WHATIF_BY.join(',')})`,
    )
    .option(
      '--where <DIM=VALUE>',
      'compare only these records (repeatable; as in svd counts)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--limit <n>', 'rows shown per breakdown', '20')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the comparison as JSON')
    .option('--quiet', 'no progress or announcements')
    .addHelpText(
      'after',
      `
Both definitions are evaluated over every record in the workspace inside DuckDB; nothing is
stored. Breakdowns: offence (Home Office code and name), and any svd counts dimension
(${WHATIF_DIMENSIONS.slice(1)
        .map((d) => d.name)
        .join(', ')}).

Example (promote all ABH into the primary tier):
  svd whatif --base thames-valley-vru --proposal abh-promoted.yaml --where lsoa_district=Oxford`,
    )
    .action(async (options: WhatIfOptions) => {
      const { parseWhatIfBy, whatIf } = await import('../../analyses/whatIf/whatIf.js');
      const { resolveDefinition } = await import('../../definitions/resolveDefinition.js');
      const { compileDefinition } = await import('../../definitions/compileDefinition.js');
      const { refreshDerivedData } = await import('../../app/deriveData.js');
      const ctx = commandContext(io, options);
      const by = parseWhatIfBy(options.by);
      const where = parseWhere(options.where ?? [], WHATIF_DIMENSIONS);
      const limit = Number(options.limit);
      const result = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
        const base = await resolveDefinition(options.base, { ws, cwd: io.cwd });
        const proposal = await resolveDefinition(options.proposal, { ws, cwd: io.cwd });
        for (const w of [...base.warnings, ...proposal.warnings]) ctx.reporter.warn(w.message);
        for (const n of [...base.notes, ...proposal.notes]) ctx.reporter.info(n);
        // Area breakdowns read the records' placement: place any record not yet placed.
        if (usesAreas([...by, ...where.map((w) => w.dimension)]))
          await refreshDerivedData(ws, { reporter: ctx.reporter });
        return whatIf(
          ws,
          compileDefinition(base.definition),
          compileDefinition(proposal.definition),
          {
            by,
            where,
          },
        );
      });
      if (ctx.json) ctx.printJson(result);
      else ctx.print(renderWhatIf(result, Number.isInteger(limit) && limit > 0 ? limit : 20));
    });
}
