/**
 * Causes and risk factors: serious violence beside the small-area indicators of its risk and
 * protective factors (`/api/causes`, docs/decisions/0080-causes.md). Four parts, each read on its
 * own: the neighbourhood risk index and its quadrants on a map, the association of violence with
 * each indicator, the area against comparators, and the indicators' trends beside violence's.
 */
import { useMemo } from 'react';
import type {
  AreaFeatureCollection,
  AssociationRow,
  CausesResult,
  ComparatorRow,
  Comparators,
  IndicatorTrend,
  Quadrant,
  RateRatio,
  RiskArea,
  RiskIndex,
  ViolenceYear,
} from '@api';
import type { PageProps } from '../pageProps';
import { getJson } from '../api';
import { Chart } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { Empty, Show } from '../components/Status';
import { CATEGORICAL, echarts, SEQUENTIAL } from '../echarts';
import { fmtInt, fmtInterval, fmtMonth, fmtRate } from '../format';
import { navigate } from '../url';
import { useApi } from '../useApi';
import { AnalysisPage } from './AnalysisFrame';
import { classBreaks, escapeHtml } from './mapShared';

export function CausesPage(props: PageProps) {
  return (
    <AnalysisPage<CausesResult> {...props} title="Causes and risk factors" endpoint="/api/causes">
      {(r) => <CausesBody r={r} {...props} />}
    </AnalysisPage>
  );
}

type MapLayer = 'index' | 'quadrants';

/** The quadrants in words and in Okabe–Ito colours (told apart with colour-vision deficiencies). */
export const QUADRANTS: { value: Quadrant; label: string; colour: string }[] = [
  { value: 'high-risk-high-violence', label: 'High risk, high violence', colour: '#D55E00' },
  {
    value: 'high-risk-low-violence',
    label: 'High risk, low violence — prevention',
    colour: '#E69F00',
  },
  { value: 'low-risk-high-violence', label: 'Low risk, high violence', colour: '#0072B2' },
  { value: 'low-risk-low-violence', label: 'Low on both', colour: '#56B4E9' },
];
const quadrantLabel = (q: Quadrant | null): string =>
  q === null ? 'no quadrant' : (QUADRANTS.find((x) => x.value === q)?.label ?? q);

const NO_INDEX = 'no index (a component is missing)';
const NO_INDEX_COLOUR = '#d9d9d9';
/** Rate ratios for indicators built from recorded crime: drawn, but muted. */
const MUTED = '#9a9a9a';

const two = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const three = new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: 3,
  maximumFractionDigits: 3,
});
const fmtTwo = (v: number | null | undefined): string =>
  v === null || v === undefined ? '—' : two.format(v);
const fmtP = (p: number | null | undefined): string =>
  p === null || p === undefined ? '—' : p < 0.001 ? '< 0.001' : three.format(p);
const fmtRatio = (r: RateRatio | null): string =>
  r === null ? '—' : `${fmtTwo(r.rateRatio)} (${fmtTwo(r.lower)} to ${fmtTwo(r.upper)})`;
/** An indicator's value as the publisher gives it: three significant figures, en-GB. */
const fmtValue = (v: number | null | undefined): string => fmtRate(v);
/** A name with its unit, unless the name already says it ("… (%)", "Income score"). */
const withUnit = (name: string, unit: string | null): string =>
  unit === null || unit === '' || name.toLowerCase().includes(unit.toLowerCase())
    ? name
    : `${name} (${unit})`;
