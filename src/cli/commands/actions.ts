import { Command } from 'commander';
import { ACTION_STATUSES, RAGS } from '../../strategy/actionStatuses.js';
import { commandClock } from '../clock.js';
import { audited } from '../../app/audited.js';
import { commandContext, withCommandWorkspace, type CommonOptions } from '../context.js';
import type { CliIo } from '../io.js';
import { formatTable } from '../table.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';

export function actionsCommand(io: CliIo): Command {
  const command = new Command('actions').description(
    "the strategy's actions: who leads them, when they are due, how they are going",
  );
  command
    .command('list')
    .description('the actions, with overdue ones marked')
    .option(
      '--owner <text>',
      'only actions whose owner role or lead organisation contains this (any case)',
    )
    .option('--overdue', 'only actions past their due date and neither completed nor cancelled')
    .option(
      '--status <status>',
      `only actions of this status (repeatable): ${ACTION_STATUSES.join(', ')}`,
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--priority <id>', 'only the actions of this priority')
    .option('--as-of <date>', "today's date for overdue (default: today, or $SVD_TODAY)")
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the actions as JSON')
    .option('--quiet', 'no announcements')
    .action(
      async (
        options: CommonOptions & {
          owner?: string;
          overdue?: boolean;
          status?: string[];
          priority?: string;
          asOf?: string;
        },
      ) => {
        const { requireStrategy } = await import('../../strategy/storeStrategy.js');
        const { listActions } = await import('../../strategy/listActions.js');
        const ctx = commandContext(io, options);
        const clock = commandClock(options.asOf, io.env);
        const rows = await withCommandWorkspace(ctx, { create: false }, async (ws) =>
          listActions(
            (await requireStrategy(ws)).file,
            {
              ...(options.owner === undefined ? {} : { owner: options.owner }),
              ...(options.overdue === true ? { overdue: true } : {}),
              ...(options.status === undefined ? {} : { status: options.status }),
              ...(options.priority === undefined ? {} : { priority: options.priority }),
            },
            clock,
          ),
        );
        if (ctx.json) return ctx.printJson(rows);
        if (rows.length === 0) return ctx.print('no actions match');
        ctx.print(
          formatTable(rows, [
            { header: 'action', value: (r) => r.id },
            { header: 'priority', value: (r) => r.priority },
            { header: 'lead', value: (r) => `${r.leadName}${r.s8_5 ? ' (s8(5))' : ''}` },
            { header: 'owner', value: (r) => r.owner },
            { header: 'due', value: (r) => r.due },
            { header: 'status', value: (r) => r.status },
            { header: 'RAG', value: (r) => r.rag },
            { header: 'overdue', value: (r) => (r.overdue ? `${r.daysOverdue} days` : '') },
            { header: 'last update', value: (r) => r.lastUpdate?.date ?? null },
          ]),
        );
        ctx.print(
          `${rows.length} action${rows.length === 1 ? '' : 's'}; ${rows.filter((r) => r.overdue).length} overdue as of ${clock.now().toISOString().slice(0, 10)}`,
        );
      },
    );
  command
    .command('update <action>')
    .description(
      "change an action's status or RAG, or add a progress update (recorded in the open review)",
    )
    .option('--status <status>', ACTION_STATUSES.join(', '))
    .option('--rag <rag>', RAGS.join(', '))
    .option('--note <text>', 'a progress update for the action log')
    .option('--by <name>', 'who reports it')
    .option('--date <date>', 'when it happened (default: today)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no announcements')
    .action(
      async (
        action: string,
        options: CommonOptions & {
          status?: string;
          rag?: string;
          note?: string;
          by?: string;
          date?: string;
        },
      ) => {
        const { updateAction } = await import('../../strategy/updateAction.js');
        const ctx = commandContext(io, options);
        // Which fields changed, never the note's text (free text may name people).
        const fields = ['status', 'rag', 'note', 'by', 'date'].filter(
          (f) => options[f as keyof typeof options] !== undefined,
        );
        const result = await withCommandWorkspace(ctx, { create: false }, (ws) =>
          audited(
            ws,
            {
              actor: ctx.actor,
              action: 'action-update',
              attempt: { target: action, detail: { fields } },
            },
            () =>
              updateAction(
                ws,
                action,
                {
                  ...(options.status === undefined ? {} : { status: options.status }),
                  ...(options.rag === undefined ? {} : { rag: options.rag }),
                  ...(options.note === undefined ? {} : { note: options.note }),
                  ...(options.by === undefined ? {} : { by: options.by }),
                  ...(options.date === undefined ? {} : { date: options.date }),
                },
                commandClock(undefined, io.env),
              ),
            (r) => ({
              target: action,
              unchanged: !r.changed,
              detail: {
                fields,
                revision: r.revision,
                review: r.reviewChange?.review_id ?? null,
              },
            }),
          ),
        );
        if (ctx.json) return ctx.printJson(result);
        ctx.print(
          result.changed
            ? `${action}: updated (strategy revision ${result.revision})${result.reviewChange === null ? '' : `; recorded in review ${result.reviewChange.review_id}`}`
            : `${action}: no change`,
        );
      },
    );
  return command;
}
