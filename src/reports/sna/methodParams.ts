/**
 * The analyses' parameters as a reader reads them in the method appendix: each name in words,
 * each value formatted for people (no JSON), how it was chosen; a parameter with the same value
 * and reason in several analyses is listed once, as common to them.
 */
import { formatMonthRange } from '../../core/months.js';
import { formatCount, formatNumber, formatPercent } from '../../analyses/selection/plainWords.js';
import type { ResolvedParam } from '../../api/analyses.js';

export interface ParamRow {
  /** The analyses the row is about (several when common to them). */
  analyses: string[];
  name: string;
  value: string;
  chosen: string;
}

const NAMES: Record<string, string> = {
  selection: 'records analysed',
  from: 'first month',
  to: 'last month',
  coverage: 'months held by source',
  confidence: 'confidence level',
  smallCount: 'small count below',
  timeBasis: 'month of a record',
  trendTest: 'trend test',
  changeTest: 'change test',
  compare: 'periods compared',
  maxSpanHours: 'longest time range spread',
  timeZone: 'time zone',
  under25: 'under 25',
  public: 'public or private place',
  lsoaVintage: 'LSOA vintage',
  attendShare: 'share of assaults attending A&E',
  codes: 'offence codes',
  sites: 'emergency departments',
  siteAreas: 'areas of the emergency departments',
  within: 'areas compared',
};

const DIMENSION_WORDS: Record<string, string> = {
  csp_code: 'partnership',
  district_code: 'district',
  source: 'source',
  tier: 'tier',
  force: 'force',
};

/** A parameter's name in words: "smallCount" → "small count below". */
export function paramName(name: string): string {
  return NAMES[name] ?? camelWords(name);
}

/** "maxSpanHours" → "max span hours"; a name already in words ("LSOA level") is kept. */
const camelWords = (name: string): string =>
  /^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(name)
    ? name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
    : name;

/** Short codes a reader would not know. */
const VALUE_WORDS: Record<string, string> = {
  fdr: 'false discovery rate (Benjamini–Hochberg)',
  bonferroni: 'Bonferroni',
  'forces-with-data': 'the force areas with data',
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const numberWords = (n: number): string => (Number.isInteger(n) ? formatCount(n) : formatNumber(n));

/** A value for people: numbers with separators, lists joined, objects as "key: value" phrases. */
export function paramValue(name: string, value: unknown, unit?: string): string {
  const text = words(name, value);
  if (unit === undefined || value === null) return text;
  return `${text} ${value === 1 && unit.endsWith('s') ? unit.slice(0, -1) : unit}`;
}

function words(name: string, v: unknown): string {
  if (v === null || v === undefined)
    return name === 'maxSpanHours' ? 'no limit' : name === 'definition' ? 'none' : 'none given';
  if (typeof v === 'string') return VALUE_WORDS[v] ?? v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number')
    return name === 'confidence' || name === 'attendShare'
      ? formatPercent(v)
      : name === 'year'
        ? String(v)
        : numberWords(v);
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map((x) => words(name, x)).join(', ');
  if (!isRecord(v)) return String(v);
  // A period.
  const keys = Object.keys(v);
  if (keys.length === 2 && typeof v['from'] === 'string' && typeof v['to'] === 'string')
    return formatMonthRange(v['from'], v['to']);
  // A definition.
  if (typeof v['id'] === 'string' && typeof v['version'] === 'number')
    return `${v['id']}, version ${v['version']}`;
  // A filter of the selection.
  if (typeof v['dimension'] === 'string') {
    const dim = DIMENSION_WORDS[v['dimension']] ?? v['dimension'].replace(/_/g, ' ');
    const range = v['range'];
    if (isRecord(range)) return `${dim} ${words('', range)}`;
    return `${dim} ${words('', v['values'])}`;
  }
  // Areas: a level and its codes.
  if (typeof v['level'] === 'string' && Array.isArray(v['codes']))
    return `${v['level']} ${words('', v['codes'])}${typeof v['basis'] === 'string' ? ` (${words('', v['basis'])})` : ''}`;
  // Months held by a source.
  if (typeof v['source'] === 'string' && typeof v['months'] === 'number')
    return `${v['source']}${typeof v['force'] === 'string' ? ` (${v['force']})` : ''}: ${numberWords(v['months'])} month${v['months'] === 1 ? '' : 's'}${typeof v['first'] === 'string' ? ` from ${formatMonthRange(v['first'], String(v['last']))}` : ''}`;
  // A selection: its period first, then its filters.
  if ('where' in v && ('from' in v || 'to' in v)) {
    const parts = [
      typeof v['from'] === 'string' && typeof v['to'] === 'string'
        ? formatMonthRange(v['from'], v['to'])
        : `${words('', v['from'] ?? 'first month held')} to ${words('', v['to'] ?? 'last month held')}`,
      ...(Array.isArray(v['where']) ? v['where'].map((w) => words('', w)) : []),
      v['definition'] === null || v['definition'] === undefined
        ? 'no definition'
        : `definition ${words('definition', v['definition'])}`,
    ];
    return parts.join('; ');
  }
  return Object.entries(v)
    .map(([k, x]) => `${camelWords(k)} ${words(k, x)}`)
    .join('; ');
}

function chosen(p: ResolvedParam): string {
  return p.automatic
    ? `automatic${p.explanation === undefined ? '' : `: ${p.explanation}`}`
    : 'given';
}

/** The rows of the parameters table: those common to several analyses first. */
export function paramRows(
  params: readonly { analysis: string; params: Record<string, ResolvedParam> }[],
): ParamRow[] {
  const all = params.flatMap((a) =>
    Object.entries(a.params).map(([name, p]) => ({
      analysis: a.analysis,
      name,
      value: paramValue(name, p.value, p.unit),
      chosen: chosen(p),
    })),
  );
  const key = (r: { name: string; value: string; chosen: string }): string =>
    `${r.name}\u0000${r.value}\u0000${r.chosen}`;
  const groups = new Map<string, typeof all>();
  for (const r of all) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  const common: ParamRow[] = [];
  const single: ParamRow[] = [];
  const done = new Set<string>();
  for (const r of all) {
    const k = key(r);
    const group = groups.get(k)!;
    if (group.length > 1) {
      if (done.has(k)) continue;
      done.add(k);
      common.push({
        analyses: group.map((g) => g.analysis),
        name: paramName(r.name),
        value: r.value,
        chosen: r.chosen,
      });
    } else
      single.push({
        analyses: [r.analysis],
        name: paramName(r.name),
        value: r.value,
        chosen: r.chosen,
      });
  }
  return [...common, ...single];
}
