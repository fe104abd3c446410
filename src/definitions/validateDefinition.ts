/**
 * Checks of a definition beyond its shape: every code, group, statute and crime type must be
 * known; ids must be unique; and a rule must be able to match something. Whether a rule can
 * match is decided by a small abstract evaluation of its conditions (the offence codes, statutes,
 * … it allows; the flags it needs; the age range it accepts), precise enough to catch
 * contradictions such as a code list and a group with no code in common, a flag required both
 * set and unset, or a rule whose every offence is removed by an exclusion.
 */
import { normaliseOffenceCode, readOffenceSubcode } from '../core/offenceSubcode.js';
import { didYouMean, suggest } from '../core/suggest.js';
import { STATUTES } from '../core/vocabulary.js';
import { HISTORIC_CRIME_TYPES, STREET_CRIME_TYPES } from '../sources/police-uk/formats.js';
import {
  ageRange,
  conditionNode,
  MAX_SLOTS,
  nodeMatcher,
  type CompiledNode,
} from './compileDefinition.js';
import { formatPath, type Path } from './definitionFile.js';
import type { OffenceCodeTable } from '../core/offenceCodes.js';
import { offenceSubcodes } from '../core/offenceSubcodes.js';
import type { DefinitionIssue } from './definitionFile.js';
import {
  CONDITION_KEYS,
  ICD10_PATTERN,
  RESERVED_TIER_IDS,
  type Condition,
  type DefinitionFile,
  type Rule,
} from './schema.js';

const CRIME_TYPES = [...new Set([...STREET_CRIME_TYPES, ...HISTORIC_CRIME_TYPES])];

type Issue = Omit<DefinitionIssue, 'message'> & { message: string };

function issue(
  severity: DefinitionIssue['severity'],
  code: string,
  path: Path,
  message: string,
  value?: string,
): Issue {
  return {
    severity,
    code,
    path,
    message: `${path.length === 0 ? '(top level)' : formatPath(path)}: ${message}`,
    ...(value === undefined ? {} : { value }),
  };
}

// ------------------------------------------------------------------ abstract evaluation

interface ValueSet {
  kind: 'in' | 'notin';
  values: Set<string>;
}

/** An over-approximation of the records a condition can match. */
interface Possible {
  /** Why nothing can match, or null. */
  empty: string | null;
  sets: Map<string, ValueSet>;
  flags: Map<string, boolean>;
  ages: Map<string, { min: number; max: number }>;
  /** True when the constraint says exactly what the condition says (needed to negate it). */
  exact: boolean;
}

const anything = (exact: boolean): Possible => ({
  empty: null,
  sets: new Map(),
  flags: new Map(),
  ages: new Map(),
  exact,
});

const FIELD_WORDS: Record<string, string> = {
  offence_code: 'offence code',
  offence_subcode: 'offence sub-code',
  statute: 'statute',
  crime_type: 'crime type',
  'offence_description#lower': 'offence description',
  victim_sex: 'victim sex',
  suspect_sex: 'suspect sex',
  location_type: 'location type',
};

function intersectSets(a: ValueSet, b: ValueSet): ValueSet {
  if (a.kind === 'in' && b.kind === 'in')
    return { kind: 'in', values: new Set([...a.values].filter((v) => b.values.has(v))) };
  if (a.kind === 'in')
    return { kind: 'in', values: new Set([...a.values].filter((v) => !b.values.has(v))) };
  if (b.kind === 'in') return intersectSets(b, a);
  return { kind: 'notin', values: new Set([...a.values, ...b.values]) };
}

function unionSets(a: ValueSet, b: ValueSet): ValueSet {
  if (a.kind === 'in' && b.kind === 'in')
    return { kind: 'in', values: new Set([...a.values, ...b.values]) };
  if (a.kind === 'in')
    return { kind: 'notin', values: new Set([...b.values].filter((v) => !a.values.has(v))) };
  if (b.kind === 'in') return unionSets(b, a);
  return { kind: 'notin', values: new Set([...a.values].filter((v) => b.values.has(v))) };
}

