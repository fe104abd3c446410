/**
 * Offence sub-codes (docs/decisions/0008-offence-subcodes.md): the forms forces write and the
 * one svd stores, the errors for what cannot be read, the `subcodes` condition's validation
 * messages, a table of real classifications under the shipped thames-valley-vru (TypeScript
 * matcher and DuckDB after `classify`), and `explain` saying which condition decided.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import {
  isCanonicalSubcode,
  normaliseOffenceSubcode,
  readOffenceSubcode,
} from '../../src/core/offenceSubcode.js';
import { STATUTES } from '../../src/core/vocabulary.js';
import { classifyIncidents } from '../../src/definitions/classifyIncidents.js';
import { compileDefinition } from '../../src/definitions/compileDefinition.js';
import { describeDefinition } from '../../src/definitions/describeDefinition.js';
import { explainRecord } from '../../src/definitions/explainRecord.js';
import type { IncidentRecord } from '../../src/definitions/incidentRecord.js';
import { offenceCodes } from '../../src/core/offenceCodes.js';
import { offenceSubcodes, parseOffenceSubcodes } from '../../src/core/offenceSubcodes.js';
import { readDefinitionText } from '../../src/definitions/readDefinition.js';
import { parseRecordLine } from '../../src/definitions/readRecordLines.js';
import { shippedDefinition } from '../../src/definitions/shippedDefinitions.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { insertIncidents } from '../helpers/incidents.js';

describe('reading a sub-code', () => {
  it.each([
    ['8/1', '8/1', null],
    ['08/01', '8/1', null],
    ['008/01', '8/1', null],
    ['8/01', '8/1', null],
    ['8.1', '8/1', null],
    ['8-1', '8/1', null],
    [' 8 / 1 ', '8/1', null],
    ['00801', '8/1', null],
    ['00806', '8/6', null],
    ['8N/01', '8/1', '8N'],
    ['8n/1', '8/1', '8N'],
    ['8N.06', '8/6', '8N'],
    ['005/01', '5/1', null],
    ['5D/01', '5/1', '5D'],
    ['4/10', '4/10', null],
    ['004.10', '4/10', null],
    ['105/1', '105/1', null],
    ['105A/01', '105/1', '105A'],
    ['37/1', '37/1', null],
    // In a sub-code column a dot separates: 4.1 is 4/1 (the class 4.1 and its sub-code agree).
    ['4.1', '4/1', null],
    ['002/00', '2/0', null],
  ])('%j is stored as %s', (raw, subcode, classCode) => {
    expect(readOffenceSubcode(raw)).toEqual({ subcode, classCode });
    expect(isCanonicalSubcode(subcode)).toBe(true);
  });

  it.each([
    ['8N', 'is a Home Office offence class, not a sub-code'],
    ['92A', 'is a Home Office offence class, not a sub-code'],
    ['8', 'is a Home Office offence class, not a sub-code'],
    ['ABH', 'is not a Home Office offence sub-code'],
    ['8/1/2', 'is not a Home Office offence sub-code'],
    ['8/1234', 'is not a Home Office offence sub-code'],
    ['8 N/1', 'is not a Home Office offence sub-code'],
    ['000/01', 'names class 0, which is no notifiable offence class'],
    ['', 'is empty'],
  ])('%j cannot be read: %s', (raw, reason) => {
    const r = readOffenceSubcode(raw);
    expect(r).toMatchObject({ reason });
    expect(normaliseOffenceSubcode(raw)).toBeUndefined();
  });

  it('says how to write one, and where a class belongs', () => {
    expect(readOffenceSubcode('ABH')).toEqual({
      reason: 'is not a Home Office offence sub-code',
      fix: 'write the Home Office class and sub-classification, e.g. 8/1 (svd also reads 8/1, 008/01, 8.1, 8N/01 or 00801)',
    });
    expect(readOffenceSubcode('8N')).toEqual({
      reason: 'is a Home Office offence class, not a sub-code',
      fix: 'map the class to offence_code and the class/sub-classification (e.g. 8/1) to offence_subcode',
    });
  });

  it('in a classify-records line: read into the canonical form, or refused naming the field', () => {
    expect(
      parseRecordLine('{"offence_code": "8N", "offence_subcode": "008/01"}', 3, 'in.jsonl').record
        ?.record,
    ).toEqual({ offence_code: '8N', offence_subcode: '8/1' });
    expect(parseRecordLine('{"offence_subcode": "8N"}', 4, 'in.jsonl').problems).toEqual([
      {
        file: 'in.jsonl',
        line: 4,
        field: 'offence_subcode',
        value: '8N',
        message:
          '"8N" is a Home Office offence class, not a sub-code; map the class to offence_code and the class/sub-classification (e.g. 8/1) to offence_subcode',
      },
    ]);
    expect(parseRecordLine('{"offence_subcode": 801}', 5, 'in.jsonl').problems[0]).toMatchObject({
      field: 'offence_subcode',
      message: 'expected text such as "8/1", found 801',
    });
  });
});

describe('the sub-code reference table', () => {
  it('holds canonical sub-codes, known classes and canonical statutes', () => {
    const table = offenceSubcodes();
    expect(table.subcodes.length).toBeGreaterThanOrEqual(10);
    for (const s of table.subcodes) {
      expect(isCanonicalSubcode(s.subcode)).toBe(true);
      if (s.class !== null) expect(offenceCodes().byCode(s.class), s.subcode).toBeDefined();
      if (s.statute !== null) expect(Object.keys(STATUTES)).toContain(s.statute);
    }
    // The two that split 8N, as the Home Office offence code table names them.
    expect(table.bySubcode('8/1')).toMatchObject({ class: '8N', statute: 'OAPA1861-s20' });
    expect(table.bySubcode('8/6')).toMatchObject({ class: '8N', statute: 'OAPA1861-s47' });
    expect(table.bySubcode('5/1')).toMatchObject({ class: '5D', statute: 'OAPA1861-s18' });
  });

  it('a damaged table is refused with the line', () => {
    expect(() =>
      parseOffenceSubcodes(
        'subcode,name,class,statute,certainty,note\n008/01,Wounding,8N,,confident,\n',
      ),
    ).toThrow(/sub-code "008\/01" is not in the form CLASS\/SUB/);
  });
});

// ------------------------------------------------------------------ real classifications

type Tier = 'primary' | 'monitoring' | 'none' | 'excluded' | 'no-data';

/**
 * Real classifications as a force records them — class, sub-code, statute, description — and
 * the tier the Thames Valley VRU definition gives them (GBH is serious violence; ABH only the
 * monitoring list). Sub-codes and offences from the Home Office offence code table (category /
 * sub-category; reference/README.md), classes from the Counting Rules for Recorded Crime,
 * Violence against the Person (8F/8G merged into 8N from April 2012).
 */
