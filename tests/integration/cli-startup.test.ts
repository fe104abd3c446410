/**
 * Start-up: a command line loads what it needs and no more. `svd --version` loads no command, a
 * command's help loads neither DuckDB, zod, ECharts, Fastify nor Playwright, and a command that
 * opens a workspace does load DuckDB (so the check below can see it). The compiled program runs
 * in a child process whose module resolutions are recorded by a loader hook; the registry names
 * each command as the command itself does, so `svd NAME` finds the module that defines NAME.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commandRegistry.js';
import { bufferIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/main.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-startup-');
const hooks = path.join(dir, 'hooks.mjs');
writeFileSync(
  hooks,
  `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.SVD_TRACE, r.url + '\\n');
  return r;
}
`,
);
const register = path.join(dir, 'register.mjs');
writeFileSync(
  register,
  `import { register } from 'node:module';
register(${JSON.stringify(pathToFileURL(hooks).href)});
`,
);

let traces = 0;
/** Runs the compiled svd; returns its exit code, output and the modules it resolved. */
function traced(args: string[]): { code: number | null; stdout: string; loaded: string[] } {
  const trace = path.join(dir, `trace-${++traces}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(
    process.execPath,
    ['--import', register, path.join(REPO, 'bin', 'svd.js'), ...args],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, SVD_TRACE: trace } },
  );
  const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
  return { code: r.status, stdout: r.stdout, loaded };
}

const HEAVY: Record<string, RegExp> = {
  DuckDB: /\/node_modules\/@duckdb\//,
  // zod as the compiled program loads it (one bundled file), or from its package.
  zod: /\/dist\/vendor\/zod\.js$|\/node_modules\/zod\//,
  ECharts: /\/dist\/reports\/sna\/renderChart\.js$/,
  Fastify: /\/node_modules\/fastify\//,
  Playwright: /\/dist\/reports\/printPdf\.js$/,
};
const heavyIn = (loaded: readonly string[]): string[] =>
  Object.entries(HEAVY)
    .filter(([, pattern]) => loaded.some((url) => pattern.test(url)))
    .map(([name]) => name);
const commandModules = (loaded: readonly string[]): string[] =>
  loaded
    .map((url) => /\/dist\/cli\/commands\/([A-Za-z]+)\.js$/.exec(url)?.[1])
    .filter((name): name is string => name !== undefined);

describe('svd loads what a command line needs', () => {
  it('the registry names every command of the program, in its order, as the command names itself', async () => {
    const io = bufferIo({});
    const names = await Promise.all(COMMANDS.map(async (c) => (await c.load())(io).name()));
    expect(names).toEqual(COMMANDS.map((c) => c.name));
    expect(buildProgram(io).commands.map((c) => c.name())).toEqual(names);
  });

  it('svd --version loads no command', () => {
    const r = traced(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(commandModules(r.loaded)).toEqual([]);
    expect(heavyIn(r.loaded)).toEqual([]);
  });

  it.each([
    [
      ['ingest', '--help'],
      ['ingest', 'ingestPartner'],
    ],
    [['definitions', 'list', '--help'], ['definitions']],
    [['report', 'sna', '--help'], ['report']],
    [['serve', '--help'], ['serve']],
  ])('svd %j loads its command only, and none of the heavy libraries', (args, modules) => {
    const r = traced(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: svd ${args.filter((a) => a !== '--help').join(' ')}`);
    expect([...new Set(commandModules(r.loaded))].sort()).toEqual(modules);
    expect(heavyIn(r.loaded)).toEqual([]);
  });

  it.each(COMMANDS.map((c) => c.name))(
    'svd %s --help loads none of the heavy libraries',
    (name) => {
      const r = traced([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: svd ${name}`);
      expect(heavyIn(r.loaded)).toEqual([]);
    },
  );

  it('svd definitions validate reads the file without DuckDB', () => {
    const r = traced([
      'definitions',
      'validate',
      path.join(REPO, 'definitions', 'police-uk-proxy.yaml'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok /);
    expect(heavyIn(r.loaded)).toEqual(['zod']);
    // The bundle the build makes, not zod's 95 modules (scripts/bundle-zod.ts).
    expect(r.loaded.filter((u) => u.endsWith('/dist/vendor/zod.js'))).toHaveLength(1);
    expect(r.loaded.filter((u) => u.includes('/node_modules/zod/'))).toEqual([]);
  });

  it('a command that opens a workspace loads DuckDB', async () => {
    const db = path.join(dir, 'empty.duckdb');
    (await openWorkspace(db, { create: true })).close();
    const r = traced(['batches', '--db', db, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(heavyIn(r.loaded)).toContain('DuckDB');
  });

  it('root help loads every command, so that it lists them all', () => {
    const r = traced(['--help']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(`\n  ${c.name} `);
    expect(commandModules(r.loaded)).toEqual(
      expect.arrayContaining(['ingest', 'population', 'serve']),
    );
  });
});