function intersect(a: Possible, b: Possible): Possible {
  if (a.empty !== null) return a;
  if (b.empty !== null) return b;
  const out = anything(a.exact && b.exact);
  for (const [k, v] of a.sets) out.sets.set(k, v);
  for (const [k, v] of b.sets) {
    const prev = out.sets.get(k);
    const next = prev === undefined ? v : intersectSets(prev, v);
    out.sets.set(k, next);
    if (next.kind === 'in' && next.values.size === 0)
      return { ...out, empty: `no ${FIELD_WORDS[k] ?? k} satisfies every part of it` };
  }
  for (const [k, v] of a.flags) out.flags.set(k, v);
  for (const [k, v] of b.flags) {
    if (out.flags.has(k) && out.flags.get(k) !== v)
      return { ...out, empty: `it needs the ${k.replace(/_/g, ' ')} flag both set and not set` };
    out.flags.set(k, v);
  }
  for (const [k, v] of a.ages) out.ages.set(k, v);
  for (const [k, v] of b.ages) {
    const prev = out.ages.get(k);
    const next =
      prev === undefined ? v : { min: Math.max(prev.min, v.min), max: Math.min(prev.max, v.max) };
    if (next.min > next.max) return { ...out, empty: `its ${k} age ranges do not overlap` };
    out.ages.set(k, next);
  }
  return out;
}

function union(members: Possible[]): Possible {
  const live = members.filter((m) => m.empty === null);
  if (live.length === 0) return { ...anything(false), empty: 'none of its alternatives can match' };
  if (live.length === 1) return live[0]!;
  const out = anything(false);
  const [first, ...rest] = live as [Possible, ...Possible[]];
  for (const [k, v] of first.sets) {
    let acc: ValueSet | undefined = v;
    for (const m of rest) {
      const other = m.sets.get(k);
      acc = other === undefined || acc === undefined ? undefined : unionSets(acc, other);
    }
    if (acc !== undefined) out.sets.set(k, acc);
  }
  for (const [k, v] of first.flags)
    if (rest.every((m) => m.flags.get(k) === v)) out.flags.set(k, v);
  for (const [k, v] of first.ages) {
    if (!rest.every((m) => m.ages.has(k))) continue;
    out.ages.set(k, {
      min: Math.min(v.min, ...rest.map((m) => m.ages.get(k)!.min)),
      max: Math.max(v.max, ...rest.map((m) => m.ages.get(k)!.max)),
    });
  }
  return out;
}

function negate(child: Possible): Possible {
  if (child.empty !== null) return anything(true);
  const onlySet =
    child.exact && child.sets.size === 1 && child.flags.size === 0 && child.ages.size === 0;
  if (onlySet) {
    const [key, set] = [...child.sets][0]!;
    const out = anything(true);
    out.sets.set(key, { kind: set.kind === 'in' ? 'notin' : 'in', values: set.values });
    if (set.kind === 'notin' && set.values.size === 0)
      return { ...out, empty: 'it negates a condition that every record meets' };
    return out;
  }
  if (child.exact && child.sets.size === 0 && child.flags.size === 0 && child.ages.size === 0)
    return { ...anything(false), empty: 'it negates a condition that every record meets' };
  return anything(false);
}

interface Analysis {
  possible: Possible;
  /** Offence codes with which a record certainly matches, whatever its other fields. */
  certainCodes: Set<string>;
}

/** Analyses a node, reporting each node that can never match though all its parts can. */
function analyse(node: CompiledNode, report: (path: Path, why: string) => void): Analysis {
  switch (node.kind) {
    case 'test': {
      const t = node.test;
      if (t.kind === 'in') {
        const p = anything(true);
        const key = t.caseless ? `${t.field}#lower` : t.field;
        p.sets.set(key, { kind: 'in', values: new Set(t.values) });
        if (t.values.length === 0) p.empty = `no ${FIELD_WORDS[key] ?? key} is listed`;
        return {
          possible: p,
          certainCodes: t.field === 'offence_code' ? new Set(t.values) : new Set(),
        };
      }
      if (t.kind === 'flag') {
        const p = anything(true);
        p.flags.set(t.flag, t.value);
        return { possible: p, certainCodes: new Set() };
      }
      if (t.kind === 'age') {
        const p = anything(false);
        p.ages.set(t.who, { min: t.min ?? 0, max: t.max ?? Number.MAX_SAFE_INTEGER });
        return { possible: p, certainCodes: new Set() };
      }
      return { possible: anything(false), certainCodes: new Set() };
    }
    case 'all': {
      const parts = node.children.map((c) => analyse(c, report));
      let possible = anything(true);
      for (const p of parts) possible = intersect(possible, p.possible);
      if (possible.empty !== null && parts.every((p) => p.possible.empty === null))
        report(node.path, possible.empty);
      let certain: Set<string> | undefined;
      for (const p of parts)
        certain =
          certain === undefined
            ? p.certainCodes
            : new Set([...certain].filter((c) => p.certainCodes.has(c)));
      return { possible, certainCodes: certain ?? new Set() };
    }
    case 'any': {
      const parts = node.children.map((c) => analyse(c, report));
      parts.forEach((p, i) => {
        if (p.possible.empty !== null && node.children[i]!.kind === 'test')
          report(node.children[i]!.path, p.possible.empty);
      });
      return {
        possible: union(parts.map((p) => p.possible)),
        certainCodes: new Set(parts.flatMap((p) => [...p.certainCodes])),
      };
    }
    case 'not': {
      const child = analyse(node.child, report);
      const possible = negate(child.possible);
      if (possible.empty !== null && child.possible.empty === null)
        report(node.path, possible.empty);
      return { possible, certainCodes: new Set() };
    }
  }
}

