import { useMemo } from 'react';
import type {
  AgeSexTable,
  DeprivationResult,
  HealthVsPoliceResult,
  PeriodTotal,
  TrendsResult,
  WhenResult,
  WhoResult,
} from '@api';
import type { PageProps } from '../pageProps';
import { Chart } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { Empty } from '../components/Status';
import { CATEGORICAL, SEQUENTIAL } from '../echarts';
import {
  fmtInt,
  MONTHS_OF_YEAR,
  fmtInterval,
  fmtMonth,
  fmtMonthRuns,
  fmtPercent,
  fmtRate,
  fmtShare,
} from '../format';
import { heldOr, monthAxis, monthPoints } from '../timeAxis';
import { AnalysisPage } from './AnalysisFrame';

const pct = (v: number | null): string => fmtShare(v);

const periodColumns = [
  { header: 'Period', value: (p: PeriodTotal) => p.label },
  {
    header: 'Incidents',
    value: (p: PeriodTotal) =>
      p.count === null
        ? `not complete (${p.monthsHeld} of ${p.months} months held)`
        : fmtInt(p.count),
    numeric: true,
  },
];

function TrendsBody({ r }: { r: TrendsResult }) {
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: CATEGORICAL.slice(0, 1),
      grid: { left: 60, right: 16, top: 16, bottom: 48 },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (v: unknown) => heldOr(v, fmtInt),
      },
      xAxis:
        r.months.length === 0
          ? { type: 'time' as const }
          : monthAxis(r.months[0]!.month, r.months.at(-1)!.month),
      yAxis: {
        type: 'value' as const,
        name: 'incidents a month',
        nameLocation: 'middle' as const,
        nameGap: 44,
        axisLabel: { color: '#333', formatter: (v: number) => fmtInt(v) },
      },
      series: [
        {
          type: 'line' as const,
          name: 'Incidents a month',
          data: monthPoints(
            r.months.map((m) => m.month),
            r.months.map((m) => m.count),
          ),
          connectNulls: false,
          symbolSize: 6,
        },
      ],
    }),
    [r],
  );
  const notHeld = r.months.filter((m) => m.count === null).map((m) => m.month);
  const yoy = useMemo(() => yearOnYear(r.months), [r.months]);
  const yoyOption = useMemo(() => {
    const years = [...new Set(r.months.map((m) => m.month.slice(0, 4)))];
    const byMonth = new Map(r.months.map((m) => [m.month, m.count]));
    return {
      aria: { enabled: true },
      color: CATEGORICAL,
      legend: { top: 0, textStyle: { color: '#222' } },
      grid: { left: 60, right: 16, top: 32, bottom: 32 },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (v: unknown) =>
          v === null || v === undefined ? 'not held' : fmtInt(Number(v)),
      },
      xAxis: { type: 'category' as const, data: MONTHS_OF_YEAR, axisLabel: { color: '#333' } },
      yAxis: { type: 'value' as const, axisLabel: { color: '#333' } },
      series: years.map((y) => ({
        type: 'line' as const,
        name: y,
        data: MONTHS_OF_YEAR.map(
          (_, i) => byMonth.get(`${y}-${String(i + 1).padStart(2, '0')}`) ?? null,
        ),
        connectNulls: false,
        symbolSize: 6,
      })),
    };
  }, [r.months]);
  const fy = r.financialYears.filter((p) => p.monthsHeld > 0);
  const quarters = r.quarters.filter((p) => p.monthsHeld > 0);
  const rolling = r.rolling12.filter((p) => p.count !== null);
  return (
    <>
      <h2>Monthly series</h2>
      <Chart
        label="Line chart of incidents by month on a time axis; months not held are gaps"
        option={option}
        testId="trends-chart"
        table={
          <DataTable
            caption={`Incidents by month (not held: never received, not zero)${notHeld.length === 0 ? '' : `; not fully held: ${fmtMonthRuns(notHeld)}`}`}
            rows={r.months}
            rowKey={(m) => m.month}
            columns={[
              { header: 'Month', value: (m) => fmtMonth(m.month) },
              {
                header: 'Incidents',
                value: (m) => (m.count === null ? `not held (${m.status})` : fmtInt(m.count)),
                numeric: true,
              },
            ]}
          />
        }
      />
      <h2>Year on year</h2>
      {yoy.length === 0 ? (
        <Empty>
          No month is held beside the same month a year earlier, so there is no year-on-year
          comparison.
        </Empty>
      ) : (
        <Chart
          label="Line chart of incidents by calendar month, one line per year"
          option={yoyOption}
          height={280}
          testId="trends-yoy"
          table={
            <DataTable
              caption="Each month beside the same month a year earlier (months held in both)"
              rows={yoy}
              rowKey={(m) => m.month}
              testId="trends-yoy-table"
              columns={[
                { header: 'Month', value: (m) => fmtMonth(m.month) },
                { header: 'Incidents', value: (m) => fmtInt(m.count), numeric: true },
                { header: 'A year earlier', value: (m) => fmtInt(m.before), numeric: true },
                { header: 'Change', value: (m) => fmtPercent(m.change), numeric: true },
              ]}
            />
          }
        />
      )}
      <h2>Financial years and quarters</h2>
      <DataTable
        caption="Financial years (April to March)"
        rows={fy}
        rowKey={(p) => p.label}
        columns={periodColumns}
      />
      <DataTable
        caption="Financial quarters (Q1 = April to June)"
        rows={quarters}
        rowKey={(p) => p.label}
        columns={periodColumns}
      />
      <h2>Rolling 12 months</h2>
      {rolling.length === 0 ? (
        <Empty>No 12 consecutive months are held, so there is no rolling 12-month total.</Empty>
      ) : (
        <DataTable
          caption="Rolling 12-month totals"
          rows={rolling}
          rowKey={(p) => p.to}
          columns={[
            { header: '12 months to', value: (p) => fmtMonth(p.to) },
            { header: 'Incidents', value: (p) => fmtInt(p.count), numeric: true },
          ]}
        />
      )}
    </>
  );
}

