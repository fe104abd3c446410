/**
 * `svd access agreement`, in-process on a real workspace: an agreement added from its file,
 * listed and shown; the effective grant — the agreed level for a reader of a party, none for
 * another organisation, none past expiry, none at once after revocation, the controller's own data
 * at record level; a revision keeps the earlier one; a refused file stores nothing; every change
 * in the audit log with an intact chain.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AccessDecision, Agreement } from '../../src/access/agreements.js';
import { svd, type CliResult } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('svd-agreements-');
const db = path.join(dir, 'agreements.duckdb');
const EXAMPLE = path.join(REPO, 'examples', 'agreements', 'oxfordshire-violence-sharing.yaml');

/** The example, in force around today (its own dates would expire while the suite lives on). */
function agreementFile(name: string, edit: (text: string) => string = (t) => t): string {
  const year = new Date().getUTCFullYear();
  const text = readFileSync(EXAMPLE, 'utf8')
    .replace('start: 2026-04-01', `start: ${year - 1}-04-01`)
    .replace('review: 2027-03-31', `review: ${year + 1}-03-31`)
    .replace('expiry: 2028-03-31', `expiry: ${year + 2}-03-31`);
  const file = path.join(dir, name);
  writeFileSync(file, edit(text));
  return file;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return svd([...args, '--db', db], env);
}