/** A sentence from the API that may start in lower case, with its first letter capital and a full stop. */
const sentence = (text: string): string => {
  const t = text.trim();
  if (t === '') return t;
  const capital = t[0]!.toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

const LEVELS: Record<string, string> = {
  force: 'police force',
  csp: 'partnership',
  district: 'district',
  county: 'county',
};

const VERSUS_ENGLAND: Record<ComparatorRow['versusEngland'], string> = {
  higher: 'Higher than England',
  lower: 'Lower than England',
  similar: 'Similar to England',
  'not-compared': 'Not compared',
};

function CausesBody({ r, filters, params, meta }: { r: CausesResult } & PageProps) {
  return (
    <>
      {r.cautions.length > 0 && (
        <div className="caution" role="note" data-testid="causes-cautions">
          <p>
            <strong>Before reading on</strong>
          </p>
          <ul>
            {r.cautions.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      )}
      <h2>Neighbourhood risk index</h2>
      {r.riskIndex === null ? (
        <Empty>
          No risk index for this selection: the indicators its weights need are not held (
          {fmtInt(r.indicatorsHeld)} indicator{r.indicatorsHeld === 1 ? '' : 's'} held in all).
        </Empty>
      ) : !meta.hasBoundaries ? (
        <>
          <Empty>
            No LSOA boundaries are loaded in this workspace, so the index is not mapped (svd geo
            load … --level lsoa11); its table follows.
          </Empty>
          <RiskTable index={r.riskIndex} />
          <RiskWeights index={r.riskIndex} />
        </>
      ) : (
        <>
          <p className="note" data-testid="causes-period">
            Serious violence counted {periodWords(r.months)}, in each LSOA (2021) of{' '}
            {r.area.name ?? r.area.code ?? 'the areas held'}.
          </p>
          <RiskMapSection index={r.riskIndex} area={filters.area} params={params} />
        </>
      )}
      <h2>Association with each indicator</h2>
      <AssociationSection r={r} />
      <h2>Against comparators</h2>
      <ComparatorsSection c={r.comparators} areaCode={r.area.code} />
      <h2>Trends</h2>
      <TrendsSection r={r} />
    </>
  );
}

function periodWords(m: CausesResult['months']): string {
  if (m.from === null || m.to === null) return 'over no month held';
  return m.from === m.to
    ? `in ${fmtMonth(m.from)}`
    : `from ${fmtMonth(m.from)} to ${fmtMonth(m.to)}`;
}

/** Each 2011 LSOA drawn with the 2021 area of the highest score among those it belongs to. */
export function areasByLsoa11(areas: readonly RiskArea[]): Map<string, RiskArea[]> {
  const out = new Map<string, RiskArea[]>();
  for (const a of areas)
    for (const code of a.lsoa11) {
      const list = out.get(code);
      if (list === undefined) out.set(code, [a]);
      else list.push(a);
    }
  const score = (a: RiskArea): number => a.score ?? -Infinity;
  for (const list of out.values()) list.sort((a, b) => score(b) - score(a));
  return out;
}

function RiskMapSection({
  index,
  area,
  params,
}: {
  index: RiskIndex;
  area: string | undefined;
  params: URLSearchParams;
}) {
  const layer: MapLayer = params.get('layer') === 'quadrants' ? 'quadrants' : 'index';
  const query = new URLSearchParams(area === undefined ? {} : { area });
  const shapes = useApi(`boundaries|${query.toString()}`, () =>
    getJson<AreaFeatureCollection>('/api/boundaries', query),
  );
  const setLayer = (l: MapLayer): void => {
    const next = new URLSearchParams(params);
    next.set('layer', l);
    navigate('/causes', next);
  };
  return (
    <>
      <fieldset className="measure">
        <legend>Show</legend>
        {(
          [
            { value: 'index', label: 'Risk index' },
            { value: 'quadrants', label: 'Quadrants: risk beside violence' },
          ] as const
        ).map((m) => (
          <label key={m.value}>
            <input
              type="radio"
              name="causes-layer"
              value={m.value}
              checked={layer === m.value}
              onChange={() => setLayer(m.value)}
              data-testid={`causes-layer-${m.value}`}
            />{' '}
            {m.label}
          </label>
        ))}
      </fieldset>
      <Show loaded={shapes} what="the boundaries">
        {(s) => <RiskMap index={index} shapes={s} layer={layer} />}
      </Show>
      <RiskWeights index={index} />
    </>
  );
}

function RiskMap({
  index,
  shapes,
  layer,
}: {
  index: RiskIndex;
  shapes: AreaFeatureCollection;
  layer: MapLayer;
}) {
  const byLsoa11 = useMemo(() => areasByLsoa11(index.areas), [index.areas]);
  const mapName = useMemo(() => {
    const name = `lsoa-${shapes.features.length}-${shapes.features[0]?.id ?? ''}`;
    echarts.registerMap(name, shapes as unknown as Parameters<typeof echarts.registerMap>[1]);
    return name;
  }, [shapes]);
  const scores = useMemo(
    () => index.areas.map((a) => a.score).filter((v): v is number => v !== null),
    [index.areas],
  );
  // Each class its own colour, so that the legend written under the map matches it exactly.
  const pieces = useMemo(
    () =>
      classBreaks(scores, 'rate').map((p, i) => ({ ...p, color: SEQUENTIAL[i] ?? SEQUENTIAL[5]! })),
    [scores],
  );
  const shared = useMemo(() => {
    let drawn = 0;
    for (const list of byLsoa11.values()) if (list.length > 1) drawn++;
    return drawn;
  }, [byLsoa11]);
  const option = useMemo(() => {
    const quadrantOrder = QUADRANTS.map((q) => q.value);
    const top = index.areas
      .filter((a) => a.rank !== null && a.rank <= 5)
      .sort((a, b) => a.rank! - b.rank!)
      .map((a) => `${a.name ?? a.code} (${a.code}) ${fmtTwo(a.score)}`);
    const description =
      layer === 'index'
        ? `Map of ${fmtInt(index.areas.length)} LSOAs shaded by the neighbourhood risk index. Highest: ${top.join('; ')}. ${fmtInt(index.areas.length - scores.length)} without an index, in grey.`
        : `Map of ${fmtInt(index.areas.length)} LSOAs coloured by quadrant: ${QUADRANTS.map((q) => `${q.label}, ${fmtInt(index.quadrants[q.value])}`).join('; ')}.`;
    return {
      // Said in words, not as the chart's raw data (the table behind the map holds it).
      aria: { enabled: true, label: { description } },
      tooltip: {
        trigger: 'item' as const,
        className: 'svd-tooltip',
        formatter: (p: { name?: string }) => {
          const code = String(p.name);
          const list = byLsoa11.get(code);
          if (list === undefined || list.length === 0)
            return `${escapeHtml(code)}: not among the areas of the index`;
          const a = list[0]!;
          return [
            `<strong>${escapeHtml(a.name ?? a.code)}</strong> (${escapeHtml(a.code)}, LSOA 2021)`,
            a.score === null
              ? `<em>${NO_INDEX}</em>`
              : `Risk index: ${fmtTwo(a.score)}, rank ${fmtInt(a.rank)} of ${fmtInt(scores.length)}`,
            a.rate === null
              ? `Incidents: ${fmtInt(a.count)} (no population for a rate)`
              : `Incidents: ${fmtInt(a.count)}; ${fmtRate(a.rate)} per 1,000 residents over the period`,
            `Quadrant: ${escapeHtml(quadrantLabel(a.quadrant))}`,
            list.length > 1
              ? `<small>Drawn on 2011 LSOA ${escapeHtml(code)}, shared with ${list
                  .slice(1)
                  .map((o) => escapeHtml(o.code))
                  .join(', ')}: the highest score is shown</small>`
              : '',
          ]
            .filter((l) => l !== '')
            .join('<br/>');
        },
      },
      // A map series on a shared geo takes its colours from a visual map only; the legend is
      // written under the map in words.
      visualMap:
        layer === 'index'
          ? {
              type: 'piecewise' as const,
              seriesIndex: 0,
              show: false,
              pieces,
            }
          : {
              type: 'piecewise' as const,
              seriesIndex: 0,
              show: false,
              pieces: QUADRANTS.map((q, i) => ({ value: i, label: q.label, color: q.colour })),
            },
      geo: {
        map: mapName,
        nameProperty: 'code',
        roam: true,
        aspectScale: 0.62,
        scaleLimit: { min: 1, max: 40 },
        top: 8,
        bottom: 8,
        itemStyle: { borderColor: '#ffffff', borderWidth: 0.4, areaColor: NO_INDEX_COLOUR },
        emphasis: {
          itemStyle: { borderColor: '#000000', borderWidth: 1.5 },
          label: { show: false },
        },
        select: { disabled: true },
        label: { show: false },
      },
      series: [
        {
          type: 'map' as const,
          geoIndex: 0,
          name: layer === 'index' ? 'Risk index' : 'Quadrant',
          data: [...byLsoa11].map(([code, list]) => {
            const a = list[0]!;
            const value =
              layer === 'index'
                ? a.score
                : a.quadrant === null
                  ? null
                  : quadrantOrder.indexOf(a.quadrant);
            // No value: drawn in the geo's grey, "no index".
            return { name: code, value: value ?? Number.NaN };
          }),
        },
      ],
    };
  }, [byLsoa11, mapName, layer, pieces, scores.length, index]);
  const ranked = useMemo(
    () =>
      [...index.areas].sort(
        (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.code.localeCompare(b.code),
      ),
    [index.areas],
  );
  const noIndex = index.areas.filter((a) => a.score === null).length;
  return (
    <>
      <p className="legend-title" data-testid="causes-map-title">
        {layer === 'index'
          ? 'Shaded by the risk index (higher: more risk), in classes cut at the sextiles of the areas’ index.'
          : `Shaded by quadrant: the risk index beside the rate of serious violence, each cut at its threshold.`}
      </p>
      <ul className="legend" aria-label="Legend" data-testid="causes-map-legend">
        {layer === 'index'
          ? pieces.map((p) => (
              <li key={p.label}>
                <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
                Index {p.label}
              </li>
            ))
          : QUADRANTS.map((q) => (
              <li key={q.value}>
                <span className="swatch" style={{ background: q.colour }} aria-hidden="true" />
                {q.label} ({fmtInt(index.quadrants[q.value])} areas)
              </li>
            ))}
        {noIndex > 0 && (
          <li>
            <span className="swatch" style={{ background: NO_INDEX_COLOUR }} aria-hidden="true" />
            {NO_INDEX} ({fmtInt(noIndex)} area{noIndex === 1 ? '' : 's'})
          </li>
        )}
      </ul>
      <Chart
        label={
          layer === 'index'
            ? 'Map of LSOAs shaded by the neighbourhood risk index'
            : 'Map of LSOAs coloured by quadrant of risk and violence'
        }
        option={option}
        height={560}
        testId="causes-map"
        table={<RiskTable index={index} rows={ranked} />}
      />
      <p className="note" data-testid="causes-map-note">
        The index is computed for 2021 LSOAs and drawn on 2011 boundaries: each area is painted on
        the 2011 LSOAs it is made of, and a 2011 LSOA that belongs to several 2021 LSOAs takes the
        highest score among them
        {shared > 0 ? ` (${fmtInt(shared)} such 2011 LSOA${shared === 1 ? '' : 's'} here)` : ''}.
        {noIndex > 0 ? ` Grey: ${NO_INDEX}.` : ' Every area has an index.'}
      </p>
    </>
  );
}

function RiskTable({ index, rows }: { index: RiskIndex; rows?: readonly RiskArea[] }) {
  return (
    <DataTable
      caption="Areas by risk index, highest risk first (LSOA 2021)"
      rows={rows ?? index.areas}
      rowKey={(a) => a.code}
      testId="causes-risk-table"
      columns={[
        { header: 'LSOA 2021', value: (a) => `${a.name ?? a.code} (${a.code})` },
        { header: 'Risk index', value: (a) => fmtTwo(a.score), numeric: true },
        { header: 'Rank', value: (a) => fmtInt(a.rank), numeric: true },
        { header: 'Incidents', value: (a) => fmtInt(a.count), numeric: true },
        {
          header: 'Per 1,000 residents over the period',
          value: (a) => fmtRate(a.rate),
          numeric: true,
        },
        {
          header: 'Quadrant',
          value: (a) => (a.score === null ? NO_INDEX : quadrantLabel(a.quadrant)),
        },
        { header: 'Drawn on (LSOA 2011)', value: (a) => a.lsoa11.join(', ') || '—' },
      ]}
    />
  );
}

function RiskWeights({ index }: { index: RiskIndex }) {
  const t = index.thresholds;
  return (
    <>
      <h3>How the index is built</h3>
      <p className="note" data-testid="causes-weights-source">
        Weights “{index.weights.title}” ({index.weights.id} v{index.weights.version}, from{' '}
        {index.weights.file}, SHA-256 {index.weights.sha256.slice(0, 12)}…). Each component is
        standardised across the areas (its mean and standard deviation below), turned so that higher
        means more risk, and weighted.
      </p>
      <DataTable
        caption="Components of the risk index"
        rows={index.components}
        rowKey={(c) => c.indicator}
        testId="causes-weights"
        columns={[
          { header: 'Component', value: (c) => c.name },
          { header: 'Weight', value: (c) => fmtTwo(c.weight), numeric: true },
          {
            header: 'Direction',
            value: (c) =>
              c.direction === 1 ? 'higher values, more risk' : 'lower values, more risk',
          },
          { header: 'Period', value: (c) => c.period ?? '—' },
          { header: 'Mean', value: (c) => fmtValue(c.mean), numeric: true },
          { header: 'SD', value: (c) => fmtValue(c.sd), numeric: true },
          { header: 'Areas without a value', value: (c) => fmtInt(c.missing), numeric: true },
          { header: 'Held', value: (c) => (c.held ? 'yes' : 'no: not in the workspace') },
        ]}
      />
      <p data-testid="causes-threshold">
        <strong>Quadrants.</strong> {sentence(t.rule)}
        {t.risk !== null || t.violence !== null
          ? ` Here: risk index ${fmtTwo(t.risk)}, serious violence ${fmtRate(t.violence)} per 1,000 residents over the period.`
          : ''}{' '}
        {QUADRANTS.map((q) => `${q.label}: ${fmtInt(index.quadrants[q.value])}`).join('; ')}.
      </p>
    </>
  );
}

function AssociationSection({ r }: { r: CausesResult }) {
  const a = r.association;
  const plotted = useMemo(
    () => a.rows.filter((row) => row.perSd.negativeBinomial !== null),
    [a.rows],
  );
  const option = useMemo(() => {
    // Long names shortened on the axis (whole in the tooltip and the tables); the mark of an
    // indicator built from crime is never cut off.
    const short = (name: string): string =>
      name.length > 44 ? `${name.slice(0, 42).trimEnd()}…` : name;
    const label = (row: AssociationRow): string =>
      row.circular ? `${short(row.name)} (built from crime)` : short(row.name);
    // The first indicator at the top; placed by position, as two may read alike once shortened.
    const ordered = [...plotted].reverse();
    const point = (circular: boolean) =>
      ordered.map((row, i) => ({
        value:
          row.circular === circular ? [row.perSd.negativeBinomial!.rateRatio, i] : [Number.NaN, i],
        summary: row.summary,
      }));
    const rr = (row: AssociationRow): RateRatio => row.perSd.negativeBinomial!;
    const above = ordered.filter((row) => rr(row).lower > 1).length;
    const below = ordered.filter((row) => rr(row).upper < 1).length;
    const ends = ordered.flatMap((row) => [
      row.perSd.negativeBinomial!.lower,
      row.perSd.negativeBinomial!.upper,
    ]);
    const lo = Math.min(1, ...ends);
    const hi = Math.max(1, ...ends);
    return {
      aria: {
        enabled: true,
        label: {
          description: `Forest plot of the rate ratio of serious violence per standard deviation of ${fmtInt(ordered.length)} indicators: ${fmtInt(above)} with the whole interval above 1, ${fmtInt(below)} with the whole interval below 1, the others crossing 1. The table of this chart's data gives each in words.`,
        },
      },
      color: [CATEGORICAL[0]!, MUTED],
      // The intervals are the lines through the points; the legend names the points only.
      legend: {
        top: 0,
        textStyle: { color: '#222' },
        data: ['Rate ratio per SD', 'Built from crime (circular)'],
      },
      grid: { left: 8, right: 24, top: 56, bottom: 48, containLabel: true },
      tooltip: {
        trigger: 'item' as const,
        className: 'svd-tooltip',
        formatter: (p: { data?: { summary?: string } }) => escapeHtml(p.data?.summary ?? ''),
      },
      xAxis: {
        type: 'log' as const,
        logBase: 2,
        min: Math.pow(2, Math.floor(Math.log2(lo))),
        max: Math.pow(2, Math.ceil(Math.log2(hi))),
        name: 'rate ratio per standard deviation (negative binomial, 95% interval; log scale)',
        nameLocation: 'middle' as const,
        nameGap: 28,
        axisLabel: { color: '#333', formatter: (v: number) => fmtTwo(v) },
      },
      yAxis: {
        type: 'category' as const,
        data: ordered.map(label),
        axisLabel: { color: '#333' },
      },
      series: [
        {
          type: 'scatter' as const,
          name: 'Rate ratio per SD',
          symbolSize: 10,
          data: point(false),
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { color: '#222', type: 'dashed' as const },
            label: { formatter: '1: no association', color: '#222', position: 'end' as const },
            data: [{ xAxis: 1 }],
          },
        },
        {
          type: 'scatter' as const,
          name: 'Built from crime (circular)',
          symbol: 'diamond',
          symbolSize: 10,
          data: point(true),
        },
        {
          type: 'lines' as const,
          coordinateSystem: 'cartesian2d' as const,
          name: '95% interval',
          silent: true,
          data: ordered.map((row, i) => ({
            coords: [
              [rr(row).lower, i],
              [rr(row).upper, i],
            ],
            lineStyle: { color: row.circular ? MUTED : CATEGORICAL[0], width: 2, opacity: 1 },
          })),
        },
      ],
    };
  }, [plotted]);
  if (a.rows.length === 0)
    return (
      <Empty>
        No small-area indicator is held for these areas, so violence is not set beside any.
      </Empty>
    );
  return (
    <>
      <p className="note">
        {fmtInt(a.areas)} LSOAs (2021), {fmtInt(a.incidents)} incidents,{' '}
        {fmtInt(Math.round(a.population))} residents. Each indicator is fitted on its own: the
        LSOA's count of serious violence against the indicator, with its population as exposure
        (Poisson and negative binomial). Moran's I of the residuals asks whether neighbouring areas
        are still alike once the indicator is accounted for
        {a.isolated > 0
          ? ` (${fmtInt(a.isolated)} area${a.isolated === 1 ? '' : 's'} without a contiguous neighbour weigh nothing in it)`
          : ''}
        .
      </p>
      <DataTable
        caption="Serious violence against each indicator, between LSOAs (an association, not a cause)"
        rows={a.rows}
        rowKey={(row) => `${row.indicator}|${row.period}`}
        testId="causes-association"
        columns={[
          {
            header: 'Indicator',
            value: (row) => (
              <span title={row.summary}>
                {withUnit(row.name, row.unit)}
                {row.circular && (
                  <>
                    {' '}
                    <strong className="mark">built from crime</strong>
                  </>
                )}
                <span className="visually-hidden">. {row.summary}</span>
              </span>
            ),
          },
          { header: 'Period', value: (row) => row.period },
          { header: 'LSOAs', value: (row) => fmtInt(row.areas), numeric: true },
          { header: 'LSOAs without a value', value: (row) => fmtInt(row.missing), numeric: true },
          {
            header: 'Rate ratio per SD, negative binomial (95% interval)',
            value: (row) => fmtRatio(row.perSd.negativeBinomial),
            numeric: true,
          },
          {
            header: 'Per decile (95% interval)',
            value: (row) => fmtRatio(row.perDecile.negativeBinomial),
            numeric: true,
          },
          {
            header: 'Spearman ρ (95% interval)',
            value: (row) =>
              row.spearman === null
                ? '—'
                : row.spearman.lower === null
                  ? fmtTwo(row.spearman.rho)
                  : `${fmtTwo(row.spearman.rho)} (${fmtTwo(row.spearman.lower)} to ${fmtTwo(row.spearman.upper)})`,
            numeric: true,
          },
          {
            header: "Moran's I of residuals (p)",
            value: (row) =>
              row.moran === null
                ? '—'
                : `${three.format(row.moran.statistic)} (p\u00a0${fmtP(row.moran.pValue).replace(' ', '\u00a0')})`,
            numeric: true,
          },
        ]}
      />
      {plotted.length === 0 ? (
        <Empty>No negative binomial fit converged, so there is no rate ratio to plot.</Empty>
      ) : (
        <Chart
          label="Forest plot of the negative binomial rate ratio of serious violence per standard deviation of each indicator, with 95% intervals, on a log scale with a line at 1 (no association); indicators built from crime in grey"
          option={option}
          height={Math.max(200, 110 + plotted.length * 28)}
          testId="causes-forest"
          table={
            <DataTable
              caption="Rate ratio per standard deviation (negative binomial), in words"
              rows={plotted}
              rowKey={(row) => `${row.indicator}|${row.period}`}
              columns={[
                { header: 'Indicator', value: (row) => row.name },
                {
                  header: 'Rate ratio',
                  value: (row) => fmtTwo(row.perSd.negativeBinomial!.rateRatio),
                  numeric: true,
                },
                {
                  header: '95% interval',
                  value: (row) =>
                    `${fmtTwo(row.perSd.negativeBinomial!.lower)} to ${fmtTwo(row.perSd.negativeBinomial!.upper)}`,
                },
                { header: 'Built from crime', value: (row) => (row.circular ? 'yes' : 'no') },
                { header: 'Reading', value: (row) => row.summary },
              ]}
            />
          }
        />
      )}
      <p className="note">
        A rate ratio of 1.20 per SD: areas one standard deviation higher on the indicator have 20%
        more serious violence per resident, on average across the areas. Per decile: the same for
        one step of the indicator's deciles. Indicators marked “built from crime” (the IMD crime
        domain) count recorded crime themselves: their association with violence is circular and
        tells nothing about causes.
      </p>
    </>
  );
}

function ComparatorsSection({ c, areaCode }: { c: Comparators; areaCode: string | null }) {
  const violenceOption = useMemo(() => {
    const named = c.violence.filter((v) => v.rate !== null);
    const label = (v: (typeof named)[number]): string =>
      `${v.name ?? v.code}${v.code === areaCode ? ' (this area)' : ''}`;
    return {
      aria: { enabled: true },
      color: CATEGORICAL.slice(0, 1),
      grid: { left: 8, right: 24, top: 16, bottom: 40, containLabel: true },
      tooltip: {
        trigger: 'item' as const,
        className: 'svd-tooltip',
        formatter: (p: { dataIndex: number; seriesType?: string }) => {
          const v = named[p.dataIndex];
          if (v === undefined || p.seriesType !== 'bar') return '';
          return `${escapeHtml(label(v))}: ${fmtRate(v.rate)} per 1,000 a year (95% interval ${fmtInterval(v.lower, v.upper)}), ${fmtInt(v.count)} incidents`;
        },
      },
      xAxis: {
        type: 'value' as const,
        name: 'serious violence per 1,000 residents a year (95% interval)',
        nameLocation: 'middle' as const,
        nameGap: 26,
        axisLabel: { color: '#333' },
      },
      yAxis: {
        type: 'category' as const,
        inverse: true,
        data: named.map(label),
        axisLabel: { color: '#333' },
      },
      series: [
        {
          type: 'bar' as const,
          name: 'Per 1,000 residents a year',
          data: named.map((v) => ({
            value: v.rate,
            itemStyle:
              c.area !== null && v.code === c.area.code ? { color: CATEGORICAL[1] } : undefined,
          })),
        },
        {
          type: 'lines' as const,
          coordinateSystem: 'cartesian2d' as const,
          name: '95% interval',
          silent: true,
          lineStyle: { color: '#222', width: 1.5, opacity: 1 },
          data: named
            .filter((v) => v.lower !== null && v.upper !== null)
            .map((v) => ({
              coords: [
                [v.lower, label(v)],
                [v.upper, label(v)],
              ],
            })),
        },
      ],
    };
  }, [c, areaCode]);
  return (
    <>
      {c.area === null ? (
        <Empty>
          Comparators are for a county or a district: choose one in the Area filter to set it beside
          England, its region and similar areas.
        </Empty>
      ) : (
        <>
          <p data-testid="causes-comparator-area">
            <strong>{c.area.name ?? c.area.code}</strong> ({c.area.level}, {c.area.code})
          </p>
          {c.rows.length === 0 ? (
            <Empty>No area-level indicator is held for {c.area.name ?? c.area.code}.</Empty>
          ) : (
            <DataTable
              caption={`${c.area.name ?? c.area.code} against England, its region and similar areas`}
              rows={c.rows}
              rowKey={(row) => `${row.indicator}|${row.period}`}
              testId="causes-comparators"
              columns={[
                { header: 'Indicator', value: (row) => withUnit(row.name, row.unit) },
                { header: 'Period', value: (row) => row.period },
                {
                  header: 'Area',
                  value: (row) => (
                    <>
                      <span data-testid="comparator-area-value">{fmtValue(row.area.value)}</span>
                      {row.area.lower !== null && row.area.upper !== null && (
                        <> ({fmtInterval(row.area.lower, row.area.upper)})</>
                      )}
                      {row.areaBasis === 'county' && row.note === null && (
                        <>
                          <br />
                          <small>{row.area.name ?? row.area.code}: the county’s value</small>
                        </>
                      )}
                    </>
                  ),
                  numeric: true,
                },
                { header: 'England', value: (row) => fmtValue(row.england?.value), numeric: true },
                { header: 'Region', value: (row) => fmtValue(row.region?.value), numeric: true },
                {
                  header: 'Similar areas (median)',
                  value: (row) => fmtValue(row.neighboursMedian),
                  numeric: true,
                },
                {
                  header: 'Rank (1 = highest)',
                  value: (row) =>
                    row.rank === null
                      ? '—'
                      : `${fmtInt(row.rank.position)} of ${fmtInt(row.rank.of)}`,
                  numeric: true,
                },
                { header: 'Against England', value: (row) => VERSUS_ENGLAND[row.versusEngland] },
                { header: 'Note', value: (row) => row.note ?? '' },
              ]}
            />
          )}
          <h3>Similar areas</h3>
          <p className="note" data-testid="causes-similar-method">
            {sentence(c.method)}
            {c.features.some((f) => !c.method.includes(f))
              ? ` Compared on: ${c.features.join(', ')}.`
              : ''}
          </p>
          {c.similar.length === 0 ? (
            <Empty>No similar area is found.</Empty>
          ) : (
            <ol data-testid="causes-similar">
              {c.similar.map((s) => (
                <li key={s.code}>
                  {s.name ?? s.code} ({s.code}), distance {fmtTwo(s.distance)}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      <h3>Serious violence: the area, its partnerships and districts</h3>
      {c.violence.length === 0 ? (
        <Empty>No serious violence is counted in the area.</Empty>
      ) : (
        <Chart
          label="Bar chart of serious violence per 1,000 residents a year for the area and the partnerships and districts within it, with 95% intervals"
          option={violenceOption}
          height={Math.max(200, 80 + c.violence.length * 30)}
          testId="causes-violence-comparators"
          table={
            <DataTable
              caption="Serious violence per 1,000 residents a year"
              rows={c.violence}
              rowKey={(v) => v.code}
              columns={[
                {
                  header: 'Area',
                  value: (v) => `${v.name ?? v.code}${v.code === areaCode ? ' (this area)' : ''}`,
                },
                { header: 'Level', value: (v) => LEVELS[v.level] ?? v.level },
                { header: 'Incidents', value: (v) => fmtInt(v.count), numeric: true },
                { header: 'Residents', value: (v) => fmtInt(v.population), numeric: true },
                { header: 'Per 1,000 a year', value: (v) => fmtRate(v.rate), numeric: true },
                { header: '95% interval', value: (v) => fmtInterval(v.lower, v.upper) },
              ]}
            />
          }
        />
      )}
    </>
  );
}

function TrendsSection({ r }: { r: CausesResult }) {
  const t = r.trends;
  return (
    <>
      <p className="note">
        Serious violence by year first, then each indicator held for more than one period: the area
        (or its county, where only the county is published), its region and England.
      </p>
      <div className="small-multiples" data-testid="causes-trends">
        <div className="small-multiple">
          <h4>Serious violence by year</h4>
          {t.violence.length === 0 ? (
            <Empty>No year of serious violence is held.</Empty>
          ) : (
            <ViolenceByYear years={t.violence} />
          )}
        </div>
        {t.indicators.map((i) => (
          <IndicatorTrendChart key={i.indicator} trend={i} />
        ))}
      </div>
      {t.indicators.length === 0 && (
        <Empty>No indicator is held for more than one period, so there is no trend to show.</Empty>
      )}
    </>
  );
}

function ViolenceByYear({ years }: { years: readonly ViolenceYear[] }) {
  const withRate = years.some((y) => y.rate !== null);
  // The API words a year not fully held with its months ("2025 (11 months)"): on two lines.
  const label = (y: ViolenceYear): string => y.period.replace(' (', '\n(');
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: CATEGORICAL.slice(0, 1),
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis' as const,
        className: 'svd-tooltip',
        formatter: (ps: { dataIndex: number }[]) => {
          const y = years[ps[0]?.dataIndex ?? -1];
          if (y === undefined) return '';
          return [
            `<strong>${escapeHtml(y.period)}</strong>${y.months < 12 && !y.period.includes('month') ? ` (${fmtInt(y.months)} months held)` : ''}`,
            `Incidents: ${fmtInt(y.count)}`,
            y.rate === null ? 'No population for a rate' : `${fmtRate(y.rate)} per 1,000 residents`,
          ].join('<br/>');
        },
      },
      xAxis: {
        type: 'category' as const,
        data: years.map(label),
        axisLabel: { color: '#333', interval: 0 },
      },
      yAxis: {
        type: 'value' as const,
        name: withRate ? 'per 1,000 residents' : 'incidents',
        nameTextStyle: { color: '#333', align: 'left' as const },
        axisLabel: { color: '#333' },
      },
      series: [
        {
          type: 'bar' as const,
          name: withRate ? 'Serious violence per 1,000 residents' : 'Serious violence',
          data: years.map((y) => (withRate ? y.rate : y.count)),
        },
      ],
    }),
    [years, withRate],
  );
  return (
    <Chart
      label={`Bar chart of serious violence ${withRate ? 'per 1,000 residents ' : ''}by year`}
      option={option}
      height={200}
      testId="causes-violence-years"
      table={
        <DataTable
          caption="Serious violence by year (a year with fewer than 12 months held is marked)"
          rows={years}
          rowKey={(y) => y.period}
          columns={[
            { header: 'Year', value: (y) => y.period },
            { header: 'Months held', value: (y) => fmtInt(y.months), numeric: true },
            { header: 'Incidents', value: (y) => fmtInt(y.count), numeric: true },
            { header: 'Per 1,000 residents', value: (y) => fmtRate(y.rate), numeric: true },
          ]}
        />
      }
    />
  );
}

function IndicatorTrendChart({ trend }: { trend: IndicatorTrend }) {
  const option = useMemo(
    () => ({
      aria: { enabled: true },
      color: [CATEGORICAL[0]!, CATEGORICAL[1]!, CATEGORICAL[7]!],
      legend: { top: 0, textStyle: { color: '#222' }, itemWidth: 16 },
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis' as const,
        valueFormatter: (v: unknown) =>
          v === null || v === undefined || Number.isNaN(Number(v)) ? '—' : fmtValue(Number(v)),
      },
      xAxis: {
        type: 'category' as const,
        data: trend.points.map((p) => p.period),
        axisLabel: { color: '#333', hideOverlap: true },
      },
      yAxis: {
        type: 'value' as const,
        scale: true,
        axisLabel: { color: '#333', formatter: (v: number) => fmtValue(v) },
      },
      series: [
        {
          type: 'line' as const,
          name: trend.areaBasis === 'county' ? 'County' : 'Area',
          data: trend.points.map((p) => p.value),
          symbol: 'circle',
          connectNulls: false,
        },
        {
          type: 'line' as const,
          name: 'Region',
          data: trend.points.map((p) => p.region),
          symbol: 'triangle',
          lineStyle: { type: 'dashed' as const },
          connectNulls: false,
        },
        {
          type: 'line' as const,
          name: 'England',
          data: trend.points.map((p) => p.england),
          symbol: 'rect',
          lineStyle: { type: 'dotted' as const },
          connectNulls: false,
        },
      ],
    }),
    [trend],
  );
  return (
    <div className="small-multiple">
      <h4>{withUnit(trend.name, trend.unit)}</h4>
      {trend.change !== null && <p className="note">{trend.change}</p>}
      <Chart
        label={`Line chart of ${trend.name} by period: ${trend.areaBasis === 'county' ? 'the county' : 'the area'}, its region and England`}
        option={option}
        height={200}
        table={
          <DataTable
            caption={`${trend.name} by period`}
            rows={trend.points}
            rowKey={(p) => p.period}
            columns={[
              { header: 'Period', value: (p) => p.period },
              {
                header: trend.areaBasis === 'county' ? 'County' : 'Area',
                value: (p) => fmtValue(p.value),
                numeric: true,
              },
              { header: 'Region', value: (p) => fmtValue(p.region), numeric: true },
              { header: 'England', value: (p) => fmtValue(p.england), numeric: true },
            ]}
          />
        }
      />
    </div>
  );
}
