import { useCallback, useMemo } from 'react';
import type { PageProps } from '../App';
import { getJson } from '../api';
import { Chart } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { Show } from '../components/Status';
import { echarts, SEQUENTIAL } from '../echarts';
import { fmtInt, fmtRate } from '../format';
import type { FeatureCollection, MapAnswer, PointsAnswer, RateRow } from '../types';
import { filterParams, navigate } from '../url';
import { useApi } from '../useApi';

/** Zoom (1 = whole area) from which the incidents' map points are drawn over the LSOAs. */
const POINTS_ZOOM = 4;

type Measure = 'count' | 'rate';

export function MapPage({ filters, params, meta }: PageProps) {
  const measure: Measure = params.get('measure') === 'rate' ? 'rate' : 'count';
  const query = filterParams(filters);
  const area = new URLSearchParams(filters.area === undefined ? {} : { area: filters.area });
  const data = useApi(`map|${query.toString()}`, async () => {
    const [map, shapes, points] = await Promise.all([
      getJson<MapAnswer>('/api/map', query),
      getJson<FeatureCollection>('/api/boundaries', area),
      getJson<PointsAnswer>('/api/points', query),
    ]);
    return { map, shapes, points };
  });
  const setMeasure = (m: Measure): void => {
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
            <legend>Shade the LSOAs by</legend>
            {(['count', 'rate'] as const).map((m) => (
              <label key={m}>
                <input
                  type="radio"
                  name="measure"
                  value={m}
                  checked={measure === m}
                  onChange={() => setMeasure(m)}
                />{' '}
                {m === 'count' ? 'incidents' : 'incidents per 1,000 residents'}
              </label>
            ))}
          </fieldset>
          <Show loaded={data} what="the map">
            {(d) => <MapBody map={d.map} shapes={d.shapes} points={d.points} measure={measure} />}
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
  map: MapAnswer;
  shapes: FeatureCollection;
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
          const r = byCode.get(String(p.name));
          if (r === undefined) return `${escapeHtml(String(p.name))}: no data`;
          return [
            `<strong>${escapeHtml(r.name ?? r.code)}</strong> (${escapeHtml(r.code)})`,
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
      ],
    };
  }, [map, mapName, measure, byCode]);
  const onReady = useCallback(
    (chart: ReturnType<typeof echarts.init>) => {
      let shown = false;
      chart.off('georoam');
      chart.on('georoam', () => {
        const geo = (chart.getOption() as { geo?: { zoom?: number }[] }).geo?.[0];
        const zoomed = (geo?.zoom ?? 1) >= POINTS_ZOOM;
        if (zoomed === shown) return;
        shown = zoomed;
        chart.setOption({
          series: [{}, { data: zoomed ? points.points.map((p) => [p.lon, p.lat, p.n]) : [] }],
        });
      });
    },
    [points],
  );
  const sorted = useMemo(() => [...map.rows].sort((a, b) => b.count - a.count), [map.rows]);
  return (
    <>
      <p className="note">
        Zoom in (scroll, or pinch) to see the incidents’ map points. police.uk snaps every crime to
        a nearby anonymous map point, so points are approximate: read them as “near here”. Rates use{' '}
        {map.metadata.population.dataset} ({map.metadata.population.year}) with exact Poisson 95%
        intervals; counts under {map.metadata.smallCount} are marked as small.
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
      <p className="total">
        {fmtInt(map.rows.reduce((s, r) => s + r.count, 0))} incidents placed in{' '}
        {fmtInt(map.rows.length)} LSOAs
        {map.unplaced > 0 && (
          <>; {fmtInt(map.unplaced)} without a location or outside these LSOAs</>
        )}
        . {points.truncated && 'Only the busiest 20,000 map points are drawn.'}
      </p>
      {map.metadata.notes.map((n) => (
        <p className="note" key={n}>
          {n}
        </p>
      ))}
    </>
  );
}

/**
 * Six classes at the sextiles of the LSOAs' values, so that one busy city-centre LSOA does not
 * leave every other area in the lightest colour; the classes and their bounds are in the legend.
 */
export function classBreaks(
  values: readonly number[],
  measure: Measure,
): { min?: number; max?: number; gte?: number; lt?: number; label: string }[] {
  const fmt = (v: number): string => (measure === 'rate' ? fmtRate(v) : fmtInt(v));
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return [{ min: 0, max: 0, label: 'no data' }];
  const cuts: number[] = [];
  for (let k = 1; k < 6; k++) {
    const raw = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / 6))]!;
    const v = measure === 'rate' ? Math.round(raw * 100) / 100 : Math.round(raw);
    if (cuts.length === 0 || v > cuts.at(-1)!) cuts.push(v);
  }
  const bounds = [sorted[0]!, ...cuts.filter((c) => c > sorted[0]!)];
  return bounds.map((lo, i) => {
    const hi = bounds[i + 1];
    return hi === undefined
      ? { gte: lo, label: `${fmt(lo)} or more` }
      : { gte: lo, lt: hi, label: `${fmt(lo)} to under ${fmt(hi)}` };
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
