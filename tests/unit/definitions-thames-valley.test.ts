/**
 * The shipped thames-valley-vru definition against a table written by hand from the definition's
 * text (domain.md, section 2): every offence code domain.md names, with no flag and with each
 * flag on its own, gives the tier in the table — through the TypeScript matcher and through
 * DuckDB after `classify`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { INCIDENT_FLAGS, type IncidentFlag } from '../../src/core/vocabulary.js';
import { classifyIncidents } from '../../src/definitions/classifyIncidents.js';
import { compileDefinition } from '../../src/definitions/compileDefinition.js';
import type { IncidentRecord } from '../../src/definitions/incidentRecord.js';
import { shippedDefinition } from '../../src/definitions/shippedDefinitions.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { insertIncidents } from '../helpers/incidents.js';

type Tier = 'primary' | 'monitoring' | 'none' | 'excluded';
const P: Tier = 'primary';
const M: Tier = 'monitoring';
const N: Tier = 'none';
const X: Tier = 'excluded';

/**
 * code → [no flag, knife, county lines, any of the other five flags on its own].
 * Primary: homicide, attempted murder, GBH with intent (5D/5E and the older 5A-5C), GBH without
 * intent before 2012 (8F), any knife-flagged offence except possession, 92A with county lines.
 * Monitoring: assault with injury as ABH (8N/8P/8S, older 8G), all 92A, sexual assault, rape.
 * Excluded: possession of weapons and of drugs, whatever the flags. 8N is tested with statutes
 * below: without a statute it is only ABH (monitoring).
 */
const TABLE: Record<string, [Tier, Tier, Tier, Tier]> = {
  '1': [P, P, P, P],
  '4.1': [P, P, P, P],
  '4.2': [P, P, P, P],
  '4.10': [P, P, P, P],
  '2': [P, P, P, P],
  '5D': [P, P, P, P],
  '5E': [P, P, P, P],
  '5A': [P, P, P, P],
  '5B': [P, P, P, P],
  '5C': [P, P, P, P],
  '8F': [P, P, P, P],
  '8G': [M, P, M, M],
  '8N': [M, P, M, M],
  '8P': [M, P, M, M],
  '8S': [M, P, M, M],
  '3B': [N, P, N, N],
  '34A': [N, P, N, N],
  '34B': [N, P, N, N],
  '19C': [M, P, M, M],
  '19D': [M, P, M, M],
  '19E': [M, P, M, M],
  '19F': [M, P, M, M],
  '19G': [M, P, M, M],
  '19H': [M, P, M, M],
  '17A': [M, P, M, M],
  '17B': [M, P, M, M],
  '20A': [M, P, M, M],
  '20B': [M, P, M, M],
  '92A': [M, P, P, M],
  '92D': [X, X, X, X],
  '92E': [X, X, X, X],
  '10A': [X, X, X, X],
  '10B': [X, X, X, X],
  '10C': [X, X, X, X],
  '10D': [X, X, X, X],
  '81': [X, X, X, X],
  '90': [X, X, X, X],
};

const OTHER_FLAGS = INCIDENT_FLAGS.filter((f) => f !== 'knife' && f !== 'county_lines');

interface Case {
  name: string;
  record: IncidentRecord;
  tier: Tier;
}

function flagged(code: string, flag: IncidentFlag | null, statute?: string): IncidentRecord {
  return {
    offence_code: code,
    ...(statute === undefined ? {} : { statute }),
    ...(flag === null ? {} : { [`flag_${flag}`]: true }),
  };
}

