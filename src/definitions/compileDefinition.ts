/**
 * A validated definition compiles once into a tree of tests, and from that tree into two
 * evaluators that must agree record for record (a property test holds them to it):
 *
 * - one SQL expression over the `incidents` table, evaluated inside DuckDB, giving each record a
 *   bit mask of the rules it matched (and a tier, as one CASE expression);
 * - a TypeScript matcher giving the same mask for a record held in memory.
 *
 * Each rule and exclusion is a "slot" with its own bit; bit 0 says whether the record carries any
 * field the definition reads. The mask decodes into the record's tier, every tier it is in, the
 * rules it matched and the exclusions that removed it (`decodeMask`), by one function shared by
 * both paths.
 *
 * Every test is two-valued: a field that is null (not known) fails the test rather than making
 * it unknown, so `not` means the same in SQL and in TypeScript.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { SvdError } from '../core/errors.js';
import { normaliseOffenceSubcode } from '../core/offenceSubcode.js';
import { LOCATION_TYPES, flagColumn, parseAgeBand, type IncidentFlag } from '../core/vocabulary.js';
import type { IncidentRecord, FlagField, RecordField } from './incidentRecord.js';
import { INCIDENT_COLUMNS } from './incidentRecord.js';
import { offenceCodes, type OffenceCodeTable } from '../core/offenceCodes.js';
import { formatPath, type Definition, type Path } from './definitionFile.js';
import { MATCHER_NAMES, type Condition, type MatcherName, type Rule } from './schema.js';

type TextField = Exclude<RecordField, FlagField | 'victim_age' | 'suspect_age'>;

export type Test =
  | {
      kind: 'in';
      matcher: MatcherName;
      field: TextField;
      /** The values as written in the definition (a group or subgroup name, codes…). */
      given: readonly string[];
      /** The values compared with the field (codes of a group; lower case when caseless). */
      values: readonly string[];
      caseless: boolean;
    }
  | {
      kind: 'contains';
      matcher: MatcherName;
      field: 'offence_description';
      terms: readonly string[];
    }
  | { kind: 'prefix'; matcher: MatcherName; field: 'icd10_cause'; prefixes: readonly string[] }
  | { kind: 'flag'; matcher: 'flags'; flag: IncidentFlag; field: FlagField; value: boolean }
  | {
      kind: 'age';
      matcher: 'victim_age' | 'suspect_age';
      who: 'victim' | 'suspect';
      min: number | null;
      max: number | null;
      given: string;
    };

export type CompiledNode =
  | { kind: 'test'; test: Test; path: Path }
  | { kind: 'all'; children: CompiledNode[]; path: Path }
  | { kind: 'any'; children: CompiledNode[]; path: Path }
  | { kind: 'not'; child: CompiledNode; path: Path };

export interface Slot {
  /** Bit of the mask (1, 2, …; bit 0 is "carries data"). */
  bit: number;
  kind: 'rule' | 'exclusion';
  /** The tier a rule belongs to (null for exclusions). */
  tier: string | null;
  tierIndex: number | null;
  rule: Rule;
  node: CompiledNode;
  path: Path;
}

export type ClassificationStatus = 'tier' | 'none' | 'excluded' | 'no-data';

export interface Classification {
  /** The first tier (in the definition's order) the record is in; null when in none. */
  tier: string | null;
  status: ClassificationStatus;
  /** Every tier the record is in (empty when excluded). */
  tiers: string[];
  /** Every rule the record matched, tier rules first, then exclusions, in definition order. */
  rules: string[];
  /** The exclusions that removed the record. */
  excludedBy: string[];
}

export interface SqlOptions {
  /** Alias of the incidents table in the query (default `i`). */
  alias?: string;
  /** Prefix of the parameter names, so that two definitions can share one query. */
  paramPrefix?: string;
  /** The record fields that exist as columns (default: the incidents table's). */
  columns?: ReadonlySet<RecordField>;
}

