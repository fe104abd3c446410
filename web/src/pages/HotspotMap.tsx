import { useMemo } from 'react';
import { Chart } from '../components/Chart';
import { DataTable } from '../components/DataTable';
import { Empty } from '../components/Status';
import { echarts, SEQUENTIAL } from '../echarts';
import { fmtInt, fmtRate } from '../format';
import type { HotspotCellProperties, HotspotCellsAnswer, PointsAnswer } from '@api';
import { classBreaks, escapeHtml, usePointsOnZoom } from './mapShared';

export type HotspotLayer = 'gistar' | 'classes' | 'kde';

/** Where a named cell is, in words ('' when it is not named). */
export function cellPlace(c: HotspotCellProperties): string {
  const lsoa = c.lsoa == null ? null : `${c.lsoa_name ?? c.lsoa} (${c.lsoa})`;
  return [c.street, lsoa, c.ward, c.district]
    .filter((v): v is string => v !== null && v !== undefined)
    .join(', ');
}

/** Okabe–Ito colours: hot in vermillion and orange, cold in blues and green, nothing in grey. */
const SIGNIFICANCE_COLOURS: Record<string, string> = {
  hotspot: '#D55E00',
  coldspot: '#0072B2',
  'not significant': '#e4e4e4',
};
const CLASS_COLOURS: Record<string, string> = {
  'persistent hotspot': '#D55E00',
  'emerging hotspot': '#E69F00',
  'intermittent hotspot': '#F0E442',
  'former hotspot': '#CC79A7',
  'persistent coldspot': '#0072B2',
  'emerging coldspot': '#56B4E9',
  'intermittent coldspot': '#009E73',
  'former coldspot': '#999999',
  'mixed hot/coldspot': '#000000',
  'no pattern': '#e4e4e4',
};

const CORRECTION_NAMES: Record<string, string> = {
  fdr: 'Benjamini–Hochberg false discovery rate',
  bonferroni: 'Bonferroni',
  holm: 'Holm',
  none: 'no',
};

const fmtP = (p: number | null): string =>
  p === null ? '—' : p < 0.0001 ? '< 0.0001' : p.toFixed(4);
const fmtZ = (z: number | null): string => (z === null ? '—' : z.toFixed(2));

const categoryOf = (p: HotspotCellProperties, layer: HotspotLayer): string =>
  layer === 'classes' ? (p.trend_class ?? 'no pattern') : p.class;