/** Months held beside the same month a year earlier, also held; change in per cent. */
export function yearOnYear(
  months: readonly { month: string; count: number | null }[],
): { month: string; count: number; before: number; change: number | null }[] {
  const byMonth = new Map(months.map((m) => [m.month, m.count]));
  const out: { month: string; count: number; before: number; change: number | null }[] = [];
  for (const m of months) {
    const earlier = `${Number(m.month.slice(0, 4)) - 1}${m.month.slice(4)}`;
    const before = byMonth.get(earlier);
    if (m.count === null || before === null || before === undefined) continue;
    out.push({
      month: m.month,
      count: m.count,
      before,
      change: before === 0 ? null : ((m.count - before) / before) * 100,
    });
  }
  return out;
}

export function TrendsPage(props: PageProps) {
  return (
    <AnalysisPage<TrendsResult> {...props} title="Trends" endpoint="/api/trends">
      {(r) => <TrendsBody r={r} />}
    </AnalysisPage>
  );
}

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const hh = (h: number): string => `${String(h).padStart(2, '0')}:00`;

function WhenBody({ r }: { r: WhenResult }) {
  const matrix = r.matrix;
  const option = useMemo(() => {
    if (matrix === null) return {};
    const cells = matrix.flatMap((row, d) => row.map((v, h) => [h, d, Math.round(v * 10) / 10]));
    const max = Math.max(1, ...cells.map((c) => c[2]!));
    return {
      aria: { enabled: true },
      grid: { left: 90, right: 16, top: 8, bottom: 110 },
      tooltip: {
        formatter: (p: { value: [number, number, number] }) =>
          `${DAYS[p.value[1]]} ${hh(p.value[0])}–${hh((p.value[0] + 1) % 24)}: ${p.value[2].toLocaleString('en-GB')}`,
      },
      xAxis: {
        type: 'category' as const,
        data: Array.from({ length: 24 }, (_, h) => hh(h)),
        axisLabel: { color: '#333' },
      },
      yAxis: { type: 'category' as const, data: DAYS, inverse: true, axisLabel: { color: '#333' } },
      visualMap: {
        min: 0,
        max,
        calculable: true,
        orient: 'horizontal' as const,
        left: 'center',
        bottom: 0,
        inRange: { color: SEQUENTIAL },
        textStyle: { color: '#222' },
      },
      series: [
        {
          type: 'heatmap' as const,
          data: cells,
          emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
        },
      ],
    };
  }, [matrix]);
  if (matrix === null)
    return <Empty>No selected record carries a time, so there is no hour × day pattern.</Empty>;
  return (
    <>
      <h2>Hour of the day × day of the week</h2>
      <Chart
        label="Heatmap of incidents by hour of the day and day of the week"
        option={option}
        height={420}
        testId="when-heatmap"
        table={
          <DataTable
            caption="Incidents by day and hour (ranges spread over the hours they cover)"
            rows={matrix.map((row, d) => ({ day: DAYS[d]!, row }))}
            rowKey={(x) => x.day}
            columns={[
              { header: 'Day', value: (x) => x.day },
              ...Array.from({ length: 24 }, (_, h) => ({
                header: hh(h),
                value: (x: { row: number[] }) => (x.row[h] ?? 0).toFixed(1),
                numeric: true,
              })),
            ]}
          />
        }
      />
      <h2>How the records are placed</h2>
      <DataTable
        caption="Records by what they say about their time; those with none are counted apart, not spread"
        rows={[
          { what: 'Selected', n: r.records.selected },
          { what: 'With an exact time', n: r.records.exactTime },
          { what: 'With a range, spread over its hours', n: r.records.range },
          { what: '… of which a date with no time (spread over the day)', n: r.records.dateOnly },
          { what: '… of which longer than a day', n: r.records.longerThanDay },
          { what: '… of which longer than a week', n: r.records.longerThanWeek },
          ...Object.entries(r.records.noTime).map(([source, n]) => ({
            what: `No time at all, counted apart: ${source}`,
            n,
          })),
        ]}
        rowKey={(x) => x.what}
        testId="when-records"
        columns={[
          { header: 'Records', value: (x) => x.what },
          { header: 'Number', value: (x) => fmtInt(x.n), numeric: true },
        ]}
      />
    </>
  );
}

