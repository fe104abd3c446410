import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { SvdError, type Problem } from '../../core/errors.js';
import { definitionLabel, shortHash } from '../../definitions/definitionLabel.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { resolveDbPath } from '../../store/resolveDbPath.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { yamlLimitsHelp } from '../yamlLimitsHelp.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';

/** Opens the workspace when it exists (for stored versions); otherwise works without one. */
async function withOptionalWorkspace<T>(
  io: CliIo,
  options: CommonOptions,
  fn: (ws: Workspace | undefined) => Promise<T>,
): Promise<T> {
  const ctx = commandContext(io, options);
  const where = resolveDbPath(options.db, io.env, io.cwd);
  if (!existsSync(where.path) && where.source !== 'option') return fn(undefined);
  return withCommandWorkspace(ctx, { create: false }, (ws) => fn(ws));
}

export function definitionsCommand(io: CliIo): Command {
  const definitions = new Command('definitions').description(
    'the definitions of serious violence: list, show, validate and compare them',
  );

  definitions
    .command('list')
    .description('shipped definitions, and the versions stored in the workspace (if there is one)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .action(async (options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const { listShippedDefinitions, listStoredDefinitions } =
        await import('../../app/listDefinitions.js');
      const shipped = listShippedDefinitions();
      const workspace = await withOptionalWorkspace(io, options, async (ws) =>
        ws === undefined ? undefined : listStoredDefinitions(ws),
      );
      if (ctx.json) {
        ctx.printJson({ shipped, workspace: workspace ?? null });
        return;
      }
      ctx.print('Shipped with svd:');
      ctx.print(
        formatTable(shipped, [
          { header: 'id', value: (d) => d.id },
          { header: 'version', value: (d) => d.version, align: 'right' },
          { header: 'coverage', value: (d) => d.coverage },
          { header: 'sha256', value: (d) => shortHash(d.content_hash) },
          { header: 'title', value: (d) => d.title },
        ]),
      );
      if (workspace === undefined) {
        ctx.print(
          '\n(no workspace here, so no stored versions: pass --db or set SVD_DB to see them)',
        );
        return;
      }
      if (workspace.length === 0) {
        ctx.print(
          '\nNo definition stored in this workspace yet (svd classify --definition ID stores one).',
        );
        return;
      }
      ctx.print(
        '\nStored in this workspace (the newest version of an id is the one used by default):',
      );
      ctx.print(
        formatTable(workspace, [
          { header: 'id', value: (d) => d.definition_id },
          { header: 'version', value: (d) => d.version, align: 'right' },
          { header: 'coverage', value: (d) => d.coverage },
          { header: 'sha256', value: (d) => shortHash(d.content_hash) },
          { header: 'stored', value: (d) => d.stored_at },
          { header: 'from', value: (d) => d.origin },
          { header: 'classified', value: (d) => d.classified_at ?? 'not yet' },
          { header: 'records', value: (d) => d.records_classified ?? '', align: 'right' },
        ]),
      );
      for (const s of shipped) {
        if (
          workspace.some((w) => w.definition_id === s.id) &&
          !workspace.some((w) => w.definition_id === s.id && w.content_hash === s.content_hash)
        )
          ctx.print(
            `note: the shipped ${s.id}@${s.version} differs from every stored version; name it as ${s.id}@${s.version} to use it`,
          );
      }
    });

  definitions
    .command('show')
    .description(
      'a definition in plain words: tiers, rules, exclusions and the offence codes it names',
    )
    .argument('<definition>', 'ID, ID@VERSION or a definition file')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the definition (validated, defaults filled) and its hash as JSON')
    .action(async (spec: string, options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const { resolveDefinition } = await import('../../definitions/resolveDefinition.js');
      const { definitionMeta } = await import('../../definitions/classificationRuns.js');
      const { renderDefinition } = await import('../definitionsOutput.js');
      const resolved = await withOptionalWorkspace(io, options, (ws) =>
        resolveDefinition(spec, { ...(ws === undefined ? {} : { ws }), cwd: io.cwd }),
      );
      for (const w of resolved.warnings) ctx.reporter.warn(w.message);
      for (const n of resolved.notes) ctx.reporter.info(n);
      if (ctx.json) {
        ctx.printJson({
          ...definitionMeta(resolved.definition),
          source: resolved.source,
          definition: resolved.definition.file,
        });
        return;
      }
      ctx.print(renderDefinition(resolved));
    });

  definitions
    .command('validate')
    .description('check definition files: every problem with its place in the file and the fix')
    .argument('<files...>', 'definition files (YAML or JSON)')
    .option('--json', "print each file's result as JSON")
    .option('--quiet', 'print nothing when the files are valid')
    .addHelpText('after', yamlLimitsHelp)
    .action(async (files: string[], options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const { readDefinitionText } = await import('../../definitions/readDefinition.js');
      const { definitionMeta } = await import('../../definitions/classificationRuns.js');
      const { renderIssues } = await import('../definitionsOutput.js');
      const results = files.map((file) => {
        let text: string;
        try {
          text = readFileSync(path.resolve(io.cwd, file), 'utf8');
        } catch {
          throw new SvdError({
            kind: 'usage',
            code: 'DEFINITION_NOT_FOUND',
            message: 'cannot read the definition file',
            location: { file },
            fix: 'check the path',
          });
        }
        return { file, result: readDefinitionText(text, file) };
      });
      const problems: Problem[] = results.flatMap(({ file, result }) =>
        result.issues
          .filter((i) => i.severity === 'error')
          .map((i) => ({
            file,
            ...(i.line === undefined ? {} : { line: i.line }),
            ...(i.value === undefined ? {} : { value: i.value }),
            message: i.message,
          })),
      );
      for (const { file, result } of results)
        for (const line of renderIssues(
          file,
          result.issues.filter((i) => i.severity === 'warning'),
        ))
          ctx.reporter.warn(line.replace(/^warning: /, ''));
      if (problems.length > 0) {
        const bad = results.filter((r) => r.result.definition === undefined).length;
        throw new SvdError({
          kind: 'input',
          code: 'DEFINITION_INVALID',
          message: `${bad} of ${results.length} definition file${results.length === 1 ? '' : 's'} ${bad === 1 ? 'is' : 'are'} not valid (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
          problems,
          fix: 'correct each place named; the message says what is expected',
        });
      }
      if (ctx.json) {
        ctx.printJson(
          results.map(({ file, result }) => ({
            file,
            valid: true,
            ...definitionMeta(result.definition!),
            tiers: result.definition!.file.tiers.length,
            rules: result.definition!.file.tiers.reduce((s, t) => s + t.rules.length, 0),
            exclusions: result.definition!.file.exclusions?.length ?? 0,
            warnings: result.issues,
          })),
        );
        return;
      }
      if (options.quiet === true) return;
      for (const { file, result } of results) {
        const d = result.definition!;
        const rules = d.file.tiers.reduce((s, t) => s + t.rules.length, 0);
        ctx.print(
          `ok ${file}: ${definitionLabel(d)} (sha256 ${shortHash(d.contentHash)}), ${d.file.tiers.length} tier${d.file.tiers.length === 1 ? '' : 's'}, ${rules} rule${rules === 1 ? '' : 's'}, ${d.file.exclusions?.length ?? 0} exclusion${d.file.exclusions?.length === 1 ? '' : 's'}`,
        );
      }
    });

  definitions
    .command('diff')
    .description('what changed between two definitions (ids, ID@VERSION or files)')
    .argument('<a>', 'the earlier definition')
    .argument('<b>', 'the later definition')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the differences as JSON')
    .action(async (a: string, b: string, options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const { resolveDefinition } = await import('../../definitions/resolveDefinition.js');
      const { diffDefinitions } = await import('../../definitions/diffDefinitions.js');
      const { renderDiff } = await import('../definitionsOutput.js');
      const [ra, rb] = await withOptionalWorkspace(io, options, async (ws) => {
        const opts = { ...(ws === undefined ? {} : { ws }), cwd: io.cwd };
        return [await resolveDefinition(a, opts), await resolveDefinition(b, opts)] as const;
      });
      const diff = diffDefinitions(ra.definition, rb.definition);
      if (ctx.json) ctx.printJson(diff);
      else ctx.print(renderDiff(diff));
    });

  definitions
    .command('codes')
    .description('the Home Office offence code reference table shipped with svd')
    .option('--search <text>', 'only codes whose code, name, group or subgroup contains this')
    .option('--json', 'print as JSON')
    .action(async (options: CommonOptions & { search?: string }) => {
      const ctx = commandContext(io, options);
      const { offenceCodes } = await import('../../core/offenceCodes.js');
      const needle = options.search?.toLowerCase();
      const rows = offenceCodes().codes.filter(
        (c) =>
          needle === undefined ||
          [c.code, c.name, c.group, c.subgroup].some((v) => v.toLowerCase().includes(needle)),
      );
      if (ctx.json) {
        ctx.printJson(rows);
        return;
      }
      ctx.print(
        formatTable(rows, [
          { header: 'code', value: (c) => c.code },
          { header: 'name', value: (c) => c.name },
          { header: 'group', value: (c) => c.group },
          { header: 'subgroup', value: (c) => c.subgroup },
          { header: 'from', value: (c) => c.inForceFrom ?? '' },
          { header: 'to', value: (c) => c.inForceTo ?? '' },
          { header: 'certainty', value: (c) => c.certainty },
        ]),
      );
      ctx.print(
        `${rows.length} code${rows.length === 1 ? '' : 's'}; uncertain entries are explained in reference/README.md`,
      );
    });

  definitions
    .command('schema')
    .description('print the JSON Schema of definition files (for editors)')
    .action(async () => {
      const { definitionJsonSchema } = await import('../../definitions/schema.js');
      io.stdout.write(`${JSON.stringify(definitionJsonSchema(), null, 2)}\n`);
    });

  return definitions;
}
