/** The shipped reference tables: read whole, and a damaged copy refused with its file and line. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SvdError } from '../../src/core/errors.js';
import { OFFENCE_CODE_FILE, offenceCodes, parseOffenceCodes } from '../../src/core/offenceCodes.js';
import {
  OFFENCE_SUBCODE_FILE,
  offenceSubcodes,
  parseOffenceSubcodes,
} from '../../src/core/offenceSubcodes.js';

function refused(read: () => unknown): SvdError {
  try {
    read();
  } catch (e) {
    if (e instanceof SvdError) return e;
    throw e;
  }
  throw new Error('the damaged table was read');
}

const tables = [
  {
    name: 'offence codes',
    file: OFFENCE_CODE_FILE,
    parse: parseOffenceCodes,
    rows: () => offenceCodes().codes.length,
  },
  {
    name: 'offence sub-codes',
    file: OFFENCE_SUBCODE_FILE,
    parse: parseOffenceSubcodes,
    rows: () => offenceSubcodes().subcodes.length,
  },
];

describe.each(tables)('the shipped table of $name', ({ file, parse, rows }) => {
  const text = readFileSync(file, 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');

  it('is read whole: one entry per line after the header', () => {
    expect(rows()).toBe(lines.length - 1);
  });

  it('refuses a changed header, naming line 1 of the file and the fix', () => {
    const e = refused(() => parse(['x,y', ...lines.slice(1)].join('\n')));
    expect(e.code).toBe('REFERENCE_TABLE_BROKEN');
    expect(e.location).toMatchObject({ file, line: 1 });
    expect(e.message).toContain('header is "x,y"');
    expect(e.fix).toContain('npm ci');
  });

  it('refuses a row with a field missing, naming its line', () => {
    const cut = lines[3]!.slice(0, lines[3]!.lastIndexOf(','));
    const e = refused(() => parse([...lines.slice(0, 3), cut, ...lines.slice(4)].join('\n')));
    expect(e.code).toBe('REFERENCE_TABLE_BROKEN');
    expect(e.location).toMatchObject({ file, line: 4 });
    expect(e.message).toMatch(/fields, expected \d+/);
  });
});
