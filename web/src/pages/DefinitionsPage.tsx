import { useEffect, useState, type FormEvent } from 'react';
import type { PageProps } from '../pageProps';
import { ApiError, getJson, postJson } from '../api';
import { DataTable } from '../components/DataTable';
import { ErrorBox, Loading, Show } from '../components/Status';
import { fmtInt, fmtMonth, fmtPercent } from '../format';
import type {
  DefinitionAnswer,
  DescribedRule,
  ExplainAnswer,
  SampleRecord,
  WhatIfAnswer,
} from '@api';
import { filterParams, navigate } from '../url';
import { useApi } from '../useApi';

export function DefinitionsPage({ filters, params }: PageProps) {
  const spec = filters.definition;
  const definition = useApi(spec ?? null, () =>
    getJson<DefinitionAnswer>(`/api/definitions/${encodeURIComponent(spec ?? '')}`),
  );
  if (spec === undefined)
    return <p className="empty">No definition is classified in this workspace.</p>;
  return (
    <>
      <h1>Definitions</h1>
      <Show loaded={definition} what="the definition">
        {(d) => (
          <>
            <ReadableDefinition d={d} />
            <ExplainRecord filters={filterParams(filters)} spec={spec} params={params} />
            <WhatIf base={spec} sourceText={d.sourceText} />
          </>
        )}
      </Show>
    </>
  );
}

function Rule({ rule }: { rule: DescribedRule }) {
  return (
    <li>
      <strong>{rule.label}</strong> <code>{rule.id}</code>
      <ul className="conditions">
        {rule.conditions.map((c, i) => (
          <li key={i} style={{ marginLeft: `${(c.length - c.trimStart().length) / 2}em` }}>
            {c.trim()}
          </li>
        ))}
      </ul>
    </li>
  );
}

