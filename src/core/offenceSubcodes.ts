/**
 * The Home Office offence sub-codes svd knows (`reference/home-office-offence-subcodes.csv`):
 * the canonical sub-code (`8/1`), the offence, the recorded crime class it is recorded under and
 * its statute where one statute defines it. The table is short and partial (reference/README.md
 * says what was checked and against what): a sub-code missing from it can still be stored and
 * matched; definitions naming one are warned, and outputs show it without a name.
 */
import { readFileSync } from 'node:fs';
import { SvdError } from './errors.js';
import { isCanonicalSubcode } from './offenceSubcode.js';
import { packageFile } from './packageFiles.js';
import { referenceRows, referenceTableBroken } from './referenceTable.js';
import { STATUTES } from './vocabulary.js';

export interface OffenceSubcode {
  subcode: string;
  name: string;
  /** The recorded crime class (8N), or null when not known. */
  class: string | null;
  /** The canonical statute (OAPA1861-s20) when one statute defines the offence. */
  statute: string | null;
  certainty: 'confident' | 'uncertain';
  note: string;
}

export interface OffenceSubcodeTable {
  readonly subcodes: readonly OffenceSubcode[];
  bySubcode(subcode: string): OffenceSubcode | undefined;
}

export const OFFENCE_SUBCODE_FILE = packageFile('reference', 'home-office-offence-subcodes.csv');

const HEADER = ['subcode', 'name', 'class', 'statute', 'certainty', 'note'];

const broken = (line: number, message: string): SvdError =>
  referenceTableBroken(OFFENCE_SUBCODE_FILE, 'offence sub-code table', line, message);

export function parseOffenceSubcodes(text: string): OffenceSubcodeTable {
  const subcodes: OffenceSubcode[] = [];
  const seen = new Set<string>();
  for (const { line, fields: f } of referenceRows(text, HEADER, broken)) {
    const [subcode, name, cls, statute, certainty, note] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!isCanonicalSubcode(subcode))
      throw broken(line, `sub-code "${subcode}" is not in the form CLASS/SUB (e.g. 8/1)`);
    if (name === '') throw broken(line, 'name is required');
    if (seen.has(subcode)) throw broken(line, `sub-code ${subcode} appears twice`);
    if (statute !== '' && !(statute in STATUTES))
      throw broken(line, `statute "${statute}" is not one of ${Object.keys(STATUTES).join(', ')}`);
    if (certainty !== 'confident' && certainty !== 'uncertain')
      throw broken(line, `certainty "${certainty}" is not confident or uncertain`);
    seen.add(subcode);
    subcodes.push({
      subcode,
      name,
      class: cls === '' ? null : cls,
      statute: statute === '' ? null : statute,
      certainty,
      note,
    });
  }
  const index = new Map(subcodes.map((s) => [s.subcode, s]));
  return { subcodes, bySubcode: (subcode) => index.get(subcode) };
}

let cached: OffenceSubcodeTable | undefined;

/** The shipped table, read once. */
export function offenceSubcodes(): OffenceSubcodeTable {
  cached ??= parseOffenceSubcodes(readFileSync(OFFENCE_SUBCODE_FILE, 'utf8'));
  return cached;
}
