/**
 * Why a record is where it is: each rule's conditions checked against the record, with what the
 * rule needs and what the record holds. A rule "nearly matched" when it did not match, one
 * condition would have to change for it to match, and at least one of its other conditions
 * already holds (so a homicide rule is not "nearly matched" by every assault: nothing of it holds).
 * A `not` counts as one condition. Within `any`, the alternative closest to matching is shown.
 */
import {
  fieldsOfTest,
  nodeMatcher,
  type CompiledDefinition,
  type CompiledNode,
  type Slot,
} from './compileDefinition.js';
import { describeActual, describeNode, describeTest } from './describeCondition.js';
import type { IncidentRecord } from './incidentRecord.js';
import type { Classification } from './compileDefinition.js';
import type { MatcherName } from './schema.js';

/** What a condition tests, in the words `explain` uses to say what decided. */
export type ConditionKind =
  | 'offence code'
  | 'sub-code'
  | 'statute'
  | 'description'
  | 'crime type'
  | 'flag'
  | 'age'
  | 'sex'
  | 'location'
  | 'ICD-10 cause'
  | 'not';

const KIND_OF: Record<MatcherName, ConditionKind> = {
  codes: 'offence code',
  offence_groups: 'offence code',
  offence_subgroups: 'offence code',
  subcodes: 'sub-code',
  statutes: 'statute',
  offence_descriptions: 'description',
  offence_description_contains: 'description',
  crime_types: 'crime type',
  flags: 'flag',
  victim_age: 'age',
  suspect_age: 'age',
  victim_sexes: 'sex',
  suspect_sexes: 'sex',
  location_types: 'location',
  location_classes: 'location',
  icd10_causes: 'ICD-10 cause',
};

export interface ConditionCheck {
  /** Which kind of condition it is (offence code, sub-code, statute, description …). */
  kind: ConditionKind;
  /** What the rule needs, in words. */
  needs: string;
  /** What the record holds, in words. */
  has: string;
  holds: boolean;
}

export interface RuleExplanation {
  kind: 'rule' | 'exclusion';
  tier: string | null;
  rule: string;
  label: string;
  matched: boolean;
  /** Did not match, but would with one condition changed, and some condition already holds. */
  nearly: boolean;
  /** The conditions that decided (for `any`, those of the closest alternative). */
  checks: ConditionCheck[];
  /**
   * For a matched rule, the kinds of condition that held on the way it matched (for `any`, the
   * alternative that matched): e.g. ['offence code', 'sub-code'] when 8N and 8/1 put a record in
   * the GBH rule, ['offence code', 'statute'] when 8N and s.20 did. Empty when not matched.
   */
  decidedBy: ConditionKind[];
}

export interface Explanation {
  classification: Classification;
  rules: RuleExplanation[];
}

interface Evaluated {
  holds: boolean;
  /** Fewest conditions to change for the node to hold. */
  toHold: number;
  /** Conditions that hold on the way that needs fewest changes. */
  holding: number;
  /** Conditions that fail there because the record lacks the field (not because it differs). */
  unknown: number;
  checks: ConditionCheck[];
}

const absent = (v: unknown): boolean => v === null || v === undefined || v === '';

function evaluate(node: CompiledNode, record: IncidentRecord): Evaluated {
  switch (node.kind) {
    case 'test': {
      const holds = nodeMatcher(node)(record);
      return {
        holds,
        toHold: holds ? 0 : 1,
        holding: holds ? 1 : 0,
        unknown: !holds && fieldsOfTest(node.test).every((f) => absent(record[f])) ? 1 : 0,
        checks: [
          {
            kind: KIND_OF[node.test.matcher],
            needs: describeTest(node.test),
            has: describeActual(node.test, record),
            holds,
          },
        ],
      };
    }
    case 'all': {
      const parts = node.children.map((c) => evaluate(c, record));
      return {
        holds: parts.every((p) => p.holds),
        toHold: parts.reduce((s, p) => s + p.toHold, 0),
        holding: parts.reduce((s, p) => s + p.holding, 0),
        unknown: parts.reduce((s, p) => s + p.unknown, 0),
        checks: parts.flatMap((p) => p.checks),
      };
    }
    case 'any': {
      const parts = node.children.map((c) => evaluate(c, record));
      // The closest alternative; among equally close ones, the one whose failing conditions
      // concern fields the record holds (s.47 against s.20 says more than "no sub-code").
      const best = [...parts].sort(
        (a, b) => a.toHold - b.toHold || b.holding - a.holding || a.unknown - b.unknown,
      )[0]!;
      return { ...best, holds: parts.some((p) => p.holds) };
    }
    case 'not': {
      const inner = evaluate(node.child, record);
      const holds = !inner.holds;
      const needs = describeNode(node.child)
        .map((l) => l.trim())
        .join(' ');
      const has = inner.checks
        .filter((c) => c.holds === inner.holds)
        .map((c) => c.has)
        .join('; ');
      return {
        holds,
        toHold: holds ? 0 : 1,
        holding: holds ? 1 : 0,
        unknown: 0,
        checks: [{ kind: 'not', needs: `not: ${needs}`, has, holds }],
      };
    }
  }
}

function explainSlot(slot: Slot, record: IncidentRecord): RuleExplanation {
  const e = evaluate(slot.node, record);
  return {
    kind: slot.kind,
    tier: slot.tier,
    rule: slot.rule.id,
    label: slot.rule.label,
    matched: e.holds,
    nearly: !e.holds && e.toHold === 1 && e.holding >= 1,
    checks: e.checks,
    decidedBy: e.holds ? [...new Set(e.checks.filter((c) => c.holds).map((c) => c.kind))] : [],
  };
}

export function explainRecord(compiled: CompiledDefinition, record: IncidentRecord): Explanation {
  return {
    classification: compiled.classify(record),
    rules: compiled.slots.map((slot) => explainSlot(slot, record)),
  };
}