export interface SqlExpression {
  sql: string;
  /** The parameters the expression uses, by name (without the `$`). */
  params: Record<string, DuckDBValue>;
}

export interface CompiledSql {
  /** The rule mask: one integer per record (BIGINT or HUGEINT). */
  mask: SqlExpression;
  /** The tier as one CASE expression: a tier id, or none / excluded / no-data. */
  tier: SqlExpression;
}

export interface CompiledDefinition {
  definition: Definition;
  slots: readonly Slot[];
  /** Every record field a test reads. */
  fieldsRead: readonly RecordField[];
  maskType: 'BIGINT' | 'HUGEINT';
  sql(options?: SqlOptions): CompiledSql;
  /** The rule mask of one record. */
  maskOf(record: IncidentRecord): bigint;
  decode(mask: bigint): Classification;
  classify(record: IncidentRecord): Classification;
  /** Whether each slot matched, without building a mask (slot order). */
  matchSlots(record: IncidentRecord): boolean[];
  hasData(record: IncidentRecord): boolean;
}

/** Mask bits available: 62 in a BIGINT, 126 in a HUGEINT (bit 0 is taken). */
export const MAX_SLOTS = 126;

const SEXES_FIELD = { victim_sexes: 'victim_sex', suspect_sexes: 'suspect_sex' } as const;

/** The tests of one condition object, in a fixed order: matchers, then all, any, not. */
export function conditionParts(
  condition: Condition,
  path: Path,
  table: OffenceCodeTable = offenceCodes(),
): CompiledNode[] {
  const parts: CompiledNode[] = [];
  const test = (t: Test, key: string): void => {
    parts.push({ kind: 'test', test: t, path: [...path, key] });
  };
  for (const name of MATCHER_NAMES) {
    const value = condition[name];
    if (value === undefined) continue;
    switch (name) {
      case 'codes':
      case 'statutes':
      case 'crime_types': {
        const list = value as string[];
        const field =
          name === 'codes' ? 'offence_code' : name === 'statutes' ? 'statute' : 'crime_type';
        test(
          { kind: 'in', matcher: name, field, given: list, values: list, caseless: false },
          name,
        );
        break;
      }
      case 'subcodes': {
        const list = value as string[];
        test(
          {
            kind: 'in',
            matcher: name,
            field: 'offence_subcode',
            given: list,
            // Validation refuses a value that is no sub-code; any other form becomes 8/1.
            values: [...new Set(list.map((v) => normaliseOffenceSubcode(v) ?? v))],
            caseless: false,
          },
          name,
        );
        break;
      }
      case 'offence_groups':
      case 'offence_subgroups': {
        const list = value as string[];
        const codes = list.flatMap((g) =>
          name === 'offence_groups' ? table.codesInGroup(g) : table.codesInSubgroup(g),
        );
        test(
          {
            kind: 'in',
            matcher: name,
            field: 'offence_code',
            given: list,
            values: [...new Set(codes)],
            caseless: false,
          },
          name,
        );
        break;
      }
      case 'offence_descriptions': {
        const list = value as string[];
        test(
          {
            kind: 'in',
            matcher: name,
            field: 'offence_description',
            given: list,
            values: list.map((v) => v.toLowerCase()),
            caseless: true,
          },
          name,
        );
        break;
      }
      case 'offence_description_contains':
        test(
          {
            kind: 'contains',
            matcher: name,
            field: 'offence_description',
            terms: (value as string[]).map((v) => v.toLowerCase()),
          },
          name,
        );
        break;
      case 'icd10_causes':
        test(
          { kind: 'prefix', matcher: name, field: 'icd10_cause', prefixes: value as string[] },
          name,
        );
        break;
      case 'victim_sexes':
      case 'suspect_sexes': {
        const list = value as string[];
        test(
          {
            kind: 'in',
            matcher: name,
            field: SEXES_FIELD[name],
            given: list,
            values: list,
            caseless: false,
          },
          name,
        );
        break;
      }
      case 'location_types': {
        const list = value as string[];
        test(
          {
            kind: 'in',
            matcher: name,
            field: 'location_type',
            given: list,
            values: list,
            caseless: false,
          },
          name,
        );
        break;
      }
      case 'location_classes': {
        const list = value as string[];
        const types = Object.entries(LOCATION_TYPES)
          .filter(([, cls]) => list.includes(cls))
          .map(([type]) => type);
        test(
          {
            kind: 'in',
            matcher: name,
            field: 'location_type',
            given: list,
            values: types,
            caseless: false,
          },
          name,
        );
        break;
      }
      case 'flags':
        for (const [flag, wanted] of Object.entries(value as Record<string, boolean | undefined>)) {
          if (wanted === undefined) continue;
          parts.push({
            kind: 'test',
            test: {
              kind: 'flag',
              matcher: 'flags',
              flag: flag as IncidentFlag,
              field: flagColumn(flag as IncidentFlag) as FlagField,
              value: wanted,
            },
            path: [...path, 'flags', flag],
          });
        }
        break;
      case 'victim_age':
      case 'suspect_age': {
        const range = ageRange(value as string | { min?: number; max?: number });
        if (range === undefined) {
          throw new SvdError({
            kind: 'internal',
            code: 'AGE_RANGE_UNCHECKED',
            message: `an age range reached the compiler unvalidated at ${formatPath([...path, name])}`,
          });
        }
        test(
          {
            kind: 'age',
            matcher: name,
            who: name === 'victim_age' ? 'victim' : 'suspect',
            ...range,
            given: describeAgeRange(range),
          },
          name,
        );
        break;
      }
    }
  }
  if (condition.all !== undefined)
    parts.push({
      kind: 'all',
      children: condition.all.map((c, i) => conditionNode(c, [...path, 'all', i], table)),
      path: [...path, 'all'],
    });
  if (condition.any !== undefined)
    parts.push({
      kind: 'any',
      children: condition.any.map((c, i) => conditionNode(c, [...path, 'any', i], table)),
      path: [...path, 'any'],
    });
  if (condition.not !== undefined)
    parts.push({
      kind: 'not',
      child: conditionNode(condition.not, [...path, 'not'], table),
      path: [...path, 'not'],
    });
  return parts;
}

