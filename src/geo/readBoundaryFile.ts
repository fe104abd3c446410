/**
 * Reading boundary files: GeoJSON (FeatureCollection, Feature, or a bare geometry collection of
 * features) and TopoJSON (quantised or not), Polygon and MultiPolygon, in WGS84 longitude/latitude
 * or British National Grid metres (from the legacy `crs` member, else from the coordinates'
 * range). Errors name the file, the feature and the property. A `.gz` file is expanded within
 * the expansion limits (`core/expansionLimits.ts`).
 */
import { readFileSync } from 'node:fs';
import { SvdError } from '../core/errors.js';
import {
  DEFAULT_EXPANSION_LIMITS,
  gunzipWithin,
  type ExpansionLimits,
} from '../core/expansionLimits.js';

/** Polygons → rings → [x, y] positions, as in GeoJSON. */
export type Polygons = number[][][][];

export interface RawFeature {
  /** 1-based position in the file, for messages. */
  position: number;
  id: string | undefined;
  properties: Record<string, unknown>;
  polygons: Polygons;
}

export type CoordinateSystem = 'wgs84' | 'bng';

export interface BoundaryFile {
  file: string;
  format: 'geojson' | 'topojson';
  crs: CoordinateSystem;
  /** How the coordinate system was decided: the crs member, or the coordinates' range. */
  crsBasis: 'crs-member' | 'coordinate-range';
  crsName: string | undefined;
  features: RawFeature[];
  bytes: Buffer;
}

const refuse = (file: string, code: string, message: string, fix: string): SvdError =>
  new SvdError({ kind: 'input', code, message, location: { file }, fix });

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function crsFromMember(crs: unknown): { crs: CoordinateSystem; name: string } | undefined {
  if (!isObject(crs)) return undefined;
  const props = crs['properties'];
  const name = isObject(props) && typeof props['name'] === 'string' ? props['name'] : undefined;
  if (name === undefined) return undefined;
  if (/CRS84|EPSG:{1,2}4326|EPSG:{1,2}4258|WGS ?84/i.test(name)) return { crs: 'wgs84', name };
  if (/EPSG:{1,2}27700|OSGB/i.test(name)) return { crs: 'bng', name };
  return { crs: 'wgs84', name: `unknown:${name}` };
}

function asPolygons(
  file: string,
  position: number,
  geometry: unknown,
): { polygons: Polygons } | { problem: string } {
  if (!isObject(geometry)) return { problem: 'has no geometry' };
  const type = geometry['type'];
  const coords = geometry['coordinates'];
  if (type === 'Polygon') return { polygons: [coords as number[][][]] };
  if (type === 'MultiPolygon') return { polygons: coords as number[][][][] };
  void file;
  void position;
  return {
    problem: `has a ${String(type)} geometry; only Polygon and MultiPolygon are boundaries`,
  };
}

function decodeTopology(file: string, topo: JsonObject): { features: RawFeature[]; crs: unknown } {
  const transform = topo['transform'];
  let scale = [1, 1];
  let translate = [0, 0];
  if (isObject(transform)) {
    scale = transform['scale'] as number[];
    translate = transform['translate'] as number[];
  }
  const quantised = isObject(transform);
  const rawArcs = topo['arcs'];
  if (!Array.isArray(rawArcs))
    throw refuse(
      file,
      'BAD_TOPOJSON',
      'TopoJSON without arcs',
      'export the file again as TopoJSON',
    );
  const arcs: number[][][] = (rawArcs as number[][][]).map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map((p) => {
      if (quantised) {
        x += p[0]!;
        y += p[1]!;
        return [x * scale[0]! + translate[0]!, y * scale[1]! + translate[1]!];
      }
      return [p[0]!, p[1]!];
    });
  });
  const ring = (indexes: number[]): number[][] => {
    const out: number[][] = [];
    for (const index of indexes) {
      const arc = index >= 0 ? arcs[index] : arcs[~index]?.slice().reverse();
      if (arc === undefined)
        throw refuse(
          file,
          'BAD_TOPOJSON',
          `arc ${index} is referenced but the topology has ${arcs.length} arcs`,
          'the file is damaged; export it again',
        );
      // Consecutive arcs share their joining point: keep it once.
      arc.forEach((p, k) => {
        if (k > 0 || out.length === 0) out.push(p);
      });
    }
    return out;
  };
  const objects = topo['objects'];
  if (!isObject(objects) || Object.keys(objects).length === 0)
    throw refuse(file, 'BAD_TOPOJSON', 'TopoJSON without objects', 'export the file again');
  const features: RawFeature[] = [];
  let crs: unknown;
  for (const object of Object.values(objects)) {
    if (!isObject(object)) continue;
    crs ??= object['crs'];
    const geometries =
      object['type'] === 'GeometryCollection' ? (object['geometries'] as Json[]) : [object];
    for (const g of geometries) {
      if (!isObject(g)) continue;
      const position = features.length + 1;
      const type = g['type'];
      const geomArcs = g['arcs'];
      let polygons: Polygons;
      if (type === 'Polygon') polygons = [(geomArcs as number[][]).map(ring)];
      else if (type === 'MultiPolygon')
        polygons = (geomArcs as number[][][]).map((p) => p.map(ring));
      else if (type === null || type === undefined) polygons = [];
      else
        throw refuse(
          file,
          'NOT_A_BOUNDARY',
          `feature ${position} has a ${String(type)} geometry; only Polygon and MultiPolygon are boundaries`,
          'give a file of area boundaries (polygons)',
        );
      features.push({
        position,
        id: g['id'] === undefined || g['id'] === null ? undefined : String(g['id']),
        properties: isObject(g['properties']) ? g['properties'] : {},
        polygons,
      });
    }
  }
  return { features, crs };
}

