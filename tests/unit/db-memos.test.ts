/**
 * Memoised answers (`Db.memo`, `Db.allMemo`): kept until a statement that may write, and, where
 * connections share one store (the server's read-only connections), asked once for all of them
 * and ended by a write through any of them.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db, Memos } from '../../src/store/db.js';

let instance: DuckDBInstance;
const connections: DuckDBConnection[] = [];

async function connect(): Promise<DuckDBConnection> {
  const c = await instance.connect();
  connections.push(c);
  return c;
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  const c = await connect();
  await c.run('CREATE TABLE t AS SELECT range AS x FROM range(10)');
});

afterAll(() => {
  for (const c of connections) c.closeSync();
  instance.closeSync();
});

const COUNT = 'SELECT count(*) AS n FROM t';

describe('memoised answers', () => {
  it('are computed once per store, whichever connection asks', async () => {
    const memos = new Memos();
    const a = new Db(await connect(), memos);
    const b = new Db(await connect(), memos);
    let computed = 0;
    const ask = (db: Db) =>
      db.memo('n', async () => {
        computed++;
        return db.value<number>(COUNT);
      });
    expect(Number(await ask(a))).toBe(10);
    expect(Number(await ask(b))).toBe(10);
    expect(computed).toBe(1);
    // Connections with stores of their own each compute it.
    const c = new Db(await connect());
    expect(Number(await ask(c))).toBe(10);
    expect(computed).toBe(2);
  });

  it('end with a write through any connection sharing the store', async () => {
    const memos = new Memos();
    const a = new Db(await connect(), memos);
    const b = new Db(await connect(), memos);
    const rows = async (db: Db) => Number((await db.allMemo<{ n: number }>(COUNT))[0]!.n);
    expect(await rows(a)).toBe(10);
    await b.run('INSERT INTO t VALUES (10)');
    expect(await rows(a)).toBe(11);
    // A writing statement read through `all` ends them too.
    await a.all('INSERT INTO t VALUES (11) RETURNING x');
    expect(await rows(b)).toBe(12);
    // Without a write, the kept answer is given even though the table changed underneath
    // (a store is shared only by connections that write through Db).
    const other = await connect();
    await other.run('INSERT INTO t VALUES (12)');
    expect(await rows(a)).toBe(12);
  });

  it('give each caller its own copy of the rows', async () => {
    const db = new Db(await connect(), new Memos());
    const first = await db.allMemo<{ n: number }>(COUNT);
    first[0]!.n = -1;
    expect(Number((await db.allMemo<{ n: number }>(COUNT))[0]!.n)).toBeGreaterThan(0);
  });
});
