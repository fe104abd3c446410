/**
 * The audit log: who did what to the workspace, append-only and hash-chained, so that the record
 * can be shown not to have been edited afterwards. This module is the only writer, and it only
 * appends (docs/decisions/0071-audit-log.md).
 *
 * Two logs share one chain format: the `audit_log` table inside the workspace, for what is done
 * with the file held read-write (ingests, restores, classification, strategy, uploads…), and a
 * JSON-lines file beside it (`<workspace>.audit.jsonl`), for what is done with the file held
 * read-only (the dashboard's reads, reports written beside `svd serve`), which cannot write to
 * the workspace. Each entry's hash is sha256(prev_hash ‖ canonical JSON of the entry without its
 * hash); the first entry's prev_hash is GENESIS_HASH.
 */
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { SvdError, errorMessage } from '../core/errors.js';
import type { Workspace } from './openWorkspace.js';

/** The prev_hash of the first entry of a log. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Who acted. Today the local user (`{ kind: 'local', name }`) or the dashboard
 * (`{ kind: 'server', name: 'local-dashboard' }`); once there is sign-in, a signed-in user
 * (`{ kind: 'user', organisation, userId, role }`) goes in the same JSON column.
 */
export interface AuditActor {
  kind: 'local' | 'server' | 'user';
  name?: string;
  organisation?: string;
  userId?: string;
  role?: string;
}

export type AuditDetail = Record<string, unknown>;

export interface AuditEntryInput {
  actor: AuditActor;
  /** A verb, e.g. `ingest`, `batch-restore`, `classify`, `report-write`, `read`; `…-refused` for a refusal. */
  action: string;
  /** What it was done to: a source kind, a batch, a definition, a route… */
  target?: string | null;
  /** Names, counts and parameters: never record contents, keys or secrets. */
  detail?: AuditDetail;
  /** The number of records stored, restored, classified or behind an answer, where known. */
  records?: number | null;
}

/** Which log an entry is in: the workspace's table, or the file beside it. */
export type AuditLogName = 'workspace' | 'file';

export interface AuditEntry {
  log: AuditLogName;
  seq: number;
  /** UTC, ISO 8601 with milliseconds. */
  at: string;
  actor: AuditActor;
  action: string;
  target: string | null;
  detail: AuditDetail;
  records: number | null;
  prev_hash: string;
  hash: string;
}

type ChainRow = Omit<AuditEntry, 'log'>;

export interface AuditFilter {
  /** An action, matching also its refusal (`ingest` matches `ingest-refused`). */
  action?: string;
  /** ISO date or time, inclusive. */
  since?: string;
  /** ISO date or time; a date alone means the end of that day. */
  until?: string;
  /** At most this many, newest first. */
  limit?: number;
}

export interface AuditBreak {
  log: AuditLogName;
  file: string;
  /** The entry that does not match (for a gap: the first missing one). */
  seq: number;
  /** 1-based line of the file log, where the problem is. */
  line?: number;
  problem: 'edited' | 'missing' | 'out-of-order' | 'unlinked' | 'unreadable';
  message: string;
}

export interface AuditVerification {
  entries: number;
  logs: { log: AuditLogName; file: string; entries: number; exists: boolean }[];
  /** The first entry that does not match, or undefined when every chain is intact. */
  broken?: AuditBreak;
}

/** The file beside the workspace where read-only holders record what they did. */
export function auditFilePath(workspacePath: string): string {
  return `${workspacePath}.audit.jsonl`;
}

/** JSON with keys sorted at every level and undefined left out: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function chainHash(row: Omit<ChainRow, 'hash'>): string {
  const { seq, at, actor, action, target, detail, records, prev_hash } = row;
  const body = canonicalJson({ seq, at, actor, action, target, detail, records, prev_hash });
  return createHash('sha256').update(prev_hash).update(body).digest('hex');
}

function nextRow(
  entry: AuditEntryInput,
  at: Date,
  last: { seq: number; hash: string } | undefined,
): ChainRow {
  // Through canonical JSON and back, so that what is hashed is exactly what is read back.
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at: at.toISOString(),
    actor: JSON.parse(canonicalJson(entry.actor)) as AuditActor,
    action: entry.action,
    target: entry.target ?? null,
    detail: JSON.parse(canonicalJson(entry.detail ?? {})) as AuditDetail,
    records: entry.records ?? null,
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  return { ...row, hash: chainHash(row) };
}

/**
 * Appends one entry: to the workspace's table when it is held read-write (inside the caller's
 * transaction when there is one, so that a rolled-back change leaves no entry claiming it), to
 * the file beside it when it is held read-only.
 */