const cases: Case[] = [];
for (const [code, [none, knife, countyLines, other]] of Object.entries(TABLE)) {
  cases.push({ name: `${code}, no flag`, record: flagged(code, null), tier: none });
  cases.push({ name: `${code}, knife`, record: flagged(code, 'knife'), tier: knife });
  cases.push({
    name: `${code}, county lines`,
    record: flagged(code, 'county_lines'),
    tier: countyLines,
  });
  for (const flag of OTHER_FLAGS)
    cases.push({ name: `${code}, ${flag}`, record: flagged(code, flag), tier: other });
}
// 8N: s.20 GBH is primary, s.47 ABH is monitoring, whatever flag (knife makes both primary).
for (const flag of [null, ...INCIDENT_FLAGS]) {
  cases.push({
    name: `8N s20, ${flag ?? 'no flag'}`,
    record: flagged('8N', flag, 'OAPA1861-s20'),
    tier: P,
  });
  cases.push({
    name: `8N s47, ${flag ?? 'no flag'}`,
    record: flagged('8N', flag, 'OAPA1861-s47'),
    tier: flag === 'knife' ? P : M,
  });
}

const definition = shippedDefinition('thames-valley-vru')!;
const compiled = compileDefinition(definition);
const outcome = (c: ReturnType<typeof compiled.classify>): string => c.tier ?? c.status;

describe('thames-valley-vru, by offence code and flag (TypeScript matcher)', () => {
  it('covers every code named in domain.md', () => {
    const named =
      '1 4.1 4.2 4.10 2 5D 5E 8N 8P 8S 3B 34A 34B 19C 19D 19E 19F 19G 19H 17A 17B 20A 20B 92A 92D 92E 10A 10B 10C 10D 81 90 5A 5B 5C 8F 8G'.split(
        ' ',
      );
    expect(Object.keys(TABLE).sort()).toEqual([...named].sort());
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(outcome(compiled.classify(c.record))).toBe(c.tier);
  });

  it('a knife-flagged 10D stays excluded, by the possession exclusion', () => {
    const c = compiled.classify({ offence_code: '10D', flag_knife: true });
    expect(c).toEqual({
      tier: null,
      status: 'excluded',
      tiers: [],
      rules: ['possession-of-weapons'],
      excludedBy: ['possession-of-weapons'],
    });
  });

  it('8N with s.20 is in both tiers by two rules; with s.47 only monitoring', () => {
    expect(compiled.classify({ offence_code: '8N', statute: 'OAPA1861-s20' })).toMatchObject({
      tier: 'primary',
      tiers: ['primary', 'monitoring'],
      rules: ['gbh-without-intent', 'assault-with-injury'],
    });
    expect(compiled.classify({ offence_code: '8N', statute: 'OAPA1861-s47' })).toMatchObject({
      tier: 'monitoring',
      tiers: ['monitoring'],
      rules: ['assault-with-injury'],
    });
  });

  it('a record with none of the fields the definition reads is no-data, not none', () => {
    expect(compiled.classify({ crime_type: 'Violence and sexual offences' }).status).toBe(
      'no-data',
    );
    expect(compiled.classify({ offence_code: '58A' }).status).toBe('none');
  });
});

describe('thames-valley-vru, by offence code and flag (SQL in DuckDB, after classify)', () => {
  let ws: Workspace;
  let ids: number[];
  beforeAll(async () => {
    ws = await openWorkspace(':memory:');
    ids = await insertIncidents(
      ws,
      cases.map((c) => c.record),
    );
    await classifyIncidents(ws, definition, { reporter: silentReporter, source: 'shipped' });
  });
  afterAll(() => ws.close());

  it('stores the tier of the table for every case', async () => {
    const rows = await ws.db.all<{ incident_id: number; tier: string | null; status: string }>(
      `SELECT incident_id, tier, status FROM incident_tiers WHERE definition_id = 'thames-valley-vru' ORDER BY incident_id`,
    );
    expect(rows.map((r) => r.incident_id)).toEqual(ids);
    const wrong = rows
      .map((r, i) => ({ name: cases[i]!.name, expected: cases[i]!.tier, got: r.tier ?? r.status }))
      .filter((r) => r.expected !== r.got);
    expect(wrong).toEqual([]);
  });
});