/** One condition object as a node: its single part, or all of its parts. */
export function conditionNode(
  condition: Condition,
  path: Path,
  table: OffenceCodeTable = offenceCodes(),
): CompiledNode {
  const parts = conditionParts(condition, path, table);
  return parts.length === 1 ? parts[0]! : { kind: 'all', children: parts, path };
}

/** An age range from a band ("0-24", "25+") or {min, max}; undefined when it is not one. */
export function ageRange(
  value: string | { min?: number | undefined; max?: number | undefined },
): { min: number | null; max: number | null } | undefined {
  if (typeof value === 'string') {
    const band = parseAgeBand(value.trim());
    return band === undefined ? undefined : { min: band.min, max: band.max };
  }
  const min = value.min ?? null;
  const max = value.max ?? null;
  if (min === null && max === null) return undefined;
  if (min !== null && max !== null && min > max) return undefined;
  return { min, max };
}

export function describeAgeRange(range: { min: number | null; max: number | null }): string {
  if (range.min === null) return `${range.max} or under`;
  if (range.max === null) return `${range.min}+`;
  return `${range.min}-${range.max}`;
}

export function fieldsOfTest(test: Test): RecordField[] {
  if (test.kind === 'age') return [`${test.who}_age`, `${test.who}_age_band`];
  return [test.field];
}

export function forEachTest(node: CompiledNode, fn: (test: Test, path: Path) => void): void {
  switch (node.kind) {
    case 'test':
      fn(node.test, node.path);
      return;
    case 'all':
    case 'any':
      node.children.forEach((c) => forEachTest(c, fn));
      return;
    case 'not':
      forEachTest(node.child, fn);
  }
}

// ---------------------------------------------------------------- TypeScript matcher

type Matcher = (record: IncidentRecord) => boolean;