async function runJson<T>(args: string[]): Promise<T> {
  const r = await run([...args, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

async function check(org: string, extra: string[] = []): Promise<AccessDecision> {
  return runJson<AccessDecision>([
    'access',
    'agreement',
    'check',
    '--org',
    org,
    '--dataset',
    'force-extract',
    '--supplier',
    'tvp',
    ...extra,
  ]);
}

const YEAR = new Date().getUTCFullYear();

describe('svd access agreement', () => {
  it('adds the example between two organisations of the workspace', async () => {
    const setup = await run(
      [
        'access',
        'setup',
        '--org',
        'tvp',
        '--org-name',
        'Thames Valley Police',
        '--org-type',
        'police',
        '--email',
        'admin@tvp.example',
        '--name',
        'Sam Patel',
      ],
      { SVD_ADMIN_PASSWORD: 'lantern orchard 42 meadow' },
    );
    expect(setup.code, setup.stderr).toBe(0);
    for (const [id, name, type] of [
      ['oxford-city', 'Oxford City Council', 'council-district'],
      ['ouh', 'Oxford University Hospitals', 'health'],
    ] as const) {
      const added = await run([
        'access',
        'org',
        'add',
        '--org',
        id,
        '--org-name',
        name,
        '--org-type',
        type,
      ]);
      expect(added.code, added.stderr).toBe(0);
    }
    const added = await run(['access', 'agreement', 'add', agreementFile('v1.yaml')]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('added agreement oxford-violence-sharing');

    const list = await runJson<Agreement[]>(['access', 'agreement', 'list']);
    expect(list.map((a) => [a.id, a.revision, a.status, a.terms.level])).toEqual([
      ['oxford-violence-sharing', 1, 'active', 'pseudonymised-record'],
    ]);
    expect(list[0]!.terms.parties.map((p) => p.organisation)).toEqual(['tvp', 'oxford-city']);

    const shown = await run(['access', 'agreement', 'show', 'oxford-violence-sharing']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('level: pseudonymised-record');
    expect(shown.stdout).toContain('DPIA: TVP-DPIA-2026-014');
  });

  it('adding the same terms again changes nothing', async () => {
    const again = await run(['access', 'agreement', 'add', agreementFile('v1-again.yaml')]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing changed');
    const list = await runJson<Agreement[]>(['access', 'agreement', 'list']);
    expect(list[0]!.revision).toBe(1);
  });

  it('grants a reader of a party the agreed level, and one of another organisation none', async () => {
    const party = await check('oxford-city');
    expect(party.grant).toMatchObject({
      basis: 'agreement',
      agreement: { id: 'oxford-violence-sharing', revision: 1 },
      level: 'pseudonymised-record',
      fields_withheld: ['location_text', 'offence_description', 'suspect_age', 'victim_age'],
      geography: ['E07000178'],
      min_cell_size: 5,
      audiences: ['partners'],
    });
    const other = await check('ouh');
    expect(other.grant).toBeNull();
    expect(other.considered).toEqual([
      expect.objectContaining({
        id: 'oxford-violence-sharing',
        applies: false,
        why: 'ouh is not a party',
      }),
    ]);
    // The agreement covers force-extract supplied by tvp only, not another supplier's.
    const elsewhere = await runJson<AccessDecision>([
      'access',
      'agreement',
      'check',
      '--org',
      'oxford-city',
      '--dataset',
      'force-extract',
      '--supplier',
      'ouh',
    ]);
    expect(elsewhere.grant).toBeNull();
    // A member of a party reads aggregates only.
    const member = await check('oxford-city', ['--role', 'member']);
    expect(member.grant?.level).toBe('aggregate');
    const text = await run([
      'access',
      'agreement',
      'check',
      '--org',
      'oxford-city',
      '--dataset',
      'force-extract',
      '--supplier',
      'tvp',
    ]);
    expect(text.stdout).toContain('pseudonymised-record under oxford-violence-sharing');
    expect(text.stderr).toContain('role not given: analyst');
  });

  it('grants nothing before the start or after the expiry', async () => {
    expect((await check('oxford-city', ['--at', `${YEAR + 2}-03-31`])).grant?.level).toBe(
      'pseudonymised-record',
    );
    const expired = await check('oxford-city', ['--at', `${YEAR + 2}-04-01`]);
    expect(expired.grant).toBeNull();
    expect(expired.considered[0]?.why).toBe(`expired (${YEAR + 2}-03-31)`);
    expect((await check('oxford-city', ['--at', `${YEAR - 1}-03-31`])).grant).toBeNull();
  });

  it('lets the controller read its own data at record level, with or without an agreement', async () => {
    const own = await check('tvp');
    expect(own.grant).toMatchObject({ basis: 'controller', level: 'record', fields_withheld: [] });
    const ouhOwn = await runJson<AccessDecision>([
      'access',
      'agreement',
      'check',
      '--org',
      'ouh',
      '--dataset',
      'istv',
      '--supplier',
      'ouh',
    ]);
    expect(ouhOwn.grant).toMatchObject({ basis: 'controller', level: 'record' });
  });

  it('refuses a bad file with its place and fix, storing nothing', async () => {
    const bad = agreementFile('bad.yaml', (t) =>
      t
        .replace('organisation: oxford-city', 'organisation: oxford-council')
        .replace('min_cell_size: 5', 'min_cell_size: 2'),
    );
    const refused = await run(['access', 'agreement', 'add', bad]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('error[AGREEMENT_INVALID]');
    expect(refused.stderr).toMatch(
      /bad\.yaml, line 9, field "parties\[1\]\.organisation": there is no organisation "oxford-council"/,
    );
    expect(refused.stderr).toMatch(
      /line 23, field "min_cell_size": 2 is below the public minimum of 5/,
    );
    const list = await runJson<Agreement[]>(['access', 'agreement', 'list']);
    expect(list.map((a) => a.revision)).toEqual([1]);
  });

  it('of several agreements in force, takes the most permissive whole and names the others', async () => {
    const wider = agreementFile('public.yaml', (t) =>
      t
        .replace('id: oxford-violence-sharing', 'id: oxford-public-figures')
        .replace('level: pseudonymised-record', 'level: aggregate')
        .replace(
          'fields_withheld: [victim_age, suspect_age, offence_description, location_text]',
          'fields_withheld: []',
        )
        .replace('audiences: [partners]', 'audiences: [partners, public]'),
    );
    const added = await run(['access', 'agreement', 'add', wider]);
    expect(added.code, added.stderr).toBe(0);
    const both = await check('oxford-city');
    // The pseudonymised agreement wins on level; its own withheld fields come with it, not the
    // other's empty list.
    expect(both.grant).toMatchObject({
      agreement: { id: 'oxford-violence-sharing' },
      level: 'pseudonymised-record',
      fields_withheld: ['location_text', 'offence_description', 'suspect_age', 'victim_age'],
      audiences: ['partners'],
      also: ['oxford-public-figures'],
    });
    const revoked = await run([
      'access',
      'agreement',
      'revoke',
      'oxford-public-figures',
      '--reason',
      'not needed',
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect((await check('oxford-city')).grant?.also).toEqual([]);
  });

  it('a revision keeps the earlier one, and the grant follows the latest', async () => {
    const v2 = agreementFile('v2.yaml', (t) =>
      t
        .replace('level: pseudonymised-record', 'level: aggregate')
        .replace('min_cell_size: 5', 'min_cell_size: 10'),
    );
    const revised = await run(['access', 'agreement', 'add', v2]);
    expect(revised.code, revised.stderr).toBe(0);
    expect(revised.stdout).toContain('revision 2');
    const first = await runJson<{ shown: number; terms: unknown; revisions_kept: Agreement[] }>([
      'access',
      'agreement',
      'show',
      'oxford-violence-sharing',
      '--revision',
      '1',
    ]);
    expect(
      first.revisions_kept.map((r) => [r.revision, r.terms.level, r.terms.min_cell_size]),
    ).toEqual([
      [1, 'pseudonymised-record', 5],
      [2, 'aggregate', 10],
    ]);
    const shownFirst = await run([
      'access',
      'agreement',
      'show',
      'oxford-violence-sharing',
      '--revision',
      '1',
    ]);
    expect(shownFirst.stdout).toContain('revision 1 of 2');
    expect(shownFirst.stdout).toContain('level: pseudonymised-record');
    const grant = await check('oxford-city');
    expect(grant.grant).toMatchObject({
      level: 'aggregate',
      min_cell_size: 10,
      agreement: { revision: 2 },
    });
  });

  it('after revocation grants nothing at once, and is not revised again', async () => {
    const noReason = await run([
      'access',
      'agreement',
      'revoke',
      'oxford-violence-sharing',
      '--reason',
      ' ',
    ]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('AGREEMENT_REASON_MISSING');
    const revoked = await run([
      'access',
      'agreement',
      'revoke',
      'oxford-violence-sharing',
      '--reason',
      'DPIA withdrawn',
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await check('oxford-city');
    expect(after.grant).toBeNull();
    expect(after.considered.find((c) => c.id === 'oxford-violence-sharing')?.why).toMatch(
      /^revoked \d{4}-\d{2}-\d{2}: DPIA withdrawn$/,
    );
    // Revoked from its instant: a moment before it, the agreement (its first revision, the only
    // one recorded by then) still applied.
    const before = new Date(Date.now() - 86_400_000).toISOString();
    const earlier = await check('oxford-city', ['--at', before]);
    expect(earlier.grant).toMatchObject({
      level: 'pseudonymised-record',
      agreement: { revision: 1 },
    });
    // The controller still reads its own.
    expect((await check('tvp')).grant?.level).toBe('record');
    const list = await runJson<Agreement[]>(['access', 'agreement', 'list']);
    expect(list.find((a) => a.id === 'oxford-violence-sharing')).toMatchObject({
      status: 'revoked',
      revoked_reason: 'DPIA withdrawn',
      revision: 2,
    });
    const readd = await run(['access', 'agreement', 'add', agreementFile('v3.yaml')]);
    expect(readd.code).toBe(2);
    expect(readd.stderr).toContain('error[AGREEMENT_REVOKED]');
  });

  it('records every change in the audit log, with an intact chain', async () => {
    const entries = await runJson<
      { action: string; target: string | null; detail: Record<string, unknown> }[]
    >(['audit', '--limit', '1000']);
    const actions = entries.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'agreement-add',
        'agreement-revise',
        'agreement-revoke',
        'agreement-add-refused',
      ]),
    );
    const revise = entries.find((e) => e.action === 'agreement-revise');
    expect(revise).toMatchObject({
      target: 'oxford-violence-sharing',
      detail: { revision: 2, level: 'aggregate' },
    });
    const revoke = entries.find((e) => e.action === 'agreement-revoke');
    expect(revoke?.detail).toEqual({ reason: 'DPIA withdrawn' });
    const verify = await run(['audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
  });
});
