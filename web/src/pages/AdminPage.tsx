/**
 * Administration, for partnership administrators (`/api/admin`): the partnership's organisations,
 * users and agreements, and the changes that cannot wait — a user disabled or enabled, a role
 * changed, an agreement revoked. Each change asks for a second click (or a reason) before it is
 * sent, shows the server's message and fix where it was asked for when refused, and re-reads the
 * lists when done. Adding organisations, users and agreements stays with `svd access …`.
 */
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import type { SessionUser } from '@api';
import { ApiError, getJson, postJson } from '../api';
import { DataTable } from '../components/DataTable';
import { roleWords } from '../components/Header';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { fmtDateTime } from '../format';

/** `GET /api/admin`: what `svd access org|user|agreement list` print. */
export interface AdminAnswer {
  organisations: AdminOrganisation[];
  users: AdminUser[];
  agreements: AdminAgreement[];
  roles: string[];
  organisationTypes: string[];
}

export interface AdminOrganisation {
  id: string;
  name: string;
  type: string;
  created_at: string;
  retired_at: string | null;
}

export interface AdminUser {
  id: string;
  organisation: string;
  display_name: string;
  email: string;
  role: string;
  status: 'active' | 'disabled';
  created_at: string;
  /** A local account (a password and an authenticator), not the identity provider's. */
  local: boolean;
  totp_confirmed: boolean;
}

export interface AdminAgreement {
  id: string;
  title: string;
  revision: number;
  status: 'active' | 'revoked';
  revoked_at: string | null;
  revoked_reason: string | null;
  parties: { organisation: string; type: string }[];
  datasets: { kind: string; supplier: string | null }[];
  level: string;
  /** YYYY-MM-DD. */
  start: string;
  review: string;
  expiry: string;
}

/** The answer of a change that was made, for the line that says so. */
interface Done {
  message: string;
}

function apiErrorOf(err: unknown): ApiError {
  return err instanceof ApiError
    ? err
    : new ApiError(0, { kind: 'internal', code: 'CLIENT', message: String(err) });
}

// Agreements run by London days, as the server's scope does (docs/decisions/0074).
const londonDay = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  timeZone: 'Europe/London',
});
const dayWords = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const fmtDay = (day: string): string => dayWords.format(new Date(`${day}T00:00:00Z`));

/** An agreement's standing today: revoked, not yet started, expired or in force. */
export function agreementStanding(a: AdminAgreement, today: string): string {
  if (a.status === 'revoked')
    return `revoked ${fmtDateTime(a.revoked_at)}${a.revoked_reason === null ? '' : `: ${a.revoked_reason}`}`;
  if (today < a.start) return `active, starts ${fmtDay(a.start)}`;
  if (today > a.expiry) return `active, expired ${fmtDay(a.expiry)}`;
  return 'in force';
}

