import { useMemo } from 'react';
import type { PageProps } from '../pageProps';
import { getJson } from '../api';
import { Chart } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { Empty, Show } from '../components/Status';
import { CATEGORICAL } from '../echarts';
import { fmtDateTime, fmtInt } from '../format';
import type {
  ActionRow,
  MeasureAnswer,
  MeasuresAnswer,
  ReviewHistoryEntry,
  StrategyAnswer,
} from '@api';
import { navigate } from '../url';
import { useApi } from '../useApi';

/** How a measure's status reads, in the words the server gives (as the reports write them). */
function statusLabel(meta: PageProps['meta'], status: string): string {
  return (meta.targetStatusLabels as Record<string, string>)[status] ?? status;
}

const fmtDate = (d: string | null): string =>
  d === null
    ? '—'
    : new Date(`${d.slice(0, 10)}T00:00:00Z`).toLocaleDateString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      });

export function formatValue(metric: string, v: number | null): string {
  if (v === null) return '—';
  if (metric === 'share') return `${(v * 100).toFixed(1)}%`;
  if (metric === 'rate') return v.toFixed(2);
  return Number.isInteger(v) ? fmtInt(v) : v.toFixed(1);
}

/**
 * An interval of a measure whose ends never read the same: up to two more decimals when they
 * would, once when they are one value ("95.0%"), as the command line writes it.
 */
export function formatRange(metric: string, lower: number | null, upper: number | null): string {
  if (lower === null || upper === null) return '—';
  const f = (v: number, extra: number): string =>
    metric === 'share'
      ? `${(v * 100).toFixed(1 + extra)}%`
      : metric === 'rate'
        ? v.toFixed(2 + extra)
        : v.toFixed(1 + extra);
  for (let extra = 0; extra <= 2; extra++)
    if (f(lower, extra) !== f(upper, extra)) return `${f(lower, extra)}–${f(upper, extra)}`;
  return f(lower, 0);
}

function Illustrative({ s }: { s: { illustrative: boolean } }) {
  return s.illustrative ? (
    <p className="warning" role="note">
      ILLUSTRATIVE EXAMPLE: this strategy was made up to show what svd can hold; it is not the
      partnership's plan.
    </p>
  ) : null;
}

