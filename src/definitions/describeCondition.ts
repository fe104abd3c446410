/**
 * Plain-words renderings of conditions and of record values, shared by `definitions show`,
 * `definitions diff` and `explain`.
 */
import { LOCATION_TYPES } from '../core/vocabulary.js';
import { describeAgeRange, type CompiledNode, type Test } from './compileDefinition.js';
import type { IncidentRecord } from './incidentRecord.js';
import { offenceCodes, type OffenceCodeTable } from '../core/offenceCodes.js';
import { offenceSubcodes, type OffenceSubcodeTable } from '../core/offenceSubcodes.js';

const LIST_SHOWN = 8;

function list(values: readonly string[], quote = false, full = false): string {
  const shown = values
    .slice(0, full ? values.length : LIST_SHOWN)
    .map((v) => (quote ? JSON.stringify(v) : v));
  const rest = values.length - shown.length;
  const joined =
    shown.length <= 1 ? (shown[0] ?? '') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)!}`;
  return rest > 0 ? `${shown.join(', ')} … (${values.length} in all)` : joined;
}

const FIELD_NAMES: Record<string, string> = {
  codes: 'offence code',
  subcodes: 'offence sub-code',
  statutes: 'statute',
  crime_types: 'police.uk crime type',
  offence_descriptions: 'offence description',
  victim_sexes: 'victim sex',
  suspect_sexes: 'suspect sex',
  location_types: 'location type',
};

/** What a test requires, e.g. `offence code is 8N, 8P or 8S`. */
export function describeTest(test: Test, full = false): string {
  switch (test.kind) {
    case 'in':
      switch (test.matcher) {
        case 'offence_groups':
          return `offence group is ${list(test.given, true, full)}`;
        case 'offence_subgroups':
          return `offence subgroup is ${list(test.given, true, full)}`;
        case 'location_classes':
          return `location is ${list(test.given, false, full)} (${list(test.values, false, full)})`;
        case 'offence_descriptions':
          return `offence description is ${list(test.given, true, full)} (ignoring case)`;
        case 'subcodes':
          return `offence sub-code is ${list(
            test.values.length <= 3 ? test.values.map((v) => describeSubcode(v)) : test.values,
            false,
            full,
          )}`;
        case 'crime_types':
          return `police.uk crime type is ${list(test.given, true, full)}`;
        default:
          return `${FIELD_NAMES[test.matcher] ?? test.matcher} is ${list(test.given, false, full)}`;
      }
    case 'contains':
      return `offence description contains ${list(test.terms, true, full)}`;
    case 'prefix':
      return `ICD-10 cause is ${list(test.prefixes, false, full)} (or a subdivision)`;
    case 'flag':
      return test.value
        ? `flagged ${test.flag.replace(/_/g, ' ')}`
        : `known not to be flagged ${test.flag.replace(/_/g, ' ')}`;
    case 'age':
      return `${test.who} aged ${describeAgeRange(test)}`;
  }
}

/** The condition as indented lines. */
export function describeNode(node: CompiledNode, indent = '', full = false): string[] {
  switch (node.kind) {
    case 'test':
      return [`${indent}${describeTest(node.test, full)}`];
    case 'all':
      return [
        `${indent}all of:`,
        ...node.children.flatMap((c) => describeNode(c, `${indent}  `, full)),
      ];
    case 'any':
      return [
        `${indent}any of:`,
        ...node.children.flatMap((c) => describeNode(c, `${indent}  `, full)),
      ];
    case 'not': {
      const inner = describeNode(node.child, `${indent}  `, full);
      if (inner.length === 1) return [`${indent}not: ${inner[0]!.trim()}`];
      return [`${indent}not:`, ...inner];
    }
  }
}

/**
 * A rule's condition: its parts as lines, without the outer "all of" when there are several.
 * Long value lists are shortened unless `full` (as `definitions show` and `diff` ask).
 */
export function describeRuleCondition(node: CompiledNode, indent = '', full = false): string[] {
  if (node.kind === 'all') return node.children.flatMap((c) => describeNode(c, indent, full));
  return describeNode(node, indent, full);
}

export function describeCode(code: string, table: OffenceCodeTable = offenceCodes()): string {
  const known = table.byCode(code);
  return known === undefined ? `${code} (not in the reference table)` : `${code} (${known.name})`;
}

/** A sub-code with its offence, e.g. `8/1 (Wounding or inflicting grievous bodily harm without intent)`. */
export function describeSubcode(
  subcode: string,
  table: OffenceSubcodeTable = offenceSubcodes(),
): string {
  const known = table.bySubcode(subcode);
  return known === undefined ? subcode : `${subcode} (${known.name})`;
}

/** What the record holds for the fields a test reads, e.g. `offence code 8N (Assault with injury)`. */
export function describeActual(test: Test, record: IncidentRecord): string {
  switch (test.kind) {
    case 'in':
    case 'contains':
    case 'prefix': {
      const value = record[test.field];
      const name =
        test.field === 'offence_code'
          ? 'offence code'
          : test.field === 'offence_subcode'
            ? 'offence sub-code'
            : test.field === 'icd10_cause'
              ? 'ICD-10 cause'
              : test.field.replace(/_/g, ' ');
      if (value === null || value === undefined || value === '') return `no ${name} recorded`;
      if (test.field === 'offence_code') return `offence code ${describeCode(String(value))}`;
      if (test.field === 'offence_subcode')
        return `offence sub-code ${describeSubcode(String(value))}`;
      if (test.field === 'location_type' && typeof value === 'string' && value in LOCATION_TYPES)
        return `location type ${value} (${LOCATION_TYPES[value as keyof typeof LOCATION_TYPES]})`;
      return `${name} ${JSON.stringify(value)}`;
    }
    case 'flag': {
      const value = record[test.field];
      const flag = test.flag.replace(/_/g, ' ');
      if (value === null || value === undefined) return `${flag} flag not known`;
      return value ? `flagged ${flag}` : `not flagged ${flag}`;
    }
    case 'age': {
      const age = record[`${test.who}_age`];
      const band = record[`${test.who}_age_band`];
      if (typeof age === 'number') return `${test.who} aged ${age}`;
      if (typeof band === 'string' && band !== '') return `${test.who} age band ${band}`;
      return `${test.who} age not known`;
    }
  }
}
