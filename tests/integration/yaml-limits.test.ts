/**
 * Hostile YAML at the faces of svd: `svd definitions validate`, `svd strategy validate`, `svd
 * mappings --check` and `svd ingest force-extract --mapping` refuse a file of nested aliases
 * ("billion laughs") with YAML_TOO_COMPLEX and exit code 3, storing nothing; the compiled command
 * does so as a real process, stopped after ten seconds and held to 256 MB, so that a regression
 * fails rather than hangs; and a read-only server refuses the bomb posted to /api/whatif with the
 * same error and goes on answering. The help of each command states the limits.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorAnswer } from '../../src/api/errors.js';
import { YAML_LIMITS } from '../../src/core/boundedYaml.js';
import { silentReporter } from '../../src/core/reporter.js';
import { buildServer } from '../../src/server/buildServer.js';
import { WorkspacePool } from '../../src/server/workspacePool.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { billionLaughs, nestedLists } from '../helpers/yamlBombs.js';

const dir = tempDir('svd-yaml-');
const bomb = path.join(dir, 'bomb.yaml');
writeFileSync(bomb, billionLaughs());
const db = path.join(dir, 'served.duckdb');

/** Long enough for a bounded read; an expanding one would run out of memory first. */
const BOUNDED = 20_000;

/** The refusal as the command line prints it: the code, the file and line, the limit, the fix. */
const REFUSED =
  /error\[YAML_TOO_COMPLEX\]: bomb\.yaml, line 6, field "f\[0\]": the YAML holds more than 100,000 keys and values once its aliases are written out; svd reads at most 100,000 \(limit: values\)\n {2}fix: write the values out instead of using aliases/;

beforeAll(async () => {
  const ws = await openWorkspace(db);
  ws.close();
});

describe('the command line', () => {
  it(
    'svd definitions validate bomb.yaml is refused with the input exit code',
    async () => {
      const r = await svd(['definitions', 'validate', 'bomb.yaml'], {}, dir);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(REFUSED);
    },
    BOUNDED,
  );

  it(
    'svd strategy validate bomb.yaml is refused with the input exit code',
    async () => {
      const r = await svd(['strategy', 'validate', 'bomb.yaml'], {}, dir);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(REFUSED);
    },
    BOUNDED,
  );

  it(
    'svd mappings --check bomb.yaml is refused with the input exit code',
    async () => {
      const r = await svd(['mappings', '--check', bomb], {}, dir);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/error\[YAML_TOO_COMPLEX\]: .*bomb\.yaml, line 6/);
    },
    BOUNDED,
  );

  it(
    'svd ingest force-extract --mapping bomb.yaml is refused and stores nothing',
    async () => {
      const extract = path.join(dir, 'extract.csv');
      writeFileSync(extract, 'Crime Reference,Committed From\nA1,2024-01-05\n');
      const before = await storeFingerprint(db);
      const r = await svd(
        ['ingest', 'force-extract', 'extract.csv', '--mapping', 'bomb.yaml', '--db', db],
        {},
        dir,
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(REFUSED);
      expect(await storeFingerprint(db)).toEqual(before);
    },
    BOUNDED,
  );

  it('the compiled command refuses it as a process, within ten seconds and 256 MB', () => {
    for (const args of [
      ['definitions', 'validate', 'bomb.yaml'],
      ['strategy', 'validate', 'bomb.yaml'],
    ]) {
      const r = spawnSync(
        process.execPath,
        ['--max-old-space-size=256', path.join(REPO, 'bin', 'svd.js'), ...args],
        { cwd: dir, encoding: 'utf8', timeout: 10_000, env: { PATH: process.env['PATH'] ?? '' } },
      );
      expect(r.signal, `svd ${args.join(' ')} was stopped`).toBeNull();
      expect(r.status, r.stderr).toBe(3);
      expect(r.stderr).toMatch(REFUSED);
    }
  });

  it('the help of each command that reads YAML states the limits', async () => {
    for (const args of [
      ['definitions', 'validate', '--help'],
      ['strategy', 'validate', '--help'],
      ['mappings', '--help'],
    ]) {
      const r = await svd(args);
      expect(r.code).toBe(0);
      const help = r.stdout.replace(/\s+/g, ' ');
      expect(help).toContain(
        `YAML files are read within bounds: at most ${(YAML_LIMITS.maxBytes / 1024).toLocaleString('en-GB')} KB, ${YAML_LIMITS.maxAliases} aliases (*name), ${YAML_LIMITS.maxNodes.toLocaleString('en-GB')} keys and values`,
      );
      expect(help).toContain(`${YAML_LIMITS.maxDepth} levels of nesting`);
      expect(help).toContain('YAML_TOO_COMPLEX (exit code 3)');
    }
  });
});

describe('the server', () => {
  let pool: WorkspacePool;
  let app: FastifyInstance;

  beforeAll(async () => {
    pool = await WorkspacePool.open(db, { writable: false, reporter: silentReporter });
    app = await buildServer({ pool, reporter: silentReporter, webRoot: path.join(dir, 'no-web') });
  });

  afterAll(async () => {
    await app?.close();
    pool?.close();
  });

  async function whatIf(proposal: string): Promise<{ status: number; body: ErrorAnswer }> {
    const res = await app.inject({
      method: 'POST',
      url: '/api/whatif',
      payload: { base: 'thames-valley-vru', proposal },
    });
    return { status: res.statusCode, body: res.json() as ErrorAnswer };
  }

  it(
    'refuses the bomb posted to /api/whatif with the error, as an invalid proposal (422)',
    async () => {
      const r = await whatIf(billionLaughs());
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({
        kind: 'input',
        code: 'YAML_TOO_COMPLEX',
        file: 'proposal',
        line: 6,
        field: 'f[0]',
        message:
          'the YAML holds more than 100,000 keys and values once its aliases are written out; svd reads at most 100,000 (limit: values)',
      });
      expect(r.body.error.fix).toMatch(/^write the values out instead of using aliases/);
    },
    BOUNDED,
  );

  it(
    'refuses 10,000 nested lists likewise, and goes on answering',
    async () => {
      const r = await whatIf(nestedLists(10_000));
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'YAML_TOO_COMPLEX', file: 'proposal', line: 1 });
      expect(r.body.error.message).toMatch(/\(limit: depth\)$/);
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(200);
    },
    BOUNDED,
  );
});
