/**
 * The Home Office offence code reference table shipped with svd (`reference/
 * home-office-offence-codes.csv`): code, name, offence group and subgroup, the dates a code was
 * in force, and whether the entry is certain. Definitions are validated against it and outputs
 * label codes with it.
 */
import { readFileSync } from 'node:fs';
import { SvdError } from './errors.js';
import { packageFile } from './packageFiles.js';
import { referenceRows, referenceTableBroken } from './referenceTable.js';

export interface OffenceCode {
  code: string;
  name: string;
  group: string;
  subgroup: string;
  /** First day in force (YYYY-MM-DD), or null when it predates the records svd is used on. */
  inForceFrom: string | null;
  /** Last day in force, or null while still in force. */
  inForceTo: string | null;
  certainty: 'confident' | 'uncertain';
  note: string;
}

export interface OffenceCodeTable {
  readonly codes: readonly OffenceCode[];
  byCode(code: string): OffenceCode | undefined;
  groups(): string[];
  subgroups(): string[];
  codesInGroup(group: string): string[];
  codesInSubgroup(subgroup: string): string[];
}

export const OFFENCE_CODE_FILE = packageFile('reference', 'home-office-offence-codes.csv');

const HEADER = [
  'code',
  'name',
  'group',
  'subgroup',
  'in_force_from',
  'in_force_to',
  'certainty',
  'note',
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const broken = (line: number, message: string): SvdError =>
  referenceTableBroken(OFFENCE_CODE_FILE, 'offence code table', line, message);

export function parseOffenceCodes(text: string): OffenceCodeTable {
  const codes: OffenceCode[] = [];
  const seen = new Set<string>();
  for (const { line, fields: f } of referenceRows(text, HEADER, broken)) {
    const [code, name, group, subgroup, from, to, certainty, note] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (code === '' || name === '' || group === '' || subgroup === '')
      throw broken(line, 'code, name, group and subgroup are required');
    if (seen.has(code)) throw broken(line, `code ${code} appears twice`);
    if ((from !== '' && !DATE.test(from)) || (to !== '' && !DATE.test(to)))
      throw broken(line, 'in_force_from/in_force_to must be YYYY-MM-DD or empty');
    if (certainty !== 'confident' && certainty !== 'uncertain')
      throw broken(line, `certainty "${certainty}" is not confident or uncertain`);
    seen.add(code);
    codes.push({
      code,
      name,
      group,
      subgroup,
      inForceFrom: from === '' ? null : from,
      inForceTo: to === '' ? null : to,
      certainty,
      note,
    });
  }
  const index = new Map(codes.map((c) => [c.code, c]));
  const unique = (values: string[]): string[] => [...new Set(values)];
  return {
    codes,
    byCode: (code) => index.get(code),
    groups: () => unique(codes.map((c) => c.group)),
    subgroups: () => unique(codes.map((c) => c.subgroup)),
    codesInGroup: (group) => codes.filter((c) => c.group === group).map((c) => c.code),
    codesInSubgroup: (subgroup) => codes.filter((c) => c.subgroup === subgroup).map((c) => c.code),
  };
}

let cached: OffenceCodeTable | undefined;

/** The shipped table, read once. */
export function offenceCodes(): OffenceCodeTable {
  cached ??= parseOffenceCodes(readFileSync(OFFENCE_CODE_FILE, 'utf8'));
  return cached;
}

/** Whether a code was in force at any time from `from` onwards (null: no date to compare). */
export function inForceSince(code: OffenceCode, from: string | null): boolean {
  return from === null || code.inForceTo === null || code.inForceTo >= from;
}
