/**
 * `svd definitions diff A B`: what changed between two definitions, in their own terms — title
 * and other fields, tiers added, removed or reordered, rules added, removed, moved between tiers
 * or with a changed condition (shown before and after in plain words).
 */
import { conditionNode } from './compileDefinition.js';
import { describeRuleCondition } from './describeCondition.js';
import { canonicalJson } from './readDefinition.js';
import { type Definition } from './definitionFile.js';
import type { Rule } from './schema.js';

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface RuleChange {
  rule: string;
  change: 'added' | 'removed' | 'moved' | 'condition' | 'label' | 'notes';
  /** Tier (or "exclusions") in A and in B. */
  from: string | null;
  to: string | null;
  label: string;
  /** The condition in words, before and after (for added, removed and condition changes). */
  before?: string[];
  after?: string[];
}

export interface DefinitionDiff {
  a: { id: string; version: number; content_hash: string };
  b: { id: string; version: number; content_hash: string };
  same: boolean;
  fields: FieldChange[];
  tiers: {
    tier: string;
    change: 'added' | 'removed' | 'label' | 'moved';
    from?: unknown;
    to?: unknown;
  }[];
  rules: RuleChange[];
}

const META_FIELDS = [
  'id',
  'title',
  'effective_from',
  'coverage',
  'description',
  'sources',
  'notes',
] as const;

const conditionOf = (rule: Rule): string => {
  const { id: _id, label: _label, notes: _notes, ...condition } = rule;
  return canonicalJson(condition);
};

interface Placed {
  rule: Rule;
  place: string;
  path: (string | number)[];
}

function placedRules(d: Definition): Map<string, Placed> {
  const out = new Map<string, Placed>();
  d.file.tiers.forEach((tier, t) =>
    tier.rules.forEach((rule, r) =>
      out.set(rule.id, { rule, place: tier.id, path: ['tiers', t, 'rules', r] }),
    ),
  );
  (d.file.exclusions ?? []).forEach((rule, r) =>
    out.set(rule.id, { rule, place: 'exclusions', path: ['exclusions', r] }),
  );
  return out;
}

const words = (p: Placed): string[] =>
  describeRuleCondition(conditionNode(p.rule, p.path), '', true);

export function diffDefinitions(a: Definition, b: Definition): DefinitionDiff {
  const fields: FieldChange[] = [];
  for (const field of META_FIELDS) {
    const from = a.file[field];
    const to = b.file[field];
    if (canonicalJson(from ?? null) !== canonicalJson(to ?? null))
      fields.push({ field, from: from ?? null, to: to ?? null });
  }
  const tiers: DefinitionDiff['tiers'] = [];
  const aTiers = a.file.tiers.map((t) => t.id);
  const bTiers = b.file.tiers.map((t) => t.id);
  for (const t of a.file.tiers) {
    const other = b.file.tiers.find((x) => x.id === t.id);
    if (other === undefined) tiers.push({ tier: t.id, change: 'removed' });
    else if (other.label !== t.label)
      tiers.push({ tier: t.id, change: 'label', from: t.label, to: other.label });
  }
  for (const t of b.file.tiers)
    if (!aTiers.includes(t.id)) tiers.push({ tier: t.id, change: 'added', to: t.label });
  const common = aTiers.filter((t) => bTiers.includes(t));
  const commonB = bTiers.filter((t) => aTiers.includes(t));
  if (common.join(',') !== commonB.join(','))
    tiers.push({ tier: commonB.join(' > '), change: 'moved', from: common, to: commonB });

  const rules: RuleChange[] = [];
  const ra = placedRules(a);
  const rb = placedRules(b);
  for (const [id, pa] of ra) {
    const pb = rb.get(id);
    if (pb === undefined) {
      rules.push({
        rule: id,
        change: 'removed',
        from: pa.place,
        to: null,
        label: pa.rule.label,
        before: words(pa),
      });
      continue;
    }
    if (pa.place !== pb.place)
      rules.push({ rule: id, change: 'moved', from: pa.place, to: pb.place, label: pb.rule.label });
    if (conditionOf(pa.rule) !== conditionOf(pb.rule))
      rules.push({
        rule: id,
        change: 'condition',
        from: pa.place,
        to: pb.place,
        label: pb.rule.label,
        before: words(pa),
        after: words(pb),
      });
    if (pa.rule.label !== pb.rule.label)
      rules.push({
        rule: id,
        change: 'label',
        from: pa.place,
        to: pb.place,
        label: pb.rule.label,
        before: [pa.rule.label],
        after: [pb.rule.label],
      });
    if ((pa.rule.notes ?? '') !== (pb.rule.notes ?? ''))
      rules.push({ rule: id, change: 'notes', from: pa.place, to: pb.place, label: pb.rule.label });
  }
  for (const [id, pb] of rb)
    if (!ra.has(id))
      rules.push({
        rule: id,
        change: 'added',
        from: null,
        to: pb.place,
        label: pb.rule.label,
        after: words(pb),
      });

  return {
    a: { id: a.file.id, version: a.file.version, content_hash: a.contentHash },
    b: { id: b.file.id, version: b.file.version, content_hash: b.contentHash },
    same: a.contentHash === b.contentHash,
    fields,
    tiers,
    rules,
  };
}
