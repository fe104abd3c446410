/**
 * The definition commands as a person uses them: listing, showing, validating and comparing
 * definitions, classifying JSON lines without a workspace — in-process, and through the compiled
 * program run from another folder (which proves the shipped data files are found from dist/).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { svd } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const env = {}; // no SVD_DB: commands look for ./svd.duckdb in dir, which does not exist
const good = path.join(dir, 'good.yaml');
const bad = path.join(dir, 'bad.yaml');
writeFileSync(
  good,
  'id: test-def\nversion: 1\ntitle: Test\neffective_from: 2023-01-31\ntiers:\n  - id: primary\n    label: Primary\n    rules:\n      - id: gbh\n        label: GBH\n        codes: [5D, 5E]\n',
);
writeFileSync(
  bad,
  'id: test-def\nversion: 1\ntitle: Test\neffective_from: 2023-01-31\ntiers:\n  - id: primary\n    label: Primary\n    rules:\n      - id: gbh\n        label: GBH\n        codes: [5D, 5E, 8X]\n        flags: { knife: true }\n',
);

function compiled(
  args: string[],
  input?: string,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin', 'svd.js'), ...args], {
    cwd: dir,
    input: input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('svd definitions', () => {
  it('the commands are listed in --help', async () => {
    const r = await svd(['--help']);
    for (const c of ['definitions', 'classify', 'classify-records', 'explain', 'whatif'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
  });

  it('list shows the shipped definitions, and says there is no workspace', async () => {
    const r = await svd(['definitions', 'list'], env, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^home-office-success-measures\s+1\s+exact\s+[0-9a-f]{12}\s+Home Office/m,
    );
    expect(r.stdout).toMatch(/^police-uk-proxy\s+1\s+proxy\s+/m);
    expect(r.stdout).toMatch(/^thames-valley-vru\s+2\s+exact\s+/m);
    expect(r.stdout).toContain('(no workspace here, so no stored versions');
  });

  it('a --db that does not exist is an error, not silently ignored', async () => {
    const r = await svd(['definitions', 'list', '--db', path.join(dir, 'nope.duckdb')], env, dir);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('error[NO_WORKSPACE]');
  });

  it('show prints tiers, rules in plain words, exclusions and the codes named', async () => {
    const r = await svd(['definitions', 'show', 'thames-valley-vru'], env, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'thames-valley-vru@2 — Thames Valley VRU serious violence definition',
    );
    expect(r.stdout).toContain(
      [
        '     gbh-without-intent — GBH without intent (s.20)',
        '         any of:',
        '           all of:',
        '             offence code is 8N',
        '             offence sub-code is 8/1 (Wounding or inflicting grievous bodily harm without intent)',
        '           all of:',
        '             offence code is 8N',
        '             statute is OAPA1861-s20',
        '           offence code is 8F',
      ].join('\n'),
    );
    expect(r.stdout).toMatch(
      /^ {2}8\/1\s+Wounding or inflicting grievous bodily harm without intent\s+8N\s+OAPA1861-s20\s+uncertain entry$/m,
    );
    expect(r.stdout).toContain(
      [
        '     knife-enabled — Any offence in which a knife or sharp instrument was used or threatened, except possession offences',
        '         flagged knife',
        '         not: offence group is "Possession of weapons offences"',
      ].join('\n'),
    );
    expect(r.stdout).toContain(
      'Exclusions (remove a record from every tier, whatever else it matches):',
    );
    expect(r.stdout).toMatch(
      /^ {2}5A\s+Wounding or carrying out an act endangering life\s+Violence with injury\s+…2012-03-31\s+uncertain entry$/m,
    );
  });

  it('show says when a definition is a proxy', async () => {
    const r = await svd(['definitions', 'show', 'police-uk-proxy'], env, dir);
    expect(r.stdout).toContain('note: police-uk-proxy@1 is a PROXY (coverage: proxy)');
  });

  it('show names an unknown id with the closest', async () => {
    const r = await svd(['definitions', 'show', 'thames-valley'], env, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error[UNKNOWN_DEFINITION]: no definition "thames-valley" (did you mean "thames-valley-vru"?)',
    );
  });

  it('validate: ok with a summary, or every problem with file and line (exit 3)', async () => {
    const ok = await svd(['definitions', 'validate', 'good.yaml'], env, dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^ok good\.yaml: test-def@1 \(sha256 [0-9a-f]{12}\), 1 tier, 1 rule, 0 exclusions$/m,
    );
    const refused = await svd(['definitions', 'validate', 'good.yaml', 'bad.yaml'], env, dir);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      [
        'error[DEFINITION_INVALID]: 1 of 2 definition files is not valid (1 problem)',
        '  - bad.yaml, line 11: tiers[0].rules[0].codes[2]: unknown Home Office offence code "8X" (did you mean "8N" or "8P"?)',
        '  fix: correct each place named; the message says what is expected',
        '',
      ].join('\n'),
    );
    const asJson = await svd(['definitions', 'validate', 'bad.yaml', '--json'], env, dir);
    expect(JSON.parse(asJson.stdout).error).toMatchObject({
      code: 'DEFINITION_INVALID',
      problems: [{ file: 'bad.yaml', line: 11, value: '8X' }],
    });
  });

  it('the shipped files validate', async () => {
    const files = ['thames-valley-vru', 'home-office-success-measures', 'police-uk-proxy'].map(
      (f) => path.join(REPO, 'definitions', `${f}.yaml`),
    );
    const r = await svd(['definitions', 'validate', ...files]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('diff shows what changed in plain words', async () => {
    const r = await svd(['definitions', 'diff', 'good.yaml', 'thames-valley-vru'], env, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('~ id: "test-def" → "thames-valley-vru"');
    expect(r.stdout).toContain('+ tier monitoring: Oxfordshire monitoring sub-definition');
    expect(r.stdout).toContain('- rule gbh from tier primary\n    offence code is 5D or 5E');
    const same = await svd(
      ['definitions', 'diff', 'thames-valley-vru', 'thames-valley-vru@2'],
      env,
      dir,
    );
    expect(same.stdout).toContain('same content (only the version number or layout differ)');
  });

  it('codes lists the reference table; schema prints the JSON Schema file', async () => {
    const codes = await svd(['definitions', 'codes', '--search', 'blade'], env, dir);
    expect(codes.stdout).toMatch(
      /^10D\s+Possession of article with blade or point\s+Possession of weapons offences/m,
    );
    expect(codes.stdout).toContain(
      '1 code; uncertain entries are explained in reference/README.md',
    );
    const schema = await svd(['definitions', 'schema'], env, dir);
    expect(JSON.parse(schema.stdout)).toEqual(
      JSON.parse(readFileSync(path.join(REPO, 'definitions', 'definition.schema.json'), 'utf8')),
    );
  });
});

describe('svd classify-records', () => {
  const input = path.join(dir, 'records.jsonl');
  writeFileSync(
    input,
    [
      '{"id": "a1", "offence_code": "8N", "statute": "OAPA1861-s20"}',
      '{"id": "a2", "offence_code": "8N", "statute": "OAPA1861-s47", "victim_age": 19}',
      '',
      '{"id": 3, "offence_code": "10D", "flags": {"knife": true}}',
      '{"offence_code": "92A", "flag_county_lines": true, "month": "2024-01", "lsoa_code": "E01028522"}',
      '{"crime_type": "Robbery"}',
    ].join('\n'),
  );

  it('prints one JSON object per line with tier, tiers and rules', async () => {
    const r = await svd(
      [
        'classify-records',
        '--definition',
        'thames-valley-vru',
        '--input',
        'records.jsonl',
        '--json',
      ],
      env,
      dir,
    );
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        line: 1,
        id: 'a1',
        tier: 'primary',
        status: 'tier',
        tiers: ['primary', 'monitoring'],
        rules: ['gbh-without-intent', 'assault-with-injury'],
        excluded_by: [],
      },
      {
        line: 2,
        id: 'a2',
        tier: 'monitoring',
        status: 'tier',
        tiers: ['monitoring'],
        rules: ['assault-with-injury'],
        excluded_by: [],
      },
      {
        line: 4,
        id: 3,
        tier: null,
        status: 'excluded',
        tiers: [],
        rules: ['possession-of-weapons'],
        excluded_by: ['possession-of-weapons'],
      },
      {
        line: 5,
        tier: 'primary',
        status: 'tier',
        tiers: ['primary', 'monitoring'],
        rules: ['county-lines-trafficking', 'drug-trafficking'],
        excluded_by: [],
      },
      { line: 6, tier: null, status: 'no-data', tiers: [], rules: [], excluded_by: [] },
    ]);
  });

  it('a table without --json; a proxy says so on every line', async () => {
    const table = await svd(
      ['classify-records', '--definition', 'thames-valley-vru', '--input', 'records.jsonl'],
      env,
      dir,
    );
    expect(table.stdout).toMatch(
      /^ {3}1\s+a1\s+primary\s+monitoring\s+gbh-without-intent, assault-with-injury$/m,
    );
    const proxy = await svd(
      ['classify-records', '--definition', 'police-uk-proxy', '--input', 'records.jsonl', '--json'],
      env,
      dir,
    );
    const lines = proxy.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.every((l) => l.coverage === 'proxy')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ tier: 'primary-proxy', rules: ['robbery'] });
    expect(proxy.stderr).toContain('warning: police-uk-proxy@1 is a PROXY');
  });

  it('refuses bad lines with line, field and fix, and prints no result', async () => {
    const badInput = path.join(dir, 'bad.jsonl');
    writeFileSync(
      badInput,
      [
        '{"offence_code": "8N"}',
        '{"offence_code": 4.10}',
        '{"ofence_code": "8N", "victim_sex": "F"}',
        '{"flags": {"knif": true}, "victim_age_band": "18 to 24"}',
        'not json',
      ].join('\n'),
    );
    const r = await svd(
      ['classify-records', '--definition', 'thames-valley-vru', '--input', 'bad.jsonl', '--json'],
      env,
      dir,
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'error[RECORDS_INVALID]: bad.jsonl: 4 lines of the input are not a valid record; nothing was classified',
    );
    expect(r.stderr).toContain(
      '  - bad.jsonl, line 2, field "offence_code": offence codes are text: write "4.1" in quotes (a number cannot tell 4.10 from 4.1)',
    );
    expect(r.stderr).toContain(
      '  - bad.jsonl, line 3, field "ofence_code": unknown field "ofence_code" (did you mean "offence_code"?)',
    );
    expect(r.stderr).toContain(
      '  - bad.jsonl, line 3, field "victim_sex": "F" is not a canonical sex (did you mean "female"?); use female, male, other, unknown',
    );
    expect(r.stderr).toContain(
      '  - bad.jsonl, line 4, field "flags.knif": unknown flag "knif" (did you mean "knife"?)',
    );
    expect(r.stderr).toContain(
      '  - bad.jsonl, line 4, field "victim_age_band": expected an age band such as "18-24" or "65+", found "18 to 24"',
    );
    expect(r.stderr).toMatch(/ {2}- bad\.jsonl, line 5: not a JSON object: /);
    expect(JSON.parse(r.stdout).error.code).toBe('RECORDS_INVALID');
  });

  it('works from the compiled program in another folder, reading standard input', () => {
    const r = compiled(
      [
        'classify-records',
        '--definition',
        'thames-valley-vru',
        '--input',
        '-',
        '--json',
        '--quiet',
      ],
      '{"offence_code": "1"}\n{"offence_code": "34B", "flags": {"knife": true}}\n',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).rules),
    ).toEqual([['homicide'], ['knife-enabled']]);
    const list = compiled(['definitions', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('thames-valley-vru');
    expect(compiled(['definitions', 'codes', '--search', '8N']).stdout).toContain(
      'Assault with injury',
    );
  });
});

describe('packaging', () => {
  it('the package ships the definitions, their schema and the offence code and sub-code tables', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map(
      (f) => f.path,
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'definitions/thames-valley-vru.yaml',
        'definitions/home-office-success-measures.yaml',
        'definitions/police-uk-proxy.yaml',
        'definitions/definition.schema.json',
        'reference/home-office-offence-codes.csv',
        'reference/home-office-offence-subcodes.csv',
        'reference/README.md',
      ]),
    );
  });
});