function bandWithin(band: string, min: number | null, max: number | null): boolean {
  const parsed = parseAgeBand(band);
  if (parsed === undefined) return false;
  if (min !== null && parsed.min < min) return false;
  if (max !== null && (parsed.max === null || parsed.max > max)) return false;
  return true;
}

export function testMatcher(test: Test): Matcher {
  switch (test.kind) {
    case 'in': {
      const values = new Set(test.values);
      const field = test.field;
      return test.caseless
        ? (r) => {
            const v = r[field];
            return typeof v === 'string' && values.has(v.toLowerCase());
          }
        : (r) => {
            const v = r[field];
            return typeof v === 'string' && values.has(v);
          };
    }
    case 'contains': {
      const terms = test.terms;
      return (r) => {
        const v = r.offence_description;
        if (typeof v !== 'string') return false;
        const lower = v.toLowerCase();
        return terms.some((t) => lower.includes(t));
      };
    }
    case 'prefix': {
      const prefixes = test.prefixes;
      return (r) => {
        const v = r.icd10_cause;
        return typeof v === 'string' && prefixes.some((p) => v.startsWith(p));
      };
    }
    case 'flag': {
      const { field, value } = test;
      return (r) => r[field] === value;
    }
    case 'age': {
      const { min, max } = test;
      const ageField = test.who === 'victim' ? 'victim_age' : 'suspect_age';
      const bandField = test.who === 'victim' ? 'victim_age_band' : 'suspect_age_band';
      return (r) => {
        const age = r[ageField];
        if (typeof age === 'number')
          return (min === null || age >= min) && (max === null || age <= max);
        const band = r[bandField];
        return typeof band === 'string' && bandWithin(band, min, max);
      };
    }
  }
}

export function nodeMatcher(node: CompiledNode): Matcher {
  switch (node.kind) {
    case 'test':
      return testMatcher(node.test);
    case 'all': {
      const children = node.children.map(nodeMatcher);
      return (r) => children.every((m) => m(r));
    }
    case 'any': {
      const children = node.children.map(nodeMatcher);
      return (r) => children.some((m) => m(r));
    }
    case 'not': {
      const child = nodeMatcher(node.child);
      return (r) => !child(r);
    }
  }
}

// ---------------------------------------------------------------- SQL

class SqlWriter {
  private n = 0;
  readonly params: Record<string, DuckDBValue> = {};
  constructor(
    private readonly alias: string,
    private readonly prefix: string,
    private readonly columns: ReadonlySet<RecordField>,
  ) {}

