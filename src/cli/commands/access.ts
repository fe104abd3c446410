/**
 * `svd access`: the partnership's organisations, users, roles and local accounts
 * (docs/decisions/0072-organisations-users-roles.md); `svd serve --sign-in` signs people in as
 * these users (0074).
 */
import { Command } from 'commander';
import { audited } from '../../app/audited.js';
import {
  ORGANISATION_TYPES,
  addOrganisation,
  listOrganisations,
  retireOrganisation,
  type Organisation,
} from '../../access/organisations.js';
import { MIN_PASSWORD_LENGTH } from '../../access/passwords.js';
import {
  ROLES,
  ROLE_MEANINGS,
  addUser,
  listUsers,
  findUser,
  resetPassword,
  setUserRole,
  setUserStatus,
  setupAccess,
  type User,
  type UserWithSecret,
} from '../../access/users.js';
import { SvdError } from '../../core/errors.js';
import { systemClock } from '../../core/clock.js';
import {
  commandContext,
  withCommandWorkspace,
  type CommandContext,
  type CommonOptions,
} from '../context.js';
import type { CliIo } from '../io.js';
import { userAddOutcome } from '../../app/auditEntries.js';
import { formatTable } from '../table.js';
import { agreementCommand } from './accessAgreement.js';

const DB_HELP = 'workspace file (default: $SVD_DB, else ./svd.duckdb)';
const ADMIN_PASSWORD_ENV = 'SVD_ADMIN_PASSWORD';
const USER_PASSWORD_ENV = 'SVD_USER_PASSWORD';

const NOT_YET = `In use by the dashboard with sign-in (svd serve --sign-in local|oidc): people sign in
as these users and see what their role and the data-sharing agreements in force give them (see
the README, "Partnership access"). Without --sign-in it runs in local single-user mode.`;

const HOLDER = `From the command line, an administrator's acts are those of whoever holds the
workspace file: there is no sign-in here, and the audit log records the local user.`;

const ROLE_HELP = ROLES.map((r) => `  ${r.padEnd(22)} ${ROLE_MEANINGS[r]}`).join('\n');

/** A password from the environment variable, else asked for on the terminal without echo. */
async function readPassword(io: CliIo, variable: string, who: string): Promise<string> {
  const given = io.env[variable];
  if (given !== undefined && given !== '') return given;
  if (io.readSecret === undefined)
    throw new SvdError({
      kind: 'usage',
      code: 'PASSWORD_REQUIRED',
      message: `no password for ${who}: ${variable} is not set and there is no terminal to ask on`,
      location: { field: variable },
      fix: `set ${variable} in the environment (never pass a password as an argument), or run the command on a terminal`,
    });
  const first = await io.readSecret(`password for ${who}: `);
  const again = await io.readSecret('the same password again: ');
  if (first !== again)
    throw new SvdError({
      kind: 'usage',
      code: 'PASSWORD_MISMATCH',
      message: 'the two passwords typed differ',
      fix: 'run the command again and type the same password twice',
    });
  return first;
}

function printSecret(ctx: CommandContext, r: UserWithSecret): void {
  if (r.totpUri === null) return;
  ctx.print(
    `one-time codes: add this to ${r.user.display_name}'s authenticator app now (it is shown once and cannot be shown again):\n  ${r.totpUri}`,
  );
}

function userJson(r: UserWithSecret): unknown {
  return { user: r.user, ...(r.totpUri === null ? {} : { totpUri: r.totpUri }) };
}

function organisationTable(rows: Organisation[]): string {
  return formatTable(rows, [
    { header: 'organisation', value: (o) => o.id },
    { header: 'name', value: (o) => o.name },
    { header: 'type', value: (o) => o.type },
    { header: 'added', value: (o) => o.created_at.slice(0, 10) },
    { header: 'retired', value: (o) => o.retired_at?.slice(0, 10) ?? '' },
  ]);
}

