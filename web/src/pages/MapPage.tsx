import { useMemo } from 'react';
import type { PageProps } from '../pageProps';
import { ApiError, getJson } from '../api';
import { Chart } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { Show } from '../components/Status';
import { echarts, SEQUENTIAL } from '../echarts';
import { fmtInt, fmtMonth, fmtRate } from '../format';
import { HotspotMap, type HotspotLayer } from './HotspotMap';
import { classBreaks, escapeHtml, usePointsOnZoom, type Measure } from './mapShared';
import type {
  AreaFeatureCollection,
  DashboardMap,
  HotspotCellsAnswer,
  PointsAnswer,
  RateRow,
} from '@api';
import { filterParams, navigate } from '../url';
import { useApi } from '../useApi';

type Layer = Measure | HotspotLayer;

const LAYERS: { value: Layer; label: string }[] = [
  { value: 'count', label: 'LSOAs: incidents' },
  { value: 'rate', label: 'LSOAs: incidents per 1,000 residents' },
  { value: 'gistar', label: 'Grid: Gi* hot and cold spots' },
  { value: 'classes', label: 'Grid: hotspot classes over time' },
  { value: 'kde', label: 'Grid: density (KDE)' },
];

const NO_POINTS: PointsAnswer = { points: [], total: 0, truncated: false };

const isHotspotLayer = (l: Layer): l is HotspotLayer =>
  l === 'gistar' || l === 'classes' || l === 'kde';

export function MapPage({ filters, params, meta }: PageProps) {
  const asked = params.get('measure');
  const layer: Layer = LAYERS.find((l) => l.value === asked)?.value ?? 'count';
  const query = filterParams(filters);
  const area = new URLSearchParams(filters.area === undefined ? {} : { area: filters.area });
  const data = useApi(`map|${query.toString()}`, async () => {
    const [map, shapes, points] = await Promise.all([
      getJson<DashboardMap>('/api/map', query),
      getJson<AreaFeatureCollection>('/api/boundaries', area),
      // Map points are single records: a reader whose agreements give none whole is refused
      // them, and sees the map without them.
      getJson<PointsAnswer>('/api/points', query).catch((error: unknown) => {
        if (error instanceof ApiError && error.status === 403) return error.body.message;
        throw error;
      }),
    ]);
    return typeof points === 'string'
      ? { map, shapes, points: NO_POINTS, pointsRefused: points }
      : { map, shapes, points, pointsRefused: null };
  });
  const cells = useApi(isHotspotLayer(layer) ? `cells|${query.toString()}` : null, () =>
    getJson<HotspotCellsAnswer>('/api/hotspots/cells', query),
  );
  const setLayer = (m: Layer): void => {
    const next = new URLSearchParams(params);
    next.set('measure', m);
    navigate('/map', next);
  };
  return (
    <>
      <h1>Map</h1>
      {!meta.hasBoundaries ? (
        <p className="empty">
          No LSOA boundaries are loaded in this workspace, so there is no map (svd geo load …
          --level lsoa11).
        </p>
      ) : (
        <>
          <fieldset className="measure">
            <legend>Show</legend>
            {LAYERS.map((m) => (
              <label key={m.value}>
                <input
                  type="radio"
                  name="measure"
                  value={m.value}
                  checked={layer === m.value}
                  onChange={() => setLayer(m.value)}
                />{' '}
                {m.label}
              </label>
            ))}
          </fieldset>
          <Show loaded={data} what="the map">
            {(d) =>
              isHotspotLayer(layer) ? (
                <Show loaded={cells} what="the hotspots">
                  {(c) => <HotspotMap cells={c} points={d.points} layer={layer} />}
                </Show>
              ) : (
                <>
                  <MapBody map={d.map} shapes={d.shapes} points={d.points} measure={layer} />
                  {d.pointsRefused !== null && (
                    <p className="note" data-testid="points-refused">
                      Map points are not shown: {d.pointsRefused}.
                    </p>
                  )}
                </>
              )
            }
          </Show>
        </>
      )}
    </>
  );
}