export function readBoundaryFile(
  file: string,
  limits: ExpansionLimits = DEFAULT_EXPANSION_LIMITS,
): BoundaryFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new SvdError({
      kind: 'input',
      code: 'FILE_UNREADABLE',
      message: `cannot read the file: ${(error as Error).message}`,
      location: { file },
      fix: 'check the path',
    });
  }
  const text = (file.endsWith('.gz') ? gunzipWithin(bytes, file, limits) : bytes)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw refuse(
      file,
      'NOT_JSON',
      `not a GeoJSON or TopoJSON file: ${(error as Error).message}`,
      'give a .geojson, .json or .topojson boundary file',
    );
  }
  if (!isObject(json))
    throw refuse(file, 'NOT_JSON', 'not a GeoJSON or TopoJSON object', 'give a boundary file');
  let features: RawFeature[];
  let crsMember: unknown = json['crs'];
  let format: BoundaryFile['format'];
  if (json['type'] === 'Topology') {
    format = 'topojson';
    const decoded = decodeTopology(file, json);
    features = decoded.features;
    crsMember ??= decoded.crs;
  } else {
    format = 'geojson';
    const list =
      json['type'] === 'FeatureCollection'
        ? (json['features'] as Json[])
        : json['type'] === 'Feature'
          ? [json]
          : undefined;
    if (!Array.isArray(list))
      throw refuse(
        file,
        'NOT_A_BOUNDARY',
        `a GeoJSON ${String(json['type'])}, not a FeatureCollection of areas`,
        'give a FeatureCollection whose features are the areas (Polygon or MultiPolygon)',
      );
    features = list.map((f, k) => {
      const feature = isObject(f) ? f : {};
      const got = asPolygons(file, k + 1, feature['geometry']);
      if ('problem' in got)
        throw refuse(
          file,
          'NOT_A_BOUNDARY',
          `feature ${k + 1}${describeProps(feature['properties'])} ${got.problem}`,
          'give a file of area boundaries (Polygon or MultiPolygon features)',
        );
      return {
        position: k + 1,
        id:
          feature['id'] === undefined || feature['id'] === null ? undefined : String(feature['id']),
        properties: isObject(feature['properties']) ? feature['properties'] : {},
        polygons: got.polygons,
      };
    });
  }
  const fromMember = crsFromMember(crsMember);
  if (fromMember !== undefined && fromMember.name.startsWith('unknown:'))
    throw refuse(
      file,
      'UNKNOWN_CRS',
      `the coordinate system ${JSON.stringify(fromMember.name.slice(8))} is not WGS84 or British National Grid`,
      'reproject the file to WGS84 (EPSG:4326) or British National Grid (EPSG:27700)',
    );
  let crs: CoordinateSystem;
  let crsBasis: BoundaryFile['crsBasis'];
  if (fromMember !== undefined) {
    crs = fromMember.crs;
    crsBasis = 'crs-member';
  } else {
    crs = guessCrs(file, features);
    crsBasis = 'coordinate-range';
  }
  checkCoordinates(file, features, crs);
  return { file, format, crs, crsBasis, crsName: fromMember?.name, features, bytes };
}

function describeProps(props: unknown): string {
  if (!isObject(props)) return '';
  const first = Object.entries(props).find(([, v]) => typeof v === 'string');
  return first === undefined ? '' : ` (${first[0]} ${JSON.stringify(first[1])})`;
}

function firstPosition(features: RawFeature[]): number[] | undefined {
  for (const f of features) for (const p of f.polygons) for (const r of p) if (r[0]) return r[0];
  return undefined;
}

function guessCrs(file: string, features: RawFeature[]): CoordinateSystem {
  const p = firstPosition(features);
  if (p === undefined)
    throw refuse(file, 'NO_FEATURES', 'the file holds no areas', 'give a non-empty boundary file');
  const [x, y] = p as [number, number];
  if (Math.abs(x) <= 180 && Math.abs(y) <= 90) return 'wgs84';
  if (x >= -10_000 && x <= 800_000 && y >= -20_000 && y <= 1_400_000) return 'bng';
  throw refuse(
    file,
    'UNKNOWN_CRS',
    `coordinates such as (${x}, ${y}) are neither WGS84 degrees nor British National Grid metres, and the file does not say its coordinate system`,
    'reproject the file to WGS84 (EPSG:4326) or British National Grid (EPSG:27700)',
  );
}

function checkCoordinates(file: string, features: RawFeature[], crs: CoordinateSystem): void {
  const [lo, hi] = crs === 'wgs84' ? [-180, 180] : [-10_000, 1_400_000];
  for (const f of features) {
    for (const polygon of f.polygons) {
      for (const ring of polygon) {
        if (!Array.isArray(ring) || ring.length < 3)
          throw refuse(
            file,
            'BAD_GEOMETRY',
            `feature ${f.position}${describeProps(f.properties)} has a ring with fewer than 3 points`,
            'repair the geometry (e.g. in QGIS: Vector › Geometry Tools › Fix Geometries)',
          );
        for (const p of ring) {
          const x = p[0];
          const y = p[1];
          if (
            typeof x !== 'number' ||
            typeof y !== 'number' ||
            !Number.isFinite(x) ||
            !Number.isFinite(y) ||
            x < lo ||
            x > hi ||
            y < lo ||
            y > hi
          )
            throw refuse(
              file,
              'BAD_GEOMETRY',
              `feature ${f.position}${describeProps(f.properties)} has an invalid position ${JSON.stringify(p)} for ${crs === 'wgs84' ? 'WGS84 degrees' : 'British National Grid metres'}`,
              'repair the geometry or reproject the file',
            );
        }
      }
    }
  }
}
