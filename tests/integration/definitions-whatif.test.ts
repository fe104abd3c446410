/**
 * `svd whatif` on a small workspace whose answer is worked out by hand: promoting all ABH
 * (8N, 8P, 8S) into the primary tier of thames-valley-vru.
 */
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { parseWhatIfBy, whatIf } from '../../src/analyses/whatIf/whatIf.js';
import { resolveDefinition } from '../../src/definitions/resolveDefinition.js';
import { compileDefinition } from '../../src/definitions/compileDefinition.js';
import { svd } from '../helpers/cli.js';
import { insertIncidents, type TestIncident } from '../helpers/incidents.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const db = path.join(dir, 'whatif.duckdb');
const proposal = path.join(dir, 'abh-promoted.yaml');

/**
 *  #  code  statute  flag   month    district   base        proposal
 *  1  8N    s47      -      2024-01  Oxford     monitoring  primary
 *  2  8N    s47      -      2024-01  Cherwell   monitoring  primary
 *  3  8N    -        -      2024-02  Oxford     monitoring  primary
 *  4  8P    -        -      2024-02  Oxford     monitoring  primary
 *  5  8S    -        -      2024-03  Cherwell   monitoring  primary
 *  6  8N    s20      -      2024-01  Oxford     primary     primary
 *  7  1     -        -      2024-01  Oxford     primary     primary
 *  8  34B   -        knife  2024-02  Cherwell   primary     primary
 *  9  92A   -        -      2024-02  Oxford     monitoring  monitoring
 * 10  20A   -        -      2024-03  Oxford     monitoring  monitoring
 * 11  10D   -        knife  2024-03  Oxford     excluded    excluded
 * 12  105A  -        -      2024-01  Oxford     none        none
 * 13  (police.uk row: crime type only)  Oxford  no-data     no-data
 *
 * Base: primary 3 (6, 7, 8), monitoring 7 (1-5, 9, 10). Proposal: primary 8, monitoring 2.
 * Five records move monitoring → primary: primary +5 (+166.7%: 5/3), monitoring -5 (-71.4%: 5/7).
 * By offence 8N 3, 8P 1, 8S 1; by month 2024-01 2, 2024-02 2, 2024-03 1; Oxford 3, Cherwell 2.
 */
const ROWS: TestIncident[] = [
  { offence_code: '8N', statute: 'OAPA1861-s47', month: '2024-01', lsoa_name: 'Oxford 001A' },
  { offence_code: '8N', statute: 'OAPA1861-s47', month: '2024-01', lsoa_name: 'Cherwell 002B' },
  { offence_code: '8N', month: '2024-02', lsoa_name: 'Oxford 003C' },
  { offence_code: '8P', month: '2024-02', lsoa_name: 'Oxford 001A' },
  { offence_code: '8S', month: '2024-03', lsoa_name: 'Cherwell 002B' },
  { offence_code: '8N', statute: 'OAPA1861-s20', month: '2024-01', lsoa_name: 'Oxford 001A' },
  { offence_code: '1', month: '2024-01', lsoa_name: 'Oxford 004D' },
  { offence_code: '34B', flag_knife: true, month: '2024-02', lsoa_name: 'Cherwell 005E' },
  { offence_code: '92A', month: '2024-02', lsoa_name: 'Oxford 001A' },
  { offence_code: '20A', month: '2024-03', lsoa_name: 'Oxford 001A' },
  { offence_code: '10D', flag_knife: true, month: '2024-03', lsoa_name: 'Oxford 001A' },
  { offence_code: '105A', month: '2024-01', lsoa_name: 'Oxford 001A' },
];

beforeAll(async () => {
  const ws = await openWorkspace(db);
  await insertIncidents(ws, ROWS);
  await insertIncidents(
    ws,
    [{ crime_type: 'Robbery', month: '2024-01', lsoa_name: 'Oxford 001A' }],
    {
      source: 'police-uk',
    },
  );
  ws.close();
  const shipped = readFileSync(path.join(REPO, 'definitions', 'thames-valley-vru.yaml'), 'utf8');
  writeFileSync(
    proposal,
    shipped
      .replace('version: 2', 'version: 3')
      .replace(
        '      - id: county-lines-trafficking',
        '      - id: abh\n        label: All actual bodily harm, promoted from the monitoring list\n        codes: [8N, 8P, 8S]\n      - id: county-lines-trafficking',
      ),
  );
});