export function WhenPage(props: PageProps) {
  return (
    <AnalysisPage<WhenResult> {...props} title="When" endpoint="/api/when">
      {(r) => <WhenBody r={r} />}
    </AnalysisPage>
  );
}

function AgeSex({ t, who }: { t: AgeSexTable; who: string }) {
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: CATEGORICAL,
      legend: { top: 0, textStyle: { color: '#222' } },
      grid: { left: 56, right: 16, top: 32, bottom: 40 },
      tooltip: { trigger: 'axis' as const },
      xAxis: {
        type: 'category' as const,
        data: t.rows.map((r) => r.band),
        axisLabel: { color: '#333' },
      },
      yAxis: { type: 'value' as const, axisLabel: { color: '#333' } },
      series: t.sexes.map((s) => ({
        type: 'bar' as const,
        name: s,
        data: t.rows.map((r) => r.counts[s] ?? 0),
      })),
    }),
    [t],
  );
  if (t.rows.length === 0) return <Empty>No {who} age or sex is recorded for the selection.</Empty>;
  return (
    <Chart
      label={`Bar chart of ${who} by age band and sex`}
      option={option}
      height={280}
      table={
        <DataTable
          caption={`${who[0]!.toUpperCase()}${who.slice(1)} by age band and sex`}
          rows={t.rows}
          rowKey={(r) => r.band}
          columns={[
            { header: 'Age band', value: (r) => r.band },
            ...t.sexes.map((s) => ({
              header: s,
              value: (r: AgeSexTable['rows'][number]) => fmtInt(r.counts[s] ?? 0),
              numeric: true,
            })),
            { header: 'All', value: (r) => fmtInt(r.total), numeric: true },
          ]}
        />
      }
    />
  );
}