const REAL: { what: string; record: IncidentRecord; tier: Tier; decidedBy?: string[] }[] = [
  // HOCR 8N; HO code 8/1 "wound or inflict grievous bodily harm without intent" (OAPA s.20).
  {
    what: '8N, 8/1, s.20',
    record: { offence_code: '8N', offence_subcode: '8/1', statute: 'OAPA1861-s20' },
    tier: 'primary',
    decidedBy: ['offence code', 'sub-code'],
  },
  {
    what: '8N, 8/1, no statute',
    record: {
      offence_code: '8N',
      offence_subcode: '8/1',
      offence_description: 'Wounding or inflicting grievous bodily harm without intent',
    },
    tier: 'primary',
    decidedBy: ['offence code', 'sub-code'],
  },
  {
    what: '8N, no sub-code, s.20',
    record: { offence_code: '8N', statute: 'OAPA1861-s20' },
    tier: 'primary',
    decidedBy: ['offence code', 'statute'],
  },
  // HOCR 8N; HO code 8/6 "assaults occasioning actual bodily harm" (OAPA s.47).
  {
    what: '8N, 8/6, s.47',
    record: { offence_code: '8N', offence_subcode: '8/6', statute: 'OAPA1861-s47' },
    tier: 'monitoring',
  },
  {
    what: '8N, 8/6, no statute',
    record: {
      offence_code: '8N',
      offence_subcode: '8/6',
      offence_description: 'Assault occasioning actual bodily harm',
    },
    tier: 'monitoring',
  },
  { what: '8N alone', record: { offence_code: '8N' }, tier: 'monitoring' },
  // Disagreeing fields: the broader reading (GBH) wins, and explain names the sub-code.
  {
    what: '8N, 8/1, s.47',
    record: { offence_code: '8N', offence_subcode: '8/1', statute: 'OAPA1861-s47' },
    tier: 'primary',
    decidedBy: ['offence code', 'sub-code'],
  },
  {
    what: '8N, 8/6, s.20',
    record: { offence_code: '8N', offence_subcode: '8/6', statute: 'OAPA1861-s20' },
    tier: 'primary',
    decidedBy: ['offence code', 'statute'],
  },
  // HOCR 8P; HO codes 8/46 and 8/47: racially or religiously aggravated GBH and ABH (CDA s.29):
  // the definition does not split 8P, so both are monitoring.
  {
    what: '8P, 8/46',
    record: { offence_code: '8P', offence_subcode: '8/46' },
    tier: 'monitoring',
  },
  {
    what: '8P, 8/47',
    record: { offence_code: '8P', offence_subcode: '8/47' },
    tier: 'monitoring',
  },
  // A sub-code needs its class: 8/1 recorded under another class does not make GBH.
  { what: '105A, 8/1', record: { offence_code: '105A', offence_subcode: '8/1' }, tier: 'none' },
  // Before April 2012: GBH without intent had its own class, 8F (HO code 8/1 then too).
  {
    what: '8F, 8/1',
    record: { offence_code: '8F', offence_subcode: '8/1' },
    tier: 'primary',
    decidedBy: ['offence code'],
  },
  { what: '8G, 8/6', record: { offence_code: '8G', offence_subcode: '8/6' }, tier: 'monitoring' },
  // HOCR 5D; HO code 5/1 wounding or GBH with intent (OAPA s.18).
  {
    what: '5D, 5/1, s.18',
    record: { offence_code: '5D', offence_subcode: '5/1', statute: 'OAPA1861-s18' },
    tier: 'primary',
    decidedBy: ['offence code'],
  },
  // HOCR homicide classes 4.1 and 4.10; HO codes 4/1 manslaughter, 4/10 corporate manslaughter.
  { what: '4.1, 4/1', record: { offence_code: '4.1', offence_subcode: '4/1' }, tier: 'primary' },
  {
    what: '4.10, 4/10',
    record: { offence_code: '4.10', offence_subcode: '4/10' },
    tier: 'primary',
  },
  // A sub-code and nothing else the definition reads: no offence code, so no tier.
  { what: '8/1 alone', record: { offence_subcode: '8/1' }, tier: 'none' },
];

