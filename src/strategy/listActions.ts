/**
 * The strategy's actions as a table: each with its priority and objective, lead, owner, dates,
 * status and RAG, latest progress update, and whether it is overdue — past its due date (by the
 * injected clock) and neither completed nor cancelled. Filters are those a partnership meeting
 * asks for: by owner or lead organisation, overdue only, by status, by priority.
 */
import type { Clock } from '../core/clock.js';
import { usageError } from '../core/errors.js';
import { ACTION_STATUSES, CLOSED_STATUSES, S8_5_KINDS, type StrategyFile } from './schema.js';
import type { ActionRow, ActionStatus } from '../api/strategy.js';

export interface ActionFilters {
  /** Matches the owner role or the lead organisation, ignoring case (part of the text is enough). */
  owner?: string;
  overdue?: boolean;
  status?: readonly string[];
  priority?: string;
}

const DAY = 86_400_000;

export function isOverdue(
  action: { due?: string | undefined; status: ActionStatus },
  today: string,
): boolean {
  return action.due !== undefined && action.due < today && !CLOSED_STATUSES.includes(action.status);
}

export function listActions(file: StrategyFile, filters: ActionFilters, clock: Clock): ActionRow[] {
  for (const s of filters.status ?? [])
    if (!(ACTION_STATUSES as readonly string[]).includes(s))
      throw usageError(
        'BAD_STATUS',
        `invalid status: ${s}`,
        `use one of ${ACTION_STATUSES.join(', ')}`,
      );
  if (filters.priority !== undefined && !file.priorities.some((p) => p.id === filters.priority))
    throw usageError(
      'UNKNOWN_PRIORITY',
      `no priority "${filters.priority}"`,
      `use one of: ${file.priorities.map((p) => p.id).join(', ')}`,
    );
  const today = clock.now().toISOString().slice(0, 10);
  const owner = filters.owner?.toLowerCase();
  const rows: ActionRow[] = [];
  for (const p of file.priorities) {
    if (filters.priority !== undefined && p.id !== filters.priority) continue;
    for (const a of p.actions ?? []) {
      const overdue = isOverdue(a, today);
      const updates = [...(a.updates ?? [])].sort((x, y) =>
        x.date < y.date ? -1 : x.date > y.date ? 1 : 0,
      );
      const last = updates.at(-1);
      const row: ActionRow = {
        id: a.id,
        priority: p.id,
        priorityTitle: p.title,
        objective: a.objective ?? null,
        title: a.title,
        leadKind: a.lead.kind,
        leadName: a.lead.name,
        s8_5: S8_5_KINDS.includes(a.lead.kind),
        partners: a.partners ?? [],
        owner: a.owner ?? null,
        start: a.start ?? null,
        due: a.due ?? null,
        status: a.status,
        rag: a.rag ?? null,
        overdue,
        daysOverdue: overdue ? Math.round((Date.parse(today) - Date.parse(a.due!)) / DAY) : null,
        lastUpdate:
          last === undefined ? null : { date: last.date, by: last.by ?? null, text: last.text },
        updates: updates.length,
      };
      if (
        owner !== undefined &&
        !`${row.owner ?? ''}\n${row.leadName}`.toLowerCase().includes(owner)
      )
        continue;
      if (filters.overdue === true && !overdue) continue;
      if (
        filters.status !== undefined &&
        filters.status.length > 0 &&
        !filters.status.includes(row.status)
      )
        continue;
      rows.push(row);
    }
  }
  return rows;
}
