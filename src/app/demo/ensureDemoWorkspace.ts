/**
 * `npm start` builds the demo workspace once and reuses it while it is up to date. "Up to date"
 * means that the stamp written beside the workspace after its last complete build equals the
 * stamp of what a build would read now: the demo recipe's version, the svd version, the schema
 * version, the content hashes of the shipped definitions, the months asked for, and the path,
 * size and modification time of every input file. Anything else (an edited input, an upgraded
 * svd, a build killed half-way) rebuilds from nothing into a temporary file that is renamed into
 * place, so a reused workspace is always a complete one (docs/decisions/0042-demo-up-to-date.md).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Reporter } from '../../core/reporter.js';
import { SOFTWARE_VERSION } from '../../core/version.js';
import { shippedDefinitions } from '../../definitions/shippedDefinitions.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import { openWorkspace, withWorkspace, type Workspace } from '../../store/openWorkspace.js';
import { demoInputFiles, demoSummary, runDemo, DEMO_SEED, type DemoResult } from './runDemo.js';

/** Raise when what the demo builds changes, so that older demo workspaces are rebuilt. */
export const DEMO_RECIPE_VERSION = 6; // 5: the indicators (risk and protective factors); 6: synthetic A&E within its months

export type DemoState = 'fresh' | 'stale' | 'missing';

export interface DemoStamp {
  recipe: number;
  software: string;
  schema: number;
  seed: number;
  months: string[] | 'all';
  source: 'shared' | 'downloaded';
  definitions: string[];
  inputs: { file: string; bytes: number; modified: number }[];
}

export interface EnsureDemoOptions {
  sharedData: string | undefined;
  downloadDir: string;
  reporter: Reporter;
  baseUrl?: string;
  months?: readonly string[];
  /** Rebuild even when up to date. */
  rebuild?: boolean;
}

export interface EnsureDemoResult {
  state: DemoState;
  /** Why the workspace was (re)built, or that it was reused. */
  reason: string;
  /** The build's report; undefined when the workspace was reused. */
  built: DemoResult | undefined;
  summary: Awaited<ReturnType<typeof demoSummary>>;
  path: string;
}

export const stampFile = (dbPath: string): string => `${dbPath}.demo.json`;

export function currentDemoStamp(options: EnsureDemoOptions): DemoStamp {
  const inputs =
    options.sharedData === undefined
      ? []
      : demoInputFiles(options.sharedData, options.months).map((file) => {
          const s = statSync(file);
          return { file: path.resolve(file), bytes: s.size, modified: Math.round(s.mtimeMs) };
        });
  return {
    recipe: DEMO_RECIPE_VERSION,
    software: SOFTWARE_VERSION,
    schema: MIGRATIONS.at(-1)?.version ?? 0,
    seed: DEMO_SEED,
    months: options.months === undefined ? 'all' : [...options.months].sort(),
    source: options.sharedData === undefined ? 'downloaded' : 'shared',
    definitions: shippedDefinitions().map((d) => `${d.file.id}@${d.file.version}:${d.contentHash}`),
    inputs,
  };
}

function stampDigest(stamp: DemoStamp): string {
  return createHash('sha256').update(JSON.stringify(stamp)).digest('hex');
}

/** Whether the workspace at dbPath is a complete demo build of what would be built now. */
export function demoState(dbPath: string, stamp: DemoStamp): { state: DemoState; reason: string } {
  if (!existsSync(dbPath)) return { state: 'missing', reason: 'no demo workspace yet' };
  let stored: { digest?: string; stamp?: DemoStamp } | undefined;
  try {
    stored = JSON.parse(readFileSync(stampFile(dbPath), 'utf8')) as typeof stored;
  } catch {
    return {
      state: 'stale',
      reason: 'the workspace has no record of a complete demo build (it may have been interrupted)',
    };
  }
  if (stored?.digest === stampDigest(stamp))
    return { state: 'fresh', reason: 'up to date: reused' };
  const old = stored?.stamp;
  const changed: string[] = [];
  if (old === undefined) changed.push('the build record');
  else {
    if (old.recipe !== stamp.recipe) changed.push('the demo recipe');
    if (old.software !== stamp.software) changed.push(`svd (${old.software} → ${stamp.software})`);
    if (old.schema !== stamp.schema) changed.push('the workspace schema');
    if (JSON.stringify(old.definitions) !== JSON.stringify(stamp.definitions))
      changed.push('the shipped definitions');
    if (JSON.stringify(old.months) !== JSON.stringify(stamp.months) || old.source !== stamp.source)
      changed.push('the data asked for');
    if (JSON.stringify(old.inputs) !== JSON.stringify(stamp.inputs)) changed.push('input files');
  }
  return {
    state: 'stale',
    reason: `changed since the last build: ${changed.length === 0 ? 'the seed' : changed.join(', ')}`,
  };
}

/** Whether a process with this id is running (signal 0 tests without sending anything). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the partial files of earlier builds whose process no longer runs (a build killed
 * half-way leaves `<workspace>.building-<pid>` and its `.wal` and `.key` behind); the build of
 * a process still running is left alone.
 */
function removeAbandonedBuilds(dbPath: string, reporter: Reporter): void {
  const dir = path.dirname(dbPath);
  const prefix = `${path.basename(dbPath)}.building-`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isSafeInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    rmSync(path.join(dir, name), { force: true });
    reporter.info(`removed ${name}, left by an earlier demo build that did not finish`);
  }
}

/** Builds the demo workspace at dbPath, or reuses it when up to date. */
export async function ensureDemoWorkspace(
  dbPath: string,
  options: EnsureDemoOptions,
): Promise<EnsureDemoResult> {
  const stamp = currentDemoStamp(options);
  const { state, reason } = demoState(dbPath, stamp);
  if (state === 'fresh' && options.rebuild !== true) {
    options.reporter.info(`demo workspace ${dbPath}: ${reason}`);
    const summary = await withWorkspace(dbPath, { create: false }, (ws) => demoSummary(ws));
    return { state, reason, built: undefined, summary, path: dbPath };
  }
  options.reporter.info(
    `demo workspace ${dbPath}: ${options.rebuild === true ? 'rebuilding as asked' : reason}; building it`,
  );
  const building = `${dbPath}.building-${process.pid}`;
  const cleanup = (): void => {
    for (const f of [building, `${building}.wal`, `${building}.key`]) rmSync(f, { force: true });
  };
  cleanup();
  removeAbandonedBuilds(dbPath, options.reporter);
  let result: DemoResult;
  try {
    const ws: Workspace = await openWorkspace(building, { create: true });
    try {
      result = await runDemo(ws, {
        sharedData: options.sharedData,
        downloadDir: options.downloadDir,
        workDir: path.join(path.dirname(dbPath), 'demo-files'),
        keyFile: `${building}.key`,
        reporter: options.reporter,
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
        ...(options.months === undefined ? {} : { months: options.months }),
      });
      await ws.db.run('CHECKPOINT');
    } finally {
      ws.close();
    }
    rmSync(stampFile(dbPath), { force: true });
    rmSync(`${dbPath}.wal`, { force: true });
    renameSync(building, dbPath);
    renameSync(`${building}.key`, `${dbPath}.key`);
    const temp = `${stampFile(dbPath)}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ digest: stampDigest(stamp), stamp }, null, 2)}\n`);
    renameSync(temp, stampFile(dbPath));
  } catch (error) {
    cleanup();
    throw error;
  }
  return {
    state,
    reason,
    built: result,
    summary: { coverage: result.coverage, oxfordshire: result.oxfordshire },
    path: dbPath,
  };
}
