/**
 * The strategy as a tree for a dashboard or a report: priorities with their objectives, actions
 * (as listActions gives them) and measures, with counts of actions by status and overdue.
 */
import type { Clock } from '../core/clock.js';
import { listActions } from './listActions.js';
import { resolveMeasure } from './presets.js';
import type { StrategyFile } from './schema.js';
import type { StrategyTree } from '../api/strategy.js';

export function strategyTree(file: StrategyFile, clock: Clock): StrategyTree {
  const actions = listActions(file, {}, clock);
  return {
    id: file.id,
    title: file.title,
    partnership: file.partnership ?? null,
    illustrative: file.illustrative === true,
    period: file.period,
    vision: file.vision,
    reviewMonths: file.review_months ?? 6,
    priorities: file.priorities.map((p) => {
      const mine = actions.filter((a) => a.priority === p.id);
      const byStatus: Record<string, number> = {};
      for (const a of mine) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
      return {
        id: p.id,
        title: p.title,
        description: p.description ?? null,
        objectives: (p.objectives ?? []).map((o) => ({
          id: o.id,
          title: o.title,
          actions: mine.filter((a) => a.objective === o.id).map((a) => a.id),
        })),
        actions: mine,
        measures: (p.measures ?? []).map((raw) => {
          const m = resolveMeasure(raw);
          return {
            id: m.id,
            title: m.title ?? m.id,
            preset: m.preset ?? null,
            metric: m.metric ?? 'count',
            period: m.period ?? 'financial-year',
          };
        }),
        actionsByStatus: byStatus,
        overdue: mine.filter((a) => a.overdue).length,
      };
    }),
  };
}