  param(value: DuckDBValue): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return `$${name}`;
  }

  has(field: RecordField): boolean {
    return this.columns.has(field);
  }

  col(field: RecordField): string {
    return `${this.alias}.${field}`;
  }

  test(test: Test): string {
    for (const field of fieldsOfTest(test)) {
      // A field the table does not hold is null on every record: the test fails.
      if (test.kind !== 'age' && !this.has(field)) return 'false';
    }
    switch (test.kind) {
      case 'in': {
        if (test.values.length === 0) return 'false';
        const value = test.caseless ? `lower(${this.col(test.field)})` : this.col(test.field);
        return `coalesce(${value} IN (${test.values.map((v) => this.param(v)).join(', ')}), false)`;
      }
      case 'contains': {
        const lower = `lower(${this.col(test.field)})`;
        return `coalesce((${test.terms.map((t) => `contains(${lower}, ${this.param(t)})`).join(' OR ')}), false)`;
      }
      case 'prefix':
        return `coalesce((${test.prefixes
          .map((p) => `starts_with(${this.col(test.field)}, ${this.param(p)})`)
          .join(' OR ')}), false)`;
      case 'flag':
        return `(${this.col(test.field)} IS ${test.value ? 'TRUE' : 'FALSE'})`;
      case 'age':
        return this.age(test);
    }
  }

  private age(test: Extract<Test, { kind: 'age' }>): string {
    const ageField: RecordField = `${test.who}_age`;
    const bandField: RecordField = `${test.who}_age_band`;
    const within = (value: string): string[] => {
      const parts: string[] = [];
      if (test.min !== null) parts.push(`${value} >= ${this.param(test.min)}`);
      if (test.max !== null) parts.push(`${value} <= ${this.param(test.max)}`);
      return parts;
    };
    const exact = this.has(ageField) ? `(${within(this.col(ageField)).join(' AND ')})` : 'false';
    let band = 'false';
    if (this.has(bandField)) {
      const b = this.col(bandField);
      const lo = `TRY_CAST(regexp_extract(${b}, '^([0-9]{1,3})', 1) AS INTEGER)`;
      const hi = `TRY_CAST(regexp_extract(${b}, '-([0-9]{1,3})$', 1) AS INTEGER)`;
      // 'A-B' with B >= A, inside the range; 'A+' only when the range has no upper end.
      const closed = [`regexp_full_match(${b}, '[0-9]{1,3}-[0-9]{1,3}')`, `${hi} >= ${lo}`];
      if (test.min !== null) closed.push(`${lo} >= ${this.param(test.min)}`);
      if (test.max !== null) closed.push(`${hi} <= ${this.param(test.max)}`);
      const open =
        test.max === null
          ? [
              `regexp_full_match(${b}, '[0-9]{1,3}[+]')`,
              ...(test.min === null ? [] : [`${lo} >= ${this.param(test.min)}`]),
            ]
          : ['false'];
      band = `coalesce((${closed.join(' AND ')}) OR (${open.join(' AND ')}), false)`;
    }
    if (!this.has(ageField)) return band;
    return `(CASE WHEN ${this.col(ageField)} IS NOT NULL THEN ${exact} ELSE ${band} END)`;
  }

  node(node: CompiledNode): string {
    switch (node.kind) {
      case 'test':
        return this.test(node.test);
      case 'all':
        return `(${node.children.map((c) => this.node(c)).join(' AND ')})`;
      case 'any':
        return `(${node.children.map((c) => this.node(c)).join(' OR ')})`;
      case 'not':
        return `(NOT ${this.node(node.child)})`;
    }
  }
}

// ---------------------------------------------------------------- the definition

