/**
 * Six-monthly reviews of the strategy. A review is started, gathers commentary, action status
 * changes and the consultation log (who was consulted and when, s8(4)), and is closed. Closing
 * evaluates every measure and freezes, in one transaction, each measure's value, interval,
 * baseline comparison and on-track status with the provenance of the data (batches and their
 * sha256, definition versions and content hashes, population dataset) and the strategy revision
 * it was closed against. A closed review is read from what was frozen and is never recomputed:
 * later ingests, definition edits and strategy imports do not change it, and nothing more can be
 * recorded in it.
 */
import type { Clock } from '../core/clock.js';
import { SvdError, usageError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';
import { evaluateMeasures } from './evaluateMeasures.js';
import type { MeasureResult } from './evaluateMeasure.js';
import { loadStrategy, requireStrategy } from './storeStrategy.js';
import type { ReviewRow } from '../api/strategy.js';
// The kinds of consultee are in a module of their own, so that the command's help names them
// without loading the store.
import { CONSULTEE_KINDS, type ConsulteeKind } from './consulteeKinds.js';

export interface Commentary {
  seq: number;
  target_kind: 'review' | 'priority' | 'action' | 'measure';
  target_id: string | null;
  author: string | null;
  text: string;
  added_at: string;
}

export interface ActionChange {
  seq: number;
  action_id: string;
  from_status: string;
  to_status: string;
  from_rag: string | null;
  to_rag: string | null;
  note: string | null;
  changed_on: string;
  recorded_at: string;
  revision: number;
}

export { CONSULTEE_KINDS, type ConsulteeKind };

export interface Consultation {
  seq: number;
  body: string;
  body_kind: ConsulteeKind;
  consulted_on: string;
  method: string | null;
  summary: string | null;
  recorded_at: string;
}

export interface ProvenanceRow {
  kind: 'batch' | 'definition' | 'population' | 'strategy';
  ref: string;
  hash: string | null;
  detail: string | null;
}

export interface ReviewDetail {
  review: ReviewRow;
  /** Frozen figures for a closed review; empty for an open one (see evaluateMeasures). */
  measures: MeasureResult[];
  commentary: Commentary[];
  actionChanges: ActionChange[];
  consultations: Consultation[];
  provenance: ProvenanceRow[];
}

const TS = (column: string): string => `strftime(${column}, '%Y-%m-%dT%H:%M:%SZ')`;
const REVIEW_COLUMNS = `review_id, title, status, ${TS('started_at')} AS started_at, started_revision,
  ${TS('closed_at')} AS closed_at, closed_revision, data_to, summary`;

export async function listReviews(ws: Workspace): Promise<ReviewRow[]> {
  return ws.db.all<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews ORDER BY review_id`);
}

export async function openReview(ws: Workspace): Promise<ReviewRow | undefined> {
  return ws.db.one<ReviewRow>(`SELECT ${REVIEW_COLUMNS} FROM reviews WHERE status = 'open'`);
}

export async function getReviewRow(ws: Workspace, id: number): Promise<ReviewRow> {
  const row = await ws.db.one<ReviewRow>(
    `SELECT ${REVIEW_COLUMNS} FROM reviews WHERE review_id = $id`,
    { id },
  );
  if (row === undefined) {
    const ids = (await listReviews(ws)).map((r) => r.review_id);
    throw usageError(
      'UNKNOWN_REVIEW',
      `no review ${id} in this workspace`,
      ids.length === 0
        ? 'start one with svd review start'
        : `use one of: ${ids.join(', ')} (svd review list)`,
    );
  }
  return row;
}

/** The review a command means: the one named, else the open one (announced). */
export async function resolveReview(
  ws: Workspace,
  id: number | undefined,
  reporter: Reporter,
): Promise<ReviewRow> {
  if (id !== undefined) return getReviewRow(ws, id);
  const open = await openReview(ws);
  if (open === undefined)
    throw new SvdError({
      kind: 'usage',
      code: 'NO_OPEN_REVIEW',
      message: 'no review is open',
      fix: 'start one with svd review start, or name a review with --review ID',
    });
  reporter.info(`review ${open.review_id} (${open.title}), the open review`);
  return open;
}

/** The latest review (the highest number, open or closed), announced as such; for `review show`. */
export async function latestReview(ws: Workspace, reporter: Reporter): Promise<ReviewRow> {
  const latest = await ws.db.one<ReviewRow>(
    `SELECT ${REVIEW_COLUMNS} FROM reviews ORDER BY review_id DESC LIMIT 1`,
  );
  if (latest === undefined)
    throw new SvdError({
      kind: 'usage',
      code: 'NO_REVIEW',
      message: 'no review in this workspace yet',
      fix: 'start one with svd review start',
    });
  reporter.info(
    `review ${latest.review_id} (${latest.title}), the latest review (${latest.status === 'open' ? 'open' : `closed ${latest.closed_at ?? ''}`.trim()}); name another with svd review show ID (svd review list)`,
  );
  return latest;
}

function requireOpen(review: ReviewRow): void {
  if (review.status !== 'open')
    throw new SvdError({
      kind: 'usage',
      code: 'REVIEW_CLOSED',
      message: `review ${review.review_id} was closed on ${review.closed_at}; a closed review is frozen and records nothing more`,
      fix: 'start a new review with svd review start',
    });
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export async function startReview(
  ws: Workspace,
  options: { title?: string; clock: Clock; reporter: Reporter },
): Promise<ReviewRow> {
  return ws.db.transaction(async () => {
    const strategy = await requireStrategy(ws);
    const open = await openReview(ws);
    if (open !== undefined)
      throw new SvdError({
        kind: 'usage',
        code: 'REVIEW_ALREADY_OPEN',
        message: `review ${open.review_id} (${open.title}) is still open`,
        fix: `close it first: svd review close --review ${open.review_id}`,
      });
    const now = options.clock.now();
    let title = options.title;
    if (title === undefined) {
      title = `Review of ${strategy.file.title}, ${MONTHS[now.getUTCMonth()]} ${now.getUTCFullYear()}`;
      options.reporter.info(`review titled "${title}" (change with --title)`);
    }
    const id =
      ((await ws.db.value<number>(`SELECT coalesce(max(review_id), 0) FROM reviews`)) ?? 0) + 1;
    await ws.db.run(
      `INSERT INTO reviews VALUES ($id, $title, 'open', $at, $revision, NULL, NULL, NULL, NULL)`,
      { id, title, at: now.toISOString(), revision: strategy.revision.revision },
    );
    return getReviewRow(ws, id);
  });
}

async function nextSeq(ws: Workspace, table: string, reviewId: number): Promise<number> {
  return (
    ((await ws.db.value<number>(
      `SELECT coalesce(max(seq), 0) FROM ${table} WHERE review_id = $id`,
      { id: reviewId },
    )) ?? 0) + 1
  );
}

const TARGET_KINDS = ['priority', 'action', 'measure'] as const;

export async function addCommentary(
  ws: Workspace,
  reviewId: number,
  entry: { on?: string; author?: string; text: string },
  clock: Clock,
): Promise<Commentary> {
  return ws.db.transaction(async () => {
    const review = await getReviewRow(ws, reviewId);
    requireOpen(review);
    if (entry.text.trim() === '') throw usageError('EMPTY_TEXT', 'the commentary is empty');
    let kind: Commentary['target_kind'] = 'review';
    let target: string | null = null;
    if (entry.on !== undefined) {
      const m = /^(priority|action|measure):(.+)$/.exec(entry.on);
      if (m === null)
        throw usageError(
          'BAD_TARGET',
          `--on ${entry.on} is not KIND:ID`,
          `write one of ${TARGET_KINDS.map((k) => `${k}:ID`).join(', ')}`,
        );
      kind = m[1] as Commentary['target_kind'];
      target = m[2]!;
      const { file } = await requireStrategy(ws);
      const ids =
        kind === 'priority'
          ? file.priorities.map((p) => p.id)
          : kind === 'action'
            ? file.priorities.flatMap((p) => (p.actions ?? []).map((a) => a.id))
            : file.priorities.flatMap((p) => (p.measures ?? []).map((x) => x.id));
      if (!ids.includes(target))
        throw usageError(
          'UNKNOWN_TARGET',
          `no ${kind} "${target}" in the strategy`,
          `use one of: ${ids.join(', ')}`,
        );
    }
    const seq = await nextSeq(ws, 'review_commentary', reviewId);
    const at = clock.now().toISOString();
    await ws.db.run(
      `INSERT INTO review_commentary VALUES ($id, $seq, $kind, $target, $author, $text, $at)`,
      {
        id: reviewId,
        seq,
        kind,
        target,
        author: entry.author ?? null,
        text: entry.text,
        at,
      },
    );
    return {
      seq,
      target_kind: kind,
      target_id: target,
      author: entry.author ?? null,
      text: entry.text,
      added_at: at.replace(/\.\d+Z$/, 'Z'),
    };
  });
}

export async function recordConsultation(
  ws: Workspace,
  reviewId: number,
  entry: { body: string; kind: string; date: string; method?: string; summary?: string },
  clock: Clock,
): Promise<Consultation> {
  if (!(CONSULTEE_KINDS as readonly string[]).includes(entry.kind))
    throw usageError(
      'BAD_KIND',
      `invalid kind of body: ${entry.kind}`,
      `use one of ${CONSULTEE_KINDS.join(', ')} (s8(4): schools, prisons, youth custody)`,
    );
  if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.date) || Number.isNaN(Date.parse(entry.date)))
    throw usageError('BAD_DATE', `--date ${entry.date} is not a date`, 'write YYYY-MM-DD');
  if (entry.date > clock.now().toISOString().slice(0, 10))
    throw usageError(
      'FUTURE_DATE',
      `--date ${entry.date} is in the future; the log records consultations that took place`,
    );
  if (entry.body.trim() === '') throw usageError('EMPTY_TEXT', 'name the body consulted');
  return ws.db.transaction(async () => {
    requireOpen(await getReviewRow(ws, reviewId));
    const seq = await nextSeq(ws, 'review_consultations', reviewId);
    const at = clock.now().toISOString();
    await ws.db.run(
      `INSERT INTO review_consultations VALUES ($id, $seq, $body, $kind, CAST($date AS DATE), $method, $summary, $at)`,
      {
        id: reviewId,
        seq,
        body: entry.body,
        kind: entry.kind,
        date: entry.date,
        method: entry.method ?? null,
        summary: entry.summary ?? null,
        at,
      },
    );
    return {
      seq,
      body: entry.body,
      body_kind: entry.kind as ConsulteeKind,
      consulted_on: entry.date,
      method: entry.method ?? null,
      summary: entry.summary ?? null,
      recorded_at: at.replace(/\.\d+Z$/, 'Z'),
    };
  });
}

export async function closeReview(
  ws: Workspace,
  reviewId: number,
  options: {
    clock: Clock;
    reporter: Reporter;
    cwd: string;
    to?: string;
    summary?: string;
    population?: string;
  },
): Promise<ReviewDetail> {
  await ws.db.transaction(async () => {
    const review = await getReviewRow(ws, reviewId);
    requireOpen(review);
    const strategy = await requireStrategy(ws);
    const evaluated = await evaluateMeasures(ws, strategy.file, {
      reporter: options.reporter,
      clock: options.clock,
      cwd: options.cwd,
      ...(options.to === undefined ? {} : { to: options.to }),
      ...(options.population === undefined ? {} : { population: options.population }),
    });
    for (const m of evaluated.measures) {
      await ws.db.run(
        `INSERT INTO review_measures VALUES ($id, $measure, $priority, $period, $value, $lower, $upper, $baseline, $status, $result)`,
        {
          id: reviewId,
          measure: m.id,
          priority: m.priorityId,
          period: m.current?.period ?? null,
          value: m.current?.value ?? null,
          lower: m.current?.lower ?? null,
          upper: m.current?.upper ?? null,
          baseline: m.baseline?.value ?? null,
          status: m.assessment.status,
          result: JSON.stringify(m),
        },
      );
    }
    const provenance = new Map<string, ProvenanceRow>();
    const add = (row: ProvenanceRow): void => void provenance.set(`${row.kind}|${row.ref}`, row);
    add({
      kind: 'strategy',
      ref: `revision ${strategy.revision.revision}`,
      hash: strategy.contentHash,
      detail: strategy.file.id,
    });
    for (const m of evaluated.measures) {
      for (const b of m.provenance.batches)
        add({
          kind: 'batch',
          ref: String(b.batch_id),
          hash: b.sha256,
          detail: `${b.source_kind}: ${b.file_name}`,
        });
      for (const d of m.provenance.definitions)
        add({
          kind: 'definition',
          ref: `${d.id}@${d.version}`,
          hash: d.content_hash,
          detail: d.title,
        });
      if (m.provenance.population !== null)
        add({
          kind: 'population',
          ref: m.provenance.population.dataset,
          hash: null,
          detail: `year ${m.provenance.population.year}`,
        });
    }
    for (const p of provenance.values())
      await ws.db.run(`INSERT INTO review_provenance VALUES ($id, $kind, $ref, $hash, $detail)`, {
        id: reviewId,
        ...p,
      });
    await ws.db.run(
      `UPDATE reviews SET status = 'closed', closed_at = $at, closed_revision = $revision, data_to = $to, summary = $summary
        WHERE review_id = $id`,
      {
        id: reviewId,
        at: options.clock.now().toISOString(),
        revision: strategy.revision.revision,
        to: evaluated.dataTo,
        summary: options.summary ?? null,
      },
    );
  });
  return getReview(ws, reviewId);
}

/** A review with everything recorded in it; a closed review's figures as frozen. */
export async function getReview(ws: Workspace, reviewId: number): Promise<ReviewDetail> {
  const review = await getReviewRow(ws, reviewId);
  const frozen = await ws.db.all<{ result: string }>(
    `SELECT result FROM review_measures WHERE review_id = $id ORDER BY rowid`,
    { id: reviewId },
  );
  return {
    review,
    measures: frozen.map((r) => JSON.parse(r.result) as MeasureResult),
    commentary: await ws.db.all<Commentary>(
      `SELECT seq, target_kind, target_id, author, text, ${TS('added_at')} AS added_at FROM review_commentary WHERE review_id = $id ORDER BY seq`,
      { id: reviewId },
    ),
    actionChanges: await ws.db.all<ActionChange>(
      `SELECT seq, action_id, from_status, to_status, from_rag, to_rag, note, strftime(changed_on, '%Y-%m-%d') AS changed_on,
          ${TS('recorded_at')} AS recorded_at, revision FROM review_action_changes WHERE review_id = $id ORDER BY seq`,
      { id: reviewId },
    ),
    consultations: await ws.db.all<Consultation>(
      `SELECT seq, body, body_kind, strftime(consulted_on, '%Y-%m-%d') AS consulted_on, method, summary,
          ${TS('recorded_at')} AS recorded_at FROM review_consultations WHERE review_id = $id ORDER BY seq`,
      { id: reviewId },
    ),
    provenance: await ws.db.all<ProvenanceRow>(
      `SELECT kind, ref, hash, detail FROM review_provenance WHERE review_id = $id
        ORDER BY CASE kind WHEN 'strategy' THEN 0 WHEN 'definition' THEN 1 WHEN 'population' THEN 2 ELSE 3 END,
          CASE WHEN kind = 'batch' THEN CAST(ref AS INTEGER) END, ref`,
      { id: reviewId },
    ),
  };
}

/** The strategy as it stood when the review was closed (or as it stands, for an open one). */
export async function reviewStrategy(ws: Workspace, review: ReviewRow) {
  return review.closed_revision === null
    ? requireStrategy(ws)
    : (await loadStrategy(ws, review.closed_revision))!;
}
