/**
 * Every problem a definition file can have, with the message a person sees: the place in the
 * file (path and line), what is wrong, and what to do. Then what a valid file gives: codes kept
 * as written, a content hash that ignores layout and version, the published JSON Schema.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDefinitionText } from '../../src/definitions/readDefinition.js';
import { type DefinitionIssue } from '../../src/definitions/definitionFile.js';
import { definitionJsonSchema } from '../../src/definitions/schema.js';
import { shippedDefinitions } from '../../src/definitions/shippedDefinitions.js';
import { REPO } from '../helpers/paths.js';

/** Lines 1-8; the rules of the one tier start on line 9. */
const HEAD = `id: test-def
version: 1
title: Test
effective_from: 2023-01-31
tiers:
  - id: primary
    label: Primary
    rules:
`;
const rule = (body: string): string => `${HEAD}      - id: r0\n        label: R0\n${body}`;

function issues(text: string): [string, string, number | undefined, string][] {
  return readDefinitionText(text, 'test.yaml').issues.map((i: DefinitionIssue) => [
    i.severity,
    i.code,
    i.line,
    i.message,
  ]);
}

const E = 'error';
const W = 'warning';

describe('messages for each problem (bad inputs)', () => {
  it.each<[string, string, [string, string, number | undefined, string][]]>([
    [
      'unknown offence code, with the closest codes of the same kind',
      `${HEAD}      - id: r0\n        label: R0\n        codes: ['1']\n      - id: r1\n        label: R1\n        codes: ['2']\n      - id: r2\n        label: R2\n        codes: [3B]\n      - id: r3\n        label: R3\n        codes: [5D, 5E, 8X]\n`,
      [
        [
          E,
          'UNKNOWN_OFFENCE_CODE',
          20,
          'tiers[0].rules[3].codes[2]: unknown Home Office offence code "8X" (did you mean "8N" or "8P"?)',
        ],
      ],
    ],
    [
      'offence codes in the wrong case or with a slash',
      rule(`        codes: [8n, '4/1']\n`),
      [
        [
          E,
          'UNKNOWN_OFFENCE_CODE',
          11,
          'tiers[0].rules[0].codes[0]: unknown Home Office offence code "8n" (did you mean "8N"?)',
        ],
        [
          E,
          'UNKNOWN_OFFENCE_CODE',
          11,
          'tiers[0].rules[0].codes[1]: unknown Home Office offence code "4/1" (did you mean "4.1"?)',
        ],
      ],
    ],
    [
      'not YAML',
      rule(`        codes: [8N\n`),
      [
        [
          E,
          'YAML_SYNTAX',
          12,
          'not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        ],
      ],
    ],
    [
      'a key given twice',
      rule(`        codes: [8N]\n        codes: [8P]\n`),
      [[E, 'YAML_SYNTAX', 12, 'not valid YAML: Map keys must be unique']],
    ],
    [
      'not a mapping at all',
      '- a\n- b\n',
      [
        [
          E,
          'NOT_A_DEFINITION',
          1,
          '(top level): expected a mapping with id, version, title, effective_from and tiers; found a list',
        ],
      ],
    ],
    [
      'a rule without a label',
      `${HEAD}      - id: r0\n        codes: [8N]\n`,
      [[E, 'MISSING_FIELD', 9, 'tiers[0].rules[0]: missing "label"']],
    ],
    [
      'a single value where a list is needed',
      rule(`        codes: 8N\n`),
      [
        [
          E,
          'WRONG_TYPE',
          11,
          'tiers[0].rules[0].codes: expected a list, found the text "8N"; write it as a list: [8N]',
        ],
      ],
    ],
    [
      'an unknown field, with the field meant',
      rule(`        code: [8N]\n`),
      [
        [
          E,
          'UNKNOWN_FIELD',
          11,
          'tiers[0].rules[0].code: unknown field "code" (did you mean "codes"?)',
        ],
      ],
    ],
    [
      'a misspelt top-level field',
      HEAD.replace('title: Test', 'titel: Test') +
        '      - id: r0\n        label: R0\n        codes: [8N]\n',
      [
        [E, 'MISSING_FIELD', 1, '(top level): missing "title"'],
        [E, 'UNKNOWN_FIELD', 3, 'titel: unknown field "titel" (did you mean "title"?)'],
      ],
    ],
    [
      'an unknown flag',
      rule(`        flags: { knif: true }\n`),
      [
        [
          E,
          'UNKNOWN_FLAG',
          11,
          'tiers[0].rules[0].flags.knif: unknown flag "knif" (did you mean "knife"?); the flags are knife, firearm, domestic, county_lines, drug_related, alcohol, night_time_economy',
        ],
      ],
    ],
    [
      'no flag named',
      rule(`        flags: {}\n`),
      [
        [
          E,
          'EMPTY_LIST',
          11,
          'tiers[0].rules[0].flags: no flag is given; name at least one (e.g. knife: true), or remove flags',
        ],
      ],
    ],
    [
      'no tiers',
      'id: t\nversion: 1\ntitle: T\neffective_from: 2023-01-31\ntiers: []\n',
      [[E, 'NO_TIERS', 5, 'tiers: a definition needs at least one tier']],
    ],
    [
      'an empty tier',
      'id: t\nversion: 1\ntitle: T\neffective_from: 2023-01-31\ntiers:\n  - id: primary\n    label: P\n    rules: []\n',
      [
        [
          E,
          'EMPTY_TIER',
          8,
          'tiers[0].rules: the tier has no rules; add a rule or remove the tier',
        ],
      ],
    ],
    [
      'an empty list',
      rule(`        codes: []\n`),
      [
        [
          E,
          'EMPTY_LIST',
          11,
          'tiers[0].rules[0].codes: an empty list can never match; list at least one value, or remove the condition',
        ],
      ],
    ],
    [
      'an empty label',
      `${HEAD}      - id: r0\n        label: ''\n        codes: [8N]\n`,
      [[E, 'EMPTY_TEXT', 10, 'tiers[0].rules[0].label: must not be empty']],
    ],
    [
      'version 0',
      HEAD.replace('version: 1', 'version: 0') +
        '      - id: r0\n        label: R0\n        codes: [8N]\n',
      [[E, 'OUT_OF_RANGE', 2, 'version: 0 is below the least allowed, 1']],
    ],
    [
      'an unknown location type',
      rule(`        location_types: [stret]\n`),
      [
        [
          E,
          'UNKNOWN_VALUE',
          11,
          'tiers[0].rules[0].location_types[0]: unknown location type "stret" (did you mean "street"?); use one of dwelling, private-other, street, licensed-premises, retail-commercial, education, transport, open-space, health-care, public-other, unknown',
        ],
      ],
    ],
    [
      'an unknown sex',
      rule(`        victim_sexes: [F]\n`),
      [
        [
          E,
          'UNKNOWN_VALUE',
          11,
          'tiers[0].rules[0].victim_sexes[0]: unknown sex "F" (did you mean "female"?); use one of female, male, other, unknown',
        ],
      ],
    ],
    [
      'a date in UK order',
      HEAD.replace('2023-01-31', '31/01/2023') +
        '      - id: r0\n        label: R0\n        codes: [8N]\n',
      [
        [
          E,
          'BAD_DATE',
          4,
          'effective_from: "31/01/2023" is not a date; write YYYY-MM-DD, e.g. 2023-01-31',
        ],
      ],
    ],
    [
      'an id with spaces and capitals',
      HEAD.replace('id: test-def', 'id: Test Def') +
        '      - id: r0\n        label: R0\n        codes: [8N]\n',
      [
        [
          E,
          'BAD_ID',
          1,
          'id: "Test Def" is not a valid id: use lower-case letters, digits and hyphens (e.g. "test-def")',
        ],
      ],
    ],
    [
      'an age range that is a list',
      rule(`        victim_age: [0, 24]\n`),
      [
        [
          E,
          'BAD_AGE_RANGE',
          11,
          'tiers[0].rules[0].victim_age: expected an age band such as "0-24" or "25+", or {min: 0, max: 24}; found a list',
        ],
      ],
    ],
    [
      'an age range upside down',
      rule(`        victim_age: { min: 30, max: 20 }\n`),
      [
        [
          E,
          'BAD_AGE_RANGE',
          11,
          'tiers[0].rules[0].victim_age: min 30 is above max 20, so no age fits; swap them',
        ],
      ],
    ],
    [
      'an age beyond the range of ages',
      rule(`        victim_age: { max: 200 }\n`),
      [
        [
          E,
          'OUT_OF_RANGE',
          11,
          'tiers[0].rules[0].victim_age.max: 200 is above the most allowed, 130',
        ],
      ],
    ],
    [
      'an age range with a misspelt bound',
      rule(`        victim_age: { mx: 24 }\n`),
      [
        [
          E,
          'UNKNOWN_FIELD',
          11,
          'tiers[0].rules[0].victim_age.mx: unknown field "mx" (did you mean "max"?); an age range has min and max',
        ],
      ],
    ],
    [
      'a flag that is not true or false',
      rule(`        flags: { knife: yes }\n`),
      [
        [
          E,
          'WRONG_TYPE',
          11,
          'tiers[0].rules[0].flags.knife: expected true or false, found the text "yes"',
        ],
      ],
    ],
    [
      'an age range in words',
      rule(`        suspect_age: under 25\n`),
      [
        [
          E,
          'BAD_AGE_RANGE',
          11,
          'tiers[0].rules[0].suspect_age: "under 25" is not an age band; write "0-24" (both ends included) or "25+"',
        ],
      ],
    ],
    [
      'an unknown offence group',
      rule(`        offence_groups: [Violence against the persn]\n`),
      [
        [
          E,
          'UNKNOWN_OFFENCE_GROUP',
          11,
          'tiers[0].rules[0].offence_groups[0]: unknown offence group "Violence against the persn" (did you mean "Violence against the person"?); known: Violence against the person, Sexual offences, Robbery, Criminal damage and arson, Drug offences, Possession of weapons offences, Public order offences',
        ],
      ],
    ],
    [
      'an offence subgroup in the wrong case',
      rule(`        offence_subgroups: [homicide]\n`),
      [
        [
          E,
          'UNKNOWN_OFFENCE_SUBGROUP',
          11,
          expect.stringMatching(
            /^tiers\[0\]\.rules\[0\]\.offence_subgroups\[0\]: unknown offence subgroup "homicide" \(did you mean "Homicide"\?\); known: Homicide, /,
          ) as unknown as string,
        ],
      ],
    ],
    [
      'a statute by its section only',
      rule(`        statutes: [s20]\n`),
      [
        [
          E,
          'UNKNOWN_STATUTE',
          11,
          'tiers[0].rules[0].statutes[0]: unknown statute "s20" (did you mean "OAPA1861-s20"?); known: OAPA1861-s18, OAPA1861-s20, OAPA1861-s47',
        ],
      ],
    ],
    [
      'a police.uk crime type cut short',
      rule(`        crime_types: [Violence]\n`),
      [
        [
          E,
          'UNKNOWN_CRIME_TYPE',
          11,
          expect.stringMatching(
            /^tiers\[0\]\.rules\[0\]\.crime_types\[0\]: unknown police\.uk crime type "Violence" \(did you mean "Violence and sexual offences"\?\); known: Anti-social behaviour, /,
          ) as unknown as string,
        ],
      ],
    ],
    [
      'an ICD-10 code in lower case',
      rule(`        icd10_causes: [x99]\n`),
      [
        [
          E,
          'BAD_ICD10',
          11,
          'tiers[0].rules[0].icd10_causes[0]: "x99" is not an ICD-10 code; write a letter, two digits and an optional decimal part, e.g. X99 or X99.1',
        ],
      ],
    ],
    [
      'a rule with no condition',
      rule(''),
      [
        [
          E,
          'EMPTY_CONDITION',
          9,
          'tiers[0].rules[0]: the rule has no condition, so it would match every record; give it codes, flags or another test',
        ],
      ],
    ],
    [
      'an empty condition inside any',
      rule(`        codes: [8N]\n        any: [{}]\n`),
      [
        [
          E,
          'EMPTY_CONDITION',
          12,
          'tiers[0].rules[0].any[0]: an empty condition matches every record; remove it, or give it codes, flags or another test',
        ],
      ],
    ],
    [
      'a rule id used twice',
      rule(`        codes: [8N]\n      - id: r0\n        label: R0 again\n        codes: [8P]\n`),
      [
        [
          E,
          'DUPLICATE_RULE_ID',
          12,
          'tiers[0].rules[1].id: rule id "r0" is already used at tiers[0].rules[0]; rule ids must be unique within a definition',
        ],
      ],
    ],
    [
      'a rule id of an exclusion used by a tier rule',
      rule(`        codes: [8N]\nexclusions:\n  - id: r0\n    label: X\n    codes: [10D]\n`),
      [
        [
          E,
          'DUPLICATE_RULE_ID',
          13,
          'exclusions[0].id: rule id "r0" is already used at tiers[0].rules[0]; rule ids must be unique within a definition',
        ],
      ],
    ],
    [
      'a tier id used twice',
      rule(
        `        codes: [8N]\n  - id: primary\n    label: P2\n    rules:\n      - id: r1\n        label: R1\n        codes: [8P]\n`,
      ),
      [
        [
          E,
          'DUPLICATE_TIER_ID',
          12,
          'tiers[1].id: tier id "primary" is already used by tiers[0]; tier ids must be unique',
        ],
      ],
    ],
    [
      'a reserved tier id',
      HEAD.replace('- id: primary', '- id: none') +
        '      - id: r0\n        label: R0\n        codes: [8N]\n',
      [
        [
          E,
          'RESERVED_TIER_ID',
          6,
          'tiers[0].id: "none" cannot name a tier: counts use it for records in no tier (reserved: none, excluded, no-data, unclassified); choose another id',
        ],
      ],
    ],
    [
      'codes and a group with nothing in common',
      rule(`        codes: [8N]\n        offence_groups: [Robbery]\n`),
      [
        [
          E,
          'NEVER_MATCHES',
          9,
          'tiers[0].rules[0]: the rule can never match: no offence code satisfies every part of it',
        ],
      ],
    ],
    [
      'a flag both set and not set',
      rule(
        `        all:\n          - flags: { knife: true }\n          - flags: { knife: false }\n`,
      ),
      [
        [
          E,
          'NEVER_MATCHES',
          12,
          'tiers[0].rules[0].all: this condition can never match: it needs the knife flag both set and not set',
        ],
      ],
    ],
    [
      'a code and not the same code',
      rule(`        codes: [10D]\n        not: { codes: [10D] }\n`),
      [
        [
          E,
          'NEVER_MATCHES',
          9,
          'tiers[0].rules[0]: the rule can never match: no offence code satisfies every part of it',
        ],
      ],
    ],
    [
      'age ranges that do not overlap',
      rule(`        all:\n          - victim_age: '0-17'\n          - victim_age: '25+'\n`),
      [
        [
          E,
          'NEVER_MATCHES',
          12,
          'tiers[0].rules[0].all: this condition can never match: its victim age ranges do not overlap',
        ],
      ],
    ],
    [
      'a public location class and a private location type',
      rule(`        location_classes: [public]\n        location_types: [dwelling]\n`),
      [
        [
          E,
          'NEVER_MATCHES',
          9,
          'tiers[0].rules[0]: the rule can never match: no location type satisfies every part of it',
        ],
      ],
    ],
    [
      'one alternative of any that can never match',
      rule(
        `        any:\n          - codes: [8N]\n            statutes: [OAPA1861-s20]\n          - codes: [34A]\n            offence_subgroups: [Homicide]\n`,
      ),
      [
        [
          E,
          'NEVER_MATCHES',
          14,
          'tiers[0].rules[0].any[1]: this condition can never match: no offence code satisfies every part of it',
        ],
      ],
    ],
    [
      'a rule whose every offence is excluded',
      `${HEAD}      - id: knife-possession\n        label: K\n        codes: [10D]\n        flags: { knife: true }\nexclusions:\n  - id: possession\n    label: P\n    offence_groups: [Possession of weapons offences]\n`,
      [
        [
          E,
          'ALWAYS_EXCLUDED',
          9,
          'tiers[0].rules[0]: every offence the rule matches (10D) is removed by the exclusion "possession", so the rule can never count; remove the rule or narrow the exclusion',
        ],
      ],
    ],
  ])('%s', (_name, text, expected) => {
    expect(issues(text)).toEqual(expected);
  });

  it('too many rules for the mask', () => {
    const many = Array.from(
      { length: 127 },
      (_, i) => `      - id: r${i}\n        label: R\n        codes: [8N]\n`,
    ).join('');
    expect(issues(HEAD + many)).toEqual([
      [
        E,
        'TOO_MANY_RULES',
        1,
        '(top level): 127 rules and exclusions; at most 126 are supported. Merge rules that mean the same thing (one rule can list many codes)',
      ],
    ]);
  });

  it('collects every problem of a file, not only the first', () => {
    const text = `${HEAD}      - id: r0\n        label: R0\n        codes: [8X]\n      - id: r1\n        label: R1\n        statutes: [s47]\n        flags: { knif: true }\n`;
    expect(issues(text).map((i) => i[1])).toEqual(['UNKNOWN_FLAG']);
    const semantic = `${HEAD}      - id: r0\n        label: R0\n        codes: [8X]\n      - id: r1\n        label: R1\n        statutes: [s47]\n`;
    expect(issues(semantic).map((i) => [i[1], i[2]])).toEqual([
      ['UNKNOWN_OFFENCE_CODE', 11],
      ['UNKNOWN_STATUTE', 14],
    ]);
  });
});

describe('warnings (the definition is still valid)', () => {
  it('a value listed twice', () => {
    const r = readDefinitionText(rule(`        codes: [8N, 8P, 8N]\n`), 'test.yaml');
    expect(r.definition).toBeDefined();
    expect(issues(rule(`        codes: [8N, 8P, 8N]\n`))).toEqual([
      [W, 'DUPLICATE_VALUE', 11, 'tiers[0].rules[0].codes[2]: "8N" is listed twice'],
    ]);
  });

  it('a rule made only of not', () => {
    expect(issues(rule(`        not: { flags: { domestic: true } }\n`))).toEqual([
      [
        W,
        'BROAD_RULE',
        9,
        'tiers[0].rules[0]: the rule matches records that carry none of its fields (it is made of `not` conditions); combine it with a positive test such as codes',
      ],
    ]);
  });

  it('none for the shipped definitions', () => {
    for (const d of shippedDefinitions()) {
      const text = readFileSync(path.join(REPO, 'definitions', `${d.file.id}.yaml`), 'utf8');
      expect(readDefinitionText(text, d.file.id).issues).toEqual([]);
    }
  });
});

describe('what a valid file gives', () => {
  it('keeps offence codes as written, even where YAML would read a number (4.10 is not 4.1)', () => {
    const r = readDefinitionText(rule(`        codes: [1, 4.1, 4.10, 2]\n`), 'test.yaml');
    expect(r.issues).toEqual([]);
    expect(r.definition!.file.tiers[0]!.rules[0]!.codes).toEqual(['1', '4.1', '4.10', '2']);
  });

  it('fills the defaults', () => {
    expect(readDefinitionText(rule('        codes: [8N]\n'), 't').definition!.file.coverage).toBe(
      'exact',
    );
  });

  it('hashes the content: the same for another layout, comments or version, different for any edit', () => {
    const hash = (text: string): string => readDefinitionText(text, 't').definition!.contentHash;
    const base = hash(rule('        codes: [8N, 8P]\n'));
    const relaid = `# a comment\nversion: 7\ntitle: "Test"\nid: test-def\neffective_from: '2023-01-31'\ntiers:\n- rules:\n  - codes:\n    - 8N\n    - 8P\n    label: R0\n    id: r0\n  label: Primary\n  id: primary\n`;
    expect(hash(relaid)).toBe(base);
    expect(hash(rule('        codes: [8N, 8S]\n'))).not.toBe(base);
    expect(hash(rule('        codes: [8P, 8N]\n'))).not.toBe(base);
    expect(
      hash(
        HEAD.replace('title: Test', 'title: Test 2') +
          '      - id: r0\n        label: R0\n        codes: [8N, 8P]\n',
      ),
    ).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads JSON too', () => {
    const json = JSON.stringify({
      id: 'json-def',
      version: 1,
      title: 'J',
      effective_from: '2023-01-31',
      tiers: [{ id: 'primary', label: 'P', rules: [{ id: 'r0', label: 'R', codes: ['4.10'] }] }],
    });
    const r = readDefinitionText(json, 'def.json');
    expect(r.issues).toEqual([]);
    expect(r.definition!.file.tiers[0]!.rules[0]!.codes).toEqual(['4.10']);
  });
});

describe('the published JSON Schema', () => {
  it('is the one generated from the validation schema (regenerate: svd definitions schema)', () => {
    const committed: unknown = JSON.parse(
      readFileSync(path.join(REPO, 'definitions', 'definition.schema.json'), 'utf8'),
    );
    expect(committed).toEqual(definitionJsonSchema());
  });

  it('describes the conditions editors need: codes as text, flags by name, the combinators', () => {
    const schema = definitionJsonSchema() as {
      $defs: Record<string, { properties: Record<string, unknown> }>;
    };
    const condition = schema.$defs['condition']!.properties;
    expect(Object.keys(condition)).toEqual(
      expect.arrayContaining(['codes', 'flags', 'victim_age', 'all', 'any', 'not']),
    );
    expect(condition['codes']).toMatchObject({ type: 'array', items: { type: 'string' } });
    expect(Object.keys((condition['flags'] as { properties: object }).properties)).toEqual([
      'knife',
      'firearm',
      'domestic',
      'county_lines',
      'drug_related',
      'alcohol',
      'night_time_economy',
    ]);
  });
});
