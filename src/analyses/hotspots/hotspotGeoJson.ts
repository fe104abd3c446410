/**
 * Hotspot results as GeoJSON that opens in QGIS (or any GIS): WGS84 longitude/latitude as RFC 7946
 * asks, each cell's British National Grid outline reprojected corner by corner (straight edges of a
 * cell of a few hundred metres bend by well under a centimetre), exterior rings counter-clockwise,
 * coordinates to 7 decimals (about 1 cm). Properties are flat numbers and strings so that a GIS can
 * style by them: count, kde, gistar_z, p_value, p_adjusted, class (hotspot, coldspot or not
 * significant), and with change or classes, before, after, change and trend_class.
 */
import { bngToWgs84 } from '../../geo/projection.js';
import type { HotspotsResult } from './hotspotAnalysis.js';
import { cellRing } from './hotspotGrid.js';
import type {
  HotspotCellFeature,
  HotspotCellProperties,
  HotspotCellsAnswer,
  ResolvedParam,
} from '../../api/analyses.js';

export interface Feature {
  type: 'Feature';
  id: number | string;
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, string | number | boolean | null>;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  name: string;
  /** Foreign member: how the layer was made (ignored by GIS software). */
  svd: Record<string, unknown>;
  features: Feature[];
}

const round7 = (v: number): number => Math.round(v * 1e7) / 1e7;

function lonLatRing(ring: Float64Array): [number, number][] {
  const out: [number, number][] = [];
  const p = new Float64Array(2);
  for (let i = 0; i < ring.length; i += 2) {
    bngToWgs84(ring[i]!, ring[i + 1]!, p);
    out.push([round7(p[0]!), round7(p[1]!)]);
  }
  out.push(out[0]!);
  return out;
}

function layerName(result: HotspotsResult, what: string): string {
  const a = result.area;
  return `svd ${what}: ${a.level} ${a.name ?? a.code}, ${result.period.from ?? '?'} to ${result.period.to ?? '?'}`;
}

const significance = (h: 'hotspot' | 'coldspot' | null): HotspotCellProperties['class'] =>
  h ?? 'not significant';

export function hotspotGeoJson(
  result: HotspotsResult,
  params: Record<string, ResolvedParam>,
): HotspotCellsAnswer {
  const grid = { shape: result.grid.shape, cellSize: result.grid.cellSize };
  const features: HotspotCellFeature[] = result.cells.map((c) => ({
    type: 'Feature',
    id: c.id,
    geometry: {
      type: 'Polygon',
      coordinates: [lonLatRing(cellRing(grid, c.easting, c.northing))],
    },
    properties: {
      id: c.id,
      row: c.row,
      col: c.col,
      easting: c.easting,
      northing: c.northing,
      area_share: c.areaShare,
      count: c.count,
      kde: c.kde,
      gistar_z: c.z,
      p_value: c.p,
      p_adjusted: c.pAdjusted,
      class: significance(c.hotspot),
      ...(c.change === undefined ? {} : { before: c.before!, after: c.after!, change: c.change }),
      ...(c.class === undefined ? {} : { trend_class: c.class }),
      ...(c.nearHotspot === true ? { near_hotspot: true } : {}),
      ...(c.place === undefined
        ? {}
        : {
            street: c.place.street,
            lsoa: c.place.lsoa?.code ?? null,
            lsoa_name: c.place.lsoa?.name ?? null,
            ward: c.place.ward?.name ?? null,
            district: c.place.district?.name ?? null,
          }),
    },
  }));
  return {
    type: 'FeatureCollection',
    name: layerName(result, `hotspot cells (${result.grid.cellSize} m ${result.grid.shape})`),
    svd: {
      area: result.area,
      period: result.period,
      grid: result.grid,
      summary: result.summary,
      units: { kde: 'incidents per km²' },
      params,
    },
    features,
  };
}

/** LSOAs with their counts, rates and Gi*, from their stored WGS84 outlines. */
export function lsoaGeoJson(
  result: HotspotsResult,
  params: Record<string, ResolvedParam>,
  outlines: ReadonlyMap<string, string>,
): FeatureCollection {
  const lsoas = result.lsoas;
  const features: Feature[] = [];
  for (const u of lsoas?.units ?? []) {
    const outline = outlines.get(u.code);
    if (outline === undefined) continue;
    features.push({
      type: 'Feature',
      id: u.code,
      geometry: JSON.parse(outline) as Feature['geometry'],
      properties: {
        code: u.code,
        name: u.name,
        count: u.count,
        population: u.population,
        rate: u.rate,
        rate_lower: u.lower,
        rate_upper: u.upper,
        small: u.small,
        neighbours: u.neighbours,
        gistar_z: u.z,
        p_value: u.p,
        p_adjusted: u.pAdjusted,
        class: significance(u.hotspot),
      },
    });
  }
  return {
    type: 'FeatureCollection',
    name: layerName(result, `LSOAs (${lsoas?.level ?? 'none'})`),
    svd: {
      area: result.area,
      period: result.period,
      summary: result.summary,
      units: { rate: `per ${lsoas?.ratesPer ?? 1000} residents` },
      params,
    },
    features,
  };
}