export async function appendAudit(
  ws: Workspace,
  entry: AuditEntryInput,
  at: Date = new Date(),
): Promise<AuditEntry> {
  if (ws.readOnly === true) return appendAuditFile(auditFilePath(ws.path), entry, at);
  return ws.db.transaction(async () => {
    const last = await ws.db.one<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
    );
    const row = nextRow(entry, at, last);
    await ws.db.run(
      `INSERT INTO audit_log (seq, "at", actor, action, target, detail, records, prev_hash, hash)
       VALUES ($seq, $at, $actor, $action, $target, $detail, $records, $prev, $hash)`,
      {
        seq: row.seq,
        at: row.at,
        actor: canonicalJson(row.actor),
        action: row.action,
        target: row.target,
        detail: canonicalJson(row.detail),
        records: row.records,
        prev: row.prev_hash,
        hash: row.hash,
      },
    );
    return { log: 'workspace' as const, ...row };
  });
}

const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 30_000;

/**
 * Appends one entry to a file log. Processes that hold the workspace read-only (a server, a
 * report beside it) may append at once: a lock file beside the log makes each read-tail-and-append
 * whole, so that the chain stays one chain.
 */
export function appendAuditFile(file: string, entry: AuditEntryInput, at: Date): AuditEntry {
  return withFileLock(file, () => {
    const last = lastFileEntry(file);
    const row = nextRow(entry, at, last);
    appendFileSync(file, `${canonicalJson(row)}\n`, { mode: 0o600 });
    return { log: 'file' as const, ...row };
  });
}

function withFileLock<T>(file: string, fn: () => T): T {
  const lock = `${file}.lock`;
  const waitFor = new Int32Array(new SharedArrayBuffer(4));
  let waited = 0;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw auditFileError(file, error);
      // A lock left by a process that died mid-append is taken over.
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) unlinkSync(lock);
      } catch {
        // Released meanwhile: try again.
      }
      if (waited >= LOCK_WAIT_MS)
        throw new SvdError({
          kind: 'workspace',
          code: 'AUDIT_LOG_BUSY',
          message: 'the audit log beside the workspace is held by another process',
          location: { file: lock },
          fix: 'try again; if no other svd process runs, remove the .lock file named here',
        });
      Atomics.wait(waitFor, 0, 0, 5);
      waited += 5;
    }
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function auditFileError(file: string, error: unknown): SvdError {
  return new SvdError({
    kind: 'workspace',
    code: 'AUDIT_LOG_UNWRITABLE',
    message: `cannot write the audit log beside the workspace: ${errorMessage(error).split('\n')[0]}`,
    location: { file },
    fix: 'let svd write files in the folder of the workspace',
    cause: error,
  });
}

/** The last entry of a file log (read from its tail), or undefined when it is empty or absent. */
function lastFileEntry(file: string): ChainRow | undefined {
  if (!existsSync(file)) return undefined;
  const size = statSync(file).size;
  if (size === 0) return undefined;
  const tail = Math.min(size, 64 * 1024);
  const buffer = Buffer.alloc(tail);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, tail, size - tail);
  } finally {
    closeSync(fd);
  }
  let text = buffer.toString('utf8');
  let lines = text.split('\n');
  if (lines.length < 3 && tail < size) {
    text = readFileSync(file, 'utf8');
    lines = text.split('\n');
  }
  const lastLine = text.endsWith('\n') ? lines.at(-2) : undefined;
  const parsed = lastLine === undefined ? undefined : parseLine(lastLine);
  if (parsed === undefined)
    throw new SvdError({
      kind: 'workspace',
      code: 'AUDIT_LOG_DAMAGED',
      message: 'the last line of the audit log beside the workspace is not a whole entry',
      location: { file },
      fix: 'run `svd audit verify` to see where it breaks; keep the file as evidence and move it aside to start a new log',
    });
  return parsed;
}

function parseLine(line: string): ChainRow | undefined {
  try {
    const row = JSON.parse(line) as ChainRow;
    if (typeof row.seq !== 'number' || typeof row.hash !== 'string') return undefined;
    return row;
  } catch {
    return undefined;
  }
}

async function tableRows(ws: Workspace): Promise<ChainRow[]> {
  const rows = await ws.db.all<
    Omit<ChainRow, 'actor' | 'detail'> & { actor: string; detail: string }
  >(
    `SELECT seq, CAST(strftime("at", '%Y-%m-%dT%H:%M:%S.%gZ') AS VARCHAR) AS "at",
            CAST(actor AS VARCHAR) AS actor, action, target, CAST(detail AS VARCHAR) AS detail,
            records, prev_hash, hash
       FROM audit_log ORDER BY seq`,
  );
  return rows.map((r) => ({
    ...r,
    actor: JSON.parse(r.actor) as AuditActor,
    detail: JSON.parse(r.detail) as AuditDetail,
  }));
}

