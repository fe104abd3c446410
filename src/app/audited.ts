/**
 * Recording a use case in the audit log (docs/decisions/0071-audit-log.md): the entry is appended
 * once the change has committed; a refused change (validation, a rollback) is recorded after its
 * rollback as its own action, `<action>-refused`, with the error's code, so that the log never
 * claims a change that did not happen, yet shows that it was tried. The workspace's own log holds
 * what changed the workspace; a refusal, or an attempt that changed nothing (every file already
 * held), goes in the log beside it, so that a refused input still leaves the workspace as it was.
 */
import { systemClock, type Clock } from '../core/clock.js';
import { SvdError } from '../core/errors.js';
import {
  appendAudit,
  appendAuditFile,
  auditFilePath,
  type AuditActor,
  type AuditEntryInput,
} from '../store/auditLog.js';
import type { Workspace } from '../store/openWorkspace.js';

export type AuditOutcome = Omit<AuditEntryInput, 'actor' | 'action'> & {
  /** Nothing in the workspace changed (e.g. every file already held): recorded beside it. */
  unchanged?: boolean;
  /** The action when the result decides it (an agreement added or revised); else the given one. */
  action?: string;
};

export interface AuditedOptions {
  actor: AuditActor;
  action: string;
  /** What a refusal records (no result to describe): the target and parameters. */
  attempt: AuditOutcome;
  clock?: Clock;
}

/** Runs `run`; records `describe(result)` (nothing when it gives undefined, e.g. a dry run). */
export async function audited<T>(
  ws: Workspace,
  options: AuditedOptions,
  run: () => Promise<T>,
  describe: (result: T) => AuditOutcome | undefined,
): Promise<T> {
  const clock = options.clock ?? systemClock;
  let result: T;
  try {
    result = await run();
  } catch (error) {
    // An analysis asking for derived data to be refreshed is retried by the command: not a refusal.
    if (!(error instanceof SvdError && error.code === 'DERIVED_DATA_STALE'))
      await recordRefusal(ws, options, error, clock);
    throw error;
  }
  const described = describe(result);
  if (described === undefined) return result;
  const { unchanged, action, ...outcome } = described;
  const entry = { ...outcome, actor: options.actor, action: action ?? options.action };
  if (unchanged === true) {
    if (ws.path !== ':memory:') appendAuditFile(auditFilePath(ws.path), entry, clock.now());
  } else await appendAudit(ws, entry, clock.now());
  return result;
}

async function recordRefusal(
  ws: Workspace,
  options: AuditedOptions,
  error: unknown,
  clock: Clock,
): Promise<void> {
  const refusal =
    error instanceof SvdError
      ? { kind: error.kind, code: error.code }
      : { kind: 'internal', code: 'INTERNAL' };
  // A check against a throw-away workspace (a dry run with none yet) has nowhere to be recorded.
  if (ws.path === ':memory:') return;
  const { unchanged: _, action: __, ...attempt } = options.attempt;
  try {
    appendAuditFile(
      auditFilePath(ws.path),
      {
        ...attempt,
        detail: { ...attempt.detail, error: refusal },
        actor: options.actor,
        action: `${options.action}-refused`,
      },
      clock.now(),
    );
  } catch {
    // The log could not be written (the folder, often the reason for the refusal too): the
    // original error is the one to show.
  }
}
