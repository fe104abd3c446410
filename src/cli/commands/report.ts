import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { parseAudience, type DisclosureOptions } from '../../disclosure/index.js';
import type { DocumentOptions } from '../../reports/sna/documentControl.js';
import { resolveDbPath } from '../../store/resolveDbPath.js';
import { commandClock } from '../clock.js';
import {
  commandContext,
  withCommandWorkspace,
  type CommandContext,
  type CommonOptions,
} from '../context.js';
import type { CliIo } from '../io.js';

interface ReportOptions extends CommonOptions {
  format?: string;
  out?: string;
  audience?: string;
  minimum?: string;
  round?: string;
  asOf?: string;
}

const FORMATS = ['html', 'pdf', 'csv'] as const;

function disclosureOptions(ctx: CommandContext, options: ReportOptions): DisclosureOptions {
  let audience = options.audience;
  if (audience === undefined) {
    audience = 'public';
    ctx.reporter.info(
      'audience: public — small numbers are withheld (--audience partner or analyst to change)',
    );
  }
  const num = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw usageError('BAD_NUMBER', `${name} ${v} is not a whole number`);
    return Number(v);
  };
  const minimum = num('--minimum', options.minimum);
  const rounding = num('--round', options.round);
  return {
    audience: parseAudience(audience),
    ...(minimum === undefined ? {} : { minimum }),
    ...(rounding === undefined ? {} : { rounding }),
  };
}

function outputFormat(options: ReportOptions, allowed: readonly string[]): string {
  const format =
    options.format ??
    (options.out === undefined
      ? 'html'
      : path.extname(options.out).slice(1).toLowerCase() || 'html');
  if (!allowed.includes(format))
    throw usageError('BAD_FORMAT', `invalid format: ${format}`, `use one of ${allowed.join(', ')}`);
  return format;
}

async function write(
  ctx: CommandContext,
  io: CliIo,
  options: ReportOptions,
  format: string,
  text: string,
  name: string,
  relayout?: (pages: Map<string, number>) => string | undefined,
  marking?: string | null,
): Promise<string | null> {
  if (format === 'pdf') {
    const { printPdf } = await import('../../reports/printPdf.js');
    const out = path.resolve(io.cwd, options.out ?? `${name}.pdf`);
    const { bytes } = await printPdf(text, out, {
      ...(relayout === undefined ? {} : { relayout }),
      ...(marking === undefined ? {} : { marking }),
    });
    ctx.reporter.info(
      `PDF written to ${path.relative(io.cwd, out) || out} (${bytes.toLocaleString('en-GB')} bytes)`,
    );
    if (ctx.json) ctx.printJson({ file: out, format, bytes });
    return out;
  }
  if (options.out === undefined) {
    io.stdout.write(text);
    return null;
  }
  const out = path.resolve(io.cwd, options.out);
  const temp = `${out}.tmp-${process.pid}`;
  writeFileSync(temp, text);
  renameSync(temp, out);
  ctx.reporter.info(`${format.toUpperCase()} written to ${options.out}`);
  if (ctx.json) ctx.printJson({ file: out, format, bytes: Buffer.byteLength(text) });
  return out;
}

/**
 * Records the report in the audit log beside the workspace (reports hold the workspace
 * read-only, so they run beside svd serve): its file name, format, audience, and what it covers.
 */
async function recordReport(
  ctx: CommandContext,
  io: CliIo,
  options: ReportOptions,
  kind: string,
  written: string | null,
  format: string,
  covers: Record<string, unknown>,
): Promise<void> {
  const { recordReportWritten } = await import('../../app/auditEntries.js');
  const workspace = resolveDbPath(options.db, io.env, io.cwd).path;
  recordReportWritten(workspace, ctx.actor, {
    kind,
    file: written === null ? null : path.basename(written),
    format,
    ...covers,
  });
}

const common = (c: Command): Command =>
  c
    .option(
      '--format <format>',
      'html, pdf (printed by Chromium) or csv (default: from --out, else html)',
    )
    .option('--out <file>', 'write here (default: standard output; PDF: <name>.pdf)')
    .option(
      '--audience <who>',
      'public (default), partner or analyst: what small numbers are withheld',
    )
    .option(
      '--minimum <n>',
      'public: the smallest count published for data other than health (default 5)',
    )
    .option('--round <n>', 'public: round counts to a multiple of this')
    .option('--db <path>', 'workspace file (default: $SVD_DB, else ./svd.duckdb)')
    .option('--json', 'print where the report was written as JSON')
    .option('--quiet', 'no announcements');

