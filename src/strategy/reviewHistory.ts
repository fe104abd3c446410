/**
 * The history of closed reviews, each with what changed since the one before: every measure's
 * value and status then and now, and the actions whose status or RAG moved (from the strategy
 * revisions the two reviews were closed against). For a dashboard's review history and a report.
 */
import type { Workspace } from '../store/openWorkspace.js';
import { getReview, listReviews } from './reviews.js';
import { loadStrategy } from './storeStrategy.js';
import type { ReviewHistoryEntry } from '../api/strategy.js';

async function actionStates(
  ws: Workspace,
  revision: number | null,
): Promise<Map<string, { title: string; status: string; rag: string | null }>> {
  const out = new Map<string, { title: string; status: string; rag: string | null }>();
  if (revision === null) return out;
  const s = await loadStrategy(ws, revision);
  for (const a of s?.file.priorities.flatMap((p) => p.actions ?? []) ?? [])
    out.set(a.id, { title: a.title, status: a.status, rag: a.rag ?? null });
  return out;
}

export async function reviewHistory(ws: Workspace): Promise<ReviewHistoryEntry[]> {
  const closed = (await listReviews(ws)).filter((r) => r.status === 'closed');
  const out: ReviewHistoryEntry[] = [];
  let prev: {
    id: number;
    revision: number | null;
    measures: Map<
      string,
      { title: string; period: string | null; value: number | null; status: string }
    >;
  } | null = null;
  for (const review of closed) {
    const detail = await getReview(ws, review.review_id);
    const measures = new Map(
      detail.measures.map((m) => [
        m.id,
        {
          title: m.title,
          period: m.current?.period ?? null,
          value: m.current?.value ?? null,
          status: m.assessment.status,
        },
      ]),
    );
    const ids = [...new Set([...(prev?.measures.keys() ?? []), ...measures.keys()])];
    const before = await actionStates(ws, prev?.revision ?? null);
    const after = await actionStates(ws, review.closed_revision);
    const actionIds = [...new Set([...before.keys(), ...after.keys()])];
    out.push({
      review,
      previous: prev?.id ?? null,
      measures: ids.map((id) => {
        const b = prev?.measures.get(id);
        const a = measures.get(id);
        return {
          id,
          title: (a ?? b)!.title,
          before: b === undefined ? null : { period: b.period, value: b.value, status: b.status },
          after: a === undefined ? null : { period: a.period, value: a.value, status: a.status },
          statusChanged: b?.status !== a?.status,
        };
      }),
      actions: actionIds
        .map((id) => {
          const b = before.get(id);
          const a = after.get(id);
          return {
            id,
            title: (a ?? b)!.title,
            before: b === undefined ? null : { status: b.status, rag: b.rag },
            after: a === undefined ? null : { status: a.status, rag: a.rag },
          };
        })
        .filter(
          (m) =>
            prev === null || m.before?.status !== m.after?.status || m.before?.rag !== m.after?.rag,
        ),
      commentary: detail.commentary.length,
      consultations: detail.consultations.length,
    });
    prev = { id: review.review_id, revision: review.closed_revision, measures };
  }
  return out;
}
