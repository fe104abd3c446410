import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { formatProblem } from '../../core/errors.js';
import { shortHash } from '../../definitions/definitionLabel.js';
import { MEASURE_PRESETS } from '../../strategy/presets.js';
import { readFileSync } from 'node:fs';
import { SvdError, errorMessage } from '../../core/errors.js';
import { commandClock } from '../clock.js';
import { audited } from '../../app/audited.js';
import { fileName } from '../../app/auditEntries.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { yamlLimitsHelp } from '../yamlLimitsHelp.js';
import type { StrategyTree } from '../../api/strategy.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';

export function renderTree(tree: StrategyTree): string {
  const lines = [
    `${tree.title}${tree.partnership === null ? '' : ` — ${tree.partnership}`}`,
    `${tree.period.from} to ${tree.period.to}; reviewed every ${tree.reviewMonths} months`,
  ];
  if (tree.illustrative) lines.push("ILLUSTRATIVE EXAMPLE: not a partnership's real strategy");
  lines.push('', `Vision: ${tree.vision}`);
  tree.priorities.forEach((p, i) => {
    lines.push('', `${i + 1}. ${p.title} [${p.id}]`);
    for (const o of p.objectives) lines.push(`   objective ${o.id}: ${o.title}`);
    for (const a of p.actions)
      lines.push(
        `   action ${a.id}: ${a.title}`,
        `     lead ${a.leadName} (${a.leadKind}${a.s8_5 ? ', s8(5)' : ''})${a.owner === null ? '' : `; owner ${a.owner}`}; ${a.status}${a.rag === null ? '' : `, ${a.rag}`}${a.due === null ? '' : `; due ${a.due}`}${a.overdue ? ` — OVERDUE by ${a.daysOverdue} days` : ''}`,
      );
    for (const m of p.measures)
      lines.push(
        `   measure ${m.id}: ${m.title} (${m.metric}, ${m.period}${m.preset === null ? '' : `; preset ${m.preset}`})`,
      );
  });
  return lines.join('\n');
}

