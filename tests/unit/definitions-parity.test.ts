/**
 * The SQL expression (evaluated by DuckDB over the incidents table) and the TypeScript matcher
 * must classify every record the same way. Thousands of random records, drawn to hit the edges
 * (nulls, unknown codes, odd case, age bands that are not bands, flags known false, sub-codes in
 * other forms), are checked
 * under the shipped definitions and under random definitions built from every kind of condition.
 * Seeded: a failure reproduces.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { INCIDENT_FLAGS, LOCATION_TYPES, SEXES, STATUTES } from '../../src/core/vocabulary.js';
import {
  compileDefinition,
  type CompiledDefinition,
} from '../../src/definitions/compileDefinition.js';
import {
  INCIDENT_COLUMNS,
  RECORD_FIELDS,
  type IncidentRecord,
} from '../../src/definitions/incidentRecord.js';
import { offenceCodes } from '../../src/core/offenceCodes.js';
import { readDefinitionText } from '../../src/definitions/readDefinition.js';
import type { Condition } from '../../src/definitions/schema.js';
import { shippedDefinitions } from '../../src/definitions/shippedDefinitions.js';
import { openWorkspace, type Workspace } from '../../src/store/openWorkspace.js';
import { insertIncidents, type TestIncident } from '../helpers/incidents.js';

/** mulberry32: small, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RECORDS = 4000;
const RANDOM_DEFINITIONS = 40;
const random = prng(20240131);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const maybe = <T>(p: number, value: () => T): T | null => (random() < p ? value() : null);
const some = <T>(list: readonly T[], max = 3): T[] => {
  const n = 1 + Math.floor(random() * max);
  return [...new Set(Array.from({ length: n }, () => pick(list)))];
};

const CODES = offenceCodes().codes.map((c) => c.code);
const RECORD_CODES = [...CODES, '8X', '8n', '4.100', ''];
const DESCRIPTIONS = [
  'Wounding with intent',
  'WOUNDING WITH INTENT',
  'Assault occasioning actual bodily harm',
  'assault – ABH',
  'Théft from the person',
  'Common assault and battery',
  '',
];
/** Stored sub-codes: canonical ones, one the reference table lacks, and a stray other form. */
const RECORD_SUBCODES = ['8/1', '8/6', '5/1', '8/46', '4/10', '105/1', '8/01', ''];
/** Sub-codes in definitions: canonical, other forms (read as 8/1, 5/1) and one not in the table. */
const DEFINITION_SUBCODES = ['8/1', '8/6', '008/01', '5D/01', '105/1', '8/47'];
const CRIME_TYPES = [
  'Violence and sexual offences',
  'Robbery',
  'Drugs',
  'Possession of weapons',
  'Burglary',
];
const BANDS = [
  '0-17',
  '18-24',
  '25-34',
  '35-64',
  '65+',
  '0-9',
  '24-18',
  'abc',
  '',
  '007-012',
  '10',
  '18 - 24',
];
const SEX_VALUES = [...SEXES, 'F'];
const LOCATIONS = [...Object.keys(LOCATION_TYPES), 'nowhere'];

function randomRecord(): TestIncident {
  const r: TestIncident = {
    offence_code: maybe(0.85, () => pick(RECORD_CODES)),
    offence_subcode: maybe(0.5, () => pick(RECORD_SUBCODES)),
    statute: maybe(0.4, () => pick([...Object.keys(STATUTES), 'CJA1988-s139'])),
    offence_description: maybe(0.5, () => pick(DESCRIPTIONS)),
    crime_type: maybe(0.5, () => pick(CRIME_TYPES)),
    victim_age: maybe(0.4, () => Math.floor(random() * 100)),
    victim_age_band: maybe(0.5, () => pick(BANDS)),
    victim_sex: maybe(0.6, () => pick(SEX_VALUES)),
    suspect_age: maybe(0.3, () => Math.floor(random() * 100)),
    suspect_age_band: maybe(0.5, () => pick(BANDS)),
    suspect_sex: maybe(0.5, () => pick(SEX_VALUES)),
    location_type: maybe(0.6, () => pick(LOCATIONS)),
  };
  for (const flag of INCIDENT_FLAGS) r[`flag_${flag}`] = maybe(0.6, () => random() < 0.4);
  // Now and then a record with nothing a definition reads.
  if (random() < 0.05) for (const f of RECORD_FIELDS) if (f !== 'crime_type') delete r[f];
  return r;
}

function randomAge(): string | { min?: number; max?: number } {
  if (random() < 0.4) return pick(['0-24', '25+', '18-24', '0-17', '65+']);
  const lo = Math.floor(random() * 60);
  const hi = lo + Math.floor(random() * 40);
  const which = random();
  return which < 0.33 ? { min: lo } : which < 0.66 ? { max: hi } : { min: lo, max: hi };
}

