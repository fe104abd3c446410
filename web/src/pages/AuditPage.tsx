/**
 * The audit log, for auditors and partnership administrators: entries newest first, filtered by
 * action and time (kept in the address like every filter), and the check of the hash chain.
 */
import { useState, type FormEvent } from 'react';
import type { AuditActorAnswer, AuditAnswer, AuditEntryAnswer, AuditVerifyAnswer } from '@api';
import { ApiError, getJson } from '../api';
import { DataTable } from '../components/DataTable';
import { Empty, ErrorBox, Loading, Show } from '../components/Status';
import { fmtDateTime, fmtInt } from '../format';
import { navigate } from '../url';
import { useApi } from '../useApi';

export const AUDIT_FILTERS = ['action', 'since', 'until', 'limit'] as const;
type AuditFilter = (typeof AUDIT_FILTERS)[number];
const DEFAULT_LIMIT = '100';

/** Who did it, in words: a person with their organisation and role, or svd itself. */
export function actorWords(actor: AuditActorAnswer): string {
  if (actor.kind === 'local') return 'this computer (local single-user mode)';
  if (actor.kind === 'server') return 'svd (the server)';
  const who = actor.name ?? actor.userId ?? 'a user';
  const parts = [actor.organisation, actor.role].filter((p) => p !== undefined && p !== '');
  return parts.length === 0 ? who : `${who} (${parts.join(', ')})`;
}

function auditQuery(params: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of AUDIT_FILTERS) {
    const v = params.get(k);
    if (v !== null && v !== '') q.set(k, v);
  }
  if (!q.has('limit')) q.set('limit', DEFAULT_LIMIT);
  return q;
}

export function AuditPage({ page, params }: { page: string; params: URLSearchParams }) {
  const query = auditQuery(params);
  const entries = useApi(`audit|${query.toString()}`, () =>
    getJson<AuditAnswer>('/api/audit', query),
  );
  return (
    <>
      <h1>Audit log</h1>
      <p>
        Every sign-in, file added, agreement changed and answer given, newest first. Each entry
        carries the hash of the one before, so that a changed or removed entry shows.
      </p>
      <AuditFilters
        key={query.toString()}
        query={query}
        onApply={(values) => {
          const next = new URLSearchParams(params);
          for (const k of AUDIT_FILTERS) {
            if (values[k] === '') next.delete(k);
            else next.set(k, values[k]);
          }
          navigate(page, next);
        }}
      />
      <VerifyChain />
      <section aria-labelledby="entries-h">
        <h2 id="entries-h">Entries</h2>
        <Show loaded={entries} what="the audit log">
          {(a) => <Entries entries={a.entries} limit={Number(query.get('limit'))} />}
        </Show>
      </section>
    </>
  );
}

function AuditFilters({
  query,
  onApply,
}: {
  query: URLSearchParams;
  onApply: (values: Record<AuditFilter, string>) => void;
}) {
  const [values, setValues] = useState<Record<AuditFilter, string>>({
    action: query.get('action') ?? '',
    since: query.get('since') ?? '',
    until: query.get('until') ?? '',
    limit: query.get('limit') ?? DEFAULT_LIMIT,
  });
  const set = (k: AuditFilter, v: string): void => setValues((old) => ({ ...old, [k]: v }));
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onApply(values);
  };
  return (
    <form className="inline-filters audit-filters" onSubmit={submit} aria-label="Audit filters">
      <label className="filter">
        Action
        <input
          type="text"
          name="action"
          value={values.action}
          placeholder="e.g. sign-in"
          onChange={(e) => set('action', e.target.value)}
          data-testid="audit-action"
        />
      </label>
      <label className="filter">
        Since
        <input
          type="date"
          name="since"
          value={values.since}
          onChange={(e) => set('since', e.target.value)}
          data-testid="audit-since"
        />
      </label>
      <label className="filter">
        Until
        <input
          type="date"
          name="until"
          value={values.until}
          onChange={(e) => set('until', e.target.value)}
          data-testid="audit-until"
        />
      </label>
      <label className="filter">
        At most
        <input
          type="number"
          name="limit"
          min={1}
          step={1}
          value={values.limit}
          onChange={(e) => set('limit', e.target.value)}
          data-testid="audit-limit"
        />
      </label>
      <button type="submit" data-testid="audit-apply">
        Show entries
      </button>
    </form>
  );
}

function Entries({ entries, limit }: { entries: AuditEntryAnswer[]; limit: number }) {
  if (entries.length === 0) return <Empty>No entry matches these filters.</Empty>;
  return (
    <>
      {entries.length === limit && (
        <p className="note">
          The newest {fmtInt(limit)} entries are shown; narrow the dates or raise the limit to see
          older ones.
        </p>
      )}
      <DataTable
        caption="Audit entries, newest first"
        rows={entries}
        rowKey={(e) => `${e.log}|${e.seq}`}
        testId="audit-entries"
        columns={[
          { header: 'Entry', value: (e) => `${e.log} #${e.seq}`, numeric: true },
          { header: 'Time', value: (e) => fmtDateTime(e.at) },
          { header: 'Who', value: (e) => actorWords(e.actor) },
          { header: 'Action', value: (e) => e.action },
          { header: 'Target', value: (e) => e.target ?? '—' },
          { header: 'Records', value: (e) => fmtInt(e.records), numeric: true },
        ]}
      />
    </>
  );
}

function VerifyChain() {
  const [state, setState] = useState<
    | { state: 'idle' }
    | { state: 'checking' }
    | { state: 'done'; answer: AuditVerifyAnswer }
    | { state: 'error'; error: ApiError }
  >({ state: 'idle' });
  const verify = (): void => {
    setState({ state: 'checking' });
    getJson<AuditVerifyAnswer>('/api/audit/verify').then(
      (answer) => setState({ state: 'done', answer }),
      (err: unknown) =>
        setState({
          state: 'error',
          error:
            err instanceof ApiError
              ? err
              : new ApiError(0, { kind: 'internal', code: 'CLIENT', message: String(err) }),
        }),
    );
  };
  return (
    <section aria-labelledby="verify-h">
      <h2 id="verify-h">Is the log whole?</h2>
      <p>
        <button
          type="button"
          onClick={verify}
          disabled={state.state === 'checking'}
          data-testid="audit-verify"
        >
          Verify the chain
        </button>
      </p>
      {state.state === 'checking' && <Loading what="the chain" />}
      {state.state === 'error' && <ErrorBox error={state.error} />}
      {state.state === 'done' &&
        (state.answer.intact ? (
          <p className="verified" role="status" data-testid="audit-intact">
            The chain is intact: {fmtInt(state.answer.entries)} entries, each one matching the one
            before.
          </p>
        ) : (
          <div className="error" role="alert" data-testid="audit-broken">
            <p>
              <strong>The chain is broken</strong>
              {state.answer.broken !== null &&
                ` at entry #${state.answer.broken.seq} of the ${state.answer.broken.log} log (${state.answer.broken.problem})`}
              .
            </p>
            {state.answer.broken !== null && <p>{state.answer.broken.message}</p>}
            <p>
              What to do: keep a copy of the workspace as it is, and tell the partnership&apos;s
              data-governance lead; entries after this one cannot be relied on.
            </p>
          </div>
        ))}
    </section>
  );
}
