/**
 * `svd access`, in-process on a real workspace: setup once and then refused; organisations and
 * users added, listed, disabled, re-roled, their passwords reset; clear refusals (unknown type,
 * duplicate email, weak password, unknown user, the last administrator); every change in the audit
 * log with an intact chain; and no password, hash or secret in any output but the one that
 * issues a secret's URI, nor in the audit log, nor (the password) in the workspace file.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { ORGANISATION_TYPES } from '../../src/access/organisations.js';
import { verifyPassword } from '../../src/access/passwords.js';
import { bufferIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { auditFilePath } from '../../src/store/auditLog.js';
import { svd, type CliResult } from '../helpers/cli.js';
import { TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-access-');
const db = path.join(dir, 'access.duckdb');
const ADMIN_PASSWORD = 'lantern orchard 42 meadow';
const MEMBER_PASSWORD = 'quiet harbour ninety kites';
const MEMBER_PASSWORD_2 = 'seven copper lamps at dusk';

/** Every output, with whether it is the one place a TOTP URI may appear. */
const outputs: { args: string[]; result: CliResult; issuesSecret: boolean }[] = [];

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  issuesSecret = false,
): Promise<CliResult> {
  const result = await svd([...args, '--db', db], env);
  outputs.push({ args, result, issuesSecret });
  return result;
}

async function runJson<T>(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  issuesSecret = false,
): Promise<T> {
  const r = await run([...args, '--json'], env, issuesSecret);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface UserJson {
  id: string;
  organisation: string;
  display_name: string;
  email: string;
  role: string;
  status: string;
  local: boolean;
  totp_confirmed: boolean;
}

interface OrgJson {
  id: string;
  name: string;
  type: string;
  retired_at: string | null;
}

interface AuditJson {
  log: 'workspace' | 'file';
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  actor: { kind: string };
}

function secretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  return secret!;
}

