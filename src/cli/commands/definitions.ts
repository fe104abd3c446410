import { listShippedDefinitions, listStoredDefinitions } from '../../app/listDefinitions.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { SvdError, type Problem } from '../../core/errors.js';
import { definitionMeta } from '../../definitions/classificationRuns.js';
import { compileDefinition, forEachTest } from '../../definitions/compileDefinition.js';
import { describeRuleCondition } from '../../definitions/describeCondition.js';
import { diffDefinitions, type DefinitionDiff } from '../../definitions/diffDefinitions.js';
import { offenceCodes } from '../../core/offenceCodes.js';
import { offenceSubcodes } from '../../core/offenceSubcodes.js';
import { readDefinitionText } from '../../definitions/readDefinition.js';
import { type DefinitionIssue } from '../../definitions/definitionFile.js';
import {
  definitionLabel,
  resolveDefinition,
  shortHash,
  type ResolvedDefinition,
} from '../../definitions/resolveDefinition.js';
import { definitionJsonSchema } from '../../definitions/schema.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { resolveDbPath } from '../../store/resolveDbPath.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import { proxyNote } from '../definitionText.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';
import { YAML_LIMITS_HELP } from '../yamlLimitsHelp.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';

function wrap(text: string, width = 96, indent = ''): string[] {
  const words = text.trim().split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width - indent.length) {
      lines.push(indent + line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

export function renderDefinition(resolved: ResolvedDefinition): string {
  const d = resolved.definition;
  const f = d.file;
  const table = offenceCodes();
  const compiled = compileDefinition(d);
  const lines: string[] = [
    `${definitionLabel(d)} — ${f.title}`,
    `sha256 ${d.contentHash}`,
    `coverage ${f.coverage} · effective from ${f.effective_from} · from ${resolved.source === 'file' ? `file ${d.origin}` : resolved.source}`,
  ];
  const note = proxyNote(definitionMeta(d));
  if (note !== null) lines.push(note);
  if (f.description !== undefined) lines.push('', ...wrap(f.description));
  if (f.sources !== undefined)
    lines.push(
      '',
      'Sources:',
      ...f.sources.flatMap((s) =>
        wrap(s, 96, '  - ').map((l, i) => (i === 0 ? l : `    ${l.slice(4)}`)),
      ),
    );
  if (f.notes !== undefined) lines.push('', 'Notes:', ...wrap(f.notes, 96, '  '));
  lines.push('', 'Tiers, in order of precedence (a record takes the first tier it matches):');
  f.tiers.forEach((tier, t) => {
    lines.push(`  ${t + 1}. ${tier.id} — ${tier.label}`);
    for (const slot of compiled.slots.filter((s) => s.tierIndex === t)) {
      lines.push(`     ${slot.rule.id} — ${slot.rule.label}`);
      lines.push(...describeRuleCondition(slot.node, '         ', true));
    }
  });
  const exclusions = compiled.slots.filter((s) => s.kind === 'exclusion');
  if (exclusions.length > 0) {
    lines.push('', 'Exclusions (remove a record from every tier, whatever else it matches):');
    for (const slot of exclusions) {
      lines.push(`     ${slot.rule.id} — ${slot.rule.label}`);
      lines.push(...describeRuleCondition(slot.node, '         ', true));
    }
  }
  const codes = new Set<string>();
  for (const slot of compiled.slots)
    forEachTest(slot.node, (test) => {
      if (test.kind === 'in' && test.field === 'offence_code')
        test.values.forEach((c) => codes.add(c));
    });
  const rows = table.codes.filter((c) => codes.has(c.code));
  if (rows.length > 0) {
    lines.push('', 'Offence codes it names (Home Office reference table shipped with svd):');
    lines.push(
      formatTable(rows, [
        { header: '  code', value: (c) => `  ${c.code}` },
        { header: 'name', value: (c) => c.name },
        { header: 'subgroup', value: (c) => c.subgroup },
        {
          header: 'in force',
          value: (c) =>
            c.inForceFrom === null && c.inForceTo === null
              ? ''
              : `${c.inForceFrom ?? ''}…${c.inForceTo ?? ''}`,
        },
        { header: 'note', value: (c) => (c.certainty === 'uncertain' ? 'uncertain entry' : '') },
      ]),
    );
  }
  const subcodes = new Set<string>();
  for (const slot of compiled.slots)
    forEachTest(slot.node, (test) => {
      if (test.kind === 'in' && test.field === 'offence_subcode')
        test.values.forEach((c) => subcodes.add(c));
    });
  if (subcodes.size > 0) {
    const subTable = offenceSubcodes();
    lines.push('', 'Offence sub-codes it names (class/sub-classification):');
    lines.push(
      formatTable(
        [...subcodes],
        [
          { header: '  sub-code', value: (c) => `  ${c}` },
          {
            header: 'offence',
            value: (c) => subTable.bySubcode(c)?.name ?? '(not in the reference table)',
          },
          { header: 'class', value: (c) => subTable.bySubcode(c)?.class ?? '' },
          { header: 'statute', value: (c) => subTable.bySubcode(c)?.statute ?? '' },
          {
            header: 'note',
            value: (c) =>
              subTable.bySubcode(c)?.certainty === 'uncertain' ? 'uncertain entry' : '',
          },
        ],
      ),
    );
  }
  return lines.join('\n');
}

function renderIssues(file: string, issues: readonly DefinitionIssue[]): string[] {
  return issues.map(
    (i) => `${i.severity}: ${file}${i.line === undefined ? '' : `, line ${i.line}`}: ${i.message}`,
  );
}

export function renderDiff(diff: DefinitionDiff): string {
  const lines = [
    `${diff.a.id}@${diff.a.version} (sha256 ${shortHash(diff.a.content_hash)}) → ${diff.b.id}@${diff.b.version} (sha256 ${shortHash(diff.b.content_hash)})`,
  ];
  if (diff.same) {
    lines.push('same content (only the version number or layout differ)');
    return lines.join('\n');
  }
  for (const f of diff.fields)
    lines.push(`~ ${f.field}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`);
  for (const t of diff.tiers) {
    if (t.change === 'added') lines.push(`+ tier ${t.tier}: ${String(t.to)}`);
    else if (t.change === 'removed') lines.push(`- tier ${t.tier}`);
    else if (t.change === 'label')
      lines.push(`~ tier ${t.tier} label: ${JSON.stringify(t.from)} → ${JSON.stringify(t.to)}`);
    else
      lines.push(
        `~ tier order: ${(t.from as string[]).join(' > ')} → ${(t.to as string[]).join(' > ')}`,
      );
  }
  const place = (p: string | null): string => (p === 'exclusions' ? 'exclusions' : `tier ${p}`);
  for (const r of diff.rules) {
    switch (r.change) {
      case 'added':
        lines.push(
          `+ rule ${r.rule} in ${place(r.to)}: ${r.label}`,
          ...(r.after ?? []).map((l) => `    ${l}`),
        );
        break;
      case 'removed':
        lines.push(
          `- rule ${r.rule} from ${place(r.from)}`,
          ...(r.before ?? []).map((l) => `    ${l}`),
        );
        break;
      case 'moved':
        lines.push(`~ rule ${r.rule} moved from ${place(r.from)} to ${place(r.to)}`);
        break;
      case 'condition':
        lines.push(
          `~ rule ${r.rule} (${place(r.to)}) condition changed:`,
          ...(r.before ?? []).map((l) => `    - ${l}`),
          ...(r.after ?? []).map((l) => `    + ${l}`),
        );
        break;
      case 'label':
        lines.push(
          `~ rule ${r.rule} label: ${JSON.stringify(r.before?.[0])} → ${JSON.stringify(r.after?.[0])}`,
        );
        break;
      case 'notes':
        lines.push(`~ rule ${r.rule} notes changed`);
        break;
    }
  }
  return lines.join('\n');
}

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
    .addHelpText('after', YAML_LIMITS_HELP)
    .action((files: string[], options: CommonOptions) => {
      const ctx = commandContext(io, options);
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
    .action((options: CommonOptions & { search?: string }) => {
      const ctx = commandContext(io, options);
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
    .action(() => {
      io.stdout.write(`${JSON.stringify(definitionJsonSchema(), null, 2)}\n`);
    });

  return definitions;
}