function fileLines(file: string): { row: ChainRow | undefined; line: number }[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((l, i) => ({ row: parseLine(l), line: i + 1 }));
}

function bound(value: string, end: boolean): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const t = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(t))
    throw new SvdError({
      kind: 'usage',
      code: 'BAD_TIME',
      message: `"${value}" is not a date or time`,
      location: { value },
      fix: 'give a date (2025-04-01) or a UTC time (2025-04-01T09:30:00Z)',
    });
  return dateOnly && end ? t + 24 * 3600 * 1000 - 1 : t;
}

/** Entries of both logs, newest first, filtered. */
export async function readAudit(ws: Workspace, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  const since = filter.since === undefined ? -Infinity : bound(filter.since, false);
  const until = filter.until === undefined ? Infinity : bound(filter.until, true);
  const all: AuditEntry[] = [
    ...(await tableRows(ws)).map((r) => ({ log: 'workspace' as const, ...r })),
    ...fileLines(auditFilePath(ws.path)).flatMap(({ row }) =>
      row === undefined ? [] : [{ log: 'file' as const, ...row }],
    ),
  ];
  const action = filter.action;
  const kept = all.filter((e) => {
    const t = Date.parse(e.at);
    if (t < since || t > until) return false;
    return action === undefined || e.action === action || e.action.startsWith(`${action}-`);
  });
  kept.sort((a, b) =>
    a.at === b.at
      ? a.log === b.log
        ? b.seq - a.seq
        : a.log < b.log
          ? 1
          : -1
      : a.at < b.at
        ? 1
        : -1,
  );
  return filter.limit === undefined ? kept : kept.slice(0, filter.limit);
}

function verifyChain(
  rows: readonly { row: ChainRow | undefined; line?: number }[],
  log: AuditLogName,
  file: string,
): AuditBreak | undefined {
  let previous: ChainRow | undefined;
  for (const { row, line } of rows) {
    const where = line === undefined ? '' : ` (line ${line})`;
    if (row === undefined)
      return {
        log,
        file,
        seq: (previous?.seq ?? 0) + 1,
        ...(line === undefined ? {} : { line }),
        problem: 'unreadable',
        message: `entry ${(previous?.seq ?? 0) + 1}${where} is not a readable entry`,
      };
    const at = line === undefined ? {} : { line };
    const expected = (previous?.seq ?? 0) + 1;
    if (row.seq > expected)
      return {
        log,
        file,
        seq: expected,
        ...at,
        problem: 'missing',
        message:
          row.seq === expected + 1
            ? `entry ${expected} is missing: a gap between ${expected - 1} and ${row.seq}`
            : `entries ${expected}–${row.seq - 1} are missing: a gap between ${expected - 1} and ${row.seq}`,
      };
    if (row.seq < expected)
      return {
        log,
        file,
        seq: row.seq,
        ...at,
        problem: 'out-of-order',
        message: `entry ${row.seq}${where} comes after entry ${expected - 1}: reordered or repeated`,
      };
    const { hash, ...body } = row;
    if (chainHash(body) !== hash)
      return {
        log,
        file,
        seq: row.seq,
        ...at,
        problem: 'edited',
        message: `entry ${row.seq}${where} does not match its hash: it was edited after it was written`,
      };
    if (row.prev_hash !== (previous?.hash ?? GENESIS_HASH))
      return {
        log,
        file,
        seq: row.seq,
        ...at,
        problem: 'unlinked',
        message: `entry ${row.seq}${where} does not follow entry ${expected - 1}: an entry before it was replaced or the entries reordered`,
      };
    previous = row;
  }
  return undefined;
}

/** Recomputes both chains; names the first entry that does not match, or a gap in the sequence. */
export async function verifyAudit(ws: Workspace): Promise<AuditVerification> {
  const table = await tableRows(ws);
  const fileLog = auditFilePath(ws.path);
  const lines = fileLines(fileLog);
  const broken =
    verifyChain(
      table.map((row) => ({ row })),
      'workspace',
      ws.path,
    ) ?? verifyChain(lines, 'file', fileLog);
  return {
    entries: table.length + lines.length,
    logs: [
      { log: 'workspace', file: ws.path, entries: table.length, exists: true },
      { log: 'file', file: fileLog, entries: lines.length, exists: existsSync(fileLog) },
    ],
    ...(broken === undefined ? {} : { broken }),
  };
}
