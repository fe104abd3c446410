/** `svd ingest force-extract | istv | home-office-csp`: partner data, each file one batch. */
import path from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import {
  EXPANSION_LIMITS_HELP,
  MAX_EXPANDED_BYTES_HELP,
  expansionLimits,
} from '../../core/expansionLimits.js';
import type { PartnerRunReport } from '../../sources/partner/partnerBatch.js';
import { resolveDbPath } from '../../store/resolveDbPath.js';
import type { AuditedOptions } from '../../app/audited.js';
import {
  commandContext,
  withCommandWorkspace,
  type CommandContext,
  type CommonOptions,
} from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

interface PartnerOptions extends CommonOptions {
  supplier?: string;
  mapping?: string;
  maxErrors?: string;
  dryRun?: boolean;
  sheet?: string;
  keyFile?: string;
  newKey?: boolean;
  aggregated?: boolean;
  maxExpandedBytes?: string;
}

function parseMaxErrors(value: string | undefined): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw usageError(
      'BAD_MAX_ERRORS',
      `--max-errors ${JSON.stringify(value)} is not a whole number`,
      'give the number of rows with errors to tolerate, e.g. --max-errors 10 (0, the default, refuses a file with any)',
    );
  }
  return n;
}

export function renderPartnerReport(report: PartnerRunReport): string {
  const lines: string[] = [];
  lines.push(
    formatTable(report.files, [
      { header: 'file', value: (f) => path.basename(f.file) },
      { header: 'read', value: (f) => f.rowsRead, align: 'right' },
      { header: 'stored', value: (f) => f.rowsStored, align: 'right' },
      { header: 'left out', value: (f) => f.rowsRejected, align: 'right' },
      { header: 'batch', value: (f) => f.batchId ?? f.existingBatchId ?? '', align: 'right' },
      {
        header: 'result',
        value: (f) =>
          (f.status === 'ingested'
            ? 'stored'
            : f.status === 'already-ingested'
              ? `already in batch ${f.existingBatchId ?? '?'}`
              : 'checked (dry run)') + (f.synthetic ? ' · SYNTHETIC' : ''),
      },
    ]),
  );
  for (const f of report.files) {
    for (const m of f.messages) {
      const where = `${path.basename(f.file)}${m.firstLine === undefined ? '' : `, line ${m.firstLine}`}${m.field === undefined ? '' : `, field "${m.field}"`}`;
      const example =
        m.severity !== 'error' && m.exampleValue !== undefined
          ? ` (e.g. ${JSON.stringify(m.exampleValue)})`
          : '';
      lines.push(
        `${m.severity === 'info' ? 'note' : m.severity}: ${where}: ${m.message}${example}`,
      );
    }
  }
  const stored = report.files.filter((f) => f.status === 'ingested').length;
  if (report.dryRun) lines.push(`dry run: ${report.files.length} file(s) checked, nothing stored`);
  else
    lines.push(
      `${stored} file(s) stored, ${report.rowsStored.toLocaleString('en-GB')} rows in ${report.seconds.toFixed(1)} s`,
    );
  if (report.files.some((f) => f.synthetic))
    lines.push('SYNTHETIC data: generated for tests and demonstrations, not real records');
  return lines.join('\n');
}

export const SUPPLIER_HELP =
  'the organisation that supplied the files (their controller; svd access org list): it reads them whole, others as their data-sharing agreements say';

const common = (command: Command): Command =>
  command
    .option(
      '--max-errors <n>',
      'rows with errors to leave out before the whole file is refused',
      '0',
    )
    .option('--dry-run', 'check everything, store nothing')
    .option('--supplier <org>', SUPPLIER_HELP)
    .option('--sheet <name>', 'the worksheet of an XLSX/ODS workbook (default: the first)')
    .option('--max-expanded-bytes <size>', MAX_EXPANDED_BYTES_HELP)
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print the report as JSON')
    .option('--quiet', 'no progress or announcements');

/** How a partner ingest is recorded in the audit log (a refusal: the files it was given). */
async function ingestAudit(
  ctx: CommandContext,
  kind: string,
  files: readonly string[],
): Promise<AuditedOptions> {
  const { ingestAttempt } = await import('../../app/auditEntries.js');
  return { actor: ctx.actor, action: 'ingest', attempt: ingestAttempt(kind, files) };
}

