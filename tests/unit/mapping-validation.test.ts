/**
 * Column mappings: every problem is named with the mapping file, its line and key, and what to
 * do; personal data may only feed pseudonymised or derived fields; the built-in mappings are valid.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SvdError } from '../../src/core/errors.js';
import { builtInMappings, parseMapping } from '../../src/sources/partner/mapping.js';

const BASE = readFileSync(
  new URL('../../mappings/force-extract/svd-synthetic.yaml', import.meta.url),
  'utf8',
);

function problems(text: string): { line?: number; field?: string; message: string }[] {
  try {
    parseMapping(text, 'm.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(SvdError);
    const e = error as SvdError;
    expect(e.code).toBe('MAPPING_INVALID');
    expect(e.kind).toBe('usage');
    expect(e.fix).toMatch(/svd mappings/);
    return e.problems;
  }
  throw new Error('the mapping was accepted');
}

const lineOf = (text: string, needle: string): number =>
  text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('bad mappings and their messages', () => {
  it('an unknown key, at its line', () => {
    const text = BASE.replace(
      '  offence_code: {',
      '  offense_code: { column: X }\n  offence_code: {',
    );
    const found = problems(text);
    expect(found).toContainEqual(
      expect.objectContaining({
        line: lineOf(text, 'offense_code'),
        field: 'fields',
        message: 'unknown key "offense_code"',
      }),
    );
  });

  it('a value that is not canonical, at its line, listing the accepted ones', () => {
    const text = BASE.replace(
      'values: { F: female, M: male, U: unknown }',
      'values: { F: woman, M: male, U: unknown }',
    );
    const [p] = problems(text);
    expect(p).toMatchObject({
      line: lineOf(text, 'F: woman'),
      field: 'fields.victim_sex.values.F',
    });
    expect(p!.message).toBe(
      '"woman" is not a sex svd knows; use one of: female, male, other, unknown',
    );
  });

  it('an unknown flag and a value listed as both true and false', () => {
    const text = BASE.replace(
      '    knife: { column: Knife/Sharp Instrument, true_values: [Y], false_values: [N] }',
      '    knife: { column: Knife/Sharp Instrument, true_values: [Y], false_values: [N, y] }\n    gang: { column: Gang, true_values: [Y] }',
    );
    const found = problems(text);
    expect(found.map((p) => p.message)).toEqual([
      '"Y" is listed as both true and false',
      '"gang" is not a flag svd knows; use one of: knife, firearm, domestic, county_lines, drug_related, alcohol, night_time_economy',
    ]);
    expect(found[1]!.line).toBe(lineOf(text, 'gang:'));
  });

  it('a missing required field', () => {
    const text = BASE.replace(/ {2}crime_reference: .*\n/, '');
    expect(problems(text)).toContainEqual(
      expect.objectContaining({
        field: 'fields.crime_reference',
        message: '"crime_reference" is required here',
      }),
    );
  });

  it('a date given neither as one column nor as date and time', () => {
    const text = BASE.replace(
      'committed_from: { date: Committed From Date, time: Committed From Time }',
      'committed_from: { day: X }',
    );
    const [p] = problems(text);
    expect(p!.message).toMatch(/give either \{ column: NAME \}/);
    expect(p!.line).toBe(lineOf(text, 'committed_from'));
  });

  it('an age band that is not a band', () => {
    const text = BASE.replace(
      '  victim_age: { column: Victim Age }',
      '  victim_age_band: { column: Band, values: { young: under 18 } }',
    );
    expect(problems(text)[0]!.message).toBe(
      '"under 18" is not an age band; write bands as 18-24 or 65+',
    );
  });

  it('a name, date of birth or address column feeding a field stored as it is', () => {
    const text = BASE.replace(
      '  offence_description: { column: Offence Description }',
      '  offence_description: { column: Victim Surname }',
    ).replace('  outcome: { column: Outcome }', '  outcome: { column: Home Address }');
    const found = problems(text);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({
      field: 'fields.offence_description.column',
      line: lineOf(text, 'Victim Surname'),
    });
    expect(found[0]!.message).toMatch(
      /"Victim Surname" looks like a name, date of birth or address/,
    );
    expect(found[1]!.message).toMatch(/"Home Address"/);
  });

  it('personal data may feed a pseudonymised or derived field', () => {
    const text = BASE.replace(
      '  victim_age: { column: Victim Age }',
      '  victim_date_of_birth: { column: Victim Date of Birth }\n  victim_id: { column: Victim Full Name }',
    );
    expect(parseMapping(text, 'm.yaml').columns).toContain('Victim Date of Birth');
  });

  it('area names are not personal names', () => {
    expect(parseMapping(BASE, 'm.yaml').columns).toContain('LSOA Name');
  });

  it('YAML syntax errors name their line', () => {
    const text = 'kind: force-extract\nname: x\nfields:\n  crime_reference: { column: A\n';
    const [p] = problems(text);
    expect(p!.line).toBeGreaterThanOrEqual(4);
    expect(p!.message).toMatch(/fix: correct the YAML syntax/);
  });

  it('a wrong kind', () => {
    expect(problems(BASE.replace('kind: force-extract', 'kind: forces'))[0]!.message).toBe(
      'kind must be force-extract, istv or istv-counts',
    );
  });
});

describe('built-in mappings', () => {
  it('are all valid, one per layout svd writes or expects', () => {
    const all = builtInMappings();
    expect(all.map((m) => `${m.kind}/${m.name}`)).toEqual([
      'force-extract/svd-synthetic',
      'istv/istv-minimum-data-set',
      'istv-counts/istv-counts',
    ]);
    for (const m of all)
      expect(parseMapping(readFileSync(m.file, 'utf8'), m.file).spec.name).toBe(m.name);
  });
});