/** The strategy as a tree, and its actions with filters kept in the address. */
export function StrategyPage({ params }: PageProps) {
  const strategy = useApi('strategy', () => getJson<StrategyAnswer>('/api/strategy'));
  const actionQuery = new URLSearchParams();
  for (const k of ['owner', 'priority', 'status'] as const) {
    const v = params.get(k);
    if (v !== null && v !== '') actionQuery.set(k, v);
  }
  if (params.get('overdue') === 'true') actionQuery.set('overdue', 'true');
  const actions = useApi(`actions|${actionQuery.toString()}`, () =>
    getJson<ActionRow[]>('/api/actions', actionQuery),
  );
  const set = (key: string, value: string): void => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    navigate('/strategy', next);
  };
  return (
    <>
      <h1>Strategy</h1>
      <Show loaded={strategy} what="the strategy">
        {(s) => (
          <>
            <Illustrative s={s} />
            <h2>{s.title}</h2>
            <p>
              {s.partnership ?? ''} · {fmtDate(s.period.from)} to {fmtDate(s.period.to)} · reviewed
              every {s.reviewMonths} months · revision {s.revision.revision}
            </p>
            <p>
              <em>{s.vision}</em>
            </p>
            <ol className="tiers" data-testid="strategy-tree">
              {s.priorities.map((p) => (
                <li key={p.id}>
                  <strong>{p.title}</strong>{' '}
                  <span className="note">
                    {p.actions.length} action{p.actions.length === 1 ? '' : 's'}
                    {p.overdue > 0 ? `, ${p.overdue} overdue` : ''} · {p.measures.length} measure
                    {p.measures.length === 1 ? '' : 's'}
                  </span>
                  {p.description !== null && <p className="note">{p.description}</p>}
                  <ul>
                    {p.objectives.map((o) => (
                      <li key={o.id}>
                        Objective: {o.title} ({o.actions.length} action
                        {o.actions.length === 1 ? '' : 's'})
                      </li>
                    ))}
                    {p.measures.map((m) => (
                      <li key={m.id}>
                        Measure: {m.title} ({m.metric}, by {m.period})
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ol>
            <section aria-labelledby="actions-h">
              <h2 id="actions-h">Actions</h2>
              <form className="filters inline-filters" onSubmit={(e) => e.preventDefault()}>
                <label className="filter">
                  <span>Owner or lead</span>
                  <input
                    defaultValue={params.get('owner') ?? ''}
                    onBlur={(e) => set('owner', e.target.value.trim())}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter') set('owner', e.currentTarget.value.trim());
                    }}
                    data-testid="actions-owner"
                  />
                </label>
                <label className="filter">
                  <span>Priority</span>
                  <select
                    value={params.get('priority') ?? ''}
                    onChange={(e) => set('priority', e.target.value)}
                  >
                    <option value="">All priorities</option>
                    {s.priorities.map((p) => (
                      <option key={p.id} value={p.id}>
                        {p.title}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="filter">
                  <span>Status</span>
                  <select
                    value={params.get('status') ?? ''}
                    onChange={(e) => set('status', e.target.value)}
                  >
                    <option value="">Any status</option>
                    {['not-started', 'in-progress', 'completed', 'on-hold', 'cancelled'].map(
                      (st) => (
                        <option key={st} value={st}>
                          {st.replace(/-/g, ' ')}
                        </option>
                      ),
                    )}
                  </select>
                </label>
                <label className="filter checkbox">
                  <input
                    type="checkbox"
                    checked={params.get('overdue') === 'true'}
                    onChange={(e) => set('overdue', e.target.checked ? 'true' : '')}
                    data-testid="actions-overdue"
                  />{' '}
                  <span>Overdue only</span>
                </label>
              </form>
              <Show loaded={actions} what="the actions">
                {(rows) =>
                  rows.length === 0 ? (
                    <Empty>No action matches these filters.</Empty>
                  ) : (
                    <DataTable
                      caption={`${rows.length} action${rows.length === 1 ? '' : 's'}`}
                      rows={rows}
                      rowKey={(a) => a.id}
                      testId="actions"
                      columns={[
                        { header: 'Action', value: (a) => a.title },
                        { header: 'Priority', value: (a) => a.priorityTitle },
                        {
                          header: 'Lead',
                          value: (a) => `${a.leadName}${a.s8_5 ? ' (s8(5))' : ''}`,
                        },
                        { header: 'Owner', value: (a) => a.owner ?? '—' },
                        { header: 'Due', value: (a) => fmtDate(a.due) },
                        { header: 'Status', value: (a) => a.status.replace(/-/g, ' ') },
                        { header: 'RAG', value: (a) => a.rag ?? '—' },
                        {
                          header: 'Overdue',
                          value: (a) => (a.overdue ? `${fmtInt(a.daysOverdue)} days` : ''),
                        },
                        {
                          header: 'Latest update',
                          value: (a) =>
                            a.lastUpdate === null
                              ? '—'
                              : `${fmtDate(a.lastUpdate.date)}: ${a.lastUpdate.text}`,
                        },
                      ]}
                    />
                  )
                }
              </Show>
            </section>
          </>
        )}
      </Show>
    </>
  );
}

function MeasureChart({ m }: { m: MeasureAnswer }) {
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: CATEGORICAL.slice(0, 3),
      grid: { left: 64, right: 24, top: 30, bottom: 48 },
      legend: { top: 0, textStyle: { color: '#222' } },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (v: unknown) =>
          v === null || v === undefined ? 'missing' : formatValue(m.metric, Number(v)),
      },
      xAxis: {
        type: 'category' as const,
        data: m.series.map((p) => p.period),
        axisLabel: { color: '#333' },
      },
      yAxis: { type: 'value' as const, axisLabel: { color: '#333' } },
      series: [
        {
          type: 'line' as const,
          name: m.title,
          data: m.series.map((p) => p.value),
          connectNulls: false,
          symbolSize: 7,
        },
        {
          type: 'line' as const,
          name: 'Target',
          data: m.series.map(() => m.assessment.targetValue),
          lineStyle: { type: 'dashed' as const },
          symbol: 'none',
        },
        ...(m.baseline?.value === null || m.baseline === null
          ? []
          : [
              {
                type: 'line' as const,
                name: 'Baseline',
                data: m.series.map(() => m.baseline?.value ?? null),
                lineStyle: { type: 'dotted' as const },
                symbol: 'none',
              },
            ]),
      ],
    }),
    [m],
  );
  return (
    <Chart
      label={`Line chart of ${m.title} by period, with its target`}
      option={option}
      height={260}
      table={
        <DataTable
          caption={`${m.title} by period`}
          rows={m.series}
          rowKey={(p) => p.period}
          columns={[
            { header: 'Period', value: (p) => p.description },
            {
              header: 'Value',
              value: (p) =>
                p.missing !== null
                  ? `missing (${p.missing.reason})`
                  : formatValue(m.metric, p.value),
              numeric: true,
            },
            {
              header: '95% interval',
              value: (p) => formatRange(m.metric, p.lower, p.upper),
            },
            { header: 'Records', value: (p) => fmtInt(p.count), numeric: true },
            { header: 'Small number', value: (p) => (p.small ? 'yes' : '') },
          ]}
        />
      }
    />
  );
}

/** Each measure against its target over time. */
export function MeasuresPage({ meta }: PageProps) {
  const measures = useApi('measures', () => getJson<MeasuresAnswer>('/api/measures'));
  return (
    <>
      <h1>Measures</h1>
      <Show loaded={measures} what="the measures">
        {(r) => (
          <>
            <p>
              Evaluated on the data to {r.dataTo}. Each value is for the latest period of its basis;
              a period with a month holding no data is missing, never zero.
            </p>
            {r.measures.map((m) => (
              <section
                key={m.id}
                aria-labelledby={`m-${m.id}`}
                className="measure-card"
                data-testid="measure"
              >
                <h2 id={`m-${m.id}`}>{m.title}</h2>
                {m.problem !== null ? (
                  <p className="warning">{m.problem}</p>
                ) : (
                  <>
                    <p>
                      <strong>{statusLabel(meta, m.assessment.status)}</strong>:{' '}
                      {m.current === null
                        ? 'no value'
                        : `${formatValue(m.metric, m.current.value)} ${m.unit} in ${m.current.description}`}
                      {m.current?.lower !== null && m.current?.lower !== undefined
                        ? ` (95% interval ${formatRange(m.metric, m.current.lower, m.current.upper)})`
                        : ''}
                      {m.assessment.targetValue !== null
                        ? `; target ${formatValue(m.metric, m.assessment.targetValue)}`
                        : ''}
                      . {m.assessment.reason}
                    </p>
                    {m.series.some((p) => p.value !== null) ? (
                      <MeasureChart m={m} />
                    ) : (
                      <Empty>No period has a value yet, so there is nothing to draw.</Empty>
                    )}
                  </>
                )}
              </section>
            ))}
          </>
        )}
      </Show>
    </>
  );
}

/** The closed reviews and what changed between them. */
export function ReviewsPage({ meta }: PageProps) {
  const history = useApi('reviews', () => getJson<ReviewHistoryEntry[]>('/api/reviews'));
  return (
    <>
      <h1>Reviews</h1>
      <Show loaded={history} what="the review history">
        {(entries) =>
          entries.length === 0 ? (
            <Empty>No review has been closed yet (svd review start, then svd review close).</Empty>
          ) : (
            <>
              {[...entries].reverse().map((e) => (
                <section
                  key={e.review.review_id}
                  aria-labelledby={`r-${e.review.review_id}`}
                  data-testid="review"
                >
                  <h2 id={`r-${e.review.review_id}`}>{e.review.title}</h2>
                  <p>
                    Closed {fmtDateTime(e.review.closed_at)} on the data to{' '}
                    {e.review.data_to ?? '—'} · {e.commentary} comment
                    {e.commentary === 1 ? '' : 's'} · {e.consultations} consultation
                    {e.consultations === 1 ? '' : 's'}
                    {e.previous !== null ? ` · compared with review ${e.previous}` : ''}
                  </p>
                  {e.review.summary !== null && <p>{e.review.summary}</p>}
                  <DataTable
                    caption="Measures then and now"
                    rows={e.measures}
                    rowKey={(m) => m.id}
                    columns={[
                      { header: 'Measure', value: (m) => m.title },
                      {
                        header: 'Before',
                        value: (m) =>
                          m.before === null
                            ? '—'
                            : `${m.before.value ?? '—'} (${statusLabel(meta, m.before.status)})`,
                      },
                      {
                        header: 'At this review',
                        value: (m) =>
                          m.after === null
                            ? '—'
                            : `${m.after.value ?? '—'} (${statusLabel(meta, m.after.status)})`,
                      },
                      { header: 'Status changed', value: (m) => (m.statusChanged ? 'yes' : '') },
                    ]}
                  />
                  {e.actions.length > 0 && (
                    <DataTable
                      caption="Actions whose status or RAG moved"
                      rows={e.actions}
                      rowKey={(a) => a.id}
                      columns={[
                        { header: 'Action', value: (a) => a.title },
                        {
                          header: 'Before',
                          value: (a) =>
                            a.before === null
                              ? '—'
                              : `${a.before.status}${a.before.rag === null ? '' : `, ${a.before.rag}`}`,
                        },
                        {
                          header: 'After',
                          value: (a) =>
                            a.after === null
                              ? '—'
                              : `${a.after.status}${a.after.rag === null ? '' : `, ${a.after.rag}`}`,
                        },
                      ]}
                    />
                  )}
                </section>
              ))}
            </>
          )
        }
      </Show>
    </>
  );
}
