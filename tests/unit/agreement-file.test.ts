/**
 * The data-sharing agreement file: the example reads, with every default filled in; each bad file
 * is refused with the path, the line and the fix of every problem.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  agreementError,
  readAgreementText,
  type AgreementIssue,
} from '../../src/access/agreementFile.js';
import { REPO } from '../helpers/paths.js';

const EXAMPLE = readFileSync(
  path.join(REPO, 'examples', 'agreements', 'oxfordshire-violence-sharing.yaml'),
  'utf8',
);
const CONTEXT = {
  organisations: [
    { id: 'tvp', retired_at: null },
    { id: 'oxford-city', retired_at: null },
    { id: 'ouh', retired_at: null },
    { id: 'old-council', retired_at: '2025-03-31T00:00:00Z' },
  ],
};

/** The line on which `needle` first appears in `text`. */
function lineOfText(text: string, needle: string): number {
  const index = text.split('\n').findIndex((l) => l.includes(needle));
  expect(index, needle).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function edit(pairs: [string, string][]): string {
  let text = EXAMPLE;
  for (const [from, to] of pairs) {
    expect(text, from).toContain(from);
    text = text.replace(from, to);
  }
  return text;
}

function issuesOf(text: string): AgreementIssue[] {
  const result = readAgreementText(text, CONTEXT, 'bad.yaml');
  expect(result.terms).toBeUndefined();
  return result.issues;
}

describe('the agreement file', () => {
  it('the example reads, every default filled in', () => {
    const { terms, issues, contentHash } = readAgreementText(EXAMPLE, CONTEXT);
    expect(issues).toEqual([]);
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(terms).toMatchObject({
      id: 'oxford-violence-sharing',
      parties: [
        { organisation: 'tvp', type: 'controller' },
        { organisation: 'oxford-city', type: 'recipient' },
      ],
      legal_basis: ['cda-1998-s115', 'pcsc-2022-s16', 'uk-gdpr-6-1-e', 'dpa-2018-sch1'],
      legal_basis_note: null,
      datasets: [
        { kind: 'force-extract', supplier: 'tvp' },
        { kind: 'police-uk', supplier: null },
      ],
      level: 'pseudonymised-record',
      level_stated: true,
      fields_withheld: ['location_text', 'offence_description', 'suspect_age', 'victim_age'],
      geography: ['E07000178'],
      min_cell_size: 5,
      audiences: ['partners'],
      start: '2026-04-01',
      review: '2027-03-31',
      expiry: '2028-03-31',
    });
  });

  it('health data default to aggregate, and the minimum cell to the NHS 8', () => {
    const text = edit([
      ['kind: police-uk', 'kind: istv'],
      ['level: pseudonymised-record\n', ''],
      ['min_cell_size: 5\n', ''],
    ]);
    const { terms, issues } = readAgreementText(text, CONTEXT);
    expect(issues).toEqual([]);
    expect(terms).toMatchObject({
      level: 'aggregate',
      level_stated: false,
      min_cell_size: 8,
      min_cell_size_stated: false,
    });
  });

  it('refuses record-level health data, with the reason (PCSC s16(4)), even under Art 9', () => {
    const text = edit([
      ['kind: police-uk', 'kind: istv'],
      ['level: pseudonymised-record', 'level: record'],
      ['uk-gdpr-6-1-e,', 'uk-gdpr-6-1-e, uk-gdpr-9-2-g,'],
      ['min_cell_size: 5', 'min_cell_size: 8'],
    ]);
    const issues = issuesOf(text);
    expect(issues).toEqual([
      expect.objectContaining({
        code: 'HEALTH_RECORD_LEVEL',
        path: ['level'],
        line: lineOfText(text, 'level: record'),
        fix: expect.stringContaining('level: aggregate') as string,
      }),
    ]);
    expect(issues[0]!.message).toContain('s16(4)');
  });

  it('refuses record-level social-care data on the same ground', () => {
    const text = edit([
      ['kind: police-uk', 'kind: social-care'],
      ['level: pseudonymised-record', 'level: record'],
    ]);
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        code: 'HEALTH_RECORD_LEVEL',
        message: expect.stringContaining(
          'record-level sharing of social-care is refused',
        ) as string,
      }),
    ]);
  });

  it('refuses pseudonymised health records without an Art 9 basis, and accepts them with one', () => {
    const without = edit([
      ['kind: police-uk', 'kind: istv'],
      ['min_cell_size: 5', 'min_cell_size: 8'],
    ]);
    expect(issuesOf(without)).toEqual([
      expect.objectContaining({
        code: 'HEALTH_NEEDS_ARTICLE_9',
        line: lineOfText(without, 'level:'),
        fix: expect.stringContaining('uk-gdpr-9-2-g') as string,
      }),
    ]);
    const withBasis = without.replace('uk-gdpr-6-1-e,', 'uk-gdpr-6-1-e, uk-gdpr-9-2-g,');
    expect(readAgreementText(withBasis, CONTEXT).terms?.level).toBe('pseudonymised-record');
  });

  it('refuses an expiry before the start and a review after the expiry', () => {
    const text = edit([
      ['expiry: 2028-03-31', 'expiry: 2026-03-31'],
      ['review: 2027-03-31', 'review: 2026-06-30'],
    ]);
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['EXPIRY_NOT_AFTER_START', lineOfText(text, 'expiry:')],
      ['REVIEW_AFTER_EXPIRY', lineOfText(text, 'review:')],
    ]);
    expect(issues[0]!.fix).toBe('give an expiry date after the start date');
    const impossible = edit([['start: 2026-04-01', 'start: 2026-02-30']]);
    expect(issuesOf(impossible)).toEqual([
      expect.objectContaining({
        code: 'BAD_DATE',
        path: ['start'],
        line: lineOfText(impossible, 'start:'),
      }),
    ]);
  });

  it('refuses an unknown party type, an unknown dataset and a misspelt field, each with its line', () => {
    const text = edit([
      ['type: recipient', 'type: partner'],
      ['kind: police-uk', 'kind: police-data'],
      ['dpia:', 'dpai:'],
    ]);
    const issues = issuesOf(text);
    const byCode = (code: string, n = 0): AgreementIssue =>
      issues.filter((i) => i.code === code)[n]!;
    expect(byCode('UNKNOWN_VALUE', 0)).toMatchObject({
      path: ['parties', 1, 'type'],
      line: lineOfText(text, 'type: partner'),
      fix: 'use one of: controller, joint-controller, recipient',
    });
    expect(byCode('UNKNOWN_VALUE', 1)).toMatchObject({
      path: ['datasets', 1, 'kind'],
      line: lineOfText(text, 'kind: police-data'),
    });
    expect(byCode('UNKNOWN_VALUE', 1).fix).toContain('police-uk, force-extract, istv');
    expect(byCode('UNKNOWN_FIELD')).toMatchObject({
      path: ['dpai'],
      line: lineOfText(text, 'dpai:'),
    });
    expect(byCode('UNKNOWN_FIELD').message).toContain('did you mean "dpia"');
  });

  it('refuses a minimum cell below the public minimum (5; 8 with health data)', () => {
    const text = edit([['min_cell_size: 5', 'min_cell_size: 4']]);
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({
        code: 'CELL_SIZE_TOO_SMALL',
        path: ['min_cell_size'],
        line: lineOfText(text, 'min_cell_size'),
        fix: 'use 5 or more',
      }),
    ]);
    const health = edit([
      ['kind: police-uk', 'kind: ambulance'],
      ['level: pseudonymised-record', 'level: aggregate'],
      ['min_cell_size: 5', 'min_cell_size: 6'],
    ]);
    expect(issuesOf(health)).toEqual([
      expect.objectContaining({ code: 'CELL_SIZE_TOO_SMALL', fix: 'use 8 or more' }),
    ]);
  });

  it('refuses unknown and retired parties, a supplier that is not a controller, and an unknown withheld field', () => {
    const text = edit([
      ['organisation: oxford-city', 'organisation: old-council'],
      ['supplier: tvp', 'supplier: ouh'],
      ['fields_withheld: [victim_age,', 'fields_withheld: [victim_name,'],
    ]);
    const issues = issuesOf(text);
    expect(issues.map((i) => i.code)).toEqual(['UNKNOWN_VALUE']);
    expect(issues[0]).toMatchObject({
      path: ['fields_withheld', 0],
      line: lineOfText(text, 'fields_withheld'),
    });
    const fixed = text.replace('victim_name', 'victim_age');
    const meaning = issuesOf(fixed);
    expect(meaning.map((i) => [i.code, i.line])).toEqual([
      ['PARTY_RETIRED', lineOfText(fixed, 'old-council')],
      ['SUPPLIER_NOT_A_CONTROLLER', lineOfText(fixed, 'supplier: ouh')],
    ]);
    const unknown = edit([['organisation: oxford-city', 'organisation: oxford-cty']]);
    expect(issuesOf(unknown)[0]).toMatchObject({
      code: 'PARTY_UNKNOWN',
      message: expect.stringContaining('did you mean "oxford-city"') as string,
    });
  });

  it('the error names the file, the line and field of each problem, and stores the fix', () => {
    const text = edit([['min_cell_size: 5', 'min_cell_size: 1']]);
    const error = agreementError('bad.yaml', issuesOf(text));
    expect(error.kind).toBe('input');
    expect(error.code).toBe('AGREEMENT_INVALID');
    expect(error.location).toEqual({
      file: 'bad.yaml',
      line: lineOfText(text, 'min_cell_size'),
      field: 'min_cell_size',
    });
    expect(error.fix).toBe('use 5 or more');
    expect(error.problems[0]!.message).toBe(
      '1 is below the public minimum of 5 (fix: use 5 or more)',
    );
  });

  it('refuses a text that is not a mapping, and YAML that does not parse, with a line', () => {
    expect(issuesOf('- just\n- a list\n')[0]).toMatchObject({ code: 'NOT_AN_AGREEMENT', line: 1 });
    expect(issuesOf('id: [unclosed\n')[0]).toMatchObject({ code: 'YAML_SYNTAX' });
  });
});
