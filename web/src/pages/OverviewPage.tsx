import { useMemo } from 'react';
import type { PageProps } from '../pageProps';
import { getJson } from '../api';
import { Chart } from '../components/Chart';
import { CountingLine } from '../components/CountingLine';
import { DataTable } from '../components/DataTable';
import { Empty, Loading, Show } from '../components/Status';
import { CATEGORICAL } from '../echarts';
import { fmtDateTime, fmtInt, fmtMonth, fmtMonthRuns, monthSpan } from '../format';
import { heldOr, monthAxis, monthPoints } from '../timeAxis';
import type { DashboardOverview, TrendsAnswer } from '@api';
import { filterParams } from '../url';
import { useApi } from '../useApi';
import { CoverageGrid } from './CoverageGrid';

export function OverviewPage({ meta, filters }: PageProps) {
  const params = filterParams(filters);
  const overview = useApi(params.toString(), () =>
    getJson<DashboardOverview>('/api/overview', params),
  );
  const trends = useApi(`trends|${params.toString()}`, () =>
    getJson<TrendsAnswer>('/api/trends', params),
  );
  return (
    <>
      <h1>Overview</h1>
      <CountingLine meta={meta} filters={filters} />
      <section aria-labelledby="change-h">
        <h2 id="change-h">Is it changing?</h2>
        {trends.state === 'ready' ? (
          <div className="change" data-testid="overview-change">
            {trends.data.result.change === null ? (
              <p>Too few months are held to compare two periods.</p>
            ) : (
              <p>
                <strong>{trends.data.result.change.summary}</strong>
              </p>
            )}
            {trends.data.result.trend !== null && <p>{trends.data.result.trend.summary}</p>}
            <p className="note">
              The latest 12 months are compared with the 12 before when both are held; otherwise the
              latest comparable periods (see Trends). The change is of the rate per day, so that
              periods of different lengths compare; the SNA states it in the same words.
            </p>
          </div>
        ) : trends.state === 'error' ? (
          <p className="empty">{trends.error.body.message}</p>
        ) : (
          <Loading what="the change" />
        )}
      </section>
      <Show loaded={overview} what="the overview">
        {(o) => <OverviewBody overview={o} />}
      </Show>
    </>
  );
}

