/**
 * The Causes page's model fits on worker threads (the server's), against the same fits made on
 * the calling thread: the same rows to the last digit. The workers are those of the build
 * (dist/, which `npm ci` makes), as `svd serve` runs them; the pool's failures are met with a
 * worker module of the test's own.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  associateBatch,
  associationBatch,
  type SmallArea,
} from '../../src/analyses/causes/association.js';
import type { IndicatorMeta } from '../../src/analyses/causes/indicatorData.js';
import { associationWorkers } from '../../src/app/workers/associationWorkers.js';
import { WorkerPool, WorkerStopped } from '../../src/app/workers/workerPool.js';
import { tempDir } from '../helpers/temp.js';

const DIST = path.resolve('dist/app/workers');

/** A seeded batch: 400 areas in a ring of neighbours, indicators of several kinds. */
function batch() {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const n = 400;
  const areas: SmallArea[] = Array.from({ length: n }, (_, i) => ({
    code: `E0100${String(i).padStart(4, '0')}`,
    count: Math.floor(random() * random() * 30),
    population: 1200 + Math.round(random() * 800),
  }));
  const neighbours = areas.map((_, i) =>
    [(i + n - 1) % n, (i + 1) % n, (i + 20) % n].sort((a, b) => a - b),
  );
  const meta = (id: string): IndicatorMeta => ({
    id,
    name: id,
    definition: null,
    unit: 'score',
    polarity: 'higher-is-worse',
    publisher: null,
    disclosure: 'published',
    topic: null,
  });
  const values = (f: (i: number) => number | null) =>
    new Map(areas.map((a, i) => [a.code, { value: f(i) }]));
  return associationBatch(areas, neighbours, [
    // Related to the counts, with gaps.
    {
      meta: meta('related'),
      period: '2025',
      values: values((i) => (i % 17 === 0 ? null : areas[i]!.count / 3 + random() * 4)),
    },
    { meta: meta('noise'), period: '2025', values: values(() => random() * 100) },
    // Constant: no model can be fitted.
    { meta: meta('constant'), period: '2025', values: values(() => 5) },
    // Held for fewer than 10 areas: no row.
    { meta: meta('sparse'), period: '2025', values: values((i) => (i < 8 ? i : null)) },
    // Not finite where published wrongly: left out as missing.
    {
      meta: meta('infinite'),
      period: '2025',
      values: values((i) => (i % 50 === 0 ? Infinity : random())),
    },
  ]);
}

describe('the association fits on worker threads', () => {
  const workers = associationWorkers(2, pathToFileURL(path.join(DIST, 'associationWorker.js')));
  afterAll(() => workers.close());

  it('give the rows the calling thread gives, to the last digit, for answers asked at once', async () => {
    expect(workers.threads).toBe(2);
    const here = associateBatch(batch());
    expect(here.map((r) => r === null)).toEqual([false, false, false, true, false]);
    expect(here[2]!.perSd.negativeBinomial).toBeNull();
    expect(here[4]!.missing).toBe(8);
    const there = await Promise.all([1, 2, 3].map(() => workers.run(batch())));
    for (const rows of there) expect(JSON.stringify(rows)).toBe(JSON.stringify(here));
  });

  it('are made on the calling thread when the worker module is not compiled (the TypeScript sources)', async () => {
    const inline = associationWorkers();
    expect(inline.threads).toBe(0);
    expect(JSON.stringify(await inline.run(batch()))).toBe(JSON.stringify(associateBatch(batch())));
    await inline.close();
  });
});

describe('a pool of workers', () => {
  const dir = tempDir('svd-workers-');
  const file = path.join(dir, 'double.mjs');
  writeFileSync(
    file,
    `import { serveWorkerTasks } from ${JSON.stringify(pathToFileURL(path.join(DIST, 'workerPool.js')).href)};
serveWorkerTasks((x) => {
  if (x === 'throw') throw new RangeError('not a number');
  if (x === 'exit') process.exit(3);
  return x * 2;
});
`,
  );

  it("answers each task, passes on a task's error, and replaces a worker that stops", async () => {
    const pool = new WorkerPool<number | string, number>(pathToFileURL(file), 2);
    try {
      expect(await Promise.all([1, 2, 3, 4, 5].map((x) => pool.run(x)))).toEqual([2, 4, 6, 8, 10]);
      await expect(pool.run('throw')).rejects.toThrow('not a number');
      expect(await pool.run(21)).toBe(42);
      const stopped = pool.run('exit');
      await expect(stopped).rejects.toBeInstanceOf(WorkerStopped);
      await expect(stopped).rejects.toThrow('exit code 3');
      expect(await Promise.all([6, 7].map((x) => pool.run(x)))).toEqual([12, 14]);
    } finally {
      await pool.close();
    }
    await expect(pool.run(1)).rejects.toBeInstanceOf(WorkerStopped);
  });

  it('refuses a pool of no workers', () => {
    expect(() => new WorkerPool(pathToFileURL(file), 0)).toThrow(RangeError);
  });
});
