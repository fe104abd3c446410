/**
 * Pseudonymisation: crime references and person identifiers are replaced at ingest by a keyed
 * hash (HMAC-SHA256) under a secret belonging to the workspace. The secret is kept in a key file
 * beside the workspace (`<workspace>.key`, owner read/write only) or where SVD_KEY_FILE points —
 * never inside the workspace file: crime references are short and patterned, so anyone holding
 * both the hashes and the key could recover them by trying every possible reference. The
 * workspace records only the key's fingerprint, to notice a missing or different key.
 *
 * Consequence: losing the key file breaks linkage — references hashed under a new key do not
 * match those hashed before. Back the key up with the workspace, but store and share it apart.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { SvdError, errorMessage } from '../../core/errors.js';
import type { Clock } from '../../core/clock.js';
import type { Reporter } from '../../core/reporter.js';
import type { Workspace } from '../../store/openWorkspace.js';

export interface Pseudonymiser {
  /** A fingerprint of the key (not the key): the first 16 hex digits of a hash of it. */
  keyId: string;
  /** The keyed hash of an identifier, after trimming and upper-casing it (32 hex digits). */
  hash(value: string): string;
}

const HEADER = 'svd pseudonymisation key, version 1 — keep secret, keep a backup, never share';

export interface KeyOptions {
  /** The key file; default `<workspace path>.key` (an in-memory workspace gets a throw-away key). */
  keyFile?: string;
  /** Start a new key although the workspace recorded another (linkage to earlier data is lost). */
  newKey?: boolean;
  /** A dry run: a missing key file is not created (a throw-away key stands in). */
  dryRun?: boolean;
  reporter: Reporter;
  clock: Clock;
}

export function defaultKeyFile(
  workspacePath: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const fromEnv = env['SVD_KEY_FILE'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return workspacePath === ':memory:' ? undefined : `${workspacePath}.key`;
}

function makePseudonymiser(key: Buffer): Pseudonymiser {
  return {
    keyId: createHash('sha256').update('svd key id\0').update(key).digest('hex').slice(0, 16),
    hash: (value) =>
      createHmac('sha256', key).update(value.trim().toUpperCase()).digest('hex').slice(0, 32),
  };
}

function readKey(file: string): Buffer {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SvdError({
      kind: 'workspace',
      code: 'KEY_UNREADABLE',
      message: `cannot read the pseudonymisation key file (${errorMessage(error)})`,
      location: { file },
      fix: 'check the file permissions (it should be readable by you only)',
    });
  }
  const hex = text.split('\n').find((l) => /^[0-9a-f]{64}$/.test(l.trim()));
  if (hex === undefined) {
    throw new SvdError({
      kind: 'workspace',
      code: 'KEY_UNREADABLE',
      message: 'this is not an svd pseudonymisation key file',
      location: { file },
      fix: 'restore the key file from your backup; do not edit it',
    });
  }
  return Buffer.from(hex.trim(), 'hex');
}

/**
 * The workspace's pseudonymiser: reads the key file, or creates it on first use. Records the
 * key's fingerprint in the workspace (inside the caller's transaction).
 */
export async function workspacePseudonymiser(
  ws: Workspace,
  options: KeyOptions,
): Promise<Pseudonymiser> {
  const file = options.keyFile ?? defaultKeyFile(ws.path, {});
  const recorded = await ws.db.value<string>(
    `SELECT key_id FROM pseudonym_keys ORDER BY created_at DESC, key_id LIMIT 1`,
  );
  let key: Buffer;
  let created = false;
  if (file === undefined || (options.dryRun === true && !existsSync(file))) {
    key = randomBytes(32);
    if (file !== undefined && recorded !== undefined) {
      options.reporter.warn(
        `the key file ${file} is missing; a real ingest would be refused (KEY_MISSING)`,
      );
    }
  } else if (existsSync(file)) {
    key = readKey(file);
    const mode = statSync(file).mode & 0o077;
    if (mode !== 0 && process.platform !== 'win32') {
      options.reporter.warn(
        `the key file ${file} can be read by other users; run: chmod 600 ${JSON.stringify(file)}`,
      );
    }
  } else {
    if (recorded !== undefined && options.newKey !== true) {
      throw new SvdError({
        kind: 'workspace',
        code: 'KEY_MISSING',
        message: `this workspace pseudonymised earlier data with key ${recorded}, but its key file is missing`,
        location: { file },
        fix: 'restore the key file from your backup (or set SVD_KEY_FILE to where it is); only if it is lost for good, pass --new-key: references hashed before will then no longer match new ones',
      });
    }
    key = randomBytes(32);
    try {
      writeFileSync(file, `${HEADER}\n${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      throw new SvdError({
        kind: 'workspace',
        code: 'KEY_NOT_CREATED',
        message: `cannot create the pseudonymisation key file (${errorMessage(error)})`,
        location: { file },
        fix: 'check that the folder is writable, or set SVD_KEY_FILE to a writable place',
      });
    }
    created = true;
  }
  const p = makePseudonymiser(key);
  const throwAway = file === undefined || (options.dryRun === true && !existsSync(file));
  if (recorded !== undefined && recorded !== p.keyId && options.newKey !== true && !throwAway) {
    throw new SvdError({
      kind: 'workspace',
      code: 'KEY_MISMATCH',
      message: `the key file holds key ${p.keyId}, but this workspace pseudonymised earlier data with key ${recorded}`,
      ...(file === undefined ? {} : { location: { file } }),
      fix: 'use the key file that belongs to this workspace (SVD_KEY_FILE); only if it is lost for good, pass --new-key',
    });
  }
  if (recorded !== p.keyId) {
    await ws.db.run(`INSERT INTO pseudonym_keys VALUES ($id, $at, $note)`, {
      id: p.keyId,
      at: options.clock.now().toISOString(),
      note:
        file === undefined
          ? 'throw-away key of an in-memory workspace'
          : created
            ? 'created'
            : recorded === undefined
              ? 'existing key file'
              : 'replaced with --new-key',
    });
  }
  if (created) {
    options.reporter.info(
      `created the pseudonymisation key ${file} (readable by you only). Back it up with the workspace but keep it apart from copies you share: without it, later extracts no longer link to earlier ones`,
    );
  }
  return p;
}
