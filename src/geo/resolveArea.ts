/**
 * Areas as a person types them: `--area` given a bare code or name of any level (or LEVEL=VALUE),
 * resolved to one area or refused with the candidates; and filters on area dimensions
 * (`district=Oxford`, `csp_code=oxford`, `force=thames-valley`) checked against the areas the
 * workspace knows, so that a misspelt name or a code given to a name dimension is an error with
 * the nearest names, not an empty selection.
 */
import { SvdError, usageError } from '../core/errors.js';
import type { Reporter } from '../core/reporter.js';
import { didYouMean, suggest } from '../core/suggest.js';
import type { CountFilter } from '../core/dimension.js';
import type { Workspace } from '../store/openWorkspace.js';
import { PARENT_LEVELS } from './levels.js';

/** Levels `--area` searches, in the order candidates are listed. */
export const AREA_OPTION_LEVELS = [
  'csp',
  'district',
  'force',
  'ward',
  'msoa',
  'lsoa21',
  'lsoa11',
] as const;

export interface AreaMatch {
  level: string;
  code: string;
  name: string | null;
}

export interface ResolvedArea extends AreaMatch {
  /** The filter selecting the area's incidents. */
  filter: CountFilter;
}

const label = (a: AreaMatch): string =>
  `${a.level} ${a.name ?? a.code}${a.name === null ? '' : ` (${a.code})`}`;

/** The dimension that selects an area of a level by its code. */
export function areaCodeDimension(level: string): string {
  return level === 'lsoa11' || level === 'lsoa21' ? level : `${level}_code`;
}

async function areasMatching(
  ws: Workspace,
  value: string,
  levels: readonly string[],
): Promise<AreaMatch[]> {
  const rows = await ws.db.all<AreaMatch & { by_code: boolean }>(
    `SELECT DISTINCT level, code, name, code = $v AS by_code FROM geo_area_list
      WHERE (code = $v OR lower(name) = lower($v))`,
    { v: value },
  );
  const order = (l: string): number => levels.indexOf(l);
  return rows
    .filter((r) => levels.includes(r.level))
    .sort((a, b) => order(a.level) - order(b.level) || a.code.localeCompare(b.code));
}

/** Names and codes of the areas of some levels, for "did you mean". */
async function areaLabels(ws: Workspace, levels: readonly string[]): Promise<string[]> {
  const rows = await ws.db.all<{ level: string; code: string; name: string | null }>(
    `SELECT level, code, name FROM geo_area_list ORDER BY code`,
  );
  const out: string[] = [];
  for (const level of levels)
    for (const r of rows)
      if (r.level === level) {
        if (r.name !== null) out.push(r.name);
        out.push(r.code);
      }
  return [...new Set(out)];
}

/**
 * `--area VALUE`: a code or name of any level, or `LEVEL=VALUE`. A value that is exactly one
 * area's code is that area (announced when a name of another area reads the same); else the one
 * area of that name; several are refused with the candidates, none with the nearest names.
 */
export async function resolveAreaOption(
  ws: Workspace,
  text: string,
  reporter: Reporter,
): Promise<ResolvedArea> {
  const eq = text.indexOf('=');
  let levels: readonly string[] = AREA_OPTION_LEVELS;
  let value = text.trim();
  if (eq >= 0) {
    const level = text
      .slice(0, eq)
      .trim()
      .replace(/_code$/, '');
    value = text.slice(eq + 1).trim();
    if (!(AREA_OPTION_LEVELS as readonly string[]).includes(level))
      throw usageError(
        'BAD_AREA',
        `--area ${JSON.stringify(text)}: "${level}" is not an area level`,
        `use a bare code or name (e.g. --area Oxford, --area E07000178), or LEVEL=VALUE with one of ${AREA_OPTION_LEVELS.join(', ')}`,
      );
    levels = [level];
  }
  if (value === '')
    throw usageError('BAD_AREA', '--area needs a code or name', 'e.g. --area Oxford');
  const matches = await areasMatching(ws, value, levels);
  const byCode = matches.filter((m) => m.code === value);
  const chosen =
    byCode.length === 1
      ? byCode[0]!
      : byCode.length === 0 && matches.length === 1
        ? matches[0]!
        : undefined;
  if (chosen !== undefined) {
    const others = matches.filter((m) => m !== chosen);
    reporter.info(
      `--area ${text}: ${label(chosen)}${others.length === 0 ? '' : `, by its code; also named so: ${others.map((o) => `${label(o)} (--area ${o.level}=${o.code})`).join(', ')}`}`,
    );
    return {
      ...chosen,
      filter: { dimension: areaCodeDimension(chosen.level), values: [chosen.code] },
    };
  }
  if (matches.length > 1) {
    const candidates = byCode.length > 1 ? byCode : matches;
    throw new SvdError({
      kind: 'usage',
      code: 'AMBIGUOUS_AREA',
      message: `--area ${JSON.stringify(text)} names ${candidates.length} areas: ${candidates.map(label).join('; ')}`,
      fix: `say which: ${candidates.map((c) => `--area ${c.level}=${c.code}`).join(' or ')}`,
    });
  }
  const known = await areaLabels(ws, levels);
  if (known.length === 0)
    throw new SvdError({
      kind: 'workspace',
      code: 'NO_AREAS',
      message: `--area ${JSON.stringify(text)}: the workspace holds no ${eq >= 0 ? `${levels[0]!} ` : ''}areas`,
      fix: 'load boundaries, lookups or a partnership configuration first (svd geo --help)',
    });
  throw usageError(
    'UNKNOWN_AREA',
    `--area ${JSON.stringify(text)}: no area of that code or name in this workspace${didYouMean(suggest(value, known))}`,
    `list the areas with svd areas list --level ${levels.length === 1 ? levels[0]! : 'district'} (or ${AREA_OPTION_LEVELS.filter((l) => l !== 'district').join(', ')})`,
  );
}