// ------------------------------------------------------------------ value checks

function visitConditions(
  condition: Condition,
  path: Path,
  fn: (condition: Condition, path: Path) => void,
): void {
  fn(condition, path);
  condition.all?.forEach((c, i) => visitConditions(c, [...path, 'all', i], fn));
  condition.any?.forEach((c, i) => visitConditions(c, [...path, 'any', i], fn));
  if (condition.not !== undefined) visitConditions(condition.not, [...path, 'not'], fn);
}

function checkValues(
  condition: Condition,
  path: Path,
  table: OffenceCodeTable,
  out: Issue[],
): void {
  const isRule = 'id' in condition;
  if (!CONDITION_KEYS.some((k) => (condition as Record<string, unknown>)[k] !== undefined)) {
    out.push(
      issue(
        'error',
        'EMPTY_CONDITION',
        path,
        isRule
          ? 'the rule has no condition, so it would match every record; give it codes, flags or another test'
          : 'an empty condition matches every record; remove it, or give it codes, flags or another test',
      ),
    );
  }
  const duplicates = (key: string, list: readonly string[]): void => {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      if (seen.has(v))
        out.push(
          issue(
            'warning',
            'DUPLICATE_VALUE',
            [...path, key, i],
            `${JSON.stringify(v)} is listed twice`,
            v,
          ),
        );
      seen.add(v);
    });
  };
  if (condition.codes !== undefined) {
    const known = condition.codes.map((c) => table.byCode(c)).filter((c) => c !== undefined);
    const siblings = new Set(known.map((c) => c.subgroup));
    const candidates = table.codes.map((c) => c.code);
    const rank = (code: string): number => {
      const c = table.byCode(code)!;
      return (
        (c.inForceTo === null ? 0 : 4) +
        (siblings.has(c.subgroup) ? 0 : 2) +
        (c.certainty === 'confident' ? 0 : 1)
      );
    };
    condition.codes.forEach((code, i) => {
      if (table.byCode(code) !== undefined) return;
      const close = suggest(code, candidates, { rank });
      const best = close.filter((c) => rank(c) === rank(close[0] ?? ''));
      out.push(
        issue(
          'error',
          'UNKNOWN_OFFENCE_CODE',
          [...path, 'codes', i],
          `unknown Home Office offence code ${JSON.stringify(code)}${didYouMean(best)}`,
          code,
        ),
      );
    });
    duplicates('codes', condition.codes);
  }
  if (condition.subcodes !== undefined) checkSubcodes(condition, path, out);
  const named = (
    key: 'offence_groups' | 'offence_subgroups' | 'statutes' | 'crime_types',
    known: readonly string[],
    code: string,
    noun: string,
  ): void => {
    const list = condition[key];
    if (list === undefined) return;
    list.forEach((value, i) => {
      if (known.includes(value)) return;
      out.push(
        issue(
          'error',
          code,
          [...path, key, i],
          `unknown ${noun} ${JSON.stringify(value)}${didYouMean(suggest(value, known, { limit: 1 }))}; known: ${known.join(', ')}`,
          value,
        ),
      );
    });
    duplicates(key, list);
  };
  named('offence_groups', table.groups(), 'UNKNOWN_OFFENCE_GROUP', 'offence group');
  named('offence_subgroups', table.subgroups(), 'UNKNOWN_OFFENCE_SUBGROUP', 'offence subgroup');
  named('statutes', Object.keys(STATUTES), 'UNKNOWN_STATUTE', 'statute');
  named('crime_types', CRIME_TYPES, 'UNKNOWN_CRIME_TYPE', 'police.uk crime type');
  condition.icd10_causes?.forEach((code, i) => {
    if (!ICD10_PATTERN.test(code))
      out.push(
        issue(
          'error',
          'BAD_ICD10',
          [...path, 'icd10_causes', i],
          `${JSON.stringify(code)} is not an ICD-10 code; write a letter, two digits and an optional decimal part, e.g. X99 or X99.1`,
          code,
        ),
      );
  });
  if (condition.flags !== undefined && Object.values(condition.flags).every((v) => v === undefined))
    out.push(
      issue(
        'error',
        'EMPTY_LIST',
        [...path, 'flags'],
        'no flag is given; name at least one (e.g. knife: true), or remove flags',
      ),
    );
  for (const who of ['victim_age', 'suspect_age'] as const) {
    const value = condition[who];
    if (value === undefined) continue;
    if (ageRange(value) !== undefined) continue;
    const message =
      typeof value === 'string'
        ? `${JSON.stringify(value)} is not an age band; write "0-24" (both ends included) or "25+"`
        : value.min === undefined && value.max === undefined
          ? 'give min, max or both'
          : `min ${value.min} is above max ${value.max}, so no age fits; swap them`;
    out.push(
      issue(
        'error',
        'BAD_AGE_RANGE',
        [...path, who],
        message,
        typeof value === 'string' ? value : undefined,
      ),
    );
  }
}