export function WhoPage(props: PageProps) {
  return (
    <AnalysisPage<WhoResult> {...props} title="Who" endpoint="/api/who">
      {(r) =>
        r.records.withPersonData === 0 ? (
          <Empty>
            None of the selected records carries a victim or suspect (police.uk rows never do):
            choose the force extract as the source.
          </Empty>
        ) : (
          <>
            <h2>Shares</h2>
            <DataTable
              caption="Shares with 95% intervals (Wilson)"
              rows={r.shares}
              rowKey={(s) => s.name}
              testId="who-shares"
              columns={[
                { header: 'Of what', value: (s) => s.description },
                { header: 'Share', value: (s) => pct(s.share), numeric: true },
                {
                  header: '95% interval',
                  value: (s) => fmtInterval(s.lower, s.upper, 'share'),
                },
                { header: 'Of', value: (s) => fmtInt(s.total), numeric: true },
                { header: 'Unknown', value: (s) => fmtInt(s.unknown), numeric: true },
              ]}
            />
            <h2>Victims</h2>
            <AgeSex t={r.victims} who="victims" />
            <h2>Suspects</h2>
            <AgeSex t={r.suspects} who="suspects" />
            <h2>Location types</h2>
            <DataTable
              caption="Incidents by location type"
              rows={r.locationTypes}
              rowKey={(l) => l.type}
              columns={[
                { header: 'Location type', value: (l) => l.type.replace(/-/g, ' ') },
                { header: 'Public or private', value: (l) => l.class },
                { header: 'Incidents', value: (l) => fmtInt(l.count), numeric: true },
              ]}
            />
          </>
        )
      }
    </AnalysisPage>
  );
}

export function HealthPage(props: PageProps) {
  return (
    <AnalysisPage<HealthVsPoliceResult>
      {...props}
      title="Police and health"
      endpoint="/api/health-vs-police"
      counting="Police-recorded assaults with injury (the Home Office offence subgroup “Violence with injury”), whatever their tier, beside A&E assault attendances, as in the assessment: restricted to a tier, the police side would no longer be the assaults an attendance can be compared with. The Tier filter does not apply to this page"
    >
      {(r) => <HealthBody r={r} />}
    </AnalysisPage>
  );
}

function HealthBody({ r }: { r: HealthVsPoliceResult }) {
  const held = r.byMonth.filter((m) => m.police !== null || m.ae !== null);
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: CATEGORICAL.slice(0, 2),
      legend: { top: 0, textStyle: { color: '#222' } },
      grid: { left: 56, right: 16, top: 32, bottom: 48 },
      tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => heldOr(v, fmtInt) },
      xAxis:
        r.byMonth.length === 0
          ? { type: 'time' as const }
          : monthAxis(r.byMonth[0]!.month, r.byMonth.at(-1)!.month),
      yAxis: {
        type: 'value' as const,
        name: 'a month',
        nameLocation: 'middle' as const,
        nameGap: 44,
        axisLabel: { color: '#333', formatter: (v: number) => fmtInt(v) },
      },
      series: [
        {
          type: 'line' as const,
          name: 'A&E assault attendances a month',
          data: monthPoints(
            r.byMonth.map((m) => m.month),
            r.byMonth.map((m) => m.ae),
          ),
          connectNulls: false,
        },
        {
          type: 'line' as const,
          name: 'Police-recorded assaults with injury a month',
          data: monthPoints(
            r.byMonth.map((m) => m.month),
            r.byMonth.map((m) => m.police),
          ),
          connectNulls: false,
        },
      ],
    }),
    [r],
  );
  return (
    <>
      <h2>By month</h2>
      <Chart
        label="Line chart of A&E assault attendances beside police-recorded assaults with injury, by month"
        option={option}
        testId="health-chart"
        table={
          <DataTable
            caption="A&E attendances and police records by month (— : not held)"
            rows={held}
            rowKey={(m) => m.month}
            columns={[
              { header: 'Month', value: (m) => fmtMonth(m.month) },
              { header: 'A&E', value: (m) => fmtInt(m.ae), numeric: true },
              { header: 'Police', value: (m) => fmtInt(m.police), numeric: true },
              {
                header: 'A&E per police record',
                value: (m) => fmtRate(m.aePerPolice),
                numeric: true,
              },
              { header: 'Compared', value: (m) => (m.compared ? 'yes' : 'no: not held by both') },
            ]}
          />
        }
      />
      <h2>By method</h2>
      <DataTable
        caption="By assault method (the police side read from the record's flags)"
        rows={r.byMethod}
        rowKey={(m) => m.method}
        columns={[
          { header: 'Method', value: (m) => m.method.replace(/-/g, ' ') },
          { header: 'Police side', value: (m) => m.policeMeaning },
          { header: 'A&E', value: (m) => fmtInt(m.ae), numeric: true },
          { header: 'Police', value: (m) => fmtInt(m.police), numeric: true },
          { header: 'A&E per police record', value: (m) => fmtRate(m.aePerPolice), numeric: true },
        ]}
      />
    </>
  );
}

