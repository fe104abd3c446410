/**
 * The audit log's chain, on a real workspace and a real file beside it: entries of both logs are
 * verified; an edited, removed or reordered line of the file is named by its line; nothing in
 * src/ but the audit module writes the table, and it only inserts.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  appendAudit,
  appendAuditFile,
  auditFilePath,
  canonicalJson,
  readAudit,
  verifyAudit,
} from '../../src/store/auditLog.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-audit-chain-');
const actor = { kind: 'local' as const, name: 'analyst' };
const at = (minute: number): Date => new Date(Date.UTC(2025, 3, 1, 9, minute));

describe('the audit chain', () => {
  it('canonical JSON sorts keys at every level and leaves out undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"f":2}]},"b":1}',
    );
  });

  it('links the workspace and the file logs, verifies both, and names a broken line', async () => {
    const db = path.join(dir, 'chain.duckdb');
    const ws = await openWorkspace(db, { create: true });
    try {
      const first = await appendAudit(ws, { actor, action: 'ingest', records: 10 }, at(0));
      const second = await appendAudit(ws, { actor, action: 'classify', target: 'x@1' }, at(1));
      expect(first).toMatchObject({ log: 'workspace', seq: 1, prev_hash: GENESIS_HASH });
      expect(second.prev_hash).toBe(first.hash);
      const file = auditFilePath(db);
      for (let i = 0; i < 3; i++)
        appendAuditFile(file, { actor, action: 'read', detail: { route: `/r${i}` } }, at(2 + i));
      expect((await readAudit(ws)).map((e) => `${e.log}#${e.seq}`)).toEqual([
        'file#3',
        'file#2',
        'file#1',
        'workspace#2',
        'workspace#1',
      ]);
      expect((await readAudit(ws, { action: 'read', limit: 2 })).map((e) => e.seq)).toEqual([3, 2]);
      expect(
        await readAudit(ws, { since: '2025-04-01T09:02:00Z', until: '2025-04-01T09:03:00Z' }),
      ).toHaveLength(2);
      expect((await verifyAudit(ws)).broken).toBeUndefined();
      expect((await verifyAudit(ws)).entries).toBe(5);

      const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
      const edited = lines.map((l, i) => (i === 1 ? l.replace('/r1', '/rX') : l));
      writeFileSync(file, `${edited.join('\n')}\n`);
      expect((await verifyAudit(ws)).broken).toMatchObject({
        log: 'file',
        seq: 2,
        line: 2,
        problem: 'edited',
      });
      writeFileSync(file, `${[lines[0], lines[2]].join('\n')}\n`);
      expect((await verifyAudit(ws)).broken).toMatchObject({ seq: 2, line: 2, problem: 'missing' });
      writeFileSync(file, `${[lines[1], lines[0], lines[2]].join('\n')}\n`);
      expect((await verifyAudit(ws)).broken).toMatchObject({ seq: 1, line: 1, problem: 'missing' });
      writeFileSync(file, `${[lines[0], lines[2], lines[1]].join('\n')}\n`);
      expect((await verifyAudit(ws)).broken).toMatchObject({ problem: 'missing', seq: 2 });
      writeFileSync(file, `${lines.join('\n')}\n{"seq":4,"hash`);
      expect((await verifyAudit(ws)).broken).toMatchObject({ problem: 'unreadable', line: 4 });
      // A torn last line is not appended after: the writer refuses rather than fork the chain.
      expect(() => appendAuditFile(file, { actor, action: 'read' }, at(9))).toThrow(
        /not a whole entry/,
      );
    } finally {
      ws.close();
    }
  });

  it('nothing in src/ but the audit module writes audit_log, and nothing updates or deletes it', () => {
    const writers: string[] = [];
    const walk = (folder: string): void => {
      for (const name of readdirSync(folder)) {
        const full = path.join(folder, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts')) {
          const text = readFileSync(full, 'utf8');
          if (/(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE|DROP\s+TABLE)\s+audit_log/i.test(text))
            writers.push(path.relative(REPO, full));
        }
      }
    };
    walk(path.join(REPO, 'src'));
    expect(writers).toEqual([path.join('src', 'store', 'auditLog.ts')]);
    const own = readFileSync(path.join(REPO, 'src', 'store', 'auditLog.ts'), 'utf8');
    expect(own).not.toMatch(/(UPDATE|DELETE\s+FROM|TRUNCATE)\s+audit_log/i);
  });
});
