/**
 * `svd strategy import`: a strategy file checked against the workspace's definitions and stored
 * as a new revision — or, when it says the same as the strategy already held, nothing stored.
 */
import path from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Workspace } from '../store/openWorkspace.js';
import { readStrategyFile } from './readStrategy.js';
import { type StrategyIssue } from './strategyIssue.js';
import { storeStrategyRevision } from './storeStrategy.js';
import { strategyContext } from './strategyContext.js';

export interface ImportReport {
  id: string;
  title: string;
  revision: number;
  changed: boolean;
  contentHash: string;
  illustrative: boolean;
  counts: { priorities: number; objectives: number; actions: number; measures: number };
  warnings: StrategyIssue[];
}

export async function importStrategy(
  ws: Workspace,
  file: string,
  options: { cwd: string; clock: Clock },
): Promise<ImportReport> {
  const context = await strategyContext(ws);
  const { strategy, warnings } = readStrategyFile(path.resolve(options.cwd, file), context, file);
  const stored = await storeStrategyRevision(ws, strategy.file, {
    origin: file,
    reason: 'imported',
    clock: options.clock,
  });
  const ps = strategy.file.priorities;
  return {
    id: strategy.file.id,
    title: strategy.file.title,
    revision: stored.revision,
    changed: stored.changed,
    contentHash: stored.contentHash,
    illustrative: strategy.file.illustrative === true,
    counts: {
      priorities: ps.length,
      objectives: ps.reduce((s, p) => s + (p.objectives?.length ?? 0), 0),
      actions: ps.reduce((s, p) => s + (p.actions?.length ?? 0), 0),
      measures: ps.reduce((s, p) => s + (p.measures?.length ?? 0), 0),
    },
    warnings,
  };
}