export function AdminPage({ self }: { self: SessionUser }) {
  const [loaded, setLoaded] = useState<
    | { state: 'loading' }
    | { state: 'error'; error: ApiError }
    | { state: 'ready'; data: AdminAnswer }
  >({ state: 'loading' });
  const [reads, setReads] = useState(0);

  // A re-read keeps the tables on screen (and the focus where it was) until the new lists come.
  useEffect(() => {
    let live = true;
    getJson<AdminAnswer>('/api/admin').then(
      (data) => live && setLoaded({ state: 'ready', data }),
      (err: unknown) => live && setLoaded({ state: 'error', error: apiErrorOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [reads]);
  const reread = (): void => setReads((r) => r + 1);

  return (
    <>
      <h1>Administration</h1>
      <div className="notice" data-testid="admin-note">
        <p>
          Changes here take effect at once: a user disabled or given another role is signed out of
          every session, and a revoked agreement stops the access it gave on the next request. Each
          change is recorded in the audit log with your name.
        </p>
        <p>
          Organisations, users who sign in through the partnership&apos;s identity provider, and
          agreements (from their YAML file) can be added below. Local accounts, which need a
          password and an authenticator, are made on the server with{' '}
          <code>svd access user add --local</code> (the README&apos;s section &ldquo;Partnership
          access&rdquo;).
        </p>
      </div>
      {loaded.state === 'loading' && <Loading what="the partnership's access" />}
      {loaded.state === 'error' && <ErrorBox error={loaded.error} />}
      {loaded.state === 'ready' && (
        <AdminSections data={loaded.data} self={self} onChanged={reread} />
      )}
    </>
  );
}

function AdminSections({
  data,
  self,
  onChanged,
}: {
  data: AdminAnswer;
  self: SessionUser;
  onChanged: () => void;
}) {
  const names = new Map(data.organisations.map((o) => [o.id, o.name]));
  const orgName = (id: string): string => names.get(id) ?? id;
  return (
    <>
      <section aria-labelledby="organisations-h">
        <h2 id="organisations-h">Organisations</h2>
        <Organisations organisations={data.organisations} />
        <AddForm
          title="Add an organisation"
          testId="add-organisation"
          url="/api/admin/organisations"
          fields={[
            { name: 'id', label: 'Id (lower-case letters, digits, hyphens)' },
            { name: 'name', label: 'Name' },
            { name: 'type', label: 'Type', choices: data.organisationTypes },
          ]}
          onChanged={onChanged}
        />
      </section>
      <section aria-labelledby="users-h">
        <h2 id="users-h">Users</h2>
        <Users
          users={data.users}
          roles={data.roles}
          self={self}
          orgName={orgName}
          onChanged={onChanged}
        />
        <AddForm
          title="Add a user who signs in through the identity provider"
          testId="add-user"
          url="/api/admin/users"
          fields={[
            {
              name: 'organisation',
              label: 'Organisation',
              choices: data.organisations.filter((o) => o.retired_at === null).map((o) => o.id),
            },
            { name: 'name', label: 'Name' },
            { name: 'email', label: 'Email address (as the identity provider gives it)' },
            // The least role unless another is chosen.
            { name: 'role', label: 'Role', choices: data.roles, initial: 'member' },
          ]}
          onChanged={onChanged}
        />
      </section>
      <section aria-labelledby="agreements-h">
        <h2 id="agreements-h">Agreements</h2>
        <Agreements agreements={data.agreements} orgName={orgName} onChanged={onChanged} />
        <AddForm
          title="Add or revise an agreement"
          testId="add-agreement"
          url="/api/admin/agreements"
          fields={[
            {
              name: 'text',
              label: 'The agreement file (YAML), as examples/agreements/ shows it',
              long: true,
            },
          ]}
          onChanged={onChanged}
        />
      </section>
    </>
  );
}

function Organisations({ organisations }: { organisations: readonly AdminOrganisation[] }) {
  if (organisations.length === 0) return <Empty>No organisation has been added.</Empty>;
  return (
    <DataTable
      caption="Organisations of the partnership"
      rows={organisations}
      rowKey={(o) => o.id}
      testId="admin-organisations"
      columns={[
        { header: 'Id', value: (o) => <code>{o.id}</code> },
        { header: 'Name', value: (o) => o.name },
        { header: 'Type', value: (o) => o.type },
        { header: 'Added', value: (o) => fmtDateTime(o.created_at) },
        {
          header: 'Status',
          value: (o) => (o.retired_at === null ? 'active' : `retired ${fmtDateTime(o.retired_at)}`),
        },
      ]}
    />
  );
}

/** The one line saying what the last change did, read out when it changes. */
function DoneLine({
  done,
  testId,
  lineRef,
}: {
  done: Done | null;
  testId: string;
  lineRef?: RefObject<HTMLParagraphElement | null>;
}) {
  return (
    <p
      className="done-line"
      role="status"
      aria-live="polite"
      tabIndex={-1}
      ref={lineRef}
      data-testid={testId}
    >
      {done === null ? '' : done.message}
    </p>
  );
}

function Users({
  users,
  roles,
  self,
  orgName,
  onChanged,
}: {
  users: readonly AdminUser[];
  roles: readonly string[];
  self: SessionUser;
  orgName: (id: string) => string;
  onChanged: () => void;
}) {
  const [done, setDone] = useState<Done | null>(null);
  if (users.length === 0) return <Empty>No user has been added.</Empty>;
  const changed = (message: string): void => {
    setDone({ message });
    onChanged();
  };
  return (
    <>
      <DoneLine done={done} testId="admin-users-done" />
      <div className="table-wrap admin-wrap" tabIndex={0} role="region" aria-label="Users">
        <table data-testid="admin-users" className="admin-table">
          <caption>Users of the partnership, by organisation</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Organisation</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Local account</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <UserRow
                key={u.id}
                user={u}
                roles={roles}
                isSelf={u.id === self.id}
                orgName={orgName}
                onSending={() => setDone(null)}
                onChanged={changed}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type Pending = null | 'role' | 'status';

function UserRow({
  user,
  roles,
  isSelf,
  orgName,
  onSending,
  onChanged,
}: {
  user: AdminUser;
  roles: readonly string[];
  isSelf: boolean;
  orgName: (id: string) => string;
  /** A change is being sent: the line about the last one no longer applies. */
  onSending: () => void;
  onChanged: (message: string) => void;
}) {
  const [role, setRole] = useState(user.role);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const roleSelect = useRef<HTMLSelectElement>(null);
  const roleButton = useRef<HTMLButtonElement>(null);
  const statusButton = useRef<HTMLButtonElement>(null);

  // The lists were read again: the select shows the role now held.
  useEffect(() => setRole(user.role), [user.role]);

  const who = `${user.display_name} (${user.email})`;
  const disabling = user.status === 'active';
  const ownSession = isSelf ? ' Your own session ends too.' : '';

  const cancel = (what: Exclude<Pending, null>): void => {
    setPending(null);
    (what === 'role' ? roleButton : statusButton).current?.focus();
  };

  // While a change is sent the buttons say so (aria-disabled) but keep the focus.
  const send = (what: Exclude<Pending, null>): void => {
    if (busy) return;
    setBusy(true);
    setError(null);
    onSending();
    const request =
      what === 'role'
        ? postJson<{ user: AdminUser; previous: string }>(
            `/api/admin/users/${encodeURIComponent(user.id)}/role`,
            { role },
          ).then((r) =>
            r.previous === r.user.role
              ? `${who} already was ${roleWords(r.user.role)}; nothing changed.`
              : `${who} is now ${roleWords(r.user.role)} (was ${roleWords(r.previous)}); their sessions have ended.`,
          )
        : postJson<{ user: AdminUser; changed: boolean }>(
            `/api/admin/users/${encodeURIComponent(user.id)}/status`,
            { status: disabling ? 'disabled' : 'active' },
          ).then((r) =>
            !r.changed
              ? `${who} already was ${r.user.status}; nothing changed.`
              : r.user.status === 'disabled'
                ? `${who} is disabled; their sessions have ended.`
                : `${who} is enabled and may sign in again.`,
          );
    request.then(
      (message) => {
        setBusy(false);
        setPending(null);
        // The Change button is disabled once the new role is read back: focus the role instead.
        if (what === 'role') roleSelect.current?.focus();
        onChanged(message);
      },
      (err: unknown) => {
        setBusy(false);
        setPending(null);
        setError(apiErrorOf(err));
      },
    );
  };

  const roleId = `role-${user.id}`;
  return (
    <>
      <tr data-testid={`admin-user-${user.email}`}>
        <td>
          {user.display_name}
          {isSelf && <span className="note"> (you)</span>}
        </td>
        <td>{user.email}</td>
        <td>{orgName(user.organisation)}</td>
        <td>{roleWords(user.role)}</td>
        <td>{user.status}</td>
        <td>{user.local ? 'yes' : 'no (identity provider)'}</td>
        <td className="admin-actions">
          <span className="admin-action">
            <label htmlFor={roleId} className="visually-hidden">
              New role for {who}
            </label>
            <select
              id={roleId}
              ref={roleSelect}
              value={role}
              aria-disabled={busy}
              onChange={(e) => {
                if (busy) return;
                setRole(e.target.value);
                setPending(null);
              }}
              data-testid="admin-role-select"
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {roleWords(r)}
                </option>
              ))}
            </select>
            <button
              type="button"
              ref={roleButton}
              disabled={role === user.role}
              aria-disabled={busy}
              aria-label={
                pending === 'role'
                  ? `Confirm: make ${who} ${roleWords(role)}`
                  : `Change the role of ${who}`
              }
              onClick={() => (pending === 'role' ? send('role') : !busy && setPending('role'))}
              data-testid="admin-role-change"
            >
              {pending === 'role' ? `Confirm change to ${roleWords(role)}?` : 'Change'}
            </button>
            {pending === 'role' && (
              <button
                type="button"
                className="link"
                onClick={() => cancel('role')}
                aria-label={`Cancel the change of role of ${who}`}
              >
                Cancel
              </button>
            )}
          </span>
          <span className="admin-action">
            <button
              type="button"
              ref={statusButton}
              className={disabling ? 'danger' : undefined}
              aria-disabled={busy}
              aria-label={
                pending === 'status'
                  ? `Confirm: ${disabling ? 'disable' : 'enable'} ${who}`
                  : `${disabling ? 'Disable' : 'Enable'} ${who}`
              }
              onClick={() =>
                pending === 'status' ? send('status') : !busy && setPending('status')
              }
              data-testid="admin-status"
            >
              {pending === 'status'
                ? `Confirm ${disabling ? 'disable' : 'enable'}?`
                : disabling
                  ? 'Disable'
                  : 'Enable'}
            </button>
            {pending === 'status' && (
              <button
                type="button"
                className="link"
                onClick={() => cancel('status')}
                aria-label={`Cancel: keep ${who} ${user.status}`}
              >
                Cancel
              </button>
            )}
          </span>
          {pending !== null && (
            <p className="hint" data-testid="admin-confirm-hint">
              {pending === 'status' && !disabling
                ? `${user.display_name} will be able to sign in again.`
                : `${user.display_name} is signed out at once.${ownSession}`}
            </p>
          )}
        </td>
      </tr>
      {error !== null && (
        <tr className="row-error">
          <td colSpan={7} data-testid="admin-user-error">
            <ErrorBox error={error} />
          </td>
        </tr>
      )}
    </>
  );
}

function Agreements({
  agreements,
  orgName,
  onChanged,
}: {
  agreements: readonly AdminAgreement[];
  orgName: (id: string) => string;
  onChanged: () => void;
}) {
  const [done, setDone] = useState<Done | null>(null);
  const doneLine = useRef<HTMLParagraphElement>(null);
  if (agreements.length === 0) return <Empty>No agreement has been added.</Empty>;
  const today = londonDay.format(new Date());
  return (
    <>
      <DoneLine done={done} testId="admin-agreements-done" lineRef={doneLine} />
      <div className="table-wrap admin-wrap" tabIndex={0} role="region" aria-label="Agreements">
        <table data-testid="admin-agreements" className="admin-table">
          <caption>Data-sharing agreements, latest revision of each</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Title</th>
              <th scope="col">Level</th>
              <th scope="col">Parties</th>
              <th scope="col">Datasets</th>
              <th scope="col">Dates</th>
              <th scope="col">Status</th>
              <th scope="col">Revoke</th>
            </tr>
          </thead>
          <tbody>
            {agreements.map((a) => (
              <AgreementRow
                key={a.id}
                agreement={a}
                today={today}
                orgName={orgName}
                onSending={() => setDone(null)}
                onRevoked={(message) => {
                  setDone({ message });
                  // The row's Revoke button is gone: the focus goes to what was done.
                  doneLine.current?.focus();
                  onChanged();
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function AgreementRow({
  agreement: a,
  today,
  orgName,
  onSending,
  onRevoked,
}: {
  agreement: AdminAgreement;
  today: string;
  orgName: (id: string) => string;
  onSending: () => void;
  onRevoked: (message: string) => void;
}) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const revokeButton = useRef<HTMLButtonElement>(null);
  const reasonField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (asking) reasonField.current?.focus();
  }, [asking]);

  const close = (): void => {
    setAsking(false);
    setReason('');
    setError(null);
    // The button is there again once the form is gone.
    setTimeout(() => revokeButton.current?.focus(), 0);
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    const why = reason.trim();
    if (why === '') {
      setError(
        new ApiError(0, {
          kind: 'usage',
          code: 'AGREEMENT_REASON_MISSING',
          message: 'a revocation needs a reason',
          fix: 'say why, e.g. "superseded by the 2027 agreement"',
        }),
      );
      reasonField.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    onSending();
    postJson<AdminAgreement>(`/api/admin/agreements/${encodeURIComponent(a.id)}/revoke`, {
      reason: why,
    }).then(
      (revoked) => {
        setBusy(false);
        setAsking(false);
        setReason('');
        onRevoked(
          `${revoked.title} (${revoked.id}) is revoked: the access it gave stops on the next request.`,
        );
      },
      (err: unknown) => {
        setBusy(false);
        setError(apiErrorOf(err));
      },
    );
  };

  const reasonId = `reason-${a.id}`;
  return (
    <>
      <tr data-testid={`admin-agreement-${a.id}`}>
        <td>
          <code>{a.id}</code> <span className="note">rev. {a.revision}</span>
        </td>
        <td>{a.title}</td>
        <td>{a.level}</td>
        <td>
          <ul className="plain">
            {a.parties.map((p) => (
              <li key={p.organisation}>
                {orgName(p.organisation)} ({p.type})
              </li>
            ))}
          </ul>
        </td>
        <td>
          <ul className="plain">
            {a.datasets.map((d) => (
              <li key={`${d.kind}|${d.supplier ?? ''}`}>
                {d.kind}
                {d.supplier === null ? '' : ` from ${orgName(d.supplier)}`}
              </li>
            ))}
          </ul>
        </td>
        <td>
          {fmtDay(a.start)} – {fmtDay(a.expiry)}
          <br />
          <span className="note">review {fmtDay(a.review)}</span>
        </td>
        <td>{agreementStanding(a, today)}</td>
        <td>
          {a.status === 'active' && !asking && (
            <button
              type="button"
              className="danger"
              ref={revokeButton}
              onClick={() => setAsking(true)}
              aria-label={`Revoke ${a.title}`}
              data-testid="admin-revoke"
            >
              Revoke
            </button>
          )}
        </td>
      </tr>
      {asking && (
        <tr className="row-form">
          <td colSpan={8}>
            <form
              className="revoke-form"
              onSubmit={submit}
              aria-label={`Revoke ${a.title}`}
              noValidate
            >
              <label htmlFor={reasonId}>Why is {a.title} revoked?</label>
              <input
                id={reasonId}
                ref={reasonField}
                type="text"
                value={reason}
                maxLength={500}
                readOnly={busy}
                aria-invalid={error?.body.code === 'AGREEMENT_REASON_MISSING'}
                aria-describedby={`${reasonId}-hint`}
                onChange={(e) => setReason(e.target.value)}
                data-testid="admin-revoke-reason"
              />
              <p className="hint" id={`${reasonId}-hint`}>
                Kept with the agreement and in the audit log. Every party loses the access it gave
                on the next request. A revoked agreement is not revised: a new one needs an id of
                its own.
              </p>
              <span className="admin-action">
                <button
                  type="submit"
                  className="danger"
                  aria-disabled={busy}
                  data-testid="admin-revoke-confirm"
                >
                  Revoke the agreement
                </button>
                <button type="button" className="link" onClick={close} disabled={busy}>
                  Cancel
                </button>
              </span>
              {error !== null && (
                <div data-testid="admin-agreement-error">
                  <ErrorBox error={error} />
                </div>
              )}
            </form>
          </td>
        </tr>
      )}
    </>
  );
}

interface AddField {
  name: string;
  label: string;
  /** A choice among these (a select); otherwise a text field. */
  choices?: readonly string[];
  /** Several lines (a textarea). */
  long?: boolean;
  /** The choice made until another is (default: the first). */
  initial?: string;
}

/** A form that adds one thing; the server's refusal is shown with its fix, the lists re-read on success. */
function AddForm({
  title,
  testId,
  url,
  fields,
  onChanged,
}: {
  title: string;
  testId: string;
  url: string;
  fields: readonly AddField[];
  onChanged: () => void;
}) {
  const blank = (): Record<string, string> =>
    Object.fromEntries(fields.map((f) => [f.name, f.initial ?? f.choices?.[0] ?? '']));
  const [values, setValues] = useState<Record<string, string>>(blank);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    postJson<unknown>(url, values).then(
      () => {
        setBusy(false);
        setDone({ message: `${title}: done.` });
        setValues(blank());
        onChanged();
      },
      (err: unknown) => {
        setBusy(false);
        setError(apiErrorOf(err));
      },
    );
  };
  return (
    <details className="add-form" data-testid={testId}>
      <summary>{title}</summary>
      <form onSubmit={submit}>
        {fields.map((f) => (
          <label key={f.name} className="filter">
            {f.label}
            {f.choices !== undefined ? (
              <select
                name={f.name}
                value={values[f.name]}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              >
                {f.choices.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : f.long === true ? (
              <textarea
                name={f.name}
                rows={12}
                cols={80}
                required
                value={values[f.name]}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              />
            ) : (
              <input
                type={f.name === 'email' ? 'email' : 'text'}
                name={f.name}
                required
                value={values[f.name]}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              />
            )}
          </label>
        ))}
        <button type="submit" aria-disabled={busy}>
          Add
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      <DoneLine done={done} testId={`${testId}-done`} />
    </details>
  );
}
