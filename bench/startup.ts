/**
 * Start-up benchmark: the whole `svd` process, from `node` starting to its exit, for the command
 * lines that should cost little more than Node itself (`--version`, a command's help, validating
 * a definition file) and for one that opens a workspace (`svd batches --json` on an empty one,
 * which has to load DuckDB). The reference is a bare `node -e ''`, measured in the same run; the
 * command lines are run in turn, alternating, each round in a different order, and the median of
 * BENCH_ROUNDS rounds (default 15) is kept. Peak memory is the child's maximum resident set size
 * as `/usr/bin/time -f %M` reports it (every run, the reference included, goes through it alike).
 *
 * It runs the compiled program (bin/svd.js → dist/): `npm run build` first.
 */
import type { Goal } from './run.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SOFTWARE_VERSION } from '../src/core/version.js';
import { openWorkspace } from '../src/store/openWorkspace.js';
import { median, printTable, REPO } from './support.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
/** The target for the cheap command lines: at most this many times a bare Node. */
const TARGET = 3;
const TIME = '/usr/bin/time';

interface Case {
  /** The command line as shown. */
  name: string;
  /** Arguments of `node`. */
  args: string[];
  /** Whether the target applies (a command that opens a workspace has to load DuckDB). */
  cheap: boolean;
  /** What the output must hold, so that a run that failed quietly is not timed as a fast one. */
  expect: (stdout: string) => boolean;
}

interface Run {
  ms: number;
  rssKb: number | null;
}

function runOnce(c: Case, rssFile: string | null, cwd: string): Run {
  const [command, args] =
    rssFile === null
      ? [process.execPath, c.args]
      : [TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...c.args]];
  const started = performance.now();
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env } });
  const ms = performance.now() - started;
  if (r.status !== 0 || !c.expect(r.stdout))
    throw new Error(
      `${c.name} failed (exit ${String(r.status)}): ${r.stderr.trim() || r.stdout.trim()}`,
    );
  let rssKb: number | null = null;
  if (rssFile !== null) {
    const value = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
    rssKb = Number.isFinite(value) ? value : null;
  }
  return { ms, rssKb };
}

export async function benchStartup(): Promise<Record<string, unknown>> {
  const bin = path.join(REPO, 'bin', 'svd.js');
  if (!existsSync(path.join(REPO, 'dist', 'cli', 'run.js')))
    throw new Error('the compiled program is missing (dist/): run `npm run build` first');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'svd-bench-startup-'));
  try {
    // An empty workspace, created here so that `svd batches` times opening one, not creating it.
    const db = path.join(dir, 'empty.duckdb');
    (await openWorkspace(db, { create: true })).close();
    const definition = path.join(REPO, 'definitions', 'thames-valley-vru.yaml');
    const svd = (...args: string[]): string[] => [bin, ...args];
    const cases: Case[] = [
      {
        name: "node -e '' (reference)",
        args: ['-e', ''],
        cheap: false,
        expect: () => true,
      },
      {
        name: 'svd --version',
        args: svd('--version'),
        cheap: true,
        expect: (out) => out.trim() === SOFTWARE_VERSION,
      },
      {
        name: 'svd ingest --help',
        args: svd('ingest', '--help'),
        cheap: true,
        expect: (out) => out.includes('Usage: svd ingest'),
      },
      {
        name: 'svd definitions list --help',
        args: svd('definitions', 'list', '--help'),
        cheap: true,
        expect: (out) => out.includes('Usage: svd definitions list'),
      },
      {
        name: 'svd definitions validate FILE',
        args: svd('definitions', 'validate', definition),
        cheap: true,
        expect: (out) => out.startsWith('ok '),
      },
      {
        name: 'svd --help (every command)',
        args: svd('--help'),
        cheap: false,
        expect: (out) => out.includes('Usage: svd'),
      },
      {
        name: 'svd batches --json (opens a workspace)',
        args: svd('batches', '--db', db, '--json'),
        cheap: false,
        expect: (out) => out.trim().startsWith('['),
      },
    ];
    const rssFile = existsSync(TIME) ? path.join(dir, 'rss.txt') : null;
    const runs = new Map<string, Run[]>(cases.map((c) => [c.name, []]));
    for (const c of cases) runOnce(c, rssFile, dir); // warm-up: file cache, compiled code cache
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts at a different case, so none is always first after a pause.
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(round + k) % cases.length]!;
        runs.get(c.name)!.push(runOnce(c, rssFile, dir));
      }
    }

    const figures = cases.map((c) => {
      const rs = runs.get(c.name)!;
      const rss = rs.map((r) => r.rssKb).filter((v): v is number => v !== null);
      return {
        name: c.name,
        cheap: c.cheap,
        ms: median(rs.map((r) => r.ms)),
        rssKb: rss.length === 0 ? null : median(rss),
      };
    });
    const reference = figures[0]!;
    console.log(
      `\n## start-up: the whole process, median of ${ROUNDS} rounds, alternating; peak RSS by ${rssFile === null ? '(not measured: /usr/bin/time is missing)' : '/usr/bin/time -f %M'}`,
    );
    printTable(
      figures.map((f) => ({
        'command line': f.name,
        ms: f.ms,
        'ratio to node': f.ms / reference.ms,
        'peak RSS MB': f.rssKb === null ? 'n/a' : (f.rssKb / 1024).toFixed(1),
        [`target ≤ ${TARGET}×`]:
          f === reference ? '' : !f.cheap ? '—' : f.ms / reference.ms <= TARGET ? 'met' : 'NOT met',
      })),
    );
    const commands: Record<string, unknown> = {};
    for (const f of figures.slice(1))
      commands[f.name] = {
        ms: f.ms,
        ratio: f.ms / reference.ms,
        rssKb: f.rssKb,
        ...(f.cheap ? { target: TARGET, met: f.ms / reference.ms <= TARGET } : {}),
      };
    return {
      rounds: ROUNDS,
      rssBy: rssFile === null ? null : '/usr/bin/time -f %M',
      reference: { ms: reference.ms, rssKb: reference.rssKb },
      commands,
      goals: figures.slice(1).map((f): Goal => ({
        workload: f.name,
        reference: "node -e '', whole process",
        goal: f.cheap ? `≤ ${TARGET}×` : '—',
        measured: `${(f.ms / reference.ms).toFixed(2)}× (${Math.round(f.ms)} ms)`,
        met: !f.cheap || f.ms / reference.ms <= TARGET,
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