describe('svd whatif', () => {
  it('counts the records whose tier changes, by transition, offence, month and district', async () => {
    const r = await svd([
      'whatif',
      '--base',
      'thames-valley-vru',
      '--proposal',
      proposal,
      '--db',
      db,
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.records).toBe(13);
    expect(result.changed).toBe(5);
    expect(result.noData).toBe(1);
    expect(result.base).toMatchObject({ id: 'thames-valley-vru', version: 2 });
    expect(result.proposal).toMatchObject({ id: 'thames-valley-vru', version: 3 });
    expect(result.tiers).toEqual([
      { tier: 'primary', base: 3, proposal: 8, change: 5, percent: 166.7 },
      { tier: 'monitoring', base: 7, proposal: 2, change: -5, percent: -71.4 },
      { tier: 'none', base: 1, proposal: 1, change: 0, percent: 0 },
      { tier: 'excluded', base: 1, proposal: 1, change: 0, percent: 0 },
      { tier: 'no-data', base: 1, proposal: 1, change: 0, percent: 0 },
    ]);
    expect(result.transitions).toEqual([{ from: 'monitoring', to: 'primary', n: 5 }]);
    expect(result.breakdowns).toEqual([
      {
        by: 'offence',
        rows: [
          { value: '8N', label: 'Assault with injury', from: 'monitoring', to: 'primary', n: 3 },
          {
            value: '8P',
            label: 'Racially or religiously aggravated assault with injury',
            from: 'monitoring',
            to: 'primary',
            n: 1,
          },
          {
            value: '8S',
            label: 'Assault with injury on a constable',
            from: 'monitoring',
            to: 'primary',
            n: 1,
          },
        ],
      },
      {
        by: 'month',
        rows: [
          { value: '2024-01', from: 'monitoring', to: 'primary', n: 2 },
          { value: '2024-02', from: 'monitoring', to: 'primary', n: 2 },
          { value: '2024-03', from: 'monitoring', to: 'primary', n: 1 },
        ],
      },
      {
        by: 'lsoa_district',
        rows: [
          { value: 'Oxford', from: 'monitoring', to: 'primary', n: 3 },
          { value: 'Cherwell', from: 'monitoring', to: 'primary', n: 2 },
        ],
      },
    ]);
    expect(result.headline).toBe(
      'thames-valley-vru@3 against thames-valley-vru@2: primary: adds 5 records (+166.7%, 3 → 8); monitoring: removes 5 records (-71.4%, 7 → 2)',
    );
  });

  it('compares only the records asked for (--where)', async () => {
    // Oxford: records 1, 3, 4, 6, 7, 9-13. Primary 2 → 5 (+150.0%), monitoring 5 → 2 (-60.0%).
    const r = await svd([
      'whatif',
      '--base',
      'thames-valley-vru',
      '--proposal',
      proposal,
      '--where',
      'lsoa_district=Oxford',
      '--by',
      'offence',
      '--db',
      db,
      '--json',
    ]);
    const result = JSON.parse(r.stdout);
    expect(result.records).toBe(10);
    expect(result.headline).toBe(
      'thames-valley-vru@3 against thames-valley-vru@2: primary: adds 3 records (+150.0%, 2 → 5); monitoring: removes 3 records (-60.0%, 5 → 2)',
    );
    expect(result.breakdowns.map((b: { by: string }) => b.by)).toEqual(['offence']);
  });

  it('prints the headline and the tables; stores nothing', async () => {
    const r = await svd([
      'whatif',
      '--base',
      'thames-valley-vru',
      '--proposal',
      proposal,
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'thames-valley-vru@3 against thames-valley-vru@2: primary: adds 5 records (+166.7%, 3 → 8)',
    );
    expect(r.stdout).toContain(
      '13 records compared; 5 change tier; 1 carry none of the fields either definition reads',
    );
    expect(r.stdout).toMatch(/^8N\s+Assault with injury\s+monitoring\s+primary\s+3$/m);
    const list = JSON.parse((await svd(['definitions', 'list', '--db', db, '--json'])).stdout);
    expect(list.workspace).toEqual([]);
  });

  it('no change is said plainly', async () => {
    const r = await svd([
      'whatif',
      '--base',
      'thames-valley-vru',
      '--proposal',
      'thames-valley-vru',
      '--db',
      db,
      '--json',
    ]);
    const result = JSON.parse(r.stdout);
    expect(result.changed).toBe(0);
    expect(result.headline).toBe(
      'thames-valley-vru@2 against thames-valley-vru@2: no record changes tier',
    );
  });

  it('refuses an unknown breakdown with the list of dimensions', async () => {
    const r = await svd([
      'whatif',
      '--base',
      'thames-valley-vru',
      '--proposal',
      proposal,
      '--by',
      'shoe_size',
      '--db',
      db,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[UNKNOWN_DIMENSION]: unknown dimension "shoe_size"');
    expect(r.stderr).toContain('use one of: offence, month, year');
  });
});

describe('whatif in process', () => {
  it('writes its temporary table without ending what the connection has memoised', async () => {
    const ws = await openWorkspace(db, { create: false });
    try {
      let computed = 0;
      const check = () =>
        ws.db.memo('whatif-test-check', async () => {
          computed++;
          return ws.db.value<number>('SELECT count(*) FROM incidents');
        });
      await check();
      const base = await resolveDefinition('thames-valley-vru', { ws, cwd: REPO });
      const next = await resolveDefinition(proposal, { ws, cwd: REPO });
      const result = await whatIf(
        ws,
        compileDefinition(base.definition),
        compileDefinition(next.definition),
        { by: parseWhatIfBy(undefined), where: [] },
      );
      expect(result.changed).toBe(5);
      await check();
      expect(computed).toBe(1);
    } finally {
      ws.close();
    }
  });
});
