/**
 * The Home Office offence sub-codes svd knows (`reference/home-office-offence-subcodes.csv`):
 * the canonical sub-code (`8/1`), the offence, the recorded crime class it is recorded under and
 * its statute where one statute defines it. The table is short and partial (reference/README.md
 * says what was checked and against what): a sub-code missing from it can still be stored and
 * matched; definitions naming one are warned, and outputs show it without a name.
 */
import { readFileSync } from 'node:fs';
import { parseCsvLine } from '../core/csvLine.js';
import { SvdError } from '../core/errors.js';
import { isCanonicalSubcode } from '../core/offenceSubcode.js';
import { packageFile } from '../core/packageFiles.js';
import { STATUTES } from '../core/vocabulary.js';

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

function broken(line: number, message: string): SvdError {
  return new SvdError({
    kind: 'internal',
    code: 'REFERENCE_TABLE_BROKEN',
    message: `the shipped offence sub-code table is damaged: ${message}`,
    location: { file: OFFENCE_SUBCODE_FILE, line },
    fix: 'reinstall svd (npm ci), or restore reference/home-office-offence-subcodes.csv from the repository',
  });
}

export function parseOffenceSubcodes(text: string): OffenceSubcodeTable {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = parseCsvLine(lines[0] ?? '');
  if (header.join(',') !== HEADER.join(','))
    throw broken(1, `header is "${header.join(',')}", expected "${HEADER.join(',')}"`);
  const subcodes: OffenceSubcode[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((line, i) => {
    const f = parseCsvLine(line);
    if (f.length !== HEADER.length)
      throw broken(i + 2, `${f.length} fields, expected ${HEADER.length}`);
    const [subcode, name, cls, statute, certainty, note] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!isCanonicalSubcode(subcode))
      throw broken(i + 2, `sub-code "${subcode}" is not in the form CLASS/SUB (e.g. 8/1)`);
    if (name === '') throw broken(i + 2, 'name is required');
    if (seen.has(subcode)) throw broken(i + 2, `sub-code ${subcode} appears twice`);
    if (statute !== '' && !(statute in STATUTES))
      throw broken(i + 2, `statute "${statute}" is not one of ${Object.keys(STATUTES).join(', ')}`);
    if (certainty !== 'confident' && certainty !== 'uncertain')
      throw broken(i + 2, `certainty "${certainty}" is not confident or uncertain`);
    seen.add(subcode);
    subcodes.push({
      subcode,
      name,
      class: cls === '' ? null : cls,
      statute: statute === '' ? null : statute,
      certainty,
      note,
    });
  });
  const index = new Map(subcodes.map((s) => [s.subcode, s]));
  return { subcodes, bySubcode: (subcode) => index.get(subcode) };
}

let cached: OffenceSubcodeTable | undefined;

/** The shipped table, read once. */
export function offenceSubcodes(): OffenceSubcodeTable {
  cached ??= parseOffenceSubcodes(readFileSync(OFFENCE_SUBCODE_FILE, 'utf8'));
  return cached;
}
