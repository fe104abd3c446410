/**
 * How much memory DuckDB may hold for a workspace (its buffer pool: the table blocks it keeps
 * after reading them, and the hash tables of joins and groupings; larger work spills to a
 * temporary folder beside the workspace). Without a limit DuckDB keeps up to 80% of the machine's
 * memory, so a report on ten million records held 2.4 GB where 1 GB does the same work in the
 * same time (docs/decisions/0081-speed-at-ten-million.md). `SVD_MEMORY_LIMIT` sets another,
 * e.g. `4GB`.
 */
import { SvdError } from '../core/errors.js';

export const DEFAULT_MEMORY_LIMIT = '1GB';

const LIMIT = /^(\d{1,6})\s*(MB|GB|MiB|GiB)$/i;

export function workspaceMemoryLimit(env: NodeJS.ProcessEnv = process.env): string {
  const given = env['SVD_MEMORY_LIMIT'];
  if (given === undefined || given.trim() === '') return DEFAULT_MEMORY_LIMIT;
  const m = LIMIT.exec(given.trim());
  if (m === null || Number(m[1]) === 0)
    throw new SvdError({
      kind: 'usage',
      code: 'BAD_MEMORY_LIMIT',
      message: `SVD_MEMORY_LIMIT ${JSON.stringify(given)} is not an amount of memory`,
      fix: `give it as a whole number of MB or GB, e.g. SVD_MEMORY_LIMIT=4GB (default ${DEFAULT_MEMORY_LIMIT})`,
    });
  return `${m[1]}${m[2]!.toUpperCase().replace('IB', 'iB')}`;
}
