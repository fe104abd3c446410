/**
 * Offence sub-codes through a force's own mapping: the forms a force writes are stored as 8/1,
 * disagreements are counted as warnings, an unreadable sub-code is a row error naming the file,
 * line, column, value and fix (and refuses the batch, storing nothing), and the sub-codes put
 * 8N records in the Thames Valley tiers as the definition says.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const mapping = path.join(dir, 'force.yaml');
writeFileSync(
  mapping,
  [
    'kind: force-extract',
    'name: subcode-force',
    'force: thames-valley',
    'fields:',
    '  crime_reference: { column: URN }',
    '  committed_from: { column: Offence Date }',
    '  offence_code: { column: HOC }',
    '  offence_subcode: { column: HO Class/Sub }',
    '  offence_description: { column: Offence }',
    '  statute:',
    '    column: Legislation',
    '    values:',
    '      S20 OAPA: OAPA1861-s20',
    '      S47 OAPA: OAPA1861-s47',
    '    otherwise: OAPA1861-s47',
  ].join('\n'),
);

const HEADER = 'URN,Offence Date,HOC,HO Class/Sub,Offence,Legislation';
/** [written sub-code, statute, description, stored sub-code, tier under thames-valley-vru]. */
const ROWS: [string, string, string, string, string, string | null, string][] = [
  ['A1', '8N', '008/01', 'S20 OAPA', 'Wounding / GBH without intent', '8/1', 'primary'],
  ['A2', '8N', '8N/01', '', 'Inflict GBH', '8/1', 'primary'],
  ['A3', '8N', '8.6', 'S47 OAPA', 'Assault occasioning ABH', '8/6', 'monitoring'],
  ['A4', '8N', '00806', 'S47 OAPA', 'ABH', '8/6', 'monitoring'],
  ['A5', '8N', '', 'S20 OAPA', 'GBH', null, 'primary'],
  ['A6', '8N', '', '', 'Assault with injury', null, 'monitoring'],
  // The sub-code says GBH, the statute ABH: stored as given, warned, primary (explain says why).
  ['A7', '8N', '8/1', 'S47 OAPA', 'GBH', '8/1', 'primary'],
  // The class written with the sub-code is not the offence code: stored as given, warned.
  ['A8', '8N', '8P/06', 'S47 OAPA', 'ABH', '8/6', 'monitoring'],
  ['A9', '5D', '005/01', '', 'Wounding with intent', '5/1', 'primary'],
];
const line = (r: (typeof ROWS)[number]): string =>
  [r[0], '15/01/2024', r[1], r[2], r[4], r[3]].join(',');

describe('offence sub-codes through a mapping', () => {
  const db = path.join(dir, 'ws.duckdb');

  it('are stored in the canonical form, with the disagreements counted', async () => {
    const file = path.join(dir, 'extract.csv');
    writeFileSync(file, [HEADER, ...ROWS.map(line)].join('\r\n') + '\r\n');
    const r = await svd(['ingest', 'force-extract', file, '--mapping', mapping, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const ws = await openWorkspace(db, { create: false });
    try {
      const stored = await ws.db.all<{ sub: string | null }>(
        `SELECT offence_subcode AS sub FROM incidents ORDER BY occurred_from, id`,
      );
      expect(stored.map((s) => s.sub)).toEqual(ROWS.map((row) => row[5]));
      const messages = await ws.db.all<{
        code: string;
        count: number;
        first_line: number;
        field: string;
        example_value: string;
      }>(
        `SELECT code, count, first_line, field, example_value FROM batch_messages
          WHERE code LIKE 'SUBCODE%' ORDER BY code`,
      );
      expect(messages).toEqual([
        {
          code: 'SUBCODE_CLASS_DIFFERS',
          count: 1,
          first_line: 9,
          field: 'HO Class/Sub',
          example_value: '8P/06 beside 8N',
        },
        // 008/01, 8N/01, 8.6, 00806, 8P/06 and 005/01 were written in another form.
        {
          code: 'SUBCODE_NORMALISED',
          count: 6,
          first_line: 2,
          field: 'HO Class/Sub',
          example_value: '008/01',
        },
        {
          code: 'SUBCODE_STATUTE_DIFFERS',
          count: 1,
          first_line: 8,
          field: 'HO Class/Sub',
          example_value: '8/1 with OAPA1861-s47',
        },
      ]);
    } finally {
      ws.close();
    }
  });

  it('put 8N records in the tier the definition gives them, and explain names the sub-code', async () => {
    const classify = await svd(['classify', '--definition', 'thames-valley-vru', '--db', db]);
    expect(classify.code, classify.stderr).toBe(0);
    const ws = await openWorkspace(db, { create: false });
    let tiers: { id: number; tier: string }[];
    try {
      tiers = await ws.db.all<{ id: number; tier: string }>(
        `SELECT i.id, coalesce(p.tier, p.status) AS tier
           FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id
           JOIN classification_patterns p
             ON p.definition_id = c.definition_id AND p.version = c.version AND p.mask = c.mask
          ORDER BY i.occurred_from, i.id`,
      );
    } finally {
      ws.close();
    }
    expect(tiers.map((t) => t.tier)).toEqual(ROWS.map((row) => row[6]));
    // A7: the sub-code (8/1) decided, though the statute says s.47.
    const a7 = tiers[6]!.id;
    const explain = await svd([
      'explain',
      String(a7),
      '--definition',
      'thames-valley-vru',
      '--db',
      db,
    ]);
    expect(explain.code, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('offence_subcode=8/1');
    expect(explain.stdout).toContain(
      [
        '  primary/gbh-without-intent — GBH without intent (s.20)',
        '    decided by: offence code and sub-code',
        '    ✓ needs offence code is 8N; offence code 8N (Assault with injury)',
        '    ✓ needs offence sub-code is 8/1 (Wounding or inflicting grievous bodily harm without intent); offence sub-code 8/1 (Wounding or inflicting grievous bodily harm without intent)',
      ].join('\n'),
    );
  });

  it('an unreadable sub-code is a row error naming file, line, column, value and fix; nothing is stored', async () => {
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(
      bad,
      [
        HEADER,
        line(['B1', '8N', '008/01', 'S20 OAPA', 'GBH', '8/1', 'primary']),
        line(['B2', '8N', '8N', 'S20 OAPA', 'GBH', null, 'primary']),
        line(['B3', '8N', 'ABH', 'S47 OAPA', 'ABH', null, 'monitoring']),
      ].join('\r\n') + '\r\n',
    );
    const before = await storeFingerprint(db);
    const r = await svd(['ingest', 'force-extract', bad, '--mapping', mapping, '--db', db]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`${bad}: 2 row(s) with errors, more than --max-errors 0 allows`);
    expect(r.stderr).toContain(
      `${bad}, line 3, field "HO Class/Sub": "8N" is a Home Office offence class, not a sub-code (fix: map the class to offence_code and the class/sub-classification (e.g. 8/1) to offence_subcode)`,
    );
    expect(r.stderr).toContain(
      `${bad}, line 4, field "HO Class/Sub": "ABH" is not a Home Office offence sub-code (fix: write the Home Office class and sub-classification, e.g. 8/1 (svd also reads 8/1, 008/01, 8.1, 8N/01 or 00801))`,
    );
    expect(await storeFingerprint(db)).toEqual(before);
  });
});