function userTable(rows: User[]): string {
  return formatTable(rows, [
    { header: 'user', value: (u) => u.id },
    { header: 'email', value: (u) => u.email },
    { header: 'name', value: (u) => u.display_name },
    { header: 'organisation', value: (u) => u.organisation },
    { header: 'role', value: (u) => u.role },
    { header: 'status', value: (u) => u.status },
    { header: 'account', value: (u) => (u.local ? 'local' : 'identity provider') },
  ]);
}

export function accessCommand(io: CliIo): Command {
  const access = new Command('access')
    .description(
      "the partnership's organisations, users and roles, local accounts and data-sharing agreements (enforced by svd serve --sign-in)",
    )
    .addHelpText(
      'after',
      `
Roles:
${ROLE_HELP}

${NOT_YET}

${HOLDER}
Every change is recorded in the audit log (svd audit), never a password, hash or secret.
Examples:
  SVD_ADMIN_PASSWORD=… svd access setup --org tvp --org-name "Thames Valley Police" --org-type police --email admin@tvp.example --name "Sam Patel"
  svd access org add --org oxford-city --org-name "Oxford City Council" --org-type council-district
  svd access user add --email analyst@oxford.example --name "Ali Khan" --org oxford-city --role analyst
  svd access user list --json`,
    );

  access
    .command('setup')
    .description('once: the first organisation and the first partnership administrator')
    .requiredOption('--org <id>', 'the organisation id, e.g. thames-valley-police')
    .requiredOption('--org-name <name>', "the organisation's name")
    .requiredOption('--org-type <type>', ORGANISATION_TYPES.join(', '))
    .requiredOption('--email <address>', "the administrator's email address")
    .requiredOption('--name <name>', "the administrator's display name")
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
The administrator is a local account: the password is read from $${ADMIN_PASSWORD_ENV}, or asked
for without echo on a terminal; never give it as an argument. It must have at least
${MIN_PASSWORD_LENGTH} characters, not be the email address, and not be a common password. The
administrator's TOTP URI (for an authenticator app) is printed once. Refused
(ACCESS_ALREADY_SET_UP) once the workspace has an administrator; the workspace is created if
there is none.

${NOT_YET}`,
    )
    .action(
      async (
        options: CommonOptions & {
          org: string;
          orgName: string;
          orgType: string;
          email: string;
          name: string;
        },
      ) => {
        const ctx = commandContext(io, options);
        const password = await readPassword(io, ADMIN_PASSWORD_ENV, options.email);
        const result = await withCommandWorkspace(ctx, { create: true }, (ws) =>
          audited(
            ws,
            {
              actor: ctx.actor,
              action: 'access-setup',
              attempt: { target: options.org, detail: { type: options.orgType } },
            },
            () =>
              setupAccess(
                ws,
                {
                  organisation: { id: options.org, name: options.orgName, type: options.orgType },
                  name: options.name,
                  email: options.email,
                  password,
                },
                systemClock,
              ),
            (r) => ({
              target: r.user.organisation,
              detail: { type: options.orgType, user: r.user.id, role: r.user.role },
            }),
          ),
        );
        if (ctx.json) return ctx.printJson(userJson(result));
        ctx.print(
          `set up: organisation ${result.user.organisation}, partnership administrator ${result.user.email} (${result.user.id})`,
        );
        printSecret(ctx, result);
      },
    );

  const org = access
    .command('org')
    .description('the organisations of the partnership: add, list, retire');
  org
    .command('add')
    .description('add an organisation')
    .requiredOption('--org <id>', 'its id: lower-case letters, digits and hyphens')
    .requiredOption('--org-name <name>', 'its name')
    .requiredOption('--org-type <type>', ORGANISATION_TYPES.join(', '))
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the organisation as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText('after', `\n${HOLDER}`)
    .action(async (options: CommonOptions & { org: string; orgName: string; orgType: string }) => {
      const ctx = commandContext(io, options);
      const added = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        audited(
          ws,
          {
            actor: ctx.actor,
            action: 'organisation-add',
            attempt: { target: options.org, detail: { type: options.orgType } },
          },
          () =>
            addOrganisation(
              ws,
              { id: options.org, name: options.orgName, type: options.orgType },
              systemClock,
            ),
          (o) => ({ target: o.id, detail: { type: o.type, name: o.name } }),
        ),
      );
      if (ctx.json) return ctx.printJson(added);
      ctx.print(`added organisation ${added.id} (${added.name}, ${added.type})`);
    });
  org
    .command('list')
    .description('the organisations, retired ones included')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the organisations as JSON')
    .action(async (options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        listOrganisations(ws),
      );
      if (ctx.json) return ctx.printJson(rows);
      ctx.print(
        rows.length === 0
          ? 'no organisations (svd access setup adds the first)'
          : organisationTable(rows),
      );
    });
  org
    .command('retire <id>')
    .description('retire an organisation: kept in the record, takes no new users')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the organisation as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `\nRefused while the organisation has active users: disable them first.\n${HOLDER}`,
    )
    .action(async (id: string, options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const retired = await withCommandWorkspace(ctx, { create: false }, (ws) =>
        audited(
          ws,
          { actor: ctx.actor, action: 'organisation-retire', attempt: { target: id } },
          () => retireOrganisation(ws, id, systemClock),
          (o) => ({ target: o.id }),
        ),
      );
      if (ctx.json) return ctx.printJson(retired);
      ctx.print(`retired organisation ${retired.id} (${retired.name})`);
    });

  const user = access
    .command('user')
    .description('the users: add, list, disable, enable, set-role, reset-password');
  user
    .command('add')
    .description('add a user to an organisation, with a role')
    .requiredOption('--email <address>', 'their email address (unique; stored lower-cased)')
    .requiredOption('--name <name>', 'their display name')
    .requiredOption('--org <id>', 'their organisation')
    .requiredOption('--role <role>', ROLES.join(', '))
    .option(
      '--local',
      `a local account: a password (from $${USER_PASSWORD_ENV}, or asked for on a terminal) and one-time codes`,
    )
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the user as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
Roles:
${ROLE_HELP}

Without --local the user has no password: they will sign in through the partnership's identity
provider once the dashboard supports it. With --local, the TOTP URI is printed once.
${HOLDER}`,
    )
    .action(
      async (
        options: CommonOptions & {
          email: string;
          name: string;
          org: string;
          role: string;
          local?: boolean;
        },
      ) => {
        const ctx = commandContext(io, options);
        const password =
          options.local === true
            ? await readPassword(io, USER_PASSWORD_ENV, options.email)
            : undefined;
        const result = await withCommandWorkspace(ctx, { create: false }, (ws) =>
          audited(
            ws,
            {
              actor: ctx.actor,
              action: 'user-add',
              attempt: { target: options.org, detail: { role: options.role } },
            },
            () =>
              addUser(
                ws,
                {
                  organisation: options.org,
                  name: options.name,
                  email: options.email,
                  role: options.role,
                  ...(password === undefined ? {} : { password }),
                },
                systemClock,
              ),
            userAddOutcome,
          ),
        );
        if (ctx.json) return ctx.printJson(userJson(result));
        ctx.print(
          `added user ${result.user.email} (${result.user.id}): ${result.user.role} of ${result.user.organisation}${result.user.local ? ', local account' : ''}`,
        );
        printSecret(ctx, result);
      },
    );
  user
    .command('list')
    .description('the users, disabled ones included; never a password, hash or secret')
    .option('--org <id>', 'only the users of this organisation')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the users as JSON')
    .action(async (options: CommonOptions & { org?: string }) => {
      const ctx = commandContext(io, options);
      const rows = await withCommandWorkspace(ctx, { create: false, readOnly: true }, (ws) =>
        listUsers(ws, options.org === undefined ? {} : { organisation: options.org }),
      );
      if (ctx.json) return ctx.printJson(rows);
      ctx.print(rows.length === 0 ? 'no users' : userTable(rows));
    });
  for (const [name, status, action] of [
    ['disable', 'disabled', 'user-disable'],
    ['enable', 'active', 'user-enable'],
  ] as const) {
    user
      .command(`${name} <user>`)
      .description(
        name === 'disable'
          ? 'disable a user (by email or id): kept in the record, cannot sign in'
          : 'enable a disabled user again (by email or id)',
      )
      .option('--db <path>', DB_HELP)
      .option('--json', 'print the user as JSON')
      .option('--quiet', 'no announcements')
      .addHelpText(
        'after',
        `${name === 'disable' ? '\nThe last active partnership administrator cannot be disabled (ACCESS_LAST_ADMIN).' : ''}\n${HOLDER}`,
      )
      .action(async (ref: string, options: CommonOptions) => {
        const ctx = commandContext(io, options);
        const result = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
          // An unknown user is refused inside, and the refusal recorded (without the name given).
          const target = (await findUser(ws, ref))?.id ?? null;
          return audited(
            ws,
            { actor: ctx.actor, action, attempt: { target } },
            () => setUserStatus(ws, ref, status),
            (r) => ({ target: r.user.id, unchanged: !r.changed, detail: { status } }),
          );
        });
        if (ctx.json) return ctx.printJson(result.user);
        ctx.print(
          result.changed
            ? `${result.user.email}: ${status}`
            : `${result.user.email}: already ${status}, nothing changed`,
        );
      });
  }
  user
    .command('set-role <user> <role>')
    .description("change a user's role (user by email or id)")
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the user as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
Roles:
${ROLE_HELP}

