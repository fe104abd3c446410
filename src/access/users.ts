/**
 * The users of the partnership: each belongs to one organisation and has one role. A local account
 * also has a password (its scrypt hash) and a TOTP secret; users who will sign in through the
 * partnership's identity provider have neither. Users are disabled, never deleted, so that the
 * audit log keeps naming them. Nothing here returns a hash or a secret, except the `otpauth://`
 * URI given once when an account's secret is made.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { SvdError, quoteValue } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';
import { insertOrganisation, requireOrganisation, type NewOrganisation } from './organisations.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { newTotpSecret, totpUri } from './totp.js';

export const ROLES = [
  'partnership-admin',
  'data-governance-lead',
  'analyst',
  'member',
  'auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** What each role is for, shown in help and lists. */
export const ROLE_MEANINGS: Readonly<Record<Role, string>> = {
  'partnership-admin': 'manages organisations, users and roles for the partnership',
  'data-governance-lead': "answers for the data its organisation supplies (the controller's lead)",
  analyst: 'loads data and runs analyses',
  member: "reads the partnership's outputs",
  auditor: 'reads the audit log',
};

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface User {
  id: string;
  organisation: string;
  display_name: string;
  email: string;
  role: Role;
  status: UserStatus;
  /** UTC, ISO 8601. */
  created_at: string;
  /** A local account: it has a password. */
  local: boolean;
  totp_confirmed: boolean;
}

export interface NewUser {
  organisation: string;
  name: string;
  email: string;
  role: string;
  /** A local account's password (checked against the policy, stored only as its hash). */
  password?: string;
}

/** A user made or given a new secret: the URI is shown once and never stored in the clear elsewhere. */
export interface UserWithSecret {
  user: User;
  totpUri: string | null;
}

export function checkRole(role: string, field = '--role'): Role {
  if ((ROLES as readonly string[]).includes(role)) return role as Role;
  throw new SvdError({
    kind: 'usage',
    code: 'ROLE_UNKNOWN',
    message: `${quoteValue(role)} is not a role`,
    location: { field, value: role },
    fix: `give one of: ${ROLES.join(', ')}`,
  });
}

/** The address as stored: trimmed and lower-cased; refused when it is not an email address. */
export function normaliseEmail(email: string, field = '--email'): string {
  const clean = email.trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(clean) || clean.length > 254)
    throw new SvdError({
      kind: 'usage',
      code: 'EMAIL_INVALID',
      message: `${quoteValue(email)} is not an email address`,
      location: { field, value: email },
      fix: 'give the address as name@organisation.example',
    });
  return clean;
}

const SELECT = `SELECT id, organisation, display_name, email, role, status,
    CAST(strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS created_at,
    password_hash IS NOT NULL AS local, totp_confirmed
  FROM users`;

export async function listUsers(
  ws: Workspace,
  filter: { organisation?: string } = {},
): Promise<User[]> {
  if (filter.organisation !== undefined) {
    await requireOrganisation(ws, filter.organisation);
    return ws.db.all<User>(`${SELECT} WHERE organisation = $org ORDER BY organisation, email`, {
      org: filter.organisation,
    });
  }
  return ws.db.all<User>(`${SELECT} ORDER BY organisation, email`);
}

/** The user with this email address (any case) or id. */
export async function findUser(ws: Workspace, ref: string): Promise<User | undefined> {
  return ws.db.one<User>(`${SELECT} WHERE email = $email OR id = $id`, {
    email: ref.trim().toLowerCase(),
    id: ref.trim(),
  });
}

/** The user with this email address (any case) or id; refused when there is none. */
export async function requireUser(ws: Workspace, ref: string, field = 'user'): Promise<User> {
  const user = await findUser(ws, ref);
  if (user !== undefined) return user;
  throw new SvdError({
    kind: 'usage',
    code: 'USER_UNKNOWN',
    message: `there is no user ${quoteValue(ref)}`,
    location: { field, value: ref },
    fix: 'give the email address or id of a user listed by svd access user list',
  });
}

async function prepareLocalAccount(
  password: string,
  email: string,
): Promise<{ hash: string; secret: string }> {
  checkPasswordPolicy(password, email);
  return { hash: await hashPassword(password), secret: newTotpSecret() };
}

