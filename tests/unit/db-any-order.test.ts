/**
 * `Db.runInAnyOrder`: the statement runs with the store's insertion order off, and the setting is
 * back on afterwards — after a failure too, inside a transaction as well as outside one (where the
 * failed transaction takes no statement until it ends).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db, Memos } from '../../src/store/db.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let db: Db;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  db = new Db(connection, new Memos());
  await db.run('CREATE TABLE t (ordered BOOLEAN, x BIGINT)');
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

const ordered = async (): Promise<boolean> =>
  (await db.value<boolean>(`SELECT current_setting('preserve_insertion_order')`)) === true;

const STORE = `INSERT INTO t SELECT current_setting('preserve_insertion_order'), range FROM range(1000)`;
const FAIL = `INSERT INTO t SELECT true, CASE WHEN range = 999 THEN error('row 999 refused') ELSE range END FROM range(1000)`;

describe('a statement run in any order', () => {
  it('runs with the order off, stores every row, and sets it back', async () => {
    expect(await ordered()).toBe(true);
    await db.runInAnyOrder(STORE);
    expect(await ordered()).toBe(true);
    const rows = await db.all<{ ordered: boolean; n: number }>(
      'SELECT ordered, count(*)::INTEGER AS n FROM t GROUP BY ordered',
    );
    expect(rows).toEqual([{ ordered: false, n: 1000 }]);
  });

  it('sets it back after a failure outside a transaction', async () => {
    await expect(db.runInAnyOrder(FAIL)).rejects.toThrow('row 999 refused');
    expect(await ordered()).toBe(true);
    expect(await db.value<number>('SELECT count(*)::INTEGER FROM t')).toBe(1000);
  });

  it('in a transaction: sets it back before the next statement, or when a failed one ends', async () => {
    let inside: boolean | undefined;
    await db.transaction(async () => {
      await db.runInAnyOrder(STORE);
      inside = await ordered();
    });
    expect(inside).toBe(true);
    expect(await db.value<number>('SELECT count(*)::INTEGER FROM t')).toBe(2000);

    await expect(db.transaction(() => db.runInAnyOrder(FAIL))).rejects.toThrow('row 999 refused');
    expect(await ordered()).toBe(true);
    expect(await db.value<number>('SELECT count(*)::INTEGER FROM t')).toBe(2000);
  });
});
