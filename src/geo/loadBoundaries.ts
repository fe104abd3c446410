/**
 * `svd geo load`: boundary files of one level into the workspace. The files of one load replace
 * the level's earlier boundaries, all or nothing. Which property was taken as the code and the
 * name, and the coordinate system, are announced. Geometry is kept twice: British National Grid
 * rings for computing, WGS84 GeoJSON for maps (docs/decisions/0002-geometry-storage.md).
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { SvdError } from '../core/errors.js';
import type { ExpansionLimits } from '../core/expansionLimits.js';
import type { Reporter } from '../core/reporter.js';
import type { Workspace } from '../store/openWorkspace.js';
import { is2021OnlyCode } from '../core/lsoaVintage.js';
import {
  chooseProperties,
  featureCode,
  featureName,
  type PropertyChoice,
} from './detectProperties.js';
import { CODE_PREFIXES, type Level } from './levels.js';
import { bngToWgs84, wgs84ToBng } from './projection.js';
import { readBoundaryFile, type BoundaryFile, type Polygons } from './readBoundaryFile.js';
import {
  identifyFile,
  activeHashes,
  recordReferenceBatch,
  supersedeBatches,
  type FileIdentity,
} from './referenceBatches.js';
import { makeShape, packShape, shapeArea, type Shape } from './shapes.js';
import { rebuildGeography, type RebuildReport } from './rebuildGeography.js';

export interface LoadBoundariesOptions {
  level: Level;
  codeProperty?: string;
  nameProperty?: string;
  reporter: Reporter;
  clock?: Clock;
  /** How far a .gz boundary file may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  expansionLimits?: ExpansionLimits;
}

export interface BoundaryFileReport {
  file: string;
  format: BoundaryFile['format'];
  crs: BoundaryFile['crs'];
  crsBasis: BoundaryFile['crsBasis'];
  features: number;
  multiPolygons: number;
  codeProperty: string | null;
  nameProperty: string | null;
  sha256: string;
  batchId: number | null;
}

export interface LoadBoundariesReport {
  level: Level;
  status: 'loaded' | 'already-loaded';
  areas: number;
  files: BoundaryFileReport[];
  supersededBatches: number[];
  geography: RebuildReport | null;
}

export const boundaryKind = (level: Level): string => `boundaries:${level}`;

interface PreparedArea {
  code: string;
  name: string | null;
  shape: Shape;
  geojson: string;
  file: string;
  position: number;
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

function prepareFile(
  file: BoundaryFile,
  choice: PropertyChoice,
): { areas: PreparedArea[]; multi: number } {
  const areas: PreparedArea[] = [];
  let multi = 0;
  const p = new Float64Array(2);
  for (const f of file.features) {
    if (f.polygons.length > 1) multi++;
    const rings: Float64Array[] = [];
    const wgs: Polygons = [];
    for (const polygon of f.polygons) {
      const wgsPolygon: number[][][] = [];
      for (const ring of polygon) {
        const r = new Float64Array(ring.length * 2);
        const w: number[][] = [];
        ring.forEach((pos, k) => {
          const x = pos[0]!;
          const y = pos[1]!;
          if (file.crs === 'wgs84') {
            wgs84ToBng(x, y, p);
            r[2 * k] = p[0]!;
            r[2 * k + 1] = p[1]!;
            w.push([round6(x), round6(y)]);
          } else {
            r[2 * k] = x;
            r[2 * k + 1] = y;
            bngToWgs84(x, y, p);
            w.push([round6(p[0]!), round6(p[1]!)]);
          }
        });
        rings.push(r);
        wgsPolygon.push(w);
      }
      wgs.push(wgsPolygon);
    }
    const geometry =
      wgs.length === 1
        ? { type: 'Polygon', coordinates: wgs[0] }
        : { type: 'MultiPolygon', coordinates: wgs };
    areas.push({
      code: featureCode(f, choice),
      name: featureName(f, choice),
      shape: makeShape(rings),
      geojson: JSON.stringify(geometry),
      file: file.file,
      position: f.position,
    });
  }
  return { areas, multi };
}

function checkLevel(
  level: Level,
  file: string,
  areas: PreparedArea[],
  property: string | null,
): void {
  const prefixes = CODE_PREFIXES[level];
  const matching = areas.filter((a) => prefixes.some((p) => a.code.startsWith(p))).length;
  if (areas.length > 0 && matching < areas.length / 2) {
    const example = areas.find((a) => !prefixes.some((p) => a.code.startsWith(p)))!;
    throw new SvdError({
      kind: 'usage',
      code: 'LEVEL_MISMATCH',
      message: `${areas.length - matching} of ${areas.length} codes do not look like ${level} codes (${prefixes.join('/')}…), e.g. ${JSON.stringify(example.code)}`,
      location: { file, field: property ?? 'id', value: example.code },
      fix: 'give the --level that matches the file, or choose the code property with --code-property',
    });
  }
  if (level === 'lsoa11') {
    const newer = areas.find((a) => is2021OnlyCode(a.code));
    if (newer !== undefined)
      throw new SvdError({
        kind: 'usage',
        code: 'LEVEL_MISMATCH',
        message: `code ${newer.code} was created in 2021, so these are 2021 LSOAs`,
        location: { file, value: newer.code },
        fix: 'load the file with --level lsoa21',
      });
  }
}

export async function loadBoundaries(
  ws: Workspace,
  paths: readonly string[],
  options: LoadBoundariesOptions,
): Promise<LoadBoundariesReport> {
  const clock = options.clock ?? systemClock;
  const { level, reporter } = options;
  if (paths.length === 0)
    throw new SvdError({
      kind: 'usage',
      code: 'NO_FILES',
      message: 'no boundary files given',
      fix: 'give one or more .geojson or .topojson files',
    });
  const all: PreparedArea[] = [];
  const reports: BoundaryFileReport[] = [];
  const identities: FileIdentity[] = [];
  let done = 0;
  for (const path of paths) {
    const file = readBoundaryFile(path, options.expansionLimits);
    const choice = chooseProperties(path, file.features, level, {
      ...(options.codeProperty === undefined ? {} : { code: options.codeProperty }),
      ...(options.nameProperty === undefined ? {} : { name: options.nameProperty }),
    });
    const { areas, multi } = prepareFile(file, choice);
    checkLevel(level, path, areas, choice.code.property ?? null);
    all.push(...areas);
    const identity = identifyFile(path, file.bytes);
    identities.push(identity);
    reports.push({
      file: path,
      format: file.format,
      crs: file.crs,
      crsBasis: file.crsBasis,
      features: areas.length,
      multiPolygons: multi,
      codeProperty: choice.code.property ?? null,
      nameProperty: choice.name.property ?? null,
      sha256: identity.sha256,
      batchId: null,
    });
    const codeText =
      choice.code.source === 'feature-id'
        ? 'codes from the feature ids'
        : `codes from property ${choice.code.property}${choice.code.source === 'option' ? ' (as given)' : ''}`;
    const nameText =
      choice.name.property === undefined
        ? 'no name property found'
        : `names from ${choice.name.property}`;
    reporter.info(
      `${path}: ${areas.length.toLocaleString('en-GB')} ${level} areas (${file.format}, ${file.crs === 'wgs84' ? 'WGS84' : 'British National Grid'}${file.crsBasis === 'crs-member' ? ` per its crs member` : ', judged from the coordinates'}); ${codeText}, ${nameText}`,
    );
    reporter.progress({
      label: 'reading boundaries',
      done: ++done,
      total: paths.length,
      unit: 'files',
    });
  }
  reporter.endProgress();
  const seen = new Map<string, PreparedArea>();
  for (const a of all) {
    const twin = seen.get(a.code);
    if (twin !== undefined)
      throw new SvdError({
        kind: 'input',
        code: 'DUPLICATE_AREA',
        message: `area ${a.code} appears twice: feature ${twin.position} of ${twin.file} and feature ${a.position} of ${a.file}`,
        location: { file: a.file, value: a.code },
        fix: 'load each area once (remove the repeated file, or merge the parts into one MultiPolygon)',
      });
    seen.set(a.code, a);
  }
  const kind = boundaryKind(level);
  const already = await activeHashes(ws, kind);
  const incoming = identities.map((i) => i.sha256).sort();
  if (already.length === incoming.length && already.every((h, i) => h === incoming[i])) {
    reporter.info(`these ${level} boundaries are already loaded; nothing changed`);
    return {
      level,
      status: 'already-loaded',
      areas: all.length,
      files: reports,
      supersededBatches: [],
      geography: null,
    };
  }
  return ws.db.transaction(async () => {
    const superseded = await supersedeBatches(ws, kind);
    await ws.db.run(`DELETE FROM geo_areas WHERE level = $level AND source = 'boundary'`, {
      level,
    });
    const byFile = new Map<string, number>();
    for (let i = 0; i < identities.length; i++) {
      const id = await recordReferenceBatch(ws, {
        kind,
        file: identities[i]!,
        rowsRead: reports[i]!.features,
        rowsStored: reports[i]!.features,
        clock,
      });
      reports[i]!.batchId = id;
      byFile.set(paths[i]!, id);
    }
    const appender = await ws.db.connection.createAppender('geo_areas');
    for (const a of all) {
      appender.appendVarchar(level);
      appender.appendVarchar(a.code);
      if (a.name === null) appender.appendNull();
      else appender.appendVarchar(a.name);
      appender.appendVarchar('boundary');
      appender.appendInteger(byFile.get(a.file)!);
      appender.appendDouble(a.shape.minX);
      appender.appendDouble(a.shape.minY);
      appender.appendDouble(a.shape.maxX);
      appender.appendDouble(a.shape.maxY);
      appender.appendDouble(shapeArea(a.shape));
      appender.appendBlob(packShape(a.shape));
      appender.appendVarchar(a.geojson);
      appender.endRow();
    }
    appender.flushSync();
    appender.closeSync();
    if (superseded.length > 0)
      reporter.info(`replaced the earlier ${level} boundaries (batch ${superseded.join(', ')})`);
    const geography = await rebuildGeography(ws, { reporter, clock });
    return {
      level,
      status: 'loaded' as const,
      areas: all.length,
      files: reports,
      supersededBatches: superseded,
      geography,
    };
  });
}