/** The level and kind (name or code) of an area dimension, or undefined for other dimensions. */
function areaDimension(
  dimension: string,
): { level: string; kind: 'name' | 'code' | 'slug' } | undefined {
  // `force` is the publishing force's police.uk slug (i.force), not the placed force area.
  if (dimension === 'force') return { level: 'force', kind: 'slug' };
  if ((PARENT_LEVELS as readonly string[]).includes(dimension))
    return { level: dimension, kind: 'name' };
  const code = /^(.+)_code$/.exec(dimension)?.[1];
  if (code !== undefined && (PARENT_LEVELS as readonly string[]).includes(code))
    return { level: code, kind: 'code' };
  return undefined;
}

/** The values a filter on this area dimension can match: the areas known, and those present. */
async function knownValues(
  ws: Workspace,
  level: string,
  kind: 'name' | 'code' | 'slug',
): Promise<{ values: string[]; names: Map<string, string> }> {
  if (kind === 'slug') {
    const rows = await ws.db.allMemo<{ v: string }>(
      `SELECT DISTINCT force AS v FROM incidents WHERE force IS NOT NULL ORDER BY 1`,
    );
    return { values: rows.map((r) => r.v), names: new Map() };
  }
  const listed = await ws.db.allMemo<{ code: string; name: string | null }>(
    `SELECT code, name FROM geo_area_list WHERE level = $level ORDER BY code`,
    { level },
  );
  const present = await ws.db.allMemo<{ code: string }>(
    `SELECT DISTINCT area_code AS code FROM geo_memberships WHERE level = $level ORDER BY 1`,
    { level },
  );
  const names = new Map(listed.map((r) => [r.code, r.name ?? r.code]));
  for (const p of present) if (!names.has(p.code)) names.set(p.code, p.code);
  return {
    values: kind === 'code' ? [...names.keys()] : [...new Set(names.values())],
    names,
  };
}

/**
 * Refuses a filter on an area dimension whose value matches no area the workspace knows, naming
 * the dimension, the value, the nearest names, and the right dimension when the value is a code
 * given to a name dimension (or a name to a code one, or an area of another level).
 */
export async function checkAreaFilters(
  ws: Workspace,
  filters: readonly CountFilter[],
): Promise<void> {
  for (const filter of filters) {
    const dim = areaDimension(filter.dimension);
    if (dim === undefined || filter.range !== undefined) continue;
    const values = filter.values.filter((v): v is string => v !== null);
    if (values.length === 0) continue;
    const known = await knownValues(ws, dim.level, dim.kind);
    const knownSet = new Set(known.values);
    for (const value of values) {
      if (knownSet.has(value)) continue;
      const where = `--where ${filter.dimension}=${value}`;
      if (known.values.length === 0)
        throw new SvdError({
          kind: 'workspace',
          code: 'NO_AREAS',
          message: `${where}: the workspace knows no ${dim.level} areas, so nothing can match`,
          fix:
            dim.kind === 'slug'
              ? 'ingest police.uk data first (svd ingest police-uk --help)'
              : `load ${dim.level} boundaries or lookups first (svd geo --help)`,
        });
      const elsewhere = (await areasMatching(ws, value, AREA_OPTION_LEVELS)).filter(
        (m) => !(dim.kind !== 'code' && m.level === dim.level && m.name === value),
      );
      const hints = elsewhere.slice(0, 3).map((m) => {
        const isCode = m.code === value;
        const right = isCode ? areaCodeDimension(m.level) : m.level;
        const rightValue = isCode ? m.code : (m.name ?? m.code);
        return `${value} is ${isCode ? `a ${m.level} code` : `the name of ${m.level} ${m.code}`}: use --where ${right}=${rightValue} or --area ${isCode || elsewhere.length === 1 ? value : `${m.level}=${m.code}`}`;
      });
      const nearest = suggest(value, known.values);
      const what =
        dim.kind === 'code'
          ? `no ${dim.level} with that code`
          : dim.kind === 'slug'
            ? 'no records of that force (the police.uk force slug, e.g. thames-valley)'
            : `no ${dim.level} of that name`;
      throw usageError(
        'UNKNOWN_AREA',
        `${where}: ${what} in this workspace${didYouMean(nearest)}`,
        hints.length > 0
          ? hints.join('; ')
          : `list them with svd areas list --level ${dim.level}${dim.kind === 'slug' ? ' (or svd coverage for the forces with data)' : ''}`,
      );
    }
  }
}