export function DeprivationPage(props: PageProps) {
  return (
    <AnalysisPage<DeprivationResult> {...props} title="Deprivation" endpoint="/api/deprivation">
      {(r) => <DeprivationBody r={r} />}
    </AnalysisPage>
  );
}

function DeprivationBody({ r }: { r: DeprivationResult }) {
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: CATEGORICAL.slice(0, 1),
      grid: { left: 56, right: 16, top: 16, bottom: 48 },
      tooltip: { trigger: 'axis' as const, valueFormatter: (v: unknown) => fmtRate(Number(v)) },
      xAxis: {
        type: 'category' as const,
        name: 'IMD decile (1 = most deprived)',
        nameLocation: 'middle' as const,
        nameGap: 30,
        data: r.deciles.map((d) => String(d.decile)),
        axisLabel: { color: '#333' },
      },
      yAxis: {
        type: 'value' as const,
        name: `per ${r.per.toLocaleString('en-GB')} residents a year`,
        nameLocation: 'middle' as const,
        nameGap: 44,
        axisLabel: { color: '#333' },
      },
      series: [
        {
          type: 'bar' as const,
          name: `per ${r.per.toLocaleString('en-GB')} residents a year`,
          data: r.deciles.map((d) => d.perYear.rate),
        },
      ],
    }),
    [r],
  );
  return (
    <>
      <h2>Rates by IMD decile</h2>
      <Chart
        label="Bar chart of incidents per 1,000 residents a year by IMD decile"
        option={option}
        height={280}
        table={
          <DataTable
            caption={`Incidents per ${r.per.toLocaleString('en-GB')} residents a year by IMD 2019 decile (the ${fmtInt(r.monthsHeld)} complete months held, scaled to twelve)`}
            rows={r.deciles}
            rowKey={(d) => String(d.decile)}
            columns={[
              { header: 'Decile', value: (d) => d.decile, numeric: true },
              { header: 'Incidents', value: (d) => fmtInt(d.count), numeric: true },
              {
                header: 'Residents',
                value: (d) => fmtInt(d.population === null ? null : Math.round(d.population)),
                numeric: true,
              },
              {
                header: 'Rate a year',
                value: (d) => fmtRate(d.perYear.rate),
                numeric: true,
              },
              {
                header: '95% interval',
                value: (d) => fmtInterval(d.perYear.lower, d.perYear.upper),
              },
            ]}
          />
        }
      />
      <h2>Correlation with each domain</h2>
      <DataTable
        caption="Spearman correlation between LSOA rates and each deprivation domain (between areas, not people)"
        rows={r.correlations}
        rowKey={(c) => c.domain}
        columns={[
          { header: 'Domain', value: (c) => c.domain.replace(/_/g, ' ') },
          { header: 'LSOAs', value: (c) => fmtInt(c.lsoas), numeric: true },
          { header: 'ρ', value: (c) => (c.rho === null ? '—' : c.rho.toFixed(2)), numeric: true },
          {
            header: '95% interval',
            value: (c) =>
              c.lower === null ? '—' : `${c.lower.toFixed(2)} to ${(c.upper ?? 0).toFixed(2)}`,
          },
        ]}
      />
    </>
  );
}
