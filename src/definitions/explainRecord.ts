/**
 * Why a record is where it is: each rule's conditions checked against the record, with what the
 * rule needs and what the record holds. A rule "nearly matched" when it did not match, one
 * condition would have to change for it to match, and at least one of its other conditions
 * already holds (so a homicide rule is not "nearly matched" by every assault: nothing of it holds).
 * A `not` counts as one condition. Within `any`, the alternative closest to matching is shown.
 */
import {
  nodeMatcher,
  type CompiledDefinition,
  type CompiledNode,
  type Slot,
} from './compileDefinition.js';
import { describeActual, describeNode, describeTest } from './describeCondition.js';
import type { IncidentRecord } from './incidentRecord.js';
import type { Classification } from './compileDefinition.js';

export interface ConditionCheck {
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
  checks: ConditionCheck[];
}

function evaluate(node: CompiledNode, record: IncidentRecord): Evaluated {
  switch (node.kind) {
    case 'test': {
      const holds = nodeMatcher(node)(record);
      return {
        holds,
        toHold: holds ? 0 : 1,
        holding: holds ? 1 : 0,
        checks: [{ needs: describeTest(node.test), has: describeActual(node.test, record), holds }],
      };
    }
    case 'all': {
      const parts = node.children.map((c) => evaluate(c, record));
      return {
        holds: parts.every((p) => p.holds),
        toHold: parts.reduce((s, p) => s + p.toHold, 0),
        holding: parts.reduce((s, p) => s + p.holding, 0),
        checks: parts.flatMap((p) => p.checks),
      };
    }
    case 'any': {
      const parts = node.children.map((c) => evaluate(c, record));
      const best = [...parts].sort((a, b) => a.toHold - b.toHold || b.holding - a.holding)[0]!;
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
        checks: [{ needs: `not: ${needs}`, has, holds }],
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
  };
}

export function explainRecord(compiled: CompiledDefinition, record: IncidentRecord): Explanation {
  return {
    classification: compiled.classify(record),
    rules: compiled.slots.map((slot) => explainSlot(slot, record)),
  };
}
