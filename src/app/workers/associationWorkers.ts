/**
 * The Causes page's model fits (`associateBatch`) on worker threads of their own, for a server:
 * each answer fits 60 pairs of models, which on its one main thread would hold every other answer
 * back. Run from a build; from the TypeScript sources (the tests' in-process servers) the worker
 * module is not compiled, and the fits are made here and now, as they are for the command line.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AssociationRow } from '../../api/causes.js';
import { associateBatch, type AssociationBatch } from '../../analyses/causes/association.js';
import type { AssociationRunner } from '../../analyses/causes/analyseCauses.js';
import { WorkerPool, WorkerStopped } from './workerPool.js';

export interface AssociationWorkers {
  run: AssociationRunner;
  /** Worker threads at most; 0 when the fits are made on the calling thread. */
  threads: number;
  close(): Promise<void>;
}

/** One thread fewer than the cores (the main thread has the rest of each answer), 1 to 2. */
export function associationThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

export function associationWorkers(
  threads = associationThreads(),
  file = new URL('./associationWorker.js', import.meta.url),
): AssociationWorkers {
  if (!existsSync(fileURLToPath(file)))
    return { run: associateBatch, threads: 0, close: () => Promise.resolve() };
  const pool = new WorkerPool<AssociationBatch, (AssociationRow | null)[]>(file, threads);
  return {
    threads,
    // A worker that stopped computed nothing: the fits are made here instead.
    run: (batch) =>
      pool.run(batch).catch((error: unknown) => {
        if (error instanceof WorkerStopped) return associateBatch(batch);
        throw error;
      }),
    close: () => pool.close(),
  };
}