export function HotspotMap({
  cells,
  points,
  layer,
}: {
  cells: HotspotCellsAnswer;
  points: PointsAnswer;
  layer: HotspotLayer;
}) {
  const byId = useMemo(
    () => new Map(cells.features.map((f) => [String(f.id), f.properties])),
    [cells],
  );
  const mapName = useMemo(() => {
    const name = `cells-${cells.features.length}-${cells.name}`;
    const named = {
      ...cells,
      features: cells.features.map((f) => ({
        ...f,
        properties: { ...f.properties, name: String(f.id) },
      })),
    };
    echarts.registerMap(name, named as unknown as Parameters<typeof echarts.registerMap>[1]);
    return name;
  }, [cells]);
  const colours = layer === 'classes' ? CLASS_COLOURS : SIGNIFICANCE_COLOURS;
  const categories = useMemo(() => {
    const counts = new Map<string, number>();
    for (const f of cells.features) {
      const c = categoryOf(f.properties, layer);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    return Object.keys(colours)
      .filter((c) => (counts.get(c) ?? 0) > 0)
      .map((c) => ({ category: c, cells: counts.get(c)!, colour: colours[c]! }));
  }, [cells, layer, colours]);
  const option = useMemo(() => {
    const categoryList = Object.keys(colours);
    const kdeValues = cells.features.map((f) => f.properties.kde);
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
          const c = byId.get(String(p.name));
          if (c === undefined) return '';
          return [
            `<strong>Cell ${fmtInt(c.id)}</strong> (${fmtInt(Math.round(c.easting))} E, ${fmtInt(Math.round(c.northing))} N)`,
            cellPlace(c) === '' ? '' : escapeHtml(cellPlace(c)),
            c.near_hotspot === true
              ? '<em>Near a hot spot: no incident here, its neighbours are busy</em>'
              : '',
            `Incidents: ${fmtInt(c.count)}`,
            `Density: ${fmtRate(c.kde)} per km²`,
            `Gi* z: ${fmtZ(c.gistar_z)}, adjusted p: ${fmtP(c.p_adjusted)}`,
            `<strong>${escapeHtml(c.class)}</strong>${c.trend_class === undefined ? '' : `; over time: ${escapeHtml(c.trend_class)}`}`,
            c.area_share < 0.999
              ? `<em>Only ${Math.round(c.area_share * 100)}% of this cell is inside the area</em>`
              : '',
          ]
            .filter((l) => l !== '')
            .join('<br/>');
        },
      },
      // A map series drawn on a shared geo takes its colours from a visual map only.
      visualMap:
        layer === 'kde'
          ? {
              type: 'piecewise' as const,
              seriesIndex: 0,
              pieces: classBreaks(kdeValues, 'rate'),
              inRange: { color: SEQUENTIAL.slice(0, 6) },
              textStyle: { color: '#222' },
              left: 8,
              bottom: 8,
              itemGap: 4,
            }
          : {
              type: 'piecewise' as const,
              seriesIndex: 0,
              show: false,
              pieces: categoryList.map((c, i) => ({ value: i, label: c, color: colours[c]! })),
            },
      geo: {
        map: mapName,
        roam: true,
        aspectScale: 0.62,
        scaleLimit: { min: 1, max: 40 },
        top: 8,
        bottom: 8,
        itemStyle: { borderColor: '#ffffff', borderWidth: 0.2, areaColor: '#e4e4e4' },
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
          name: layer === 'kde' ? 'Density per km²' : 'Gi* class',
          data: cells.features.map((f) => ({
            name: String(f.id),
            value:
              layer === 'kde'
                ? f.properties.kde
                : categoryList.indexOf(categoryOf(f.properties, layer)),
          })),
        },
        {
          type: 'scatter' as const,
          coordinateSystem: 'geo' as const,
          name: 'Map points',
          data: [] as [number, number, number][],
          symbolSize: (v: [number, number, number]) => Math.min(14, 3 + Math.sqrt(v[2]) * 2),
          itemStyle: { color: '#56B4E9', borderColor: '#000', borderWidth: 0.5 },
        },
      ],
    };
  }, [cells, mapName, layer, byId, colours]);
  const onReady = usePointsOnZoom(points);
  const s = cells.svd;
  const significant = useMemo(
    () =>
      cells.features
        .map((f) => f.properties)
        .filter((c) => c.class !== 'not significant')
        .sort((a, b) => (b.gistar_z ?? 0) - (a.gistar_z ?? 0)),
    [cells],
  );
  const densest = useMemo(
    () =>
      cells.features
        .map((f) => f.properties)
        .sort((a, b) => b.kde - a.kde)
        .slice(0, 100),
    [cells],
  );
  if (cells.features.length === 0)
    return <Empty>No grid cells: the area has no boundary or no located incidents.</Empty>;
  const cellColumns = [
    { header: 'Cell', value: (c: HotspotCellProperties) => fmtInt(c.id), numeric: true },
    {
      header: 'Easting',
      value: (c: HotspotCellProperties) => fmtInt(Math.round(c.easting)),
      numeric: true,
    },
    {
      header: 'Northing',
      value: (c: HotspotCellProperties) => fmtInt(Math.round(c.northing)),
      numeric: true,
    },
    { header: 'Incidents', value: (c: HotspotCellProperties) => fmtInt(c.count), numeric: true },
    { header: 'Per km²', value: (c: HotspotCellProperties) => fmtRate(c.kde), numeric: true },
    { header: 'Gi* z', value: (c: HotspotCellProperties) => fmtZ(c.gistar_z), numeric: true },
    {
      header: 'Adjusted p',
      value: (c: HotspotCellProperties) => fmtP(c.p_adjusted),
      numeric: true,
    },
    { header: 'Gi*', value: (c: HotspotCellProperties) => c.class },
    { header: 'Over time', value: (c: HotspotCellProperties) => c.trend_class ?? '—' },
    { header: 'Where', value: (c: HotspotCellProperties) => cellPlace(c) || '—' },
  ];
  return (
    <>
      <p className="note" data-testid="hotspot-summary">
        {s.area.level === 'force' ? 'Force area' : 'Area'} {s.area.name ?? s.area.code}:{' '}
        {fmtInt(s.grid.cells)} {s.grid.shape} cells of {fmtInt(s.grid.cellSize)} m over{' '}
        {s.area.boundary}. Gi* finds {fmtInt(s.summary.hotspots)} hot spot cell
        {s.summary.hotspots === 1 ? '' : 's'} and {fmtInt(s.summary.coldspots)} cold spot cell
        {s.summary.coldspots === 1 ? '' : 's'} at significance {s.summary.alpha} after the{' '}
        {CORRECTION_NAMES[s.summary.correction] ?? s.summary.correction} correction for testing
        every cell.
        {(s.summary.nearHotspots ?? 0) > 0 &&
          ` ${fmtInt(s.summary.nearHotspots ?? 0)} cells without incidents are near a hot spot (high only through their neighbours) and are not counted as hot spots.`}
        {s.summary.sparse === true &&
          ' The data are too sparse for this grid: read the hot spots with care (widen the period or the area).'}
        {layer === 'classes' &&
          ' Classes over time compare the cells’ Gi* in each period of the selection (persistent: significant in at least 80% of periods; emerging: in the recent periods but rarely before; former: before but rarely recently; intermittent: in at least 10% otherwise), by sfhotspot’s rules.'}{' '}
        {fmtInt(s.grid.cutCells)} cells cut by the boundary read low. Zoom in to see the incidents’
        map points: police.uk snaps them to anonymous points, so read them as “near here”.
      </p>
      {layer !== 'kde' && (
        <ul className="legend" aria-label="Legend">
          {categories.map((c) => (
            <li key={c.category}>
              <span className="swatch" style={{ background: c.colour }} aria-hidden="true" />
              {c.category} ({fmtInt(c.cells)} cells)
            </li>
          ))}
        </ul>
      )}
      <Chart
        label={
          layer === 'kde'
            ? 'Map of the kernel density of incidents per km² on a grid'
            : layer === 'classes'
              ? 'Map of grid cells by hotspot class over time'
              : 'Map of grid cells that are Gi* hot or cold spots after correction'
        }
        option={option}
        height={560}
        onReady={onReady}
        testId="hotspot-map"
        table={
          layer === 'kde' ? (
            <DataTable
              caption="The 100 densest cells (quartic kernel, incidents per km²)"
              rows={densest}
              rowKey={(c) => String(c.id)}
              columns={cellColumns}
            />
          ) : (
            <>
              <DataTable
                caption="Cells by class"
                rows={categories}
                rowKey={(c) => c.category}
                columns={[
                  { header: 'Class', value: (c) => c.category },
                  { header: 'Cells', value: (c) => fmtInt(c.cells), numeric: true },
                ]}
              />
              <DataTable
                caption="Significant cells (hot spots first, by Gi* z)"
                rows={significant}
                rowKey={(c) => String(c.id)}
                testId="hotspot-table"
                columns={cellColumns}
              />
            </>
          )
        }
      />
    </>
  );
}