/** Inserts a user (password already hashed); call inside a transaction. */
async function insertUser(
  ws: Workspace,
  input: Omit<NewUser, 'password'> & { email: string; role: Role },
  account: { hash: string; secret: string } | undefined,
  clock: Clock,
): Promise<UserWithSecret> {
  const org = await requireOrganisation(ws, input.organisation);
  if (org.retired_at !== null)
    throw new SvdError({
      kind: 'usage',
      code: 'ORGANISATION_RETIRED',
      message: `${org.id} was retired on ${org.retired_at.slice(0, 10)} and takes no new users`,
      location: { field: '--org', value: org.id },
      fix: 'add the user to an organisation that is not retired (svd access org list)',
    });
  const name = input.name.trim();
  if (name === '')
    throw new SvdError({
      kind: 'usage',
      code: 'USER_NAME_MISSING',
      message: 'the user has no display name',
      location: { field: '--name' },
      fix: 'give the name to show, e.g. --name "Sam Patel"',
    });
  const taken = await ws.db.one<{ id: string }>(`SELECT id FROM users WHERE email = $email`, {
    email: input.email,
  });
  if (taken !== undefined)
    throw new SvdError({
      kind: 'usage',
      code: 'USER_EMAIL_TAKEN',
      message: `${input.email} is already the address of user ${taken.id}`,
      location: { field: '--email', value: input.email },
      fix: 'each user has their own address: give another, or change the existing user (svd access user set-role, enable)',
    });
  const id = `u-${randomBytes(5).toString('hex')}`;
  await ws.db.run(
    `INSERT INTO users (id, organisation, display_name, email, role, status, created_at, password_hash, totp_secret)
     VALUES ($id, $org, $name, $email, $role, 'active', $at, $hash, $secret)`,
    {
      id,
      org: org.id,
      name,
      email: input.email,
      role: input.role,
      at: clock.now().toISOString(),
      hash: account?.hash ?? null,
      secret: account?.secret ?? null,
    },
  );
  return {
    user: await requireUser(ws, id),
    totpUri: account === undefined ? null : totpUri(account.secret, input.email),
  };
}

export async function addUser(
  ws: Workspace,
  input: NewUser,
  clock: Clock,
): Promise<UserWithSecret> {
  const email = normaliseEmail(input.email);
  const role = checkRole(input.role);
  const account =
    input.password === undefined ? undefined : await prepareLocalAccount(input.password, email);
  return ws.db.transaction(() => insertUser(ws, { ...input, email, role }, account, clock));
}

async function administrators(ws: Workspace, status?: UserStatus): Promise<number> {
  return (
    (await ws.db.value<number>(
      `SELECT count(*) FROM users WHERE role = 'partnership-admin'${status === undefined ? '' : ' AND status = $status'}`,
      status === undefined ? {} : { status },
    )) ?? 0
  );
}

/**
 * The first organisation and the first partnership administrator (a local account), once: refused
 * when any administrator exists, active or not.
 */
export async function setupAccess(
  ws: Workspace,
  input: { organisation: NewOrganisation; name: string; email: string; password: string },
  clock: Clock,
): Promise<UserWithSecret> {
  if ((await administrators(ws)) > 0) throw alreadySetUp();
  const email = normaliseEmail(input.email);
  const account = await prepareLocalAccount(input.password, email);
  return ws.db.transaction(async () => {
    if ((await administrators(ws)) > 0) throw alreadySetUp();
    await insertOrganisation(ws, input.organisation, clock);
    return insertUser(
      ws,
      { organisation: input.organisation.id, name: input.name, email, role: 'partnership-admin' },
      account,
      clock,
    );
  });
}

function alreadySetUp(): SvdError {
  return new SvdError({
    kind: 'usage',
    code: 'ACCESS_ALREADY_SET_UP',
    message: 'partnership access is already set up: this workspace has an administrator',
    fix: 'add organisations and users with svd access org add and svd access user add',
  });
}

