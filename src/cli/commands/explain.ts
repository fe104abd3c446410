import { Command } from 'commander';
import type { Explanation } from '../../definitions/explainRecord.js';
import type { StoredRecord } from '../../definitions/explainStoredRecord.js';
import { RECORD_FIELDS } from '../../definitions/incidentRecord.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import { definitionHeader } from '../definitionText.js';
import type { CliIo } from '../io.js';

interface ExplainOptions extends CommonOptions {
  definition: string;
}

export function renderExplanation(
  record: StoredRecord,
  explanation: Explanation,
  stored: { tier: string | null; status: string } | undefined,
): string {
  const c = explanation.classification;
  const lines: string[] = [];
  const facts = RECORD_FIELDS.filter((f) => record[f] !== null && record[f] !== undefined).map(
    (f) => `${f}=${String(record[f])}`,
  );
  lines.push(
    `record ${record.id} (${record.source}, ${record.force}, ${record.month.slice(0, 7)})`,
  );
  lines.push(
    `  ${facts.length === 0 ? 'no field that a definition reads is recorded' : facts.join(' · ')}`,
  );
  const place =
    c.status === 'tier'
      ? `tier ${c.tier}${c.tiers.length > 1 ? ` (also in ${c.tiers.slice(1).join(', ')})` : ''}`
      : c.status === 'excluded'
        ? `excluded by ${c.excludedBy.join(', ')}`
        : c.status === 'no-data'
          ? 'no-data: it carries none of the fields this definition reads'
          : 'none: in no tier';
  lines.push(`result: ${place}`);
  if (stored !== undefined) {
    const same = (stored.tier ?? stored.status) === (c.tier ?? c.status);
    lines.push(
      same
        ? '  (the same as the stored classification)'
        : `  the stored classification says ${stored.tier ?? stored.status}: the record changed since; run svd classify again`,
    );
  } else lines.push('  (not classified under this version in the workspace yet)');
  const section = (title: string, rules: Explanation['rules']): void => {
    if (rules.length === 0) return;
    lines.push('', title);
    for (const r of rules) {
      lines.push(`  ${r.kind === 'exclusion' ? 'exclusion' : r.tier}/${r.rule} — ${r.label}`);
      if (r.matched && r.decidedBy.length > 0)
        lines.push(`    decided by: ${r.decidedBy.join(' and ')}`);
      for (const check of r.checks)
        lines.push(`    ${check.holds ? '✓' : '✗'} needs ${check.needs}; ${check.has}`);
    }
  };
  section(
    'Matched:',
    explanation.rules.filter((r) => r.matched),
  );
  section(
    'Nearly matched (one condition short):',
    explanation.rules.filter((r) => r.nearly),
  );
  return lines.join('\n');
}

export function explainCommand(io: CliIo): Command {
  return new Command('explain')
    .description('why a record is in its tier: rules matched, rules nearly matched and why not')
    .argument('<record-id>', 'the record id (the id column of incidents; see svd counts --by …)')
    .requiredOption('--definition <ID[@VERSION]|FILE>', 'the definition to explain against')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the explanation as JSON')
    .addHelpText(
      'after',
      `
A rule "nearly matched" when it did not match, one of its conditions would have to change for it
to match, and at least one of its other conditions already holds. Example:
  svd explain 1234 --definition thames-valley-vru`,
    )
    .action(async (recordId: string, options: ExplainOptions) => {
      const { explainStoredRecord, parseRecordId } =
        await import('../../definitions/explainStoredRecord.js');
      const ctx = commandContext(io, options);
      const id = parseRecordId(recordId);
      const result = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        explainStoredRecord(ws, id, options.definition, io.cwd),
      );
      for (const n of result.notes) ctx.reporter.info(n);
      const meta = result.definition;
      if (ctx.json) {
        const { notes: _notes, warnings: _warnings, ...shown } = result;
        ctx.printJson(shown);
        return;
      }
      for (const line of definitionHeader(meta)) ctx.print(line);
      ctx.print(renderExplanation(result.record, result, result.stored ?? undefined));
    });
}