export function compileDefinition(
  definition: Definition,
  table: OffenceCodeTable = offenceCodes(),
): CompiledDefinition {
  const file = definition.file;
  const slots: Slot[] = [];
  file.tiers.forEach((tier, t) =>
    tier.rules.forEach((rule, r) => {
      const path = ['tiers', t, 'rules', r];
      slots.push({
        bit: slots.length + 1,
        kind: 'rule',
        tier: tier.id,
        tierIndex: t,
        rule,
        node: conditionNode(rule, path, table),
        path,
      });
    }),
  );
  (file.exclusions ?? []).forEach((rule, r) => {
    const path = ['exclusions', r];
    slots.push({
      bit: slots.length + 1,
      kind: 'exclusion',
      tier: null,
      tierIndex: null,
      rule,
      node: conditionNode(rule, path, table),
      path,
    });
  });
  if (slots.length > MAX_SLOTS) {
    throw new SvdError({
      kind: 'input',
      code: 'TOO_MANY_RULES',
      message: `${file.id} has ${slots.length} rules and exclusions; at most ${MAX_SLOTS} are supported`,
      fix: 'merge rules that mean the same thing (one rule can list many codes), or split the definition',
    });
  }
  const maskType = slots.length <= 62 ? 'BIGINT' : 'HUGEINT';
  const fields = new Set<RecordField>();
  for (const slot of slots)
    forEachTest(slot.node, (test) => fieldsOfTest(test).forEach((f) => fields.add(f)));
  const fieldsRead = [...fields];

  const matchers = slots.map((s) => nodeMatcher(s.node));
  const tierIds = file.tiers.map((t) => t.id);
  const hasData = (record: IncidentRecord): boolean =>
    fieldsRead.some((f) => record[f] !== null && record[f] !== undefined);
  const matchSlots = (record: IncidentRecord): boolean[] => matchers.map((m) => m(record));

  const decode = (mask: bigint): Classification => {
    const rules: string[] = [];
    const excludedBy: string[] = [];
    const tiers: string[] = [];
    for (const slot of slots) {
      if (((mask >> BigInt(slot.bit)) & 1n) === 0n) continue;
      rules.push(slot.rule.id);
      if (slot.kind === 'exclusion') excludedBy.push(slot.rule.id);
      else if (!tiers.includes(slot.tier!)) tiers.push(slot.tier!);
    }
    tiers.sort((a, b) => tierIds.indexOf(a) - tierIds.indexOf(b));
    if (excludedBy.length > 0)
      return { tier: null, status: 'excluded', tiers: [], rules, excludedBy };
    if (tiers.length > 0) return { tier: tiers[0]!, status: 'tier', tiers, rules, excludedBy };
    return {
      tier: null,
      status: (mask & 1n) === 1n ? 'none' : 'no-data',
      tiers,
      rules,
      excludedBy,
    };
  };

  const maskOf = (record: IncidentRecord): bigint => {
    let mask = hasData(record) ? 1n : 0n;
    matchers.forEach((m, i) => {
      if (m(record)) mask |= 1n << BigInt(slots[i]!.bit);
    });
    return mask;
  };

  const sql = (options: SqlOptions = {}): CompiledSql => {
    // Two writers with the same prefix give the shared parts the same parameter names; each
    // expression carries only the parameters it uses (DuckDB refuses unused ones).
    const writer = (): SqlWriter =>
      new SqlWriter(
        options.alias ?? 'i',
        options.paramPrefix ?? 'def_',
        options.columns ?? INCIDENT_COLUMNS,
      );
    const parts = (w: SqlWriter): { data: string; slotSql: string[] } => {
      const present = fieldsRead.filter((f) => w.has(f));
      return {
        data:
          present.length === 0
            ? 'false'
            : `(${present.map((f) => `${w.col(f)} IS NOT NULL`).join(' OR ')})`,
        slotSql: slots.map((s) => w.node(s.node)),
      };
    };
    const m = writer();
    const mp = parts(m);
    const bit = (k: number): string =>
      maskType === 'BIGINT' ? `${2n ** BigInt(k)}` : `CAST(${2n ** BigInt(k)} AS HUGEINT)`;
    const zero = maskType === 'BIGINT' ? 'CAST(0 AS BIGINT)' : 'CAST(0 AS HUGEINT)';
    const mask = [
      `CASE WHEN ${mp.data} THEN ${bit(0)} ELSE ${zero} END`,
      ...mp.slotSql.map((s, i) => `CASE WHEN ${s} THEN ${bit(slots[i]!.bit)} ELSE ${zero} END`),
    ].join('\n + ');
    const t = writer();
    const tp = parts(t);
    const excluded = slots
      .map((s, i) => (s.kind === 'exclusion' ? tp.slotSql[i]! : null))
      .filter((s) => s !== null);
    const whens: string[] = [];
    if (excluded.length > 0) whens.push(`WHEN ${excluded.join(' OR ')} THEN 'excluded'`);
    file.tiers.forEach((tier, k) => {
      const rules = slots
        .map((s, i) => (s.tierIndex === k ? tp.slotSql[i]! : null))
        .filter((s) => s !== null);
      whens.push(`WHEN ${rules.join(' OR ')} THEN ${t.param(tier.id)}`);
    });
    const tier = `CASE ${whens.join('\n ')}\n WHEN ${tp.data} THEN 'none' ELSE 'no-data' END`;
    return {
      mask: { sql: `(${mask})`, params: m.params },
      tier: { sql: `(${tier})`, params: t.params },
    };
  };

  return {
    definition,
    slots,
    fieldsRead,
    maskType,
    sql,
    maskOf,
    decode,
    classify: (record) => decode(maskOf(record)),
    matchSlots,
    hasData,
  };
}