/**
 * The application's side of a partner ingest, imported when one runs: defining the commands and
 * printing their help load neither DuckDB nor the readers.
 */
async function partnerIngestSteps(): Promise<{
  audited: typeof import('../../app/audited.js').audited;
  suppliedBy: typeof import('../../app/supplier.js').suppliedBy;
  partnerIngestOutcome: typeof import('../../app/auditEntries.js').partnerIngestOutcome;
}> {
  const [{ audited }, { suppliedBy }, { partnerIngestOutcome }] = await Promise.all([
    import('../../app/audited.js'),
    import('../../app/supplier.js'),
    import('../../app/auditEntries.js'),
  ]);
  return { audited, suppliedBy, partnerIngestOutcome };
}

export function addPartnerIngestCommands(ingest: Command, io: CliIo): void {
  common(
    ingest
      .command('force-extract')
      .description("ingest a force's crime extract (CSV, XLSX or ODS) through a column mapping")
      .argument('<files...>', 'extract files')
      .requiredOption(
        '--mapping <name|file>',
        'a built-in mapping (see `svd mappings`) or a YAML file',
      )
      .option(
        '--key-file <path>',
        'pseudonymisation key (default: $SVD_KEY_FILE, else <workspace>.key)',
      )
      .option('--new-key', 'start a new pseudonymisation key although the workspace used another'),
  )
    .addHelpText(
      'after',
      `
Crime references and person identifiers are stored only as keyed hashes (HMAC-SHA256); the key
lives in a file beside the workspace (<workspace>.key), created on first use and never printed.
Columns the mapping does not name are not read. Rows with errors refuse the file unless
--max-errors allows them to be left out.

${EXPANSION_LIMITS_HELP}

Example:
  svd synth force-extract --from ../shared/data/police-uk/thames-valley/street --seed 1 --out extract.csv
  svd ingest force-extract extract.csv --mapping svd-synthetic`,
    )
    .action(async (files: string[], options: PartnerOptions) => {
      const ctx = commandContext(io, options);
      const maxErrors = parseMaxErrors(options.maxErrors);
      const limits = expansionLimits({ maxExpandedBytes: options.maxExpandedBytes }, io.env);
      const { audited, suppliedBy, partnerIngestOutcome } = await partnerIngestSteps();
      const { ingestForceExtract } =
        await import('../../sources/force-extract/ingestForceExtract.js');
      const { defaultKeyFile } = await import('../../sources/partner/pseudonymKey.js');
      const auditedAs = await ingestAudit(ctx, 'force-extract', files);
      const report = await withCommandWorkspace(
        ctx,
        { create: true, scratchIfMissing: options.dryRun === true },
        (ws) => {
          const given =
            options.keyFile ??
            (ws.path === ':memory:'
              ? undefined
              : defaultKeyFile(resolveDbPath(options.db, io.env, io.cwd).path, io.env));
          const keyFile = given === undefined ? undefined : path.resolve(io.cwd, given);
          return audited(
            ws,
            auditedAs,
            () =>
              suppliedBy(ws, options.supplier, ctx.reporter, () =>
                ingestForceExtract(
                  ws,
                  files.map((f) => path.resolve(io.cwd, f)),
                  {
                    mapping: options.mapping!,
                    maxErrors,
                    dryRun: options.dryRun === true,
                    expansionLimits: limits,
                    reporter: ctx.reporter,
                    cwd: io.cwd,
                    ...(keyFile === undefined ? {} : { keyFile }),
                    ...(options.newKey === true ? { newKey: true } : {}),
                    ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
                  },
                ),
              ),
            partnerIngestOutcome,
          );
        },
      );
      if (ctx.json) ctx.printJson(report);
      else if (options.quiet !== true) ctx.print(renderPartnerReport(report));
    });

  common(
    ingest
      .command('istv')
      .description('ingest A&E assault attendances (ISTV / Cardiff Model minimum data set)')
      .argument('<files...>', 'ISTV files (CSV, XLSX or ODS)')
      .option(
        '--mapping <name|file>',
        'column mapping (default: istv-minimum-data-set, or istv-counts with --aggregated)',
      )
      .option(
        '--aggregated',
        'the files hold counts (per month, site, method, location type), not records',
      ),
  )
    .addHelpText(
      'after',
      `
ISTV data holds no identity, age or sex. The free-text location and method descriptions are
stored as untrusted text: never interpreted, shown only as text.

${EXPANSION_LIMITS_HELP}

Example:
  svd synth istv --from ../shared/data/police-uk/thames-valley/street --seed 1 --out istv.csv
  svd ingest istv istv.csv`,
    )
    .action(async (files: string[], options: PartnerOptions) => {
      const ctx = commandContext(io, options);
      const maxErrors = parseMaxErrors(options.maxErrors);
      const limits = expansionLimits({ maxExpandedBytes: options.maxExpandedBytes }, io.env);
      const { audited, suppliedBy, partnerIngestOutcome } = await partnerIngestSteps();
      const { ingestIstv } = await import('../../sources/istv/ingestIstv.js');
      const auditedAs = await ingestAudit(ctx, 'istv', files);
      const report = await withCommandWorkspace(
        ctx,
        { create: true, scratchIfMissing: options.dryRun === true },
        (ws) =>
          audited(
            ws,
            auditedAs,
            () =>
              suppliedBy(ws, options.supplier, ctx.reporter, () =>
                ingestIstv(
                  ws,
                  files.map((f) => path.resolve(io.cwd, f)),
                  {
                    aggregated: options.aggregated === true,
                    maxErrors,
                    dryRun: options.dryRun === true,
                    expansionLimits: limits,
                    reporter: ctx.reporter,
                    cwd: io.cwd,
                    ...(options.mapping === undefined ? {} : { mapping: options.mapping }),
                    ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
                  },
                ),
              ),
            partnerIngestOutcome,
          ),
      );
      if (ctx.json) ctx.printJson(report);
      else if (options.quiet !== true) ctx.print(renderPartnerReport(report));
    });

  common(
    ingest
      .command('home-office-csp')
      .description(
        'ingest Home Office police recorded crime by Community Safety Partnership (CSV, XLSX, ODS)',
      )
      .argument('<files...>', 'the published tables'),
  )
    .addHelpText(
      'after',
      `
Columns: Financial Year, Financial Quarter, Force Name (or Police Force), CSP Name, Offence
Description, Offence Group, Offence Subgroup, Offence Code, and Offence Count or Number of
Offences. Financial years and quarters are kept as published (Q1 = April–June). "Unassigned"
rows and negative counts are kept and flagged. Workbooks are streamed, not loaded whole.

${EXPANSION_LIMITS_HELP}

Example:
  svd ingest home-office-csp prc-csp-tables.ods --sheet "Table 1"`,
    )
    .action(async (files: string[], options: PartnerOptions) => {
      const ctx = commandContext(io, options);
      const maxErrors = parseMaxErrors(options.maxErrors);
      const limits = expansionLimits({ maxExpandedBytes: options.maxExpandedBytes }, io.env);
      const { audited, suppliedBy, partnerIngestOutcome } = await partnerIngestSteps();
      const { ingestHomeOfficeCsp } =
        await import('../../sources/home-office/ingestHomeOfficeCsp.js');
      const auditedAs = await ingestAudit(ctx, 'home-office-csp', files);
      const report = await withCommandWorkspace(
        ctx,
        { create: true, scratchIfMissing: options.dryRun === true },
        (ws) =>
          audited(
            ws,
            auditedAs,
            () =>
              suppliedBy(ws, options.supplier, ctx.reporter, () =>
                ingestHomeOfficeCsp(
                  ws,
                  files.map((f) => path.resolve(io.cwd, f)),
                  {
                    maxErrors,
                    dryRun: options.dryRun === true,
                    expansionLimits: limits,
                    reporter: ctx.reporter,
                    ...(options.sheet === undefined ? {} : { sheet: options.sheet }),
                  },
                ),
              ),
            partnerIngestOutcome,
          ),
      );
      if (ctx.json) ctx.printJson(report);
      else if (options.quiet !== true) ctx.print(renderPartnerReport(report));
    });
}