/**
 * Sub-codes: one that cannot be read is refused; one written in another form (008/01) is read
 * and the canonical form suggested; one missing from the reference table, or recorded under a
 * class other than the codes beside it, is warned (the table is partial, and a force may record
 * a sub-code under an unexpected class, so neither is refused).
 */
function checkSubcodes(condition: Condition, path: Path, out: Issue[]): void {
  const table = offenceSubcodes();
  const known = table.subcodes.map((s) => s.subcode);
  const seen = new Map<string, string>();
  (condition.subcodes ?? []).forEach((value, i) => {
    const at = [...path, 'subcodes', i];
    const read = readOffenceSubcode(value);
    if (!('subcode' in read)) {
      const asCode = normaliseOffenceCode(value);
      out.push(
        issue(
          'error',
          'BAD_OFFENCE_SUBCODE',
          at,
          `${JSON.stringify(value)} ${read.reason}; ${
            asCode === undefined
              ? read.fix
              : `to match the class, write codes: [${JSON.stringify(asCode)}]; a sub-code is written as the class number and sub-classification, e.g. 8/1`
          }`,
          value,
        ),
      );
      return;
    }
    const canonical = read.subcode;
    if (value !== canonical)
      out.push(
        issue(
          'warning',
          'NON_CANONICAL_SUBCODE',
          at,
          `${JSON.stringify(value)} is read as ${canonical}; write it as "${canonical}" (the form svd stores)`,
          value,
        ),
      );
    const first = seen.get(canonical);
    if (first !== undefined)
      out.push(
        issue(
          'warning',
          'DUPLICATE_VALUE',
          at,
          `${JSON.stringify(value)} is the same sub-code as ${JSON.stringify(first)} (${canonical})`,
          value,
        ),
      );
    seen.set(canonical, value);
    const entry = table.bySubcode(canonical);
    if (entry === undefined) {
      // Suggest among the sub-codes of the condition's classes, else of the same class number.
      const ofCodes = table.subcodes
        .filter((t) => t.class !== null && (condition.codes ?? []).includes(t.class))
        .map((t) => t.subcode);
      const sameClass =
        ofCodes.length > 0
          ? ofCodes
          : known.filter((k) => k.split('/')[0] === canonical.split('/')[0]);
      out.push(
        issue(
          'warning',
          'UNKNOWN_OFFENCE_SUBCODE',
          at,
          `sub-code ${canonical} is not in svd's sub-code table (reference/home-office-offence-subcodes.csv), so it cannot be checked or named${didYouMean(suggest(canonical, sameClass.length > 0 ? sameClass : known))}; check it against the Home Office Counting Rules`,
          value,
        ),
      );
      return;
    }
    const codes = condition.codes;
    if (entry.class !== null && codes !== undefined && !codes.includes(entry.class))
      out.push(
        issue(
          'warning',
          'SUBCODE_OUTSIDE_CODES',
          at,
          `sub-code ${canonical} (${entry.name}) is recorded under class ${entry.class}, which is not among this condition's codes (${codes.join(', ')}), so only a record with an unexpected class can match both; add ${entry.class} to codes or check the sub-code`,
          value,
        ),
      );
  });
}

// ------------------------------------------------------------------ the definition

