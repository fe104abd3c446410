import { Command } from 'commander';
import { SvdError, usageError } from '../../core/errors.js';
import { readAudit, verifyAudit, type AuditEntry } from '../../store/auditLog.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';
const DEFAULT_LIMIT = 100;

interface AuditOptions extends CommonOptions {
  action?: string;
  since?: string;
  until?: string;
  limit?: string;
}

function actorText(e: AuditEntry): string {
  const a = e.actor;
  if (a.kind === 'user') return `${a.userId ?? '?'} (${a.organisation ?? '?'}, ${a.role ?? '?'})`;
  return a.name ?? a.kind;
}

function summary(e: AuditEntry): string {
  const d = e.detail;
  if (e.action === 'read') {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries((d['query'] ?? {}) as Record<string, unknown>))
      for (const one of [v].flat()) query.append(k, String(one));
    const q = query.toString();
    return `${String(d['status'] ?? '')}${q === '' ? '' : ` ?${q}`}`;
  }
  const error = d['error'] as { code?: string } | undefined;
  if (error !== undefined) return `refused: ${error.code ?? '?'}`;
  const files = d['files'] as { file: string; batch: number | null; status: string }[] | undefined;
  if (files !== undefined)
    return files.map((f) => `${f.file} → batch ${f.batch ?? '—'} (${f.status})`).join('; ');
  if (typeof d['file'] === 'string' || d['file'] === null)
    return `${(d['file'] as string | null) ?? 'standard output'}${typeof d['audience'] === 'string' ? `, ${d['audience']}` : ''}`;
  return '';
}

export function auditCommand(io: CliIo): Command {
  const audit = new Command('audit')
    .description('who did what to the workspace: the append-only, hash-chained audit log')
    .option('--action <name>', 'only this action (and its refusals), e.g. ingest, classify, read')
    .option('--since <date|time>', 'only entries from this date or UTC time (inclusive)')
    .option('--until <date|time>', 'only entries up to this date (the whole day) or UTC time')
    .option('--limit <n>', `at most this many entries, newest first (default ${DEFAULT_LIMIT})`)
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the entries as JSON')
    .addHelpText(
      'after',
      `
Every change is recorded: ingests (file, sha256, batch, rows stored and rejected, status) and
their refusals (action ingest-refused, with the error's code), batch restores, classification
runs, uploads through the dashboard, boundary and population loads, strategy imports, action
updates, reviews started and closed, reports written (file name, audience, area, period), and
every answer of the dashboard's data endpoints (route, query parameters, status, records).
The actor is the local user on the command line, local-dashboard for a server without sign-in,
and the signed-in user (email, organisation, role) with it.

Changes go in the workspace itself (table audit_log); what is done while the workspace is held
read-only (the dashboard's reads, reports) goes in <workspace>.audit.jsonl beside it. Each entry
carries the sha256 of the previous one: \`svd audit verify\` recomputes both chains and names the
first entry edited, removed or reordered. Nothing is ever updated or deleted by svd.
Examples:
  svd audit --action ingest --since 2025-04-01
  svd audit verify`,
    )
    .action(async (options: AuditOptions) => {
      const ctx = commandContext(io, options);
      let limit = DEFAULT_LIMIT;
      if (options.limit !== undefined) {
        if (!/^[1-9]\d*$/.test(options.limit))
          throw usageError(
            'BAD_LIMIT',
            `--limit ${options.limit} is not a positive whole number`,
            'give e.g. --limit 20',
          );
        limit = Number(options.limit);
      }
      const entries = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        readAudit(ws, {
          limit,
          ...(options.action === undefined ? {} : { action: options.action }),
          ...(options.since === undefined ? {} : { since: options.since }),
          ...(options.until === undefined ? {} : { until: options.until }),
        }),
      );
      if (ctx.json) {
        ctx.printJson(entries);
        return;
      }
      if (entries.length === 0) {
        ctx.print('no entries');
        return;
      }
      ctx.print(
        formatTable(entries, [
          { header: 'at (UTC)', value: (e) => e.at.replace('T', ' ').slice(0, 19) },
          { header: 'log', value: (e) => `${e.log === 'workspace' ? 'ws' : 'file'}#${e.seq}` },
          { header: 'actor', value: actorText },
          { header: 'action', value: (e) => e.action },
          { header: 'target', value: (e) => e.target },
          { header: 'records', value: (e) => e.records, align: 'right' },
          { header: 'detail', value: summary },
        ]),
      );
    });
  audit
    .command('verify')
    .description('recompute the hash chains; exit 4 naming the first entry that does not match')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Exit 0 with "N entries, chain intact", or exit 4 naming the first entry edited after it was
written, a gap in the sequence (an entry removed), or an entry out of order. An entry removed
from the end of a log leaves no trace in the chain: compare the count with one noted earlier.`,
    )
    .action(async (own: CommonOptions) => {
      const options = { ...(audit.opts() as CommonOptions), ...own };
      const ctx = commandContext(io, options);
      const result = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        verifyAudit(ws),
      );
      if (result.broken !== undefined) {
        const b = result.broken;
        throw new SvdError({
          kind: 'workspace',
          code: 'AUDIT_CHAIN_BROKEN',
          message: `the audit log is not intact: ${b.log === 'workspace' ? 'in the workspace' : 'in the file beside it'}, ${b.message}`,
          location: { file: b.file, ...(b.line === undefined ? {} : { line: b.line }) },
          fix: 'keep the workspace and the log as they are, as evidence, and tell the data-protection officer; svd cannot repair a broken chain',
        });
      }
      if (ctx.json) ctx.printJson({ intact: true, ...result });
      else
        ctx.print(
          `${result.entries} entries, chain intact (${result.logs
            .map((l) => `${l.log === 'workspace' ? 'workspace' : 'file beside it'}: ${l.entries}`)
            .join(', ')})`,
        );
    });
  return audit;
}