function MapBody({
  map,
  shapes,
  points,
  measure,
}: {
  map: DashboardMap;
  shapes: AreaFeatureCollection;
  points: PointsAnswer;
  measure: Measure;
}) {
  const byCode = useMemo(() => new Map(map.rows.map((r) => [r.code, r])), [map.rows]);
  const value = (r: RateRow): number | null => (measure === 'rate' ? r.rate : r.count);
  const mapName = useMemo(() => {
    const name = `lsoa-${shapes.features.length}-${shapes.features[0]?.id ?? ''}`;
    echarts.registerMap(name, shapes as unknown as Parameters<typeof echarts.registerMap>[1]);
    return name;
  }, [shapes]);
  const option = useMemo(() => {
    const values = map.rows.map(value).filter((v): v is number => v !== null);
    return {
      aria: { enabled: true },
      tooltip: {
        trigger: 'item' as const,
        className: 'svd-tooltip',
        formatter: (p: { seriesType?: string; name?: string; value?: unknown }) => {
          if (p.seriesType === 'scatter') {
            const v = p.value as [number, number, number];
            return `${fmtInt(v[2])} incident${v[2] === 1 ? '' : 's'} at this map point<br/><small>police.uk snaps locations: approximate</small>`;
          }
          if (p.seriesType === 'lines') return `District: ${escapeHtml(String(p.name))}`;
          const r = byCode.get(String(p.name));
          if (r === undefined) return `${escapeHtml(String(p.name))}: no data`;
          const place = map.places[r.code];
          return [
            `<strong>${escapeHtml(r.name ?? r.code)}</strong> (${escapeHtml(r.code)})`,
            place === undefined
              ? ''
              : [place.ward, place.district]
                  .filter((v): v is string => v !== null)
                  .map(escapeHtml)
                  .join(', '),
            place?.street == null ? '' : `Most common location: ${escapeHtml(place.street)}`,
            `Incidents: ${fmtInt(r.count)}`,
            r.rate === null
              ? 'Rate: no population'
              : `Rate: ${fmtRate(r.rate)} per 1,000 (95% CI ${fmtRate(r.lower)}–${fmtRate(r.upper)})`,
            `Residents: ${fmtInt(r.population)}`,
            r.small ? '<em>Small number: the rate is unreliable</em>' : '',
          ]
            .filter((l) => l !== '')
            .join('<br/>');
        },
      },
      visualMap: {
        type: 'piecewise' as const,
        seriesIndex: 0,
        pieces: classBreaks(values, measure),
        inRange: { color: SEQUENTIAL.slice(0, 6) },
        textStyle: { color: '#222' },
        left: 8,
        bottom: 8,
        itemGap: 4,
      },
      geo: {
        map: mapName,
        nameProperty: 'code',
        roam: true,
        aspectScale: 0.62,
        scaleLimit: { min: 1, max: 40 },
        top: 8,
        bottom: 8,
        itemStyle: { borderColor: '#ffffff', borderWidth: 0.4, areaColor: '#d9d9d9' },
        emphasis: { itemStyle: { areaColor: '#E69F00' }, label: { show: false } },
        select: { disabled: true },
        label: { show: false },
      },
      series: [
        {
          type: 'map' as const,
          geoIndex: 0,
          name: measure === 'rate' ? 'Rate per 1,000' : 'Incidents',
          data: map.rows.map((r) => ({ name: r.code, value: value(r) })),
        },
        {
          type: 'scatter' as const,
          coordinateSystem: 'geo' as const,
          name: 'Map points',
          data: [] as [number, number, number][],
          symbolSize: (v: [number, number, number]) => Math.min(14, 3 + Math.sqrt(v[2]) * 2),
          itemStyle: { color: '#D55E00', borderColor: '#000', borderWidth: 0.5 },
        },
        // After the map points (series 1, which zooming fills): district outlines and names.
        {
          type: 'lines' as const,
          coordinateSystem: 'geo' as const,
          name: 'Districts',
          polyline: true,
          silent: true,
          lineStyle: { color: '#1a1a1a', width: 1.6, opacity: 1 },
          data: map.districts.flatMap((d) =>
            d.rings.map((coords) => ({ name: d.name ?? d.code, coords })),
          ),
        },
        {
          type: 'scatter' as const,
          coordinateSystem: 'geo' as const,
          name: 'District names',
          silent: true,
          symbolSize: 0,
          label: {
            show: true,
            formatter: '{b}',
            color: '#111',
            fontWeight: 'bold' as const,
            textBorderColor: '#fff',
            textBorderWidth: 3,
          },
          data: map.districts.flatMap((d) =>
            d.label === null ? [] : [{ name: d.name ?? d.code, value: d.label }],
          ),
        },
      ],
    };
  }, [map, mapName, measure, byCode]);
  const onReady = usePointsOnZoom(points);
  const sorted = useMemo(() => [...map.rows].sort((a, b) => b.count - a.count), [map.rows]);
  const top = useMemo(
    () => map.top.flatMap((c) => (byCode.has(c) ? [byCode.get(c)!] : [])),
    [map.top, byCode],
  );
  const period =
    map.period.from === null
      ? 'no month with data'
      : map.period.from === map.period.to
        ? fmtMonth(map.period.from)
        : `${fmtMonth(map.period.from)} – ${fmtMonth(map.period.to ?? map.period.from)}`;
  const unit =
    measure === 'rate'
      ? `incidents per 1,000 residents over the period (${period})`
      : `incidents per LSOA, ${period}`;
  return (
    <>
      <p className="note">
        Zoom in (scroll, or pinch) to see the incidents’ map points. police.uk snaps every crime to
        a nearby anonymous map point, so points are approximate: read them as “near here”. Rates use{' '}
        {map.metadata.population.dataset} ({map.metadata.population.year}) with exact Poisson 95%
        intervals; counts under {map.metadata.smallCount} are marked as small.
      </p>
      <p className="legend-title" data-testid="map-legend-title">
        Shaded by {unit}; district outlines and names drawn over the LSOAs.
      </p>
      <Chart
        label={`Map of LSOAs shaded by ${measure === 'rate' ? 'incidents per 1,000 residents' : 'incidents'}`}
        option={option}
        height={560}
        onReady={onReady}
        testId="lsoa-map"
        table={
          <DataTable
            caption="Incidents and rates by LSOA 2011, most incidents first"
            rows={sorted}
            rowKey={(r) => r.code}
            testId="map-table"
            columns={[
              { header: 'LSOA', value: (r) => r.name ?? r.code },
              { header: 'Code', value: (r) => r.code },
              { header: 'Incidents', value: (r) => fmtInt(r.count), numeric: true },
              { header: 'Residents', value: (r) => fmtInt(r.population), numeric: true },
              { header: 'Per 1,000', value: (r) => fmtRate(r.rate), numeric: true },
              {
                header: '95% interval',
                value: (r) => (r.lower === null ? '—' : `${fmtRate(r.lower)}–${fmtRate(r.upper)}`),
              },
              { header: 'Small number', value: (r) => (r.small ? 'yes' : '') },
            ]}
          />
        }
      />
      {top.length > 0 && (
        <DataTable
          caption={`Top ${top.length} LSOA${top.length === 1 ? '' : 's'} by incidents, ${period}`}
          rows={top}
          rowKey={(r) => r.code}
          testId="map-top-table"
          columns={[
            { header: 'LSOA', value: (r) => `${r.name ?? r.code} (${r.code})` },
            { header: 'Ward', value: (r) => map.places[r.code]?.ward ?? '—' },
            { header: 'District', value: (r) => map.places[r.code]?.district ?? '—' },
            {
              header: 'Most common location',
              value: (r) => map.places[r.code]?.street ?? '—',
            },
            { header: 'Incidents', value: (r) => fmtInt(r.count), numeric: true },
            { header: 'Per 1,000', value: (r) => fmtRate(r.rate), numeric: true },
          ]}
        />
      )}
      <p className="total">
        {fmtInt(map.rows.reduce((s, r) => s + r.count, 0))} incidents placed in{' '}
        {fmtInt(map.rows.length)} LSOAs
        {map.unplaced > 0 && (
          <>; {fmtInt(map.unplaced)} without a location or outside these LSOAs</>
        )}
        . {points.truncated && 'Only the busiest 20,000 map points are drawn.'}
      </p>
      {[
        ...map.metadata.notes,
        ...(map.metadata.periodNote === null ? [] : [map.metadata.periodNote]),
      ].map((n) => (
        <p className="note" key={n}>
          {n}
        </p>
      ))}
    </>
  );
}