function OverviewBody({ overview: o }: { overview: DashboardOverview }) {
  const tiersShown = o.tiers.filter(
    (t) =>
      o.definition !== null && !['none', 'excluded', 'no-data', 'unclassified'].includes(t.tier),
  );
  const statuses = o.tiers.filter((t) => !tiersShown.includes(t));
  const series = useMemo(() => {
    if (o.months.length === 0) return [];
    const held = new Map(o.months.map((m) => [m.month, m.n]));
    return monthSpan(o.months[0]!.month, o.months.at(-1)!.month).map((m) => ({
      month: m,
      n: held.get(m) ?? null,
    }));
  }, [o.months]);
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: CATEGORICAL.slice(0, 1),
      grid: { left: 56, right: 16, top: 16, bottom: 56 },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (v: unknown) => heldOr(v, fmtInt, 'no data'),
      },
      xAxis:
        series.length === 0
          ? { type: 'time' as const }
          : monthAxis(series[0]!.month, series.at(-1)!.month),
      yAxis: {
        type: 'value' as const,
        name: 'incidents a month',
        nameLocation: 'middle' as const,
        nameGap: 44,
        axisLabel: { color: '#333', formatter: (v: number) => fmtInt(v) },
      },
      series: [
        {
          type: 'bar' as const,
          name: 'Incidents a month',
          barMaxWidth: 14,
          data: monthPoints(
            series.map((s) => s.month),
            series.map((s) => s.n),
          ),
        },
      ],
    }),
    [series],
  );
  const notHeld = series.filter((s) => s.n === null).map((s) => s.month);
  return (
    <>
      {o.definition !== null && (
        <p className="definition-line" data-testid="definition-in-use">
          Definition in use: <strong>{o.definition.meta.title}</strong> ({o.definition.meta.id}@
          {o.definition.meta.version}, sha256{' '}
          <code>{o.definition.meta.content_hash.slice(0, 12)}</code>), classified{' '}
          {fmtDateTime(o.definition.classifiedAt)}.
          {o.definition.meta.coverage === 'proxy' && (
            <strong>
              {' '}
              This is a PROXY: an approximation from open data, not a definition of serious
              violence.
            </strong>
          )}
          {o.definition.unclassified > 0 && (
            <strong>
              {' '}
              {fmtInt(o.definition.unclassified)} records arrived after the classification and are
              not counted in any tier yet.
            </strong>
          )}
        </p>
      )}
      {o.synthetic.incidents > 0 && (
        <p className="note">
          {fmtInt(o.synthetic.incidents)} of these {fmtInt(o.total)} incidents come from SYNTHETIC
          data.
        </p>
      )}
      <section aria-labelledby="tiers-h">
        <h2 id="tiers-h">Serious violence by tier</h2>
        {o.definition === null ? (
          <Empty>
            No definition is classified in this workspace (run svd classify --definition ID).
          </Empty>
        ) : (
          <>
            <ul className="cards" data-testid="tier-cards">
              {tiersShown.map((t) => (
                <li key={t.tier} className="card">
                  <span className="card-value" data-testid={`tier-${t.tier}`}>
                    {t.n === null ? 'missing' : fmtInt(t.n)}
                  </span>
                  <span className="card-label">{t.label}</span>
                </li>
              ))}
            </ul>
            {statuses.length > 0 && (
              <DataTable
                caption="Incidents in no tier"
                rows={statuses}
                rowKey={(t) => t.tier}
                columns={[
                  { header: 'Outcome', value: (t) => t.label },
                  { header: 'Incidents', value: (t) => fmtInt(t.n), numeric: true },
                ]}
              />
            )}
          </>
        )}
      </section>
      <section aria-labelledby="months-h">
        <h2 id="months-h">Incidents by month</h2>
        {series.length === 0 ? (
          <Empty>No incidents match these filters.</Empty>
        ) : (
          <Chart
            label="Bar chart of incidents by month on a time axis; months without data are gaps"
            option={option}
            testId="months-chart"
            table={
              <DataTable
                caption={`Incidents by month (no data: the month is not held, not zero)${notHeld.length === 0 ? '' : `; not held: ${fmtMonthRuns(notHeld)}`}`}
                rows={series}
                rowKey={(s) => s.month}
                columns={[
                  { header: 'Month', value: (s) => fmtMonth(s.month) },
                  {
                    header: 'Incidents',
                    value: (s) => (s.n === null ? 'no data' : fmtInt(s.n)),
                    numeric: true,
                  },
                ]}
              />
            }
          />
        )}
        {notHeld.length > 0 && (
          <p className="note" data-testid="months-not-held">
            Months not held (gaps, not zeros): {fmtMonthRuns(notHeld)}.
          </p>
        )}
        <p className="total">
          Total: <strong data-testid="overview-total">{fmtInt(o.total)}</strong> incidents
          {o.bySource.length > 0 && (
            <> ({o.bySource.map((s) => `${s.source} ${fmtInt(s.n)}`).join(', ')})</>
          )}
          .
        </p>
      </section>
      <section aria-labelledby="measures-h">
        <h2 id="measures-h">Home Office success measures</h2>
        {o.successMeasures === null ? (
          <Empty>The Home Office success measures are not classified in this workspace.</Empty>
        ) : (
          <DataTable
            caption={`Home Office success measures (${o.successMeasures.definition.id}@${o.successMeasures.definition.version}); an incident counts in every measure it meets`}
            rows={o.successMeasures.measures}
            rowKey={(m) => m.tier}
            testId="success-measures"
            columns={[
              { header: 'Measure', value: (m) => m.label },
              {
                header: 'Incidents',
                value: (m) =>
                  m.n === null ? 'missing — no record carries the data it needs' : fmtInt(m.n),
                numeric: true,
              },
            ]}
          />
        )}
      </section>
      <section aria-labelledby="sources-h">
        <h2 id="sources-h">Data coverage and freshness</h2>
        <DataTable
          caption="Sources: months held and when last ingested"
          rows={o.coverage.sources}
          rowKey={(s) => s.source}
          columns={[
            { header: 'Source', value: (s) => `${s.label}${s.synthetic ? ' (SYNTHETIC)' : ''}` },
            {
              header: 'First month',
              value: (s) => (s.firstMonth === null ? '—' : fmtMonth(s.firstMonth)),
            },
            {
              header: 'Latest month',
              value: (s) => (s.lastMonth === null ? '—' : fmtMonth(s.lastMonth)),
            },
            {
              header: 'Months held',
              value: (s) => fmtInt(s.months.filter((m) => m !== null).length),
              numeric: true,
            },
            {
              header: 'Months missing',
              value: (s) => fmtInt(s.months.filter((m) => m === null).length),
              numeric: true,
            },
            { header: 'Last ingested', value: (s) => fmtDateTime(s.lastIngested) },
          ]}
        />
        <CoverageGrid coverage={o.coverage} />
      </section>
    </>
  );
}