function randomLeaf(): Condition {
  switch (Math.floor(random() * 15)) {
    case 0:
    case 1:
      return { codes: some(CODES, 4) };
    case 2:
      return { offence_groups: some(offenceCodes().groups(), 2) };
    case 3:
      return { offence_subgroups: some(offenceCodes().subgroups(), 2) };
    case 4:
      return { statutes: some(Object.keys(STATUTES), 2) };
    case 5:
      return {
        offence_descriptions: some([
          'wounding with intent',
          'Assault – ABH',
          'Théft FROM the person',
        ]),
      };
    case 6:
      return { offence_description_contains: some(['wound', 'ASSAULT', 'abh', 'théft']) };
    case 7:
      return { crime_types: some(CRIME_TYPES, 2) };
    case 8:
      return { flags: Object.fromEntries(some(INCIDENT_FLAGS, 2).map((f) => [f, random() < 0.6])) };
    case 9:
      return { victim_age: randomAge() };
    case 10:
      return { suspect_age: randomAge() };
    case 11:
      return random() < 0.5 ? { victim_sexes: some(SEXES, 2) } : { suspect_sexes: some(SEXES, 2) };
    case 12:
      return random() < 0.5
        ? { location_types: some(Object.keys(LOCATION_TYPES), 3) }
        : { location_classes: some(['public', 'private'] as const, 1) };
    case 13:
      return random() < 0.5
        ? { subcodes: some(DEFINITION_SUBCODES, 3) }
        : { codes: some(['8N', '8P', '5D', '105A'], 2), subcodes: some(DEFINITION_SUBCODES, 2) };
    default:
      return { icd10_causes: ['X99'] };
  }
}

function randomCondition(depth: number): Condition {
  const roll = random();
  if (depth <= 0 || roll < 0.45) {
    // Sometimes several tests in one condition object (they must all hold).
    return random() < 0.3 ? { ...randomLeaf(), ...randomLeaf() } : randomLeaf();
  }
  if (roll < 0.65) return { all: [randomCondition(depth - 1), randomCondition(depth - 1)] };
  if (roll < 0.85)
    return {
      any: [randomCondition(depth - 1), randomCondition(depth - 1), randomCondition(depth - 1)],
    };
  return { ...randomLeaf(), not: randomCondition(depth - 1) };
}

function randomDefinitionText(n: number): string {
  let rule = 0;
  const rules = (count: number): Record<string, unknown>[] =>
    Array.from({ length: count }, () => ({
      id: `r${rule}`,
      label: `rule ${rule++}`,
      ...randomCondition(2),
    }));
  return stringify({
    id: `random-${n}`,
    version: 1,
    title: `random definition ${n}`,
    effective_from: '2023-01-31',
    tiers: [
      { id: 'first', label: 'first', rules: rules(1 + Math.floor(random() * 3)) },
      { id: 'second', label: 'second', rules: rules(1 + Math.floor(random() * 3)) },
    ],
    ...(random() < 0.6 ? { exclusions: rules(1 + Math.floor(random() * 2)) } : {}),
  });
}

let ws: Workspace;
let rows: (IncidentRecord & { id: number })[];
const definitions: CompiledDefinition[] = shippedDefinitions().map((d) => compileDefinition(d));
let refused = 0;

beforeAll(async () => {
  ws = await openWorkspace(':memory:');
  await insertIncidents(ws, Array.from({ length: RECORDS }, randomRecord));
  const columns = RECORD_FIELDS.filter((f) => INCIDENT_COLUMNS.has(f));
  rows = await ws.db.all(`SELECT id, ${columns.join(', ')} FROM incidents ORDER BY id`);
  for (let n = 0; n < RANDOM_DEFINITIONS; n++) {
    const result = readDefinitionText(randomDefinitionText(n), `random-${n}`);
    if (result.definition === undefined) refused++;
    else definitions.push(compileDefinition(result.definition));
  }
});
afterAll(() => ws.close());

describe('SQL and TypeScript classify alike', () => {
  it('has enough random definitions that validate (some are refused as never matching)', () => {
    expect(definitions.length - shippedDefinitions().length).toBeGreaterThanOrEqual(25);
    expect(refused + definitions.length - shippedDefinitions().length).toBe(RANDOM_DEFINITIONS);
  });

  it('gives every record the same rule mask and tier, under every definition', async () => {
    let compared = 0;
    let matchedSomething = 0;
    for (const compiled of definitions) {
      const sql = compiled.sql();
      const fromSql = await ws.db.all<{ id: number; mask: string; tier: string }>(
        `SELECT i.id, CAST(${sql.mask.sql} AS VARCHAR) AS mask, ${sql.tier.sql} AS tier
         FROM incidents i ORDER BY i.id`,
        { ...sql.mask.params, ...sql.tier.params },
      );
      const mismatches: unknown[] = [];
      fromSql.forEach((s, k) => {
        const record = rows[k]!;
        expect(s.id).toBe(record.id);
        const mask = compiled.maskOf(record);
        const c = compiled.decode(mask);
        if (BigInt(s.mask) !== mask || s.tier !== (c.tier ?? c.status))
          mismatches.push({
            definition: compiled.definition.file.id,
            record,
            sql: s,
            ts: { mask: String(mask), tier: c.tier ?? c.status },
          });
        if (c.rules.length > 0) matchedSomething++;
        compared++;
      });
      expect(mismatches.slice(0, 3)).toEqual([]);
    }
    expect(compared).toBe(definitions.length * RECORDS);
    // The random definitions do match records: the comparison is not between empty results.
    expect(matchedSomething).toBeGreaterThan(compared / 20);
  });

  it('exercises every field, the sub-code among them, in the definitions compared', () => {
    const read = new Set(definitions.flatMap((d) => d.fieldsRead));
    expect([...read]).toContain('offence_subcode');
    expect(
      definitions.filter((d) => d.fieldsRead.includes('offence_subcode')).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it('the TypeScript matcher gives the same result whether a field is null or absent', () => {
    for (const compiled of definitions.slice(0, 10)) {
      for (const record of rows.slice(0, 500)) {
        const absent = Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null));
        expect(compiled.maskOf(absent)).toBe(compiled.maskOf(record));
      }
    }
  });
});
