/**
 * A change to an action: its status, its RAG rating, a dated progress update. The change is a new
 * revision of the strategy (so the exported file shows it), and while a review is open a change of
 * status or RAG is recorded in it too, with the note given.
 */
import type { Clock } from '../core/clock.js';
import { usageError } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';
import { openReview, type ActionChange } from './reviews.js';
import { ACTION_STATUSES, RAGS, type Rag } from './schema.js';
import { requireStrategy, storeStrategyRevision } from './storeStrategy.js';
import type { ActionStatus } from '../api/strategy.js';

export interface ActionUpdate {
  status?: string;
  rag?: string;
  /** A progress update to add to the action's log. */
  note?: string;
  by?: string;
  /** The day it happened (default: today by the clock). */
  date?: string;
}

export interface ActionUpdateResult {
  actionId: string;
  revision: number;
  changed: boolean;
  /** The change recorded in the open review, when there is one and the status or RAG changed. */
  reviewChange: (ActionChange & { review_id: number }) | null;
}

export async function updateAction(
  ws: Workspace,
  actionId: string,
  update: ActionUpdate,
  clock: Clock,
): Promise<ActionUpdateResult> {
  if (
    update.status !== undefined &&
    !(ACTION_STATUSES as readonly string[]).includes(update.status)
  )
    throw usageError(
      'BAD_STATUS',
      `invalid status: ${update.status}`,
      `use one of ${ACTION_STATUSES.join(', ')}`,
    );
  if (update.rag !== undefined && !(RAGS as readonly string[]).includes(update.rag))
    throw usageError(
      'BAD_RAG',
      `invalid RAG rating: ${update.rag}`,
      `use one of ${RAGS.join(', ')}`,
    );
  if (
    update.date !== undefined &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(update.date) || Number.isNaN(Date.parse(update.date)))
  )
    throw usageError('BAD_DATE', `--date ${update.date} is not a date`, 'write YYYY-MM-DD');
  if (update.status === undefined && update.rag === undefined && (update.note ?? '').trim() === '')
    throw usageError('NOTHING_TO_UPDATE', 'nothing to change', 'give --status, --rag or --note');
  const date = update.date ?? clock.now().toISOString().slice(0, 10);
  return ws.db.transaction(async () => {
    const strategy = await requireStrategy(ws);
    const file = structuredClone(strategy.file);
    const action = file.priorities.flatMap((p) => p.actions ?? []).find((a) => a.id === actionId);
    if (action === undefined)
      throw usageError(
        'UNKNOWN_ACTION',
        `no action "${actionId}" in the strategy`,
        `use one of: ${file.priorities.flatMap((p) => (p.actions ?? []).map((a) => a.id)).join(', ')}`,
      );
    const before = { status: action.status, rag: action.rag ?? null };
    if (update.status !== undefined) action.status = update.status as ActionStatus;
    if (update.rag !== undefined) action.rag = update.rag as Rag;
    if (update.note !== undefined && update.note.trim() !== '')
      action.updates = [
        ...(action.updates ?? []),
        { date, ...(update.by === undefined ? {} : { by: update.by }), text: update.note },
      ];
    const what = [
      update.status !== undefined && update.status !== before.status
        ? `status ${before.status} → ${update.status}`
        : null,
      update.rag !== undefined && update.rag !== before.rag
        ? `RAG ${before.rag ?? 'none'} → ${update.rag}`
        : null,
      update.note !== undefined ? 'progress update' : null,
    ].filter((x): x is string => x !== null);
    const stored = await storeStrategyRevision(ws, file, {
      origin: 'svd actions update',
      reason: `${actionId}: ${what.join(', ') || 'no change'}`,
      clock,
    });
    let reviewChange: ActionUpdateResult['reviewChange'] = null;
    const review = await openReview(ws);
    const statusOrRag = action.status !== before.status || (action.rag ?? null) !== before.rag;
    if (review !== undefined && statusOrRag) {
      const seq =
        ((await ws.db.value<number>(
          `SELECT coalesce(max(seq), 0) FROM review_action_changes WHERE review_id = $id`,
          { id: review.review_id },
        )) ?? 0) + 1;
      const at = clock.now().toISOString();
      await ws.db.run(
        `INSERT INTO review_action_changes VALUES ($id, $seq, $action, $from, $to, $fromRag, $toRag, $note, CAST($date AS DATE), $at, $revision)`,
        {
          id: review.review_id,
          seq,
          action: actionId,
          from: before.status,
          to: action.status,
          fromRag: before.rag,
          toRag: action.rag ?? null,
          note: update.note ?? null,
          date,
          at,
          revision: stored.revision,
        },
      );
      reviewChange = {
        review_id: review.review_id,
        seq,
        action_id: actionId,
        from_status: before.status,
        to_status: action.status,
        from_rag: before.rag,
        to_rag: action.rag ?? null,
        note: update.note ?? null,
        changed_on: date,
        recorded_at: at.replace(/\.\d+Z$/, 'Z'),
        revision: stored.revision,
      };
    }
    return { actionId, revision: stored.revision, changed: stored.changed, reviewChange };
  });
}
