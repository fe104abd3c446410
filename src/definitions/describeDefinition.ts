/**
 * A definition in readable form, as data: its tiers in order of precedence, each rule with its
 * conditions in plain words (the lines `svd definitions show` prints), the exclusions, and the
 * offence codes and sub-codes it names with their Home Office names. The dashboard shows it as it is.
 */
import { definitionMeta } from './classificationRuns.js';
import { compileDefinition, forEachTest } from './compileDefinition.js';
import { describeRuleCondition } from './describeCondition.js';
import { offenceCodes } from '../core/offenceCodes.js';
import { offenceSubcodes } from '../core/offenceSubcodes.js';
import type { Definition } from './definitionFile.js';
import type { DescribedDefinition, DescribedRule } from '../api/definitions.js';

export function describeDefinition(definition: Definition): DescribedDefinition {
  const f = definition.file;
  const compiled = compileDefinition(definition);
  const rule = (slot: (typeof compiled.slots)[number]): DescribedRule => ({
    id: slot.rule.id,
    label: slot.rule.label,
    conditions: describeRuleCondition(slot.node, '', true),
  });
  const codes = new Set<string>();
  const subcodes = new Set<string>();
  for (const slot of compiled.slots)
    forEachTest(slot.node, (test) => {
      if (test.kind === 'in' && test.field === 'offence_code')
        test.values.forEach((c) => codes.add(c));
      if (test.kind === 'in' && test.field === 'offence_subcode')
        test.values.forEach((c) => subcodes.add(c));
    });
  return {
    meta: definitionMeta(definition),
    effectiveFrom: f.effective_from,
    description: f.description ?? null,
    sources: f.sources ?? [],
    notes: f.notes ?? null,
    tiers: f.tiers.map((tier, t) => ({
      id: tier.id,
      label: tier.label,
      rules: compiled.slots.filter((s) => s.tierIndex === t).map(rule),
    })),
    exclusions: compiled.slots.filter((s) => s.kind === 'exclusion').map(rule),
    codes: offenceCodes()
      .codes.filter((c) => codes.has(c.code))
      .map((c) => ({ code: c.code, name: c.name, subgroup: c.subgroup })),
    subcodes: [...subcodes].map((subcode) => {
      const known = offenceSubcodes().bySubcode(subcode);
      return { subcode, name: known?.name ?? null, class: known?.class ?? null };
    }),
    sourceText: definition.sourceText,
  };
}