export function validateDefinition(
  file: DefinitionFile,
  table: OffenceCodeTable,
): DefinitionIssue[] {
  const out: Issue[] = [];
  const tierIds = new Map<string, number>();
  file.tiers.forEach((tier, t) => {
    const path = ['tiers', t, 'id'];
    if ((RESERVED_TIER_IDS as readonly string[]).includes(tier.id))
      out.push(
        issue(
          'error',
          'RESERVED_TIER_ID',
          path,
          `"${tier.id}" cannot name a tier: counts use it for records in no tier (reserved: ${RESERVED_TIER_IDS.join(', ')}); choose another id`,
          tier.id,
        ),
      );
    const first = tierIds.get(tier.id);
    if (first !== undefined)
      out.push(
        issue(
          'error',
          'DUPLICATE_TIER_ID',
          path,
          `tier id "${tier.id}" is already used by tiers[${first}]; tier ids must be unique`,
          tier.id,
        ),
      );
    else tierIds.set(tier.id, t);
  });

  const rules: { rule: Rule; path: Path; exclusion: boolean }[] = [
    ...file.tiers.flatMap((tier, t) =>
      tier.rules.map((rule, r) => ({ rule, path: ['tiers', t, 'rules', r], exclusion: false })),
    ),
    ...(file.exclusions ?? []).map((rule, r) => ({
      rule,
      path: ['exclusions', r],
      exclusion: true,
    })),
  ];
  if (rules.length > MAX_SLOTS)
    out.push(
      issue(
        'error',
        'TOO_MANY_RULES',
        [],
        `${rules.length} rules and exclusions; at most ${MAX_SLOTS} are supported. Merge rules that mean the same thing (one rule can list many codes)`,
      ),
    );
  const ruleIds = new Map<string, Path>();
  for (const { rule, path } of rules) {
    const first = ruleIds.get(rule.id);
    if (first !== undefined)
      out.push(
        issue(
          'error',
          'DUPLICATE_RULE_ID',
          [...path, 'id'],
          `rule id "${rule.id}" is already used at ${formatPath(first)}; rule ids must be unique within a definition`,
          rule.id,
        ),
      );
    else ruleIds.set(rule.id, path);
  }

  // Values first; the match analysis runs only on rules whose values are all known.
  const clean = rules.filter(({ rule, path }) => {
    const before = out.filter((i) => i.severity === 'error').length;
    visitConditions(rule, path, (condition, p) => checkValues(condition, p, table, out));
    return out.filter((i) => i.severity === 'error').length === before;
  });

  const analysed = clean.map(({ rule, path, exclusion }) => {
    const node = conditionNode(rule, path, table);
    const reported: Path[] = [];
    const analysis = analyse(node, (p, why) => {
      reported.push(p);
      out.push(
        issue(
          'error',
          'NEVER_MATCHES',
          p,
          `${p.length === path.length ? 'the rule' : 'this condition'} can never match: ${why}`,
        ),
      );
    });
    if (analysis.possible.empty !== null && reported.length === 0)
      out.push(
        issue(
          'error',
          'NEVER_MATCHES',
          path,
          `the rule can never match: ${analysis.possible.empty}`,
        ),
      );
    if (nodeMatcher(node)({}))
      out.push(
        issue(
          'warning',
          'BROAD_RULE',
          path,
          'the rule matches records that carry none of its fields (it is made of `not` conditions); combine it with a positive test such as codes',
        ),
      );
    return { rule, path, exclusion, analysis };
  });

  const excludedCodes = new Map<string, string>();
  for (const a of analysed.filter((x) => x.exclusion))
    for (const code of a.analysis.certainCodes)
      if (!excludedCodes.has(code)) excludedCodes.set(code, a.rule.id);
  for (const a of analysed.filter((x) => !x.exclusion && x.analysis.possible.empty === null)) {
    const codes = a.analysis.possible.sets.get('offence_code');
    if (codes === undefined || codes.kind !== 'in' || codes.values.size === 0) continue;
    if (![...codes.values].every((c) => excludedCodes.has(c))) continue;
    const by = [...new Set([...codes.values].map((c) => excludedCodes.get(c)!))];
    out.push(
      issue(
        'error',
        'ALWAYS_EXCLUDED',
        a.path,
        `every offence the rule matches (${[...codes.values].join(', ')}) is removed by the exclusion${by.length === 1 ? '' : 's'} ${by.map((b) => `"${b}"`).join(', ')}, so the rule can never count; remove the rule or narrow the exclusion`,
      ),
    );
  }
  return out;
}