Taking the role from the last active partnership administrator is refused (ACCESS_LAST_ADMIN).
${HOLDER}`,
    )
    .action(async (ref: string, role: string, options: CommonOptions) => {
      const ctx = commandContext(io, options);
      const result = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
        // An unknown user is refused inside, and the refusal recorded (without the name given).
        const target = (await findUser(ws, ref))?.id ?? null;
        return audited(
          ws,
          { actor: ctx.actor, action: 'role-change', attempt: { target, detail: { role } } },
          () => setUserRole(ws, ref, role),
          (r) => ({
            target: r.user.id,
            unchanged: r.previous === r.user.role,
            detail: { from: r.previous, to: r.user.role },
          }),
        );
      });
      if (ctx.json) return ctx.printJson(result.user);
      ctx.print(
        result.previous === result.user.role
          ? `${result.user.email}: already ${result.user.role}, nothing changed`
          : `${result.user.email}: ${result.previous} → ${result.user.role}`,
      );
    });
  user
    .command('reset-password <user>')
    .description('a new password for a user (by email or id), making them a local account')
    .option('--new-totp', 'also a new TOTP secret (a lost or replaced authenticator)')
    .option('--db <path>', DB_HELP)
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no announcements')
    .addHelpText(
      'after',
      `
The password is read from $${USER_PASSWORD_ENV}, or asked for without echo on a terminal; never
give it as an argument. A user who had no TOTP secret gets one, and its URI is printed once.
${HOLDER}`,
    )
    .action(async (ref: string, options: CommonOptions & { newTotp?: boolean }) => {
      const ctx = commandContext(io, options);
      const password = await readPassword(io, USER_PASSWORD_ENV, ref);
      const result = await withCommandWorkspace(ctx, { create: false }, async (ws) => {
        // An unknown user is refused inside, and the refusal recorded (without the name given).
        const target = (await findUser(ws, ref))?.id ?? null;
        return audited(
          ws,
          { actor: ctx.actor, action: 'password-reset', attempt: { target } },
          () => resetPassword(ws, ref, password, { newTotp: options.newTotp === true }),
          (r) => ({ target: r.user.id, detail: { newTotp: r.totpUri !== null } }),
        );
      });
      if (ctx.json) return ctx.printJson(userJson(result));
      ctx.print(`${result.user.email}: password reset`);
      printSecret(ctx, result);
    });
  access.addCommand(agreementCommand(io));
  return access;
}