describe('real classifications under thames-valley-vru', () => {
  const compiled = compileDefinition(shippedDefinition('thames-valley-vru')!);
  let ws: Workspace;
  let ids: number[];

  beforeAll(async () => {
    ws = await openWorkspace(':memory:');
    ids = await insertIncidents(
      ws,
      REAL.map((r) => r.record),
    );
    await classifyIncidents(ws, shippedDefinition('thames-valley-vru')!, {
      reporter: silentReporter,
      source: 'shipped',
    });
  });
  afterAll(() => ws.close());

  it.each(REAL)('$what → $tier (TypeScript matcher)', ({ record, tier }) => {
    const c = compiled.classify(record);
    expect(c.tier ?? c.status).toBe(tier);
  });

  it('DuckDB, after classify, agrees record for record', async () => {
    const stored = await ws.db.all<{ id: number; tier: string }>(
      `SELECT c.incident_id AS id, coalesce(p.tier, p.status) AS tier FROM incident_classifications c
        JOIN classification_patterns p
          ON p.definition_id = c.definition_id AND p.version = c.version AND p.mask = c.mask
        ORDER BY c.incident_id`,
    );
    expect(stored.map((s) => s.id)).toEqual(ids);
    expect(stored.map((s) => s.tier)).toEqual(REAL.map((r) => r.tier));
  });

  it.each(REAL.filter((r) => r.decidedBy !== undefined))(
    '$what: explain says the primary rule was decided by $decidedBy',
    ({ record, decidedBy }) => {
      const e = explainRecord(compiled, record);
      const primary = e.rules.filter((r) => r.tier === 'primary' && r.matched);
      expect(primary.map((r) => r.decidedBy)).toContainEqual(decidedBy);
    },
  );

  it('explain shows the closest alternative with the field the record holds', () => {
    // 8N with s.47 and no sub-code: "needs statute s.20; has s.47", not "no sub-code recorded".
    const e = explainRecord(compiled, { offence_code: '8N', statute: 'OAPA1861-s47' });
    const gbh = e.rules.find((r) => r.rule === 'gbh-without-intent')!;
    expect(gbh).toMatchObject({ matched: false, nearly: true, decidedBy: [] });
    expect(gbh.checks.map((c) => [c.kind, c.holds, c.needs, c.has])).toEqual([
      ['offence code', true, 'offence code is 8N', 'offence code 8N (Assault with injury)'],
      ['statute', false, 'statute is OAPA1861-s20', 'statute "OAPA1861-s47"'],
    ]);
    // 8N with 8/6 and no statute: the sub-code is what differs.
    const f = explainRecord(compiled, { offence_code: '8N', offence_subcode: '8/6' });
    expect(f.rules.find((r) => r.rule === 'gbh-without-intent')!.checks[1]).toEqual({
      kind: 'sub-code',
      holds: false,
      needs: 'offence sub-code is 8/1 (Wounding or inflicting grievous bodily harm without intent)',
      has: 'offence sub-code 8/6 (Assault occasioning actual bodily harm)',
    });
  });

  it('describeDefinition lists the sub-codes the definition names, with their offences', () => {
    expect(describeDefinition(shippedDefinition('thames-valley-vru')!).subcodes).toEqual([
      {
        subcode: '8/1',
        name: 'Wounding or inflicting grievous bodily harm without intent',
        class: '8N',
      },
    ]);
  });
});

