/**
 * The answers of the definitions' endpoints: a definition in readable form
 * (`/api/definitions/:spec`), why a record is in its tier (`/api/explain/:id`) and what a proposed
 * definition would change (`/api/whatif`). Pure type declarations.
 */

/** A definition version as every answer names it. */
export interface DefinitionMeta {
  id: string;
  version: number;
  content_hash: string;
  title: string;
  coverage: 'exact' | 'proxy';
}

/**
 * Where a definition was found: a file named, one shipped with svd, or a version stored in the
 * workspace.
 */
export type DefinitionSource = 'file' | 'shipped' | 'workspace';

export interface DescribedRule {
  id: string;
  label: string;
  /** The conditions, one per line, indented by nesting (two spaces a level). */
  conditions: string[];
}

export interface DescribedDefinition {
  meta: DefinitionMeta;
  effectiveFrom: string;
  description: string | null;
  sources: string[];
  notes: string | null;
  tiers: { id: string; label: string; rules: DescribedRule[] }[];
  exclusions: DescribedRule[];
  codes: { code: string; name: string; subgroup: string }[];
  /** The sub-codes it names (8/1), with the offence when the reference table knows it. */
  subcodes: { subcode: string; name: string | null; class: string | null }[];
  sourceText: string;
}

/**
 * `/api/definitions/:spec`: the definition in readable form, where it was found, and how its
 * version was chosen (these notes take the place of the definition's own).
 */
export type DefinitionAnswer = Omit<DescribedDefinition, 'notes'> & {
  source: DefinitionSource;
  notes: string[];
};

/**
 * `/api/explain/:id`: why a stored record is in its tier, as `svd explain --json` prints it less
 * its notes and warnings. Declared as the part the dashboard reads: explainStoredRecord's answer
 * also carries the record's other fields and names the kinds of condition by a closed list; the
 * route checks that it is assignable to this.
 */
export interface ExplainAnswer {
  definition: DefinitionMeta;
  /** The record as stored (month as YYYY-MM-DD), with the fields a definition reads. */
  record: { id: number; source: string; force: string; month: string; crime_type: string | null };
  /** The classification stored for this version, or null when not classified under it. */
  stored: { tier: string | null; status: string } | null;
  classification: ExplainedClassification;
  rules: ExplainedRule[];
}

export interface ExplainedClassification {
  /** The first tier (in the definition's order) the record is in; null when in none. */
  tier: string | null;
  status: 'tier' | 'none' | 'excluded' | 'no-data';
  /** Every tier the record is in (empty when excluded). */
  tiers: string[];
  /** Every rule the record matched, tier rules first, then exclusions, in definition order. */
  rules: string[];
  /** The exclusions that removed the record. */
  excludedBy: string[];
}

export interface ExplainedRule {
  kind: 'rule' | 'exclusion';
  tier: string | null;
  rule: string;
  label: string;
  matched: boolean;
  /** Did not match, but would with one condition changed, and some condition already holds. */
  nearly: boolean;
  /**
   * The conditions that decided (for `any`, those of the closest alternative): their kind
   * (offence code, sub-code …), what the rule needs and what the record holds.
   */
  checks: { kind: string; needs: string; has: string; holds: boolean }[];
  /** For a matched rule, the kinds of condition that decided (offence code, sub-code …). */
  decidedBy: string[];
}

export interface TierChange {
  tier: string;
  base: number;
  proposal: number;
  change: number;
  /** Change as a percentage of the base count; null when the base count is 0. */
  percent: number | null;
}

export interface Transition {
  from: string;
  to: string;
  n: number;
}

export interface BreakdownRow {
  value: string | null;
  label?: string;
  from: string;
  to: string;
  n: number;
}

export interface WhatIfResult {
  base: DefinitionMeta;
  proposal: DefinitionMeta;
  /** Records compared (after any --where). */
  records: number;
  /** Records carrying none of the fields either definition reads (no-data under both). */
  noData: number;
  changed: number;
  tiers: TierChange[];
  transitions: Transition[];
  breakdowns: { by: string; rows: BreakdownRow[] }[];
  headline: string;
}

/** `/api/whatif`: the comparison, and the warnings of reading the proposal. */
export type WhatIfAnswer = WhatIfResult & { warnings: string[] };