/** SQL on the workspace behind svd's back (nothing in svd sets a batch's controller yet). */
async function sql(statement: string): Promise<void> {
  const instance = await DuckDBInstance.create(db);
  const connection = await instance.connect();
  try {
    await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function storedAccounts(): Promise<
  { email: string; hash: string | null; secret: string | null }[]
> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      'SELECT email, password_hash, totp_secret FROM users ORDER BY email',
    );
    return reader.getRowObjectsJS().map((r) => ({
      email: r['email'] as string,
      hash: r['password_hash'] as string | null,
      secret: r['totp_secret'] as string | null,
    }));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const secrets: string[] = [];

describe('svd access', () => {
  it('setup needs a password from the environment (none on a terminal here) and refuses a weak one, storing nothing', async () => {
    const args = [
      'access',
      'setup',
      '--org',
      'tvp',
      '--org-name',
      'Thames Valley Police',
      '--org-type',
      'police',
      '--email',
      'Admin@TVP.example',
      '--name',
      'Sam Patel',
    ];
    const none = await run(args);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error[PASSWORD_REQUIRED]');
    expect(none.stderr).toContain('SVD_ADMIN_PASSWORD');
    expect(existsSync(db)).toBe(false);

    const weak = await run(args, { SVD_ADMIN_PASSWORD: 'admin@tvp.example' });
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('error[PASSWORD_TOO_WEAK]');
    expect(weak.stderr).toContain('it is the email address');
    const short = await run(args, { SVD_ADMIN_PASSWORD: 'tiny' });
    expect(short.stderr).toContain('it has 4 characters, fewer than 12');
    // Refused before anything was written: no workspace was left behind.
    expect(existsSync(db)).toBe(false);
  });

  it('sets up the first organisation and administrator once, then refuses', async () => {
    const setup = await runJson<{ user: UserJson; totpUri: string }>(
      [
        'access',
        'setup',
        '--org',
        'tvp',
        '--org-name',
        'Thames Valley Police',
        '--org-type',
        'police',
        '--email',
        'Admin@TVP.example',
        '--name',
        'Sam Patel',
      ],
      { SVD_ADMIN_PASSWORD: ADMIN_PASSWORD },
      true,
    );
    expect(setup.user).toMatchObject({
      organisation: 'tvp',
      display_name: 'Sam Patel',
      email: 'admin@tvp.example',
      role: 'partnership-admin',
      status: 'active',
      local: true,
      totp_confirmed: false,
    });
    expect(setup.totpUri.startsWith('otpauth://totp/svd:admin%40tvp.example?')).toBe(true);
    secrets.push(secretOf(setup.totpUri));

    const again = await run(
      [
        'access',
        'setup',
        '--org',
        'other',
        '--org-name',
        'Other',
        '--org-type',
        'fire',
        '--email',
        'b@other.example',
        '--name',
        'B',
      ],
      { SVD_ADMIN_PASSWORD: 'a different long passphrase' },
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('error[ACCESS_ALREADY_SET_UP]');
    const orgs = await runJson<OrgJson[]>(['access', 'org', 'list']);
    expect(orgs.map((o) => o.id)).toEqual(['tvp']);

    // Stored: the hash of the password (never the password), verifying it; the URI's secret.
    const [admin] = await storedAccounts();
    expect(admin!.hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword(ADMIN_PASSWORD, admin!.hash!)).toBe(true);
    expect(await verifyPassword('a different long passphrase', admin!.hash!)).toBe(false);
    expect(admin!.secret).toBe(secrets[0]);
  });

  it('adds organisations, refusing an unknown type with the list of types', async () => {
    const bad = await run([
      'access',
      'org',
      'add',
      '--org',
      'oxford',
      '--org-name',
      'Oxford City Council',
      '--org-type',
      'council',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[ORGANISATION_TYPE_UNKNOWN]');
    for (const type of ORGANISATION_TYPES) expect(bad.stderr).toContain(type);

    const added = await runJson<OrgJson>([
      'access',
      'org',
      'add',
      '--org',
      'oxford',
      '--org-name',
      'Oxford City Council',
      '--org-type',
      'council-district',
    ]);
    expect(added).toMatchObject({ id: 'oxford', type: 'council-district', retired_at: null });
    const dup = await run([
      'access',
      'org',
      'add',
      '--org',
      'oxford',
      '--org-name',
      'Again',
      '--org-type',
      'health',
    ]);
    expect(dup.stderr).toContain('error[ORGANISATION_EXISTS]');
    const text = await run(['access', 'org', 'list']);
    expect(text.stdout).toContain('Oxford City Council');
    expect(text.stdout).toContain('council-district');
  });

  it('adds users, refusing a duplicate email (in any case), an unknown organisation and role, a weak password', async () => {
    const analyst = await runJson<{ user: UserJson; totpUri?: string }>([
      'access',
      'user',
      'add',
      '--email',
      'Ali.Khan@Oxford.example',
      '--name',
      'Ali Khan',
      '--org',
      'oxford',
      '--role',
      'analyst',
    ]);
    expect(analyst.user).toMatchObject({
      email: 'ali.khan@oxford.example',
      role: 'analyst',
      local: false,
      status: 'active',
    });
    expect(analyst.totpUri).toBeUndefined();

    const dup = await run([
      'access',
      'user',
      'add',
      '--email',
      'ALI.KHAN@oxford.example',
      '--name',
      'Another',
      '--org',
      'tvp',
      '--role',
      'member',
    ]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('error[USER_EMAIL_TAKEN]');
    const noOrg = await run([
      'access',
      'user',
      'add',
      '--email',
      'x@nowhere.example',
      '--name',
      'X',
      '--org',
      'nowhere',
      '--role',
      'member',
    ]);
    expect(noOrg.stderr).toContain('error[ORGANISATION_UNKNOWN]');
    expect(noOrg.stderr).toContain('oxford, tvp');
    const noRole = await run([
      'access',
      'user',
      'add',
      '--email',
      'x@oxford.example',
      '--name',
      'X',
      '--org',
      'oxford',
      '--role',
      'boss',
    ]);
    expect(noRole.stderr).toContain('error[ROLE_UNKNOWN]');
    expect(noRole.stderr).toContain(
      'partnership-admin, data-governance-lead, analyst, member, auditor',
    );
    const weak = await run(
      [
        'access',
        'user',
        'add',
        '--email',
        'x@oxford.example',
        '--name',
        'X',
        '--org',
        'oxford',
        '--role',
        'member',
        '--local',
      ],
      { SVD_USER_PASSWORD: 'password1234' },
    );
    expect(weak.stderr).toContain('error[PASSWORD_TOO_WEAK]');
    expect(weak.stderr).toContain('commonly used');

    const member = await runJson<{ user: UserJson; totpUri: string }>(
      [
        'access',
        'user',
        'add',
        '--email',
        'jo@oxford.example',
        '--name',
        'Jo Brown',
        '--org',
        'oxford',
        '--role',
        'member',
        '--local',
      ],
      { SVD_USER_PASSWORD: MEMBER_PASSWORD },
      true,
    );
    expect(member.user).toMatchObject({ role: 'member', local: true });
    secrets.push(secretOf(member.totpUri));

    const users = await runJson<UserJson[]>(['access', 'user', 'list']);
    expect(users.map((u) => [u.email, u.organisation, u.role])).toEqual([
      ['ali.khan@oxford.example', 'oxford', 'analyst'],
      ['jo@oxford.example', 'oxford', 'member'],
      ['admin@tvp.example', 'tvp', 'partnership-admin'],
    ]);
    // What a list gives: no hash, no secret, whatever the field names.
    for (const u of users)
      expect(Object.keys(u).sort()).toEqual([
        'created_at',
        'display_name',
        'email',
        'id',
        'local',
        'organisation',
        'role',
        'status',
        'totp_confirmed',
      ]);
  });

  it('disables, enables and re-roles users; keeps one active administrator; names an unknown user', async () => {
    const disabled = await runJson<UserJson>([
      'access',
      'user',
      'disable',
      'ali.khan@oxford.example',
    ]);
    expect(disabled.status).toBe('disabled');
    const listed = await runJson<UserJson[]>(['access', 'user', 'list', '--org', 'oxford']);
    expect(listed.find((u) => u.email === 'ali.khan@oxford.example')?.status).toBe('disabled');
    const text = await run(['access', 'user', 'list']);
    expect(text.stdout).toMatch(/ali\.khan@oxford\.example.*disabled/);
    const again = await run(['access', 'user', 'disable', 'ali.khan@oxford.example']);
    expect(again.stdout).toContain('already disabled, nothing changed');

    const last = await run(['access', 'user', 'disable', 'admin@tvp.example']);
    expect(last.code).toBe(2);
    expect(last.stderr).toContain('error[ACCESS_LAST_ADMIN]');
    const demote = await run(['access', 'user', 'set-role', 'admin@tvp.example', 'member']);
    expect(demote.stderr).toContain('error[ACCESS_LAST_ADMIN]');

    const unknown = await run(['access', 'user', 'set-role', 'nobody@oxford.example', 'auditor']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error[USER_UNKNOWN]');
    expect(unknown.stderr).toContain('nobody@oxford.example');

    const enabled = await runJson<UserJson>([
      'access',
      'user',
      'enable',
      'ali.khan@oxford.example',
    ]);
    expect(enabled.status).toBe('active');
    const reroled = await runJson<UserJson>(['access', 'user', 'set-role', enabled.id, 'auditor']);
    expect(reroled.role).toBe('auditor');
    // With a second administrator, the first may step down.
    await runJson<UserJson>([
      'access',
      'user',
      'set-role',
      'jo@oxford.example',
      'partnership-admin',
    ]);
    const stepDown = await runJson<UserJson>([
      'access',
      'user',
      'set-role',
      'admin@tvp.example',
      'data-governance-lead',
    ]);
    expect(stepDown.role).toBe('data-governance-lead');
  });

  it('resets a password and, when asked, the TOTP secret', async () => {
    const reset = await runJson<{ user: UserJson; totpUri: string }>(
      ['access', 'user', 'reset-password', 'jo@oxford.example', '--new-totp'],
      { SVD_USER_PASSWORD: MEMBER_PASSWORD_2 },
      true,
    );
    const secret = secretOf(reset.totpUri);
    expect(secret).not.toBe(secrets[1]);
    secrets.push(secret);
    const jo = (await storedAccounts()).find((a) => a.email === 'jo@oxford.example')!;
    expect(await verifyPassword(MEMBER_PASSWORD_2, jo.hash!)).toBe(true);
    expect(await verifyPassword(MEMBER_PASSWORD, jo.hash!)).toBe(false);
    expect(jo.secret).toBe(secret);
    const same = await run(['access', 'user', 'reset-password', 'jo@oxford.example'], {
      SVD_USER_PASSWORD: MEMBER_PASSWORD,
    });
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).not.toContain('otpauth://');
  });

  it('asks twice on a terminal when no password is in the environment, refusing two that differ', async () => {
    const ask = async (
      answers: string[],
    ): Promise<{ code: number; err: string; prompts: string[] }> => {
      const prompts: string[] = [];
      const io = {
        ...bufferIo({}),
        readSecret: (prompt: string): Promise<string> => {
          prompts.push(prompt);
          return Promise.resolve(answers.shift() ?? '');
        },
      };
      const code = await runCli(
        ['access', 'user', 'reset-password', 'jo@oxford.example', '--db', db],
        io,
      );
      outputs.push({
        args: ['reset-password (terminal)'],
        result: { code, stdout: io.out(), stderr: io.err() },
        issuesSecret: false,
      });
      return { code, err: io.err(), prompts };
    };
    const differ = await ask([MEMBER_PASSWORD_2, MEMBER_PASSWORD]);
    expect(differ.code).toBe(2);
    expect(differ.err).toContain('error[PASSWORD_MISMATCH]');
    expect(differ.prompts).toEqual([
      'password for jo@oxford.example: ',
      'the same password again: ',
    ]);
    const jo = (await storedAccounts()).find((a) => a.email === 'jo@oxford.example')!;
    expect(await verifyPassword(MEMBER_PASSWORD, jo.hash!)).toBe(true);

    const same = await ask([MEMBER_PASSWORD_2, MEMBER_PASSWORD_2]);
    expect(same.code, same.err).toBe(0);
    const changed = (await storedAccounts()).find((a) => a.email === 'jo@oxford.example')!;
    expect(await verifyPassword(MEMBER_PASSWORD_2, changed.hash!)).toBe(true);
  });

  it('retires an organisation only once its users are disabled; a retired one takes no users', async () => {
    const busy = await run(['access', 'org', 'retire', 'oxford']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain('error[ORGANISATION_HAS_ACTIVE_USERS]');
    // Jo is now an administrator, and admin@tvp is not: tvp's administrator role was moved.
    await runJson<UserJson>([
      'access',
      'user',
      'set-role',
      'admin@tvp.example',
      'partnership-admin',
    ]);
    await runJson<UserJson>(['access', 'user', 'disable', 'jo@oxford.example']);
    await runJson<UserJson>(['access', 'user', 'disable', 'ali.khan@oxford.example']);
    const retired = await runJson<OrgJson>(['access', 'org', 'retire', 'oxford']);
    expect(retired.retired_at).not.toBeNull();
    const late = await run([
      'access',
      'user',
      'add',
      '--email',
      'new@oxford.example',
      '--name',
      'New',
      '--org',
      'oxford',
      '--role',
      'member',
    ]);
    expect(late.stderr).toContain('error[ORGANISATION_RETIRED]');
  });

  it('records every change in the audit log, with an intact chain', async () => {
    const entries = await runJson<AuditJson[]>(['audit', '--limit', '1000']);
    const changes = entries
      .filter((e) => e.log === 'workspace')
      .map((e) => e.action)
      .reverse();
    expect(changes).toEqual([
      'access-setup',
      'organisation-add',
      'user-add',
      'user-add',
      'user-disable',
      'user-enable',
      'role-change',
      'role-change',
      'role-change',
      'password-reset',
      'password-reset',
      'password-reset',
      'role-change',
      'user-disable',
      'user-disable',
      'organisation-retire',
    ]);
    const refusals = entries.filter((e) => e.log === 'file').map((e) => e.action);
    for (const refused of [
      'access-setup-refused',
      'organisation-add-refused',
      'user-add-refused',
      'user-disable-refused',
      'role-change-refused',
      'organisation-retire-refused',
    ])
      expect(refusals).toContain(refused);
    // An unknown user's refusal is recorded too, without the name that was given.
    const unknown = entries.find(
      (e) =>
        e.action === 'role-change-refused' &&
        (e.detail['error'] as { code?: string } | undefined)?.code === 'USER_UNKNOWN',
    );
    expect(unknown?.target).toBeNull();
    expect(JSON.stringify(unknown)).not.toContain('nobody@oxford.example');
    // A no-op (disabling someone already disabled) changed nothing: recorded beside the workspace.
    expect(refusals).toContain('user-disable');
    const roleChange = entries.find(
      (e) => e.action === 'role-change' && e.detail['to'] === 'auditor',
    );
    expect(roleChange?.detail).toEqual({ from: 'analyst', to: 'auditor' });
    const verify = await run(['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('chain intact');
  });

  it('shows no password, hash or secret anywhere but the one output that issues a secret', async () => {
    const accounts = await storedAccounts();
    const hashes = accounts.flatMap((a) =>
      a.hash === null ? [] : [a.hash, a.hash.split('$')[5]!],
    );
    expect(hashes.length).toBe(4);
    const passwords = [ADMIN_PASSWORD, MEMBER_PASSWORD, MEMBER_PASSWORD_2];
    expect(secrets).toHaveLength(3);
    for (const { args, result, issuesSecret } of outputs) {
      const text = result.stdout + result.stderr;
      for (const p of passwords) expect(text, args.join(' ')).not.toContain(p);
      for (const h of hashes) expect(text, args.join(' ')).not.toContain(h);
      if (!issuesSecret) for (const s of secrets) expect(text, args.join(' ')).not.toContain(s);
    }
    // Each secret was issued by exactly one output.
    for (const s of secrets)
      expect(outputs.filter((o) => (o.result.stdout + o.result.stderr).includes(s))).toHaveLength(
        1,
      );
    const logFile = readFileSync(auditFilePath(db), 'utf8');
    const auditOut = (await run(['audit', '--json', '--limit', '1000'])).stdout;
    for (const text of [logFile, auditOut])
      for (const v of [...passwords, ...hashes, ...secrets]) expect(text).not.toContain(v);
    // The workspace holds hashes, never a password.
    const bytes = readFileSync(db);
    for (const p of passwords) expect(bytes.includes(Buffer.from(p))).toBe(false);
  });

  it('lists the organisation that supplied each batch, "not recorded" when it was not', async () => {
    const ingest = await run([
      'ingest',
      'police-uk',
      path.join(TV_STREET(), '2018-10-thames-valley-street.csv'),
    ]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const before = await runJson<{ batch_id: number; controller: string | null }[]>(['batches']);
    expect(before.map((b) => b.controller)).toEqual([null]);
    expect((await run(['batches'])).stdout).toContain('not recorded');
    await sql(`INSERT INTO batch_owner VALUES (${before[0]!.batch_id}, 'tvp')`);
    const after = await runJson<{ controller: string | null }[]>(['batches']);
    expect(after.map((b) => b.controller)).toEqual(['tvp']);
    expect((await run(['batches'])).stdout).not.toContain('not recorded');
  });
});