/** Refuses a change that would leave the partnership with no active administrator. */
async function keepOneAdministrator(ws: Workspace, user: User, what: string): Promise<void> {
  if (user.role !== 'partnership-admin' || user.status !== 'active') return;
  if ((await administrators(ws, 'active')) > 1) return;
  throw new SvdError({
    kind: 'usage',
    code: 'ACCESS_LAST_ADMIN',
    message: `${user.email} is the only active partnership administrator: ${what} would leave the partnership with none`,
    location: { field: 'user', value: user.email },
    fix: 'make another user partnership-admin first (svd access user set-role <email> partnership-admin)',
  });
}

export async function setUserStatus(
  ws: Workspace,
  ref: string,
  status: UserStatus,
): Promise<{ user: User; changed: boolean }> {
  return ws.db.transaction(async () => {
    const user = await requireUser(ws, ref);
    if (user.status === status) return { user, changed: false };
    if (status === 'disabled') await keepOneAdministrator(ws, user, 'disabling them');
    else {
      const org = await requireOrganisation(ws, user.organisation);
      if (org.retired_at !== null)
        throw new SvdError({
          kind: 'usage',
          code: 'ORGANISATION_RETIRED',
          message: `${user.email} belongs to ${org.id}, retired on ${org.retired_at.slice(0, 10)}`,
          location: { field: 'user', value: user.email },
          fix: 'add the person again under their current organisation (svd access user add)',
        });
    }
    await ws.db.run(`UPDATE users SET status = $status WHERE id = $id`, { status, id: user.id });
    return { user: await requireUser(ws, user.id), changed: true };
  });
}

export async function setUserRole(
  ws: Workspace,
  ref: string,
  role: string,
): Promise<{ user: User; previous: Role }> {
  const checked = checkRole(role, 'role');
  return ws.db.transaction(async () => {
    const user = await requireUser(ws, ref);
    if (user.role === checked) return { user, previous: user.role };
    await keepOneAdministrator(ws, user, `making them ${checked}`);
    await ws.db.run(`UPDATE users SET role = $role WHERE id = $id`, { role: checked, id: user.id });
    return { user: await requireUser(ws, user.id), previous: user.role };
  });
}

/**
 * A new password for a user (making them a local account if they were not); a new TOTP secret
 * too when asked, or when they had none. The secret then awaits confirmation again.
 */
export async function resetPassword(
  ws: Workspace,
  ref: string,
  password: string,
  options: { newTotp?: boolean } = {},
): Promise<UserWithSecret> {
  const user = await requireUser(ws, ref);
  checkPasswordPolicy(password, user.email);
  const hash = await hashPassword(password);
  return ws.db.transaction(async () => {
    const hasSecret =
      (await ws.db.value<boolean>(`SELECT totp_secret IS NOT NULL FROM users WHERE id = $id`, {
        id: user.id,
      })) === true;
    const secret = options.newTotp === true || !hasSecret ? newTotpSecret() : undefined;
    await ws.db.run(`UPDATE users SET password_hash = $hash WHERE id = $id`, { hash, id: user.id });
    if (secret !== undefined)
      await ws.db.run(
        `UPDATE users SET totp_secret = $secret, totp_confirmed = false WHERE id = $id`,
        { secret, id: user.id },
      );
    return {
      user: await requireUser(ws, user.id),
      totpUri: secret === undefined ? null : totpUri(secret, user.email),
    };
  });
}

/**
 * What a local account signs in with: the password's hash and the TOTP secret. For signing in
 * only: never answered, logged or shown.
 */
export async function localCredentials(
  ws: Workspace,
  email: string,
): Promise<{ user: User; passwordHash: string; totpSecret: string | null } | undefined> {
  const user = await ws.db.one<User>(`${SELECT} WHERE email = $email`, {
    email: email.trim().toLowerCase(),
  });
  if (user === undefined) return undefined;
  const row = await ws.db.one<{ password_hash: string | null; totp_secret: string | null }>(
    `SELECT password_hash, totp_secret FROM users WHERE id = $id`,
    { id: user.id },
  );
  if (row === undefined || row.password_hash === null) return undefined;
  return { user, passwordHash: row.password_hash, totpSecret: row.totp_secret };
}
