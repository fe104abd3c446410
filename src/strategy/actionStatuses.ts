/**
 * The statuses and RAG ratings of a strategy's actions, apart from the strategy schema so that the
 * help of `svd actions` can list them without loading the schema library.
 */
import type { ActionStatus } from '../api/strategy.js';

export const ACTION_STATUSES = [
  'not-started',
  'in-progress',
  'completed',
  'on-hold',
  'cancelled',
] as const satisfies readonly ActionStatus[];
/** Statuses of an action that is finished with: never overdue. */
export const CLOSED_STATUSES: readonly ActionStatus[] = ['completed', 'cancelled'];

export const RAGS = ['red', 'amber', 'green'] as const;
export type Rag = (typeof RAGS)[number];
