/**
 * Definitions in a workspace: stored by content hash and versioned, every record classified in
 * DuckDB, counts by tier that say which definition produced them, re-running history under an
 * older version, records added after a classification, explanations — and the police.uk proxy
 * on real data, checked against an independent count of the raw file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadStoredDefinition, storedVersions } from '../../src/definitions/storeDefinition.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { svd } from '../helpers/cli.js';
import { insertIncidents } from '../helpers/incidents.js';
import { REPO, TV_STREET } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const db = path.join(dir, 'defs.duckdb');
const shippedText = readFileSync(path.join(REPO, 'definitions', 'thames-valley-vru.yaml'), 'utf8');
const json = async (args: string[]): Promise<unknown> => {
  const r = await svd([...args, '--db', db, '--json']);
  if (r.code !== 0) throw new Error(`svd ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
};

beforeAll(async () => {
  const ws = await openWorkspace(db);
  await insertIncidents(ws, [
    { offence_code: '8N', statute: 'OAPA1861-s47', month: '2024-01' }, // monitoring
    { offence_code: '8N', statute: 'OAPA1861-s20', month: '2024-01' }, // primary (+ monitoring)
    { offence_code: '1', flag_domestic: true, month: '2024-02' }, // primary
    { offence_code: '10D', flag_knife: true, month: '2024-02' }, // excluded
    { offence_code: '58A', month: '2024-02' }, // none
  ]);
  ws.close();
});

describe('classify and counts by tier', () => {
  it('stores the shipped definition, classifies every record and reports by tier', async () => {
    const report = (await json(['classify', '--definition', 'thames-valley-vru'])) as {
      definition: { id: string; version: number; content_hash: string; source: string };
      added: boolean;
      records: number;
      tiers: { tier: string; n: number }[];
      matched: { tier: string; n: number }[];
      multiTier: number;
    };
    expect(report.definition).toMatchObject({
      id: 'thames-valley-vru',
      version: 2,
      source: 'shipped',
    });
    expect(report.added).toBe(true);
    expect(report.records).toBe(5);
    expect(report.tiers).toEqual([
      { tier: 'primary', n: 2 },
      { tier: 'monitoring', n: 1 },
      { tier: 'none', n: 1 },
      { tier: 'excluded', n: 1 },
      { tier: 'no-data', n: 0 },
    ]);
    expect(report.matched).toEqual([
      { tier: 'primary', n: 2 },
      { tier: 'monitoring', n: 2 },
    ]);
    expect(report.multiTier).toBe(1);
  });

  it('counts by tier carry the definition id, version and content hash', async () => {
    const rows = (await json([
      'counts',
      '--by',
      'month,tier',
      '--definition',
      'thames-valley-vru',
    ])) as Record<string, unknown>[];
    const hash = (
      (await json(['definitions', 'show', 'thames-valley-vru'])) as { content_hash: string }
    ).content_hash;
    expect(rows).toEqual(
      [
        { month: '2024-01', tier: 'monitoring', n: 1 },
        { month: '2024-01', tier: 'primary', n: 1 },
        { month: '2024-02', tier: 'excluded', n: 1 },
        { month: '2024-02', tier: 'none', n: 1 },
        { month: '2024-02', tier: 'primary', n: 1 },
      ].map((r) => ({
        ...r,
        definition_id: 'thames-valley-vru',
        definition_version: 2,
        definition_hash: hash,
        coverage: 'exact',
      })),
    );
    const table = await svd([
      'counts',
      '--by',
      'tier',
      '--definition',
      'thames-valley-vru',
      '--db',
      db,
    ]);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^definition thames-valley-vru@2 \(sha256 [0-9a-f]{12}, classified \d{4}-\d\d-\d\dT[\d:]+Z\): Thames Valley VRU/,
    );
    expect(table.stdout).toContain(`total 5 (thames-valley-vru@2, sha256 ${hash.slice(0, 12)})`);
    expect(table.stderr).toContain(
      '1 record is in more than one tier; tier counts each once, in its first tier (use --by matched_tier to count every tier)',
    );
  });

  it('counts every tier a record is in, and every rule', async () => {
    const tiers = (await json([
      'counts',
      '--by',
      'matched_tier',
      '--definition',
      'thames-valley-vru',
    ])) as { matched_tier: string; n: number }[];
    expect(tiers.map((r) => [r.matched_tier, r.n])).toEqual([
      ['excluded', 1],
      ['monitoring', 2],
      ['none', 1],
      ['primary', 2],
    ]);
    const rules = (await json([
      'counts',
      '--by',
      'rule',
      '--where',
      'tier=primary',
      '--definition',
      'thames-valley-vru',
    ])) as { rule: string; n: number }[];
    expect(rules.map((r) => [r.rule, r.n])).toEqual([
      ['assault-with-injury', 1],
      ['gbh-without-intent', 1],
      ['homicide', 1],
    ]);
  });

  it('tier dimensions need --definition, and a classification', async () => {
    const missing = await svd(['counts', '--by', 'tier', '--db', db]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'error[NEEDS_DEFINITION]: tier needs --definition: tiers exist only under a definition',
    );
    const never = await svd([
      'counts',
      '--by',
      'tier',
      '--definition',
      'police-uk-proxy',
      '--db',
      db,
    ]);
    expect(never.code).toBe(2);
    expect(never.stderr).toContain(
      'error[NOT_CLASSIFIED]: the records in this workspace have not been classified under police-uk-proxy@1 yet',
    );
    expect(never.stderr).toContain('fix: run `svd classify --definition police-uk-proxy` first');
    const both = await svd([
      'counts',
      '--by',
      'matched_tier,rule',
      '--definition',
      'thames-valley-vru',
      '--db',
      db,
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('matched_tier and rule cannot be used together');
  });
});

describe('versions by content hash', () => {
  const edited = path.join(dir, 'edited.yaml');
  const relabelled = path.join(dir, 'same-content.yaml');

  it('the same content again is the same version, whatever the file says', async () => {
    writeFileSync(
      relabelled,
      `# the shipped text, re-laid\n${shippedText.replace('version: 2', 'version: 5')}`,
    );
    const r = await svd(['classify', '--definition', relabelled, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: thames-valley-vru: the file says version 5, but its content is the stored version 2; using thames-valley-vru@2',
    );
    expect(r.stdout).toContain('already stored as thames-valley-vru@2; classified 5 records');
    const ws = await openWorkspace(db, { create: false });
    try {
      expect(await ws.db.value(`SELECT count(*) FROM incident_classifications`)).toBe(5);
      expect(await ws.db.value(`SELECT count(*) FROM definitions`)).toBe(1);
      expect(await ws.db.value(`SELECT count(*) FROM classification_runs`)).toBe(2);
    } finally {
      ws.close();
    }
  });

  it('an edit is a new version; the newest is used by default; older versions re-run', async () => {
    // The edit moves all ABH (8N without s.20) into the primary tier.
    writeFileSync(
      edited,
      shippedText.replace(
        '      - id: county-lines-trafficking',
        '      - id: abh\n        label: All ABH\n        codes: [8N]\n      - id: county-lines-trafficking',
      ),
    );
    const r = await svd(['classify', '--definition', edited, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'warning: thames-valley-vru: version 2 is already stored with other content, so this edit is stored as version 3 (set `version: 3` in the file to keep them in step)',
    );
    const list = (await json(['definitions', 'list'])) as {
      workspace: {
        definition_id: string;
        version: number;
        origin: string;
        records_classified: number;
      }[];
    };
    expect(
      list.workspace.map((w) => [w.definition_id, w.version, w.origin, w.records_classified]),
    ).toEqual([
      ['thames-valley-vru', 2, 'shipped', 5],
      ['thames-valley-vru', 3, edited, 5],
    ]);
    const tiersOf = async (spec: string): Promise<[string, number][]> =>
      (
        (await json(['counts', '--by', 'tier', '--definition', spec])) as {
          tier: string;
          n: number;
        }[]
      ).map((r) => [r.tier, r.n]);
    // Newest (3): both 8N are primary. Version 2: the s.47 one is monitoring.
    expect(await tiersOf('thames-valley-vru')).toEqual([
      ['excluded', 1],
      ['none', 1],
      ['primary', 3],
    ]);
    expect(await tiersOf('thames-valley-vru@2')).toEqual([
      ['excluded', 1],
      ['monitoring', 1],
      ['none', 1],
      ['primary', 2],
    ]);
    const announced = await svd([
      'counts',
      '--by',
      'tier',
      '--definition',
      'thames-valley-vru',
      '--db',
      db,
    ]);
    expect(announced.stderr).toContain(
      'thames-valley-vru is thames-valley-vru@3, the newest of 2 versions stored in this workspace',
    );
    expect(announced.stderr).not.toContain('shipped with this svd');
    const rerun = await svd(['classify', '--definition', 'thames-valley-vru@2', '--db', db]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('already stored as thames-valley-vru@2');
    expect(await tiersOf('thames-valley-vru@2')).toEqual([
      ['excluded', 1],
      ['monitoring', 1],
      ['none', 1],
      ['primary', 2],
    ]);
    const diff = await svd([
      'definitions',
      'diff',
      'thames-valley-vru@2',
      'thames-valley-vru@3',
      '--db',
      db,
    ]);
    expect(diff.stdout).toContain('+ rule abh in tier primary: All ABH\n    offence code is 8N');
  });

  it('a stored version read again is the same, and each reader has a copy of its own', async () => {
    const ws = await openWorkspace(db, { create: false, readOnly: true });
    try {
      const [stored] = await storedVersions(ws, 'thames-valley-vru');
      const version = stored!.version;
      const first = await loadStoredDefinition(ws, 'thames-valley-vru', version);
      const again = await loadStoredDefinition(ws, 'thames-valley-vru', version);
      expect(first).toBeDefined();
      expect(again).toEqual(first);
      const title = first!.file.title;
      first!.file.title = 'changed by one reader';
      first!.file.tiers.pop();
      const third = await loadStoredDefinition(ws, 'thames-valley-vru', version);
      expect(third!.file.title).toBe(title);
      expect(third).toEqual(again);
      expect(await loadStoredDefinition(ws, 'thames-valley-vru', 99)).toBeUndefined();
    } finally {
      ws.close();
    }
  });

  it('an unknown version names those there are', async () => {
    const r = await svd(['classify', '--definition', 'thames-valley-vru@9', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error[UNKNOWN_DEFINITION_VERSION]: there is no version 9 of thames-valley-vru',
    );
    expect(r.stderr).toContain(
      'fix: use one of: thames-valley-vru@2 (workspace), thames-valley-vru@3 (workspace), thames-valley-vru@2 (shipped)',
    );
  });
});

describe('records added after a classification', () => {
  it('show as unclassified, with a warning, until classified again', async () => {
    const ws = await openWorkspace(db, { create: false });
    await insertIncidents(ws, [{ offence_code: '2', month: '2024-03' }]);
    ws.close();
    const r = await svd([
      'counts',
      '--by',
      'tier',
      '--definition',
      'thames-valley-vru@2',
      '--db',
      db,
      '--json',
    ]);
    expect(
      JSON.parse(r.stdout).map((x: { tier: string; n: number }) => [x.tier, x.n]),
    ).toContainEqual(['unclassified', 1]);
    expect(r.stderr).toContain(
      'warning: 1 record was added after the classification under thames-valley-vru@2 and shows as "unclassified": run svd classify --definition thames-valley-vru@2',
    );
    await svd(['classify', '--definition', 'thames-valley-vru@2', '--db', db, '--quiet']);
    const again = JSON.parse(
      (
        await svd([
          'counts',
          '--by',
          'tier',
          '--definition',
          'thames-valley-vru@2',
          '--db',
          db,
          '--json',
        ])
      ).stdout,
    );
    expect(again.map((x: { tier: string; n: number }) => [x.tier, x.n])).toEqual([
      ['excluded', 1],
      ['monitoring', 1],
      ['none', 1],
      ['primary', 3],
    ]);
  });
});

describe('svd explain', () => {
  it('shows the rules matched and the rule nearly matched, with what the record holds', async () => {
    const r = await svd(['explain', '1', '--definition', 'thames-valley-vru@2', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'record 1 (force-extract, thames-valley, 2024-01)\n  offence_code=8N · statute=OAPA1861-s47',
    );
    expect(r.stdout).toContain(
      'result: tier monitoring\n  (the same as the stored classification)',
    );
    expect(r.stdout).toContain(
      [
        'Nearly matched (one condition short):',
        '  primary/gbh-without-intent — GBH without intent (s.20)',
        '    ✓ needs offence code is 8N; offence code 8N (Assault with injury)',
        '    ✗ needs statute is OAPA1861-s20; statute "OAPA1861-s47"',
      ].join('\n'),
    );
    // The homicide rule shares nothing with this record: not "nearly matched".
    expect(r.stdout).not.toContain('primary/homicide');
  });

  it('as JSON, with every rule checked', async () => {
    const e = (await json(['explain', '4', '--definition', 'thames-valley-vru@2'])) as {
      classification: { status: string; excludedBy: string[] };
      rules: { rule: string; matched: boolean; nearly: boolean }[];
    };
    expect(e.classification).toMatchObject({
      status: 'excluded',
      excludedBy: ['possession-of-weapons'],
    });
    expect(e.rules.filter((r) => r.matched).map((r) => r.rule)).toEqual(['possession-of-weapons']);
    // Knife-flagged 10D: the knife rule fails only on its "not possession" condition.
    expect(e.rules.find((r) => r.rule === 'knife-enabled')).toMatchObject({
      matched: false,
      nearly: true,
    });
  });

  it('a record that does not exist', async () => {
    const r = await svd(['explain', '999', '--definition', 'thames-valley-vru', '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[NO_SUCH_RECORD]: there is no record 999 in this workspace');
  });
});

describe('the police.uk proxy on real data', () => {
  const proxyDb = path.join(dir, 'proxy.duckdb');
  const file = path.join(TV_STREET(), '2024-01-thames-valley-street.csv');

  it('counts what an independent reading of the raw file counts, and says it is a proxy', async () => {
    expect((await svd(['ingest', 'police-uk', file, '--db', proxyDb, '--quiet'])).code).toBe(0);
    const classify = await svd(['classify', '--definition', 'police-uk-proxy', '--db', proxyDb]);
    expect(classify.code).toBe(0);
    expect(classify.stdout).toContain('note: police-uk-proxy@1 is a PROXY (coverage: proxy)');
    const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
    const byType = (types: string[]): number =>
      rows.filter((r) => types.includes(r['Crime type']!)).length;
    const expected = {
      'primary-proxy': byType(['Violence and sexual offences', 'Robbery']),
      context: byType(['Possession of weapons', 'Drugs']),
      none:
        rows.length -
        byType(['Violence and sexual offences', 'Robbery', 'Possession of weapons', 'Drugs']),
    };
    expect(expected['primary-proxy']).toBeGreaterThan(5000);
    const counts = await svd([
      'counts',
      '--by',
      'tier',
      '--definition',
      'police-uk-proxy',
      '--db',
      proxyDb,
      '--json',
    ]);
    const got = Object.fromEntries(
      (JSON.parse(counts.stdout) as { tier: string; n: number; coverage: string }[]).map((r) => {
        expect(r.coverage).toBe('proxy');
        return [r.tier, r.n];
      }),
    );
    expect(got).toEqual(expected);
    const table = await svd([
      'counts',
      '--by',
      'tier',
      '--definition',
      'police-uk-proxy',
      '--db',
      proxyDb,
    ]);
    expect(table.stdout).toContain('note: police-uk-proxy@1 is a PROXY (coverage: proxy)');
  });

  it('under thames-valley-vru, police.uk rows are no-data (not "not serious violence"), and it is said', async () => {
    const r = await svd(['classify', '--definition', 'thames-valley-vru', '--db', proxyDb]);
    expect(r.stderr).toContain(
      'warning: 15,606 police-uk records carry none of the fields thames-valley-vru reads (offence_code, offence_subcode, statute, flag_knife, flag_county_lines): they are counted as no-data, not as "not serious violence"',
    );
    const counts = JSON.parse(
      (
        await svd([
          'counts',
          '--by',
          'tier',
          '--definition',
          'thames-valley-vru',
          '--db',
          proxyDb,
          '--json',
        ])
      ).stdout,
    );
    expect(counts.map((c: { tier: string; n: number }) => [c.tier, c.n])).toEqual([
      ['no-data', 15_606],
    ]);
  });

  it('a tier whose field no record carries is missing, not zero', async () => {
    const r = await svd([
      'classify',
      '--definition',
      'home-office-success-measures',
      '--db',
      proxyDb,
    ]);
    expect(r.stderr).toContain(
      'warning: tier sharp-object-admissions needs icd10_cause, which no record in this workspace carries: its count is missing, not zero',
    );
    expect(r.stdout).toMatch(/^sharp-object-admissions\s+missing\s+missing$/m);
  });
});
