import { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { shortHash } from '../../definitions/definitionLabel.js';
import { formatInterval, formatMeasureValue, STATUS_LABELS } from '../../strategy/formatMeasure.js';
import type { ReviewDetail } from '../../strategy/reviews.js';
import { CONSULTEE_KINDS } from '../../strategy/consulteeKinds.js';
import { commandClock } from '../clock.js';
import { audited } from '../../app/audited.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';

export function parseReviewId(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw usageError(
      'BAD_REVIEW',
      `--review ${value} is not a review number`,
      'see svd review list',
    );
  return Number(value);
}

export function renderReview(d: ReviewDetail): string {
  const r = d.review;
  const lines = [
    `review ${r.review_id}: ${r.title}`,
    `${r.status}; started ${r.started_at}${r.closed_at === null ? '' : `; closed ${r.closed_at} (data to ${r.data_to}, strategy revision ${r.closed_revision})`}`,
  ];
  if (r.summary !== null) lines.push(`summary: ${r.summary}`);
  if (d.measures.length > 0) {
    lines.push('', 'Measures (frozen at closing):');
    lines.push(
      formatTable(d.measures, [
        { header: 'measure', value: (m) => m.id },
        { header: 'period', value: (m) => m.current?.period ?? null },
        {
          header: 'value',
          value: (m) => formatMeasureValue(m.metric, m.current?.value ?? null),
          align: 'right',
        },
        {
          header: '95% interval',
          value: (m) =>
            formatInterval(m.metric, m.current?.lower ?? null, m.current?.upper ?? null),
          align: 'right',
        },
        {
          header: 'baseline',
          value: (m) =>
            m.baseline === null ? null : formatMeasureValue(m.metric, m.baseline.value),
          align: 'right',
        },
        {
          header: 'status',
          value: (m) => STATUS_LABELS[m.assessment.status] ?? m.assessment.status,
        },
      ]),
    );
  } else if (r.status === 'open')
    lines.push(
      '',
      'Measures are frozen when the review is closed; see them now with svd measures.',
    );
  if (d.actionChanges.length > 0) {
    lines.push('', 'Action status changes:');
    for (const c of d.actionChanges)
      lines.push(
        `  ${c.changed_on} ${c.action_id}: ${c.from_status} → ${c.to_status}${c.to_rag !== c.from_rag ? ` (RAG ${c.from_rag ?? 'none'} → ${c.to_rag ?? 'none'})` : ''}${c.note === null ? '' : ` — ${c.note}`}`,
      );
  }
  if (d.commentary.length > 0) {
    lines.push('', 'Commentary:');
    for (const c of d.commentary)
      lines.push(
        `  [${c.target_kind}${c.target_id === null ? '' : ` ${c.target_id}`}] ${c.author === null ? '' : `${c.author}: `}${c.text}`,
      );
  }
  lines.push('', 'Consultation (s8(4)):');
  if (d.consultations.length === 0) lines.push('  none recorded');
  for (const c of d.consultations)
    lines.push(
      `  ${c.consulted_on} ${c.body} (${c.body_kind})${c.method === null ? '' : `, ${c.method}`}${c.summary === null ? '' : ` — ${c.summary}`}`,
    );
  if (d.provenance.length > 0) {
    lines.push('', 'Provenance:');
    for (const p of d.provenance)
      lines.push(
        `  ${p.kind} ${p.ref}${p.hash === null ? '' : ` sha256 ${shortHash(p.hash)}`}${p.detail === null ? '' : ` (${p.detail})`}`,
      );
  }
  return lines.join('\n');
}

export function reviewCommand(io: CliIo): Command {
  const command = new Command('review').description(
    'six-monthly reviews of the strategy: start, record commentary and consultation, close (freezing the measures)',
  );
  command
    .command('start')
    .description('open a review of the strategy as it stands')
    .option('--title <text>', 'title (default: "Review of <strategy>, <month year>")')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the review as JSON')
    .option('--quiet', 'no announcements')
    .action(async (options: CommonOptions & { title?: string }) => {
      const { startReview } = await import('../../strategy/reviews.js');
      const ctx = commandContext(io, options);
      const review = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        audited(
          ws,
          { actor: ctx.actor, action: 'review-start', attempt: { target: 'review', detail: {} } },
          () =>
            startReview(ws, {
              ...(options.title === undefined ? {} : { title: options.title }),
              clock: commandClock(undefined, io.env),
              reporter: ctx.reporter,
            }),
          (r) => ({
            target: `review ${r.review_id}`,
            detail: { review: r.review_id, title: r.title },
          }),
        ),
      );
      if (ctx.json) return ctx.printJson(review);
      ctx.print(`review ${review.review_id} started: ${review.title}`);
    });
  command
    .command('close')
    .description("evaluate every measure and freeze it, with the data's provenance, in the review")
    .option('--review <id>', 'the review (default: the open one)')
    .option(
      '--to <YYYY-MM>',
      'evaluate to this month of data (default: the latest month with data)',
    )
    .option('--summary <text>', 'a summary of the review')
    .option('--population <dataset>', 'population dataset for rates (default: the most recent)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the closed review as JSON')
    .option('--quiet', 'no announcements')
    .action(
      async (
        options: CommonOptions & {
          review?: string;
          to?: string;
          summary?: string;
          population?: string;
        },
      ) => {
        const { closeReview, resolveReview } = await import('../../strategy/reviews.js');
        const ctx = commandContext(io, options);
        const detail = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
          const review = await resolveReview(ws, parseReviewId(options.review), ctx.reporter);
          return audited(
            ws,
            {
              actor: ctx.actor,
              action: 'review-close',
              attempt: {
                target: `review ${review.review_id}`,
                detail: { review: review.review_id },
              },
            },
            () =>
              closeReview(ws, review.review_id, {
                clock: commandClock(undefined, io.env),
                reporter: ctx.reporter,
                cwd: io.cwd,
                ...(options.to === undefined ? {} : { to: options.to }),
                ...(options.summary === undefined ? {} : { summary: options.summary }),
                ...(options.population === undefined ? {} : { population: options.population }),
              }),
            (d) => ({
              target: `review ${review.review_id}`,
              detail: {
                review: review.review_id,
                measures: d.measures.length,
                ...(options.to === undefined ? {} : { to: options.to }),
              },
            }),
          );
        });
        if (ctx.json) return ctx.printJson(detail);
        ctx.print(renderReview(detail));
      },
    );
  command
    .command('list')
    .description('every review, open and closed')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .option('--quiet', 'no announcements')
    .action(async (options: CommonOptions) => {
      const { listReviews } = await import('../../strategy/reviews.js');
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        listReviews(ws),
      );
      if (ctx.json) return ctx.printJson(rows);
      if (rows.length === 0) return ctx.print('no reviews yet (svd review start)');
      ctx.print(
        formatTable(rows, [
          { header: 'review', value: (r) => r.review_id },
          { header: 'title', value: (r) => r.title },
          { header: 'status', value: (r) => r.status },
          { header: 'started', value: (r) => r.started_at.slice(0, 10) },
          { header: 'closed', value: (r) => r.closed_at?.slice(0, 10) ?? null },
          { header: 'data to', value: (r) => r.data_to },
        ]),
      );
    });
  command
    .command('show [id]')
    .description(
      'one review (default: the latest): frozen measures, action changes, commentary, consultation, provenance',
    )
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .option('--quiet', 'no announcements')
    .action(async (id: string | undefined, options: CommonOptions) => {
      const { getReview, latestReview, resolveReview } = await import('../../strategy/reviews.js');
      const ctx = commandContext(io, options);
      const detail = await withCommandWorkspace(
        ctx,
        { create: false, readOnly: true },
        async (ws) =>
          getReview(
            ws,
            (id === undefined
              ? await latestReview(ws, ctx.reporter)
              : await resolveReview(ws, parseReviewId(id), ctx.reporter)
            ).review_id,
          ),
      );
      if (ctx.json) return ctx.printJson(detail);
      ctx.print(renderReview(detail));
    });
  command
    .command('comment <text>')
    .description(
      'add commentary to the open review (on the review, or on a priority, action or measure)',
    )
    .option('--review <id>', 'the review (default: the open one)')
    .option('--on <KIND:ID>', 'priority:ID, action:ID or measure:ID')
    .option('--author <name>', 'who wrote it')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .option('--quiet', 'no announcements')
    .action(
      async (
        text: string,
        options: CommonOptions & { review?: string; on?: string; author?: string },
      ) => {
        const { addCommentary, resolveReview } = await import('../../strategy/reviews.js');
        const ctx = commandContext(io, options);
        const entry = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
          const review = await resolveReview(ws, parseReviewId(options.review), ctx.reporter);
          return addCommentary(
            ws,
            review.review_id,
            {
              text,
              ...(options.on === undefined ? {} : { on: options.on }),
              ...(options.author === undefined ? {} : { author: options.author }),
            },
            commandClock(undefined, io.env),
          );
        });
        if (ctx.json) return ctx.printJson(entry);
        ctx.print(`commentary ${entry.seq} added`);
      },
    );
  command
    .command('consult')
    .description(
      'record a consultation of a school, prison or youth custody body (s8(4)) in the open review',
    )
    .requiredOption('--body <name>', 'the body consulted')
    .requiredOption('--kind <kind>', CONSULTEE_KINDS.join(', '))
    .requiredOption('--date <date>', 'when (YYYY-MM-DD)')
    .option('--method <text>', 'how (meeting, written consultation, survey…)')
    .option('--summary <text>', 'what they said')
    .option('--review <id>', 'the review (default: the open one)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .option('--quiet', 'no announcements')
    .action(
      async (
        options: CommonOptions & {
          body: string;
          kind: string;
          date: string;
          method?: string;
          summary?: string;
          review?: string;
        },
      ) => {
        const { recordConsultation, resolveReview } = await import('../../strategy/reviews.js');
        const ctx = commandContext(io, options);
        const entry = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
          const review = await resolveReview(ws, parseReviewId(options.review), ctx.reporter);
          return recordConsultation(
            ws,
            review.review_id,
            {
              body: options.body,
              kind: options.kind,
              date: options.date,
              ...(options.method === undefined ? {} : { method: options.method }),
              ...(options.summary === undefined ? {} : { summary: options.summary }),
            },
            commandClock(undefined, io.env),
          );
        });
        if (ctx.json) return ctx.printJson(entry);
        ctx.print(`consultation ${entry.seq} recorded: ${entry.body}, ${entry.consulted_on}`);
      },
    );
  command
    .command('history')
    .description('closed reviews, each with what changed since the one before')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print as JSON')
    .option('--quiet', 'no announcements')
    .action(async (options: CommonOptions) => {
      const { reviewHistory } = await import('../../strategy/reviewHistory.js');
      const ctx = commandContext(io, options);
      const history = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        reviewHistory(ws),
      );
      if (ctx.json) return ctx.printJson(history);
      if (history.length === 0) return ctx.print('no closed reviews yet');
      for (const h of history) {
        ctx.print(
          `review ${h.review.review_id}: ${h.review.title} (closed ${h.review.closed_at?.slice(0, 10)}, data to ${h.review.data_to})`,
        );
        for (const m of h.measures)
          ctx.print(
            `  measure ${m.id}: ${m.before === null ? '—' : `${m.before.value ?? '—'} (${m.before.status})`} → ${m.after === null ? '—' : `${m.after.value ?? '—'} (${m.after.status})`}`,
          );
        for (const a of h.actions)
          ctx.print(
            `  action ${a.id}: ${a.before === null ? '—' : a.before.status} → ${a.after === null ? '—' : a.after.status}`,
          );
        ctx.print(`  ${h.commentary} comments, ${h.consultations} consultations`);
      }
    });
  return command;
}