export function reportCommand(io: CliIo): Command {
  const command = new Command('report').description(
    'reports on the strategy, in HTML, PDF or CSV, disclosure-controlled for their audience',
  );
  common(
    command
      .command('review')
      .description(
        'the report of a review: frozen measures, actions, commentary, consultation, provenance',
      )
      .option('--review <id>', 'the review (default: the open one, as a draft)'),
  ).action(async (options: ReportOptions & { review?: string }) => {
    const ctx = commandContext(io, options);
    const format = outputFormat(options, FORMATS);
    const disclosure = disclosureOptions(ctx, options);
    const clock = commandClock(options.asOf, io.env);
    // The reports and what they read are imported when one is written, not to define the command.
    const { parseReviewId } = await import('./review.js');
    const { resolveReview } = await import('../../strategy/reviews.js');
    const { buildReviewReport, renderReviewCsv, renderReviewHtml } =
      await import('../../reports/reviewReport.js');
    const report = await withCommandWorkspace(
      ctx,
      { create: false, readOnly: true },
      async (ws) => {
        const review = await resolveReview(ws, parseReviewId(options.review), ctx.reporter);
        return buildReviewReport(ws, review.review_id, {
          disclosure,
          clock,
          reporter: ctx.reporter,
          cwd: io.cwd,
        });
      },
    );
    const text = format === 'csv' ? renderReviewCsv(report) : renderReviewHtml(report);
    const written = await write(
      ctx,
      io,
      options,
      format,
      text,
      `review-${report.detail.review.review_id}`,
    );
    await recordReport(ctx, io, options, 'review', written, format, {
      audience: disclosure.audience,
      review: report.detail.review.review_id,
    });
  });
  common(
    command
      .command('annual')
      .description(
        'the annual report: measures over the financial year, progress on actions, reviews held',
      )
      .option(
        '--year <YYYY/YY>',
        'financial year, e.g. 2023/24 (default: the latest ended by the data)',
      )
      .option('--as-of <date>', "today's date (default: today, or $SVD_TODAY)"),
  ).action(async (options: ReportOptions & { year?: string }) => {
    const ctx = commandContext(io, options);
    const format = outputFormat(options, ['html', 'pdf']);
    const disclosure = disclosureOptions(ctx, options);
    const clock = commandClock(options.asOf, io.env);
    const { buildAnnualReport, renderAnnualHtml } = await import('../../reports/annualReport.js');
    const report = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
      buildAnnualReport(ws, {
        ...(options.year === undefined ? {} : { year: options.year }),
        disclosure,
        clock,
        reporter: ctx.reporter,
        cwd: io.cwd,
      }),
    );
    const written = await write(
      ctx,
      io,
      options,
      format,
      renderAnnualHtml(report),
      `annual-report-${report.year.replace('/', '-')}`,
    );
    await recordReport(ctx, io, options, 'annual', written, format, {
      audience: disclosure.audience,
      period: report.year,
    });
  });
  common(
    command
      .command('sna')
      .description(
        'the Strategic Needs Assessment: volumes, rates, trends, where, when, who, domestic, knife, drugs, deprivation, police beside health, method and provenance',
      )
      .requiredOption(
        '--area <ID>',
        'the area: a partnership, district or force code or name, or LEVEL=CODE (e.g. csp=safer-oxfordshire)',
      )
      .option('--period <FROM..TO>', 'months, e.g. 2023-04..2024-03 (default: every month held)')
      .option(
        '--definition <ID[@VERSION]>',
        'the classified definition (default: the only one classified)',
      )
      .option('--commentary <file.md>', 'analysts\' commentary: a "## ID" heading per section')
      .option('--as-of <date>', 'the generation time recorded (default: now, or $SVD_TODAY)')
      .option(
        '--author <name>',
        "who wrote the report (default: the workspace's partnership + ' analyst', announced)",
      )
      .option('--report-version <text>', 'the version of the report (default: "draft 0.1")')
      .option(
        '--approved-by <ROLE;NAME;DATE;DECISION>',
        'a row of the approval table (repeat for more; default: empty rows to fill in)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option(
        '--marking <marking>',
        'protective marking on every page: OFFICIAL, OFFICIAL-SENSITIVE or none (default: OFFICIAL-SENSITIVE for partner and analyst, none for public)',
      ),
  ).action(
    async (
      options: ReportOptions & {
        area: string;
        period?: string;
        definition?: string;
        commentary?: string;
        author?: string;
        reportVersion?: string;
        approvedBy?: string[];
        marking?: string;
      },
    ) => {
      const ctx = commandContext(io, options);
      const format = outputFormat(options, FORMATS);
      const disclosure = disclosureOptions(ctx, options);
      const clock = commandClock(options.asOf, io.env);
      const { parseApproval, parseMarking } = await import('../../reports/sna/documentControl.js');
      const { readCommentary } = await import('../../reports/sna/readCommentary.js');
      const { buildSnaReport } = await import('../../reports/sna/buildSnaReport.js');
      // Checked before the workspace is read, so that a wrong value costs nothing.
      if (options.marking !== undefined) parseMarking(options.marking);
      for (const a of options.approvedBy ?? []) parseApproval(a);
      const document: DocumentOptions = {
        ...(options.author === undefined ? {} : { author: options.author }),
        ...(options.reportVersion === undefined ? {} : { version: options.reportVersion }),
        ...(options.approvedBy === undefined ? {} : { approvedBy: options.approvedBy }),
        ...(options.marking === undefined ? {} : { marking: options.marking }),
      };
      const commentary =
        options.commentary === undefined
          ? undefined
          : readCommentary(path.resolve(io.cwd, options.commentary));
      const report = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        buildSnaReport(
          ws,
          {
            area: options.area,
            ...(options.period === undefined ? {} : { period: options.period }),
            ...(options.definition === undefined ? {} : { definition: options.definition }),
            disclosure,
            document,
            ...(commentary === undefined ? {} : { commentary }),
          },
          { cwd: io.cwd, reporter: ctx.reporter, clock },
        ),
      );
      const d = report.disclosed;
      const written = await write(
        ctx,
        io,
        options,
        format,
        format === 'csv' ? report.csv() : report.html,
        `sna-${d.area.code}-${d.period.from}-${d.period.to}-${d.audience}`,
        (pages) => report.withPages(pages),
        d.document.marking,
      );
      await recordReport(ctx, io, options, 'sna', written, format, {
        audience: d.audience,
        area: d.area.code,
        period: `${d.period.from}..${d.period.to}`,
      });
    },
  );
  return command;
}
