import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SvdError } from '../../src/core/errors.js';
import { DEFAULT_MEMORY_LIMIT, workspaceMemoryLimit } from '../../src/store/memoryLimit.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { tempDir } from '../helpers/temp.js';

const saved = process.env['SVD_MEMORY_LIMIT'];
afterEach(() => {
  if (saved === undefined) delete process.env['SVD_MEMORY_LIMIT'];
  else process.env['SVD_MEMORY_LIMIT'] = saved;
});

async function limitOf(file: string): Promise<string | undefined> {
  const ws = await openWorkspace(file);
  try {
    return await ws.db.value<string>(`SELECT current_setting('memory_limit')`);
  } finally {
    ws.close();
  }
}

describe('the memory DuckDB may hold for a workspace', () => {
  it('is 1 GB unless SVD_MEMORY_LIMIT says otherwise, and the workspace is opened with it', async () => {
    expect(DEFAULT_MEMORY_LIMIT).toBe('1GB');
    expect(workspaceMemoryLimit({})).toBe('1GB');
    expect(workspaceMemoryLimit({ SVD_MEMORY_LIMIT: ' 4gb ' })).toBe('4GB');
    expect(workspaceMemoryLimit({ SVD_MEMORY_LIMIT: '512MiB' })).toBe('512MiB');
    const dir = tempDir();
    delete process.env['SVD_MEMORY_LIMIT'];
    // DuckDB shows 10^9 bytes in binary units.
    expect(await limitOf(path.join(dir, 'a.duckdb'))).toBe('953.6 MiB');
    process.env['SVD_MEMORY_LIMIT'] = '2GiB';
    expect(await limitOf(path.join(dir, 'b.duckdb'))).toBe('2.0 GiB');
  });

  it('refuses a value that is not an amount, naming the variable and the fix', async () => {
    for (const bad of ['lots', '0GB', '4', '-1GB', '1.5GB', '4TB']) {
      let error: unknown;
      try {
        workspaceMemoryLimit({ SVD_MEMORY_LIMIT: bad });
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(SvdError);
      expect((error as SvdError).code).toBe('BAD_MEMORY_LIMIT');
      expect((error as SvdError).message).toContain('SVD_MEMORY_LIMIT');
    }
    process.env['SVD_MEMORY_LIMIT'] = 'lots';
    await expect(openWorkspace(path.join(tempDir(), 'c.duckdb'))).rejects.toMatchObject({
      code: 'BAD_MEMORY_LIMIT',
    });
  });

  it('says, when the work needs more than the limit, how to give it more, and keeps what was stored', async () => {
    process.env['SVD_MEMORY_LIMIT'] = '16MB';
    const ws = await openWorkspace(path.join(tempDir(), 'd.duckdb'));
    try {
      await ws.db.run('CREATE TABLE kept AS SELECT range AS n FROM range(10)');
      // A grouping whose every group holds a long list cannot spill: it needs the memory at once.
      const heavy = `SELECT n % 2 AS k, list(repeat('x', 100) || n) AS l
        FROM range(2000000) t(n) GROUP BY 1`;
      // One after another: begun at once on one connection, the transaction's BEGIN could take
      // in the other statements, and the first failure would abort them all.
      const failures = [
        () => ws.db.all(heavy),
        () => ws.db.run(`CREATE TABLE lost AS ${heavy}`),
        () =>
          ws.db.transaction(async () => {
            await ws.db.run('DELETE FROM kept');
            await ws.db.all(heavy);
          }),
      ];
      for (const failure of failures)
        await expect(failure()).rejects.toMatchObject({
          code: 'OUT_OF_MEMORY',
          kind: 'workspace',
          message: expect.stringContaining('(16MB)') as unknown,
          fix: expect.stringContaining('SVD_MEMORY_LIMIT') as unknown,
        });
      expect(await ws.db.value('SELECT count(*) FROM kept')).toBe(10);
      expect(
        await ws.db.value(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'lost'`),
      ).toBe(0);
      // Any other failure is left as it was.
      await expect(ws.db.all('SELECT * FROM nowhere')).rejects.not.toBeInstanceOf(SvdError);
    } finally {
      ws.close();
    }
  });
});