function ReadableDefinition({ d }: { d: DefinitionAnswer }) {
  return (
    <section aria-labelledby="def-h">
      <h2 id="def-h">{d.meta.title}</h2>
      <p>
        {d.meta.id}@{d.meta.version} · sha256 <code>{d.meta.content_hash.slice(0, 12)}</code> ·
        effective from{' '}
        {new Date(`${d.effectiveFrom}T00:00:00Z`).toLocaleDateString('en-GB', {
          day: 'numeric',
          month: 'long',
          year: 'numeric',
          timeZone: 'UTC',
        })}{' '}
        · coverage {d.meta.coverage}
      </p>
      {d.meta.coverage === 'proxy' && (
        <p className="warning">
          This is a PROXY: an approximation from data that cannot apply a definition of serious
          violence.
        </p>
      )}
      {d.description !== null && <p>{d.description}</p>}
      <h3>Tiers, in order of precedence</h3>
      <p>A record takes the first tier it matches.</p>
      <ol className="tiers" data-testid="definition-tiers">
        {d.tiers.map((t) => (
          <li key={t.id}>
            <strong>{t.label}</strong> <code>{t.id}</code>
            <ul>
              {t.rules.map((r) => (
                <Rule key={r.id} rule={r} />
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {d.exclusions.length > 0 && (
        <>
          <h3>Exclusions</h3>
          <p>These remove a record from every tier, whatever else it matches.</p>
          <ul>
            {d.exclusions.map((r) => (
              <Rule key={r.id} rule={r} />
            ))}
          </ul>
        </>
      )}
      {d.codes.length > 0 && (
        <details>
          <summary>Home Office offence codes it names ({d.codes.length})</summary>
          <DataTable
            caption="Offence codes named by the definition"
            rows={d.codes}
            rowKey={(c) => c.code}
            columns={[
              { header: 'Code', value: (c) => c.code },
              { header: 'Offence', value: (c) => c.name },
              { header: 'Subgroup', value: (c) => c.subgroup },
            ]}
          />
        </details>
      )}
    </section>
  );
}

function ExplainRecord({
  filters,
  spec,
  params,
}: {
  filters: URLSearchParams;
  spec: string;
  params: URLSearchParams;
}) {
  const records = useApi(`records|${filters.toString()}`, () => {
    const p = new URLSearchParams(filters);
    p.set('limit', '12');
    return getJson<SampleRecord[]>('/api/records', p);
  });
  const raw = params.get('record');
  const chosen = raw !== null && /^\d+$/.test(raw) ? raw : null;
  const [typed, setTyped] = useState(chosen ?? '');
  useEffect(() => setTyped(chosen ?? ''), [chosen]);
  const explanation = useApi(chosen === null ? null : `explain|${chosen}|${spec}`, () =>
    getJson<ExplainAnswer>(
      `/api/explain/${encodeURIComponent(chosen ?? '')}`,
      new URLSearchParams({ definition: spec }),
    ),
  );
  const choose = (id: string): void => {
    const next = new URLSearchParams(params);
    next.set('record', id);
    navigate('/definitions', next);
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (/^\d+$/.test(typed.trim())) choose(typed.trim());
  };
  return (
    <section aria-labelledby="explain-h">
      <h2 id="explain-h">Explain a record</h2>
      <form className="inline" onSubmit={submit}>
        <label>
          Record id{' '}
          <input
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            inputMode="numeric"
            pattern="[0-9]+"
            data-testid="record-id"
          />
        </label>{' '}
        <button type="submit">Explain</button>
      </form>
      <Show loaded={records} what="some records">
        {(rows) =>
          rows.length === 0 ? (
            <p className="empty">No records match the filters.</p>
          ) : (
            <DataTable
              caption="Some records of the selection, newest first"
              rows={rows}
              rowKey={(r) => String(r.id)}
              columns={[
                {
                  header: 'Id',
                  value: (r) => (
                    <button type="button" className="link" onClick={() => choose(String(r.id))}>
                      {r.id}
                    </button>
                  ),
                },
                { header: 'Source', value: (r) => r.source },
                { header: 'Month', value: (r) => fmtMonth(r.month) },
                {
                  header: 'Offence',
                  value: (r) =>
                    r.offence_code === null
                      ? (r.crime_type ?? '—')
                      : `${r.offence_code} ${r.offence_description ?? ''}`,
                },
                { header: 'Tier', value: (r) => r.tier ?? '—' },
              ]}
            />
          )
        }
      </Show>
      {chosen !== null && (
        <Show loaded={explanation} what="the explanation">
          {(x) => <Explanation x={x} />}
        </Show>
      )}
    </section>
  );
}

function Explanation({ x }: { x: ExplainAnswer }) {
  const c = x.classification;
  const place =
    c.status === 'tier'
      ? `tier ${c.tier ?? ''}${c.tiers.length > 1 ? ` (also in ${c.tiers.slice(1).join(', ')})` : ''}`
      : c.status === 'excluded'
        ? `excluded by ${c.excludedBy.join(', ')}`
        : c.status === 'no-data'
          ? 'no data: it carries none of the fields this definition reads'
          : 'in no tier';
  const shown = x.rules.filter((r) => r.matched || r.nearly);
  return (
    <div className="explanation" data-testid="explanation" aria-live="polite">
      <h3>
        Record {x.record.id} ({x.record.source}, {fmtMonth(String(x.record.month).slice(0, 7))}):{' '}
        {place}
      </h3>
      {shown.length === 0 ? (
        <p>No rule matched or nearly matched.</p>
      ) : (
        <ul>
          {shown.map((r) => (
            <li key={`${r.kind}-${r.rule}`}>
              <strong>{r.matched ? 'Matched' : 'Nearly matched'}:</strong> {r.label}{' '}
              <code>{r.rule}</code>
              {r.matched && r.decidedBy.length > 0 ? (
                <> — decided by {r.decidedBy.join(' and ')}</>
              ) : null}
              <ul>
                {r.checks.map((ch, i) => (
                  <li key={i}>
                    <span aria-label={ch.holds ? 'holds' : 'does not hold'}>
                      {ch.holds ? '✓' : '✗'}
                    </span>{' '}
                    needs {ch.needs}; {ch.has}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function WhatIf({ base, sourceText }: { base: string; sourceText: string }) {
  const [text, setText] = useState(sourceText);
  const [state, setState] = useState<{ running: boolean; result?: WhatIfAnswer; error?: ApiError }>(
    { running: false },
  );
  useEffect(() => setText(sourceText), [sourceText]);
  const run = (e: FormEvent): void => {
    e.preventDefault();
    setState({ running: true });
    postJson<WhatIfAnswer>('/api/whatif', { base, proposal: text }).then(
      (result) => setState({ running: false, result }),
      (error: unknown) =>
        setState({
          running: false,
          error:
            error instanceof ApiError
              ? error
              : new ApiError(0, { kind: 'internal', code: 'CLIENT', message: String(error) }),
        }),
    );
  };
  const r = state.result;
  return (
    <section aria-labelledby="whatif-h">
      <h2 id="whatif-h">What if the definition changed?</h2>
      <p>
        Edit the definition below (YAML) and compare it with {base} over every record held. Nothing
        is stored.
      </p>
      <form onSubmit={run}>
        <label htmlFor="proposal">Proposed definition</label>
        <textarea
          id="proposal"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={14}
          spellCheck={false}
          data-testid="proposal"
        />
        <button type="submit" disabled={state.running}>
          Compare with {base}
        </button>
      </form>
      {state.running && <Loading what="the comparison" />}
      {state.error !== undefined && <ErrorBox error={state.error} />}
      {r !== undefined && (
        <div data-testid="whatif-result" aria-live="polite">
          <p>
            <strong>{r.headline}</strong>
          </p>
          <p>
            {fmtInt(r.records)} records compared; {fmtInt(r.changed)} change tier.
          </p>
          <DataTable
            caption="Records by tier, base and proposal"
            rows={r.tiers}
            rowKey={(t) => t.tier}
            columns={[
              { header: 'Tier', value: (t) => t.tier },
              { header: 'Base', value: (t) => fmtInt(t.base), numeric: true },
              { header: 'Proposal', value: (t) => fmtInt(t.proposal), numeric: true },
              { header: 'Change', value: (t) => fmtInt(t.change), numeric: true },
              { header: '%', value: (t) => fmtPercent(t.percent), numeric: true },
            ]}
          />
          {r.breakdowns
            .filter((b) => b.rows.length > 0)
            .map((b) => (
              <DataTable
                key={b.by}
                caption={`Records that change tier, by ${b.by} (first 10)`}
                rows={b.rows.slice(0, 10)}
                rowKey={(x, i) => `${x.value ?? ''}-${x.from}-${x.to}-${i}`}
                columns={[
                  {
                    header: b.by,
                    value: (x) =>
                      `${x.value ?? '(none)'}${x.label === undefined ? '' : ` ${x.label}`}`,
                  },
                  { header: 'From', value: (x) => x.from },
                  { header: 'To', value: (x) => x.to },
                  { header: 'Records', value: (x) => fmtInt(x.n), numeric: true },
                ]}
              />
            ))}
        </div>
      )}
    </section>
  );
}