export function strategyCommand(io: CliIo): Command {
  const command = new Command('strategy').description(
    "the partnership's strategy: priorities, objectives, actions and measures, kept as a YAML file",
  );
  command
    .command('import <file>')
    .description(
      'check a strategy file and store it in the workspace (a new revision when it changed)',
    )
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the import report as JSON')
    .option('--quiet', 'no announcements')
    .action(async (file: string, options: CommonOptions) => {
      const { importStrategy } = await import('../../strategy/importStrategy.js');
      const ctx = commandContext(io, options);
      const report = await withCommandWorkspace(ctx, { create: true }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'strategy-import',
            attempt: { target: 'strategy', detail: { file: fileName(file) } },
          },
          () => importStrategy(ws, file, { cwd: io.cwd, clock: commandClock(undefined, io.env) }),
          (r) => ({
            target: r.id,
            unchanged: !r.changed,
            detail: {
              file: fileName(file),
              strategy: r.id,
              revision: r.revision,
              sha256: r.contentHash,
              changed: r.changed,
            },
          }),
        ),
      );
      for (const w of report.warnings)
        ctx.reporter.warn(
          formatProblem({
            file,
            ...(w.line === undefined ? {} : { line: w.line }),
            message: w.message,
          }),
        );
      if (report.illustrative)
        ctx.reporter.warn(
          `${report.id} is marked illustrative: an example, not a partnership's real strategy`,
        );
      if (ctx.json) return ctx.printJson(report);
      const c = report.counts;
      ctx.print(
        report.changed
          ? `stored ${report.id} as revision ${report.revision} (sha256 ${shortHash(report.contentHash)}): ${c.priorities} priorities, ${c.objectives} objectives, ${c.actions} actions, ${c.measures} measures`
          : `unchanged: ${report.id} is already the strategy held (revision ${report.revision}, sha256 ${shortHash(report.contentHash)})`,
      );
    });
  command
    .command('export')
    .description('write the strategy as it stands (with action changes made since) as YAML')
    .option('--out <file>', 'write to this file (default: standard output)')
    .option('--revision <n>', 'an earlier revision (svd strategy revisions)')
    .option('--db <path>', DB_HELP)
    .option('--quiet', 'no announcements')
    .action(async (options: CommonOptions & { out?: string; revision?: string }) => {
      const { strategyToYaml } = await import('../../strategy/writeStrategy.js');
      const { loadStrategy, requireStrategy } = await import('../../strategy/storeStrategy.js');
      const ctx = commandContext(io, options);
      const yaml = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
        if (options.revision !== undefined) {
          const s = await loadStrategy(ws, Number(options.revision));
          if (s === undefined || s.revision.revision !== Number(options.revision))
            throw new SvdError({
              kind: 'usage',
              code: 'UNKNOWN_REVISION',
              message: `no strategy revision ${options.revision}`,
              fix: 'see svd strategy revisions',
            });
          return strategyToYaml(s.file);
        }
        return strategyToYaml((await requireStrategy(ws)).file);
      });
      if (options.out === undefined) return ctx.print(yaml);
      const target = path.resolve(io.cwd, options.out);
      const temp = `${target}.tmp-${process.pid}`;
      writeFileSync(temp, yaml);
      renameSync(temp, target);
      ctx.reporter.info(`strategy written to ${options.out}`);
    });
  command
    .command('show')
    .description(
      'the strategy as a tree: priorities, objectives, actions (overdue marked), measures',
    )
    .option('--as-of <date>', "today's date for overdue actions (default: today, or $SVD_TODAY)")
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the tree as JSON')
    .option('--quiet', 'no announcements')
    .action(async (options: CommonOptions & { asOf?: string }) => {
      const { strategyTree } = await import('../../strategy/strategyTree.js');
      const { requireStrategy } = await import('../../strategy/storeStrategy.js');
      const ctx = commandContext(io, options);
      const clock = commandClock(options.asOf, io.env);
      const { tree, revision } = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
        const s = await requireStrategy(ws);
        return { tree: strategyTree(s.file, clock), revision: s.revision };
      });
      if (ctx.json) return ctx.printJson({ ...tree, revision });
      ctx.print(renderTree(tree));
      ctx.print(
        `\nrevision ${revision.revision} (${revision.reason}, ${revision.created_at}; sha256 ${shortHash(revision.content_hash)})`,
      );
    });
  command
    .command('revisions')
    .description('every revision of the strategy held: imports and action changes')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .option('--quiet', 'no announcements')
    .action(async (options: CommonOptions) => {
      const { strategyRevisions } = await import('../../strategy/storeStrategy.js');
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        strategyRevisions(ws),
      );
      if (ctx.json) return ctx.printJson(rows);
      ctx.print(
        formatTable(rows, [
          { header: 'revision', value: (r) => r.revision },
          { header: 'at', value: (r) => r.created_at },
          { header: 'sha256', value: (r) => shortHash(r.content_hash) },
          { header: 'from', value: (r) => r.origin },
          { header: 'reason', value: (r) => r.reason },
        ]),
      );
    });
  command
    .command('validate <file>')
    .description(
      'check a strategy file without storing it (against the workspace definitions when there is one)',
    )
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the problems as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText('after', yamlLimitsHelp)
    .action(async (file: string, options: CommonOptions) => {
      const { strategyContext } = await import('../../strategy/strategyContext.js');
      const { readStrategyText, strategyError } = await import('../../strategy/readStrategy.js');
      const ctx = commandContext(io, options);
      let text: string;
      try {
        text = readFileSync(path.resolve(io.cwd, file), 'utf8');
      } catch (error) {
        throw new SvdError({
          kind: 'usage',
          code: 'STRATEGY_NOT_FOUND',
          message: `cannot read the strategy file: ${errorMessage(error).split('\n')[0]}`,
          location: { file },
        });
      }
      const result = await withCommandWorkspace(
        ctx,
        { create: false, scratchIfMissing: true },
        async (ws) => readStrategyText(text, await strategyContext(ws), file),
      );
      if (ctx.json) ctx.printJson({ valid: result.strategy !== undefined, issues: result.issues });
      if (result.strategy === undefined) throw strategyError(file, result.issues);
      for (const w of result.issues)
        ctx.reporter.warn(
          formatProblem({
            file,
            ...(w.line === undefined ? {} : { line: w.line }),
            message: w.message,
          }),
        );
      if (!ctx.json)
        ctx.print(
          `${file}: valid (${result.strategy.file.id}, sha256 ${shortHash(result.strategy.contentHash)})`,
        );
    });
  command
    .command('presets')
    .description('the ready-made measures (the Home Office success measures)')
    .option('--json', 'print as JSON')
    .action((options: CommonOptions) => {
      const ctx = commandContext(io, options);
      if (ctx.json) return ctx.printJson(MEASURE_PRESETS);
      ctx.print(
        formatTable(MEASURE_PRESETS, [
          { header: 'preset', value: (p) => p.id },
          { header: 'definition / tier', value: (p) => `${p.fields.definition}: ${p.fields.tier}` },
          { header: 'title', value: (p) => p.title },
        ]),
      );
      ctx.print(
        '\nUse in a measure as `preset: ID`; fields the measure sets itself (area, period, baseline, target…) win.',
      );
    });
  command
    .command('schema')
    .description('print the JSON Schema of strategy files (for editors)')
    .action(async () => {
      const { strategyJsonSchema } = await import('../../strategy/schema.js');
      io.stdout.write(`${JSON.stringify(strategyJsonSchema(), null, 2)}\n`);
    });
  return command;
}
