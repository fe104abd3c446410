/** Endpoints of the partnership's strategy: the tree, actions, measures over time, review history. */
import { listActions } from '../../strategy/listActions.js';
import { evaluateMeasures } from '../../strategy/evaluateMeasures.js';
import { reviewHistory } from '../../strategy/reviewHistory.js';
import { requireStrategy } from '../../strategy/storeStrategy.js';
import { strategyTree } from '../../strategy/strategyTree.js';
import { ACTION_STATUSES } from '../../strategy/schema.js';
// Each handler is typed with its answer as the web app reads it, so the two cannot drift apart.
import type {
  ActionRow,
  MeasuresAnswer,
  ReviewHistoryEntry,
  StrategyAnswer,
} from '../../api/index.js';
import { queryObject, type RouteContext } from '../routeContext.js';

const MONTH = '^\\d{4}-(0[1-9]|1[0-2])$';

export function registerStrategyRoutes(ctx: RouteContext): void {
  const { pool } = ctx;

  ctx.get(
    {
      url: '/api/strategy',
      access: 'signed-in',
      summary:
        'the strategy as a tree: priorities, objectives, actions (with overdue) and measures, as `svd strategy show --json`',
    },
    (): Promise<StrategyAnswer> =>
      pool.read(async (ws) => {
        const stored = await requireStrategy(ws);
        return { ...strategyTree(stored.file, ctx.clock), revision: stored.revision };
      }),
  );

  ctx.get<{ owner?: string; overdue?: boolean; status?: string[]; priority?: string }>(
    {
      url: '/api/actions',
      access: 'signed-in',
      summary:
        'the actions, filtered by owner or lead, overdue, status and priority, as `svd actions list --json`',
      querystring: queryObject({
        owner: { type: 'string', maxLength: 100 },
        overdue: { type: 'boolean' },
        status: {
          type: 'array',
          items: { type: 'string', enum: [...ACTION_STATUSES] },
          maxItems: 10,
        },
        priority: { type: 'string', maxLength: 100 },
      }),
    },
    (q): Promise<ActionRow[]> =>
      pool.read(async (ws) =>
        listActions(
          (await requireStrategy(ws)).file,
          {
            ...(q.owner === undefined || q.owner === '' ? {} : { owner: q.owner }),
            ...(q.overdue === true ? { overdue: true } : {}),
            ...(q.status === undefined ? {} : { status: q.status }),
            ...(q.priority === undefined || q.priority === '' ? {} : { priority: q.priority }),
          },
          ctx.clock,
        ),
      ),
  );

  ctx.get<{ to?: string }>(
    {
      url: '/api/measures',
      access: 'live',
      summary:
        "the strategy's measures from the workspace: value, interval, baseline, target, on-track status and the series over time, as `svd measures --json`",
      querystring: queryObject({ to: { type: 'string', pattern: MONTH } }),
    },
    (q): Promise<MeasuresAnswer> =>
      pool.read(async (ws) =>
        evaluateMeasures(ws, (await requireStrategy(ws)).file, {
          reporter: ctx.reporter,
          clock: ctx.clock,
          cwd: ctx.cwd,
          ...(q.to === undefined ? {} : { to: q.to }),
        }),
      ),
  );

  ctx.get(
    {
      url: '/api/reviews',
      access: 'live',
      summary:
        'the closed reviews, each with what changed since the one before (measures and actions)',
    },
    (): Promise<ReviewHistoryEntry[]> => pool.read((ws) => reviewHistory(ws)),
  );
}
