/**
 * A few worker threads that each run one pure, synchronous computation on the messages sent to
 * them: for the server's work that is JavaScript alone (model fits), which would otherwise hold
 * its one main thread while other answers wait. A worker's answer is the function's answer: the
 * same code on the same numbers, so the same to the last digit.
 *
 * The workers start on first use and each takes the next task when it has the fewest waiting. A
 * worker that stops (an exit, an uncaught error) fails its tasks with `WorkerStopped` and is
 * replaced on the next task. Idle workers do not keep the process alive; `close` ends them.
 */
import { Worker, parentPort } from 'node:worker_threads';
import { errorMessage } from '../../core/errors.js';

interface Task<O> {
  resolve: (output: O) => void;
  reject: (error: Error) => void;
}

interface Held<O> {
  worker: Worker;
  tasks: Map<number, Task<O>>;
}

type Reply<O> = { id: number; output: O } | { id: number; error: string };

/** The worker thread ended with tasks in hand: they were not computed. */
export class WorkerStopped extends Error {
  override readonly name = 'WorkerStopped';
}

export class WorkerPool<I, O> {
  private readonly held: Held<O>[] = [];
  private lastId = 0;
  private closed = false;

  /** `file`: a compiled module that calls `serveWorkerTasks` with the computation. */
  constructor(
    private readonly file: URL,
    private readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`a pool needs at least one worker, not ${size}`);
  }

  run(input: I): Promise<O> {
    if (this.closed) return Promise.reject(new WorkerStopped('the worker pool is closed'));
    const held = this.choose();
    const id = ++this.lastId;
    return new Promise<O>((resolve, reject) => {
      held.tasks.set(id, { resolve, reject });
      if (held.tasks.size === 1) held.worker.ref();
      held.worker.postMessage({ id, input });
    });
  }

  /** Ends every worker; tasks in hand fail with `WorkerStopped`. */
  async close(): Promise<void> {
    this.closed = true;
    const held = this.held.splice(0);
    await Promise.all(held.map((h) => h.worker.terminate()));
  }

  private choose(): Held<O> {
    const idle = this.held.find((h) => h.tasks.size === 0);
    if (idle !== undefined) return idle;
    if (this.held.length < this.size) return this.start();
    return this.held.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
  }

  private start(): Held<O> {
    const worker = new Worker(this.file);
    const held: Held<O> = { worker, tasks: new Map() };
    worker.unref();
    const stop = (why: string): void => {
      const at = this.held.indexOf(held);
      if (at >= 0) this.held.splice(at, 1);
      for (const task of held.tasks.values()) task.reject(new WorkerStopped(why));
      held.tasks.clear();
    };
    worker.on('message', (reply: Reply<O>) => {
      const task = held.tasks.get(reply.id);
      if (task === undefined) return;
      held.tasks.delete(reply.id);
      if (held.tasks.size === 0) worker.unref();
      if ('error' in reply) task.reject(new Error(reply.error));
      else task.resolve(reply.output);
    });
    worker.on('error', (error) => stop(`a worker failed: ${errorMessage(error)}`));
    worker.on('exit', (code) => stop(`a worker stopped (exit code ${code})`));
    this.held.push(held);
    return held;
  }
}

/** The body of a worker module: answers each task with `compute(input)`, or its error's message. */
export function serveWorkerTasks<I, O>(compute: (input: I) => O): void {
  const port = parentPort;
  if (port === null) throw new Error('serveWorkerTasks runs only in a worker thread');
  port.on('message', ({ id, input }: { id: number; input: I }) => {
    let reply: Reply<O>;
    try {
      reply = { id, output: compute(input) };
    } catch (error) {
      reply = { id, error: errorMessage(error) };
    }
    port.postMessage(reply);
  });
}