// ------------------------------------------------------------------ validation

function definitionWith(condition: string): string {
  return [
    'id: subcode-test',
    'version: 1',
    'title: sub-code test',
    'effective_from: 2024-01-01',
    'tiers:',
    '  - id: first',
    '    label: first',
    '    rules:',
    '      - id: gbh',
    '        label: GBH',
    ...condition.split('\n').map((l) => `        ${l}`),
  ].join('\n');
}

const issuesOf = (condition: string): { severity: string; code: string; message: string }[] =>
  readDefinitionText(definitionWith(condition), 'test.yaml').issues.map((i) => ({
    severity: i.severity,
    code: i.code,
    message: i.message,
  }));

describe('validating subcodes', () => {
  it('the canonical form of a known sub-code beside its class is clean', () => {
    expect(issuesOf("codes: [8N]\nsubcodes: ['8/1', '8/6']")).toEqual([]);
  });

  it('a class written as a sub-code is refused, pointing to codes', () => {
    expect(issuesOf("subcodes: ['8N']")).toEqual([
      {
        severity: 'error',
        code: 'BAD_OFFENCE_SUBCODE',
        message:
          'tiers[0].rules[0].subcodes[0]: "8N" is a Home Office offence class, not a sub-code; to match the class, write codes: ["8N"]; a sub-code is written as the class number and sub-classification, e.g. 8/1',
      },
    ]);
  });

  it('text that is no code is refused with the forms read', () => {
    expect(issuesOf("subcodes: ['GBH']")).toEqual([
      {
        severity: 'error',
        code: 'BAD_OFFENCE_SUBCODE',
        message:
          'tiers[0].rules[0].subcodes[0]: "GBH" is not a Home Office offence sub-code; write the Home Office class and sub-classification, e.g. 8/1 (svd also reads 8/1, 008/01, 8.1, 8N/01 or 00801)',
      },
    ]);
  });

  it('another form is read, and the canonical one suggested; the same sub-code twice is warned', () => {
    const issues = issuesOf("codes: [8N]\nsubcodes: ['008/01', '8/1']");
    expect(issues).toEqual([
      {
        severity: 'warning',
        code: 'NON_CANONICAL_SUBCODE',
        message:
          'tiers[0].rules[0].subcodes[0]: "008/01" is read as 8/1; write it as "8/1" (the form svd stores)',
      },
      {
        severity: 'warning',
        code: 'DUPLICATE_VALUE',
        message: 'tiers[0].rules[0].subcodes[1]: "8/1" is the same sub-code as "008/01" (8/1)',
      },
    ]);
    // Read, it matches the stored form.
    const read = readDefinitionText(
      definitionWith("codes: [8N]\nsubcodes: ['008/01']"),
      'test.yaml',
    );
    const compiled = compileDefinition(read.definition!);
    expect(compiled.classify({ offence_code: '8N', offence_subcode: '8/1' }).tier).toBe('first');
  });

  it('a sub-code the reference table lacks is warned, with those of its class', () => {
    expect(issuesOf("codes: [8N]\nsubcodes: ['8/7']")).toEqual([
      {
        severity: 'warning',
        code: 'UNKNOWN_OFFENCE_SUBCODE',
        message:
          'tiers[0].rules[0].subcodes[0]: sub-code 8/7 is not in svd\'s sub-code table (reference/home-office-offence-subcodes.csv), so it cannot be checked or named (did you mean "8/1" or "8/6"?); check it against the Home Office Counting Rules',
      },
    ]);
  });

  it('a sub-code recorded under a class the condition does not name is warned', () => {
    expect(issuesOf("codes: [8N]\nsubcodes: ['5/1']")).toEqual([
      {
        severity: 'warning',
        code: 'SUBCODE_OUTSIDE_CODES',
        message:
          "tiers[0].rules[0].subcodes[0]: sub-code 5/1 (Wounding or causing grievous bodily harm with intent, or to resist apprehension) is recorded under class 5D, which is not among this condition's codes (8N), so only a record with an unexpected class can match both; add 5D to codes or check the sub-code",
      },
    ]);
  });

  it('an empty list is refused by the schema', () => {
    expect(issuesOf('subcodes: []').map((i) => i.severity)).toContain('error');
  });
});
