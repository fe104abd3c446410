/**
 * The partner-data commands' contract: help, usage errors, the built-in mappings, dry runs, and a
 * force extract ingest killed with SIGKILL part-way that leaves the store exactly as it was.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addMonths } from '../../src/core/months.js';
import { readPoliceUkAnchors } from '../../src/sources/synthetic/readPoliceUkAnchors.js';
import { SYNTH_CRIME_TYPES } from '../../src/sources/synthetic/rates.js';
import {
  synthForceExtract,
  type PoliceUkAnchor,
} from '../../src/sources/synthetic/synthForceExtract.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { REPO, sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const street = (m: string): string =>
  sharedData('police-uk', 'thames-valley', 'street', `${m}-thames-valley-street.csv`);

describe('partner commands', () => {
  it('--help lists synth and mappings, and each command explains itself', async () => {
    const top = await svd(['--help']);
    expect(top.stdout).toMatch(/synth .*SYNTHETIC/);
    expect(top.stdout).toMatch(/mappings/);
    const ingest = await svd(['ingest', 'force-extract', '--help']);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toMatch(/--mapping <name\|file>/);
    expect(ingest.stdout).toMatch(/--max-errors <n>/);
    expect(ingest.stdout).toMatch(/keyed hashes \(HMAC-SHA256\)/);
    for (const args of [
      ['ingest', 'istv', '--help'],
      ['ingest', 'home-office-csp', '--help'],
      ['synth', 'force-extract', '--help'],
      ['synth', 'istv', '--help'],
    ]) {
      const r = await svd(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Example:|example/i);
    }
  });

  it('svd mappings lists the built-in mappings and checks a file', async () => {
    const r = await svd(['mappings']);
    expect(r.stdout).toMatch(/svd-synthetic\s+force-extract/);
    expect(r.stdout).toMatch(/istv-minimum-data-set\s+istv/);
    const shown = await svd(['mappings', '--show', 'svd-synthetic']);
    const file = path.join(dir, 'copy.yaml');
    writeFileSync(file, shown.stdout);
    const checked = await svd(['mappings', '--check', file]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(
      /a valid force-extract mapping "svd-synthetic" reading 28 column\(s\)/,
    );
    expect((await svd(['mappings', '--show', 'nope'])).code).toBe(2);
  });

  it('usage errors: a bad --max-errors, an unknown mapping, a missing --mapping', async () => {
    const bad = await svd([
      'ingest',
      'force-extract',
      street('2024-01'),
      '--mapping',
      'svd-synthetic',
      '--max-errors',
      'some',
      '--dry-run',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-errors "some" is not a whole number/);
    const unknown = await svd([
      'ingest',
      'force-extract',
      street('2024-01'),
      '--mapping',
      'tvp',
      '--dry-run',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /no mapping file or built-in mapping called "tvp"[\s\S]*svd-synthetic/,
    );
    const missing = await svd(['ingest', 'force-extract', street('2024-01')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--mapping/);
  });

  it('a police.uk file given as a force extract is refused naming the columns the mapping expects', async () => {
    const r = await svd([
      'ingest',
      'force-extract',
      street('2024-01'),
      '--mapping',
      'svd-synthetic',
      '--dry-run',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/names columns this file lacks: "Crime Reference"/);
    expect(r.stderr).toMatch(/the file's columns are: Crime ID, Month/);
  });

  it('a dry run checks everything and stores nothing, without a workspace', async () => {
    const out = path.join(dir, 'dry.csv');
    expect(
      (await svd(['synth', 'force-extract', '--from', street('2024-02'), '--out', out, '--quiet']))
        .code,
    ).toBe(0);
    const db = path.join(dir, 'none.duckdb');
    const r = await svd([
      'ingest',
      'force-extract',
      out,
      '--mapping',
      'svd-synthetic',
      '--dry-run',
      '--db',
      db,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/checked \(dry run\) · SYNTHETIC/);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(`${db}.key`)).toBe(false);
    // With a workspace: still nothing stored, and no key file created.
    const held = path.join(dir, 'held.duckdb');
    expect(
      (await svd(['ingest', 'police-uk', street('2024-01'), '--db', held, '--quiet'])).code,
    ).toBe(0);
    const before = await storeFingerprint(held);
    const again = await svd([
      'ingest',
      'force-extract',
      out,
      '--mapping',
      'svd-synthetic',
      '--dry-run',
      '--db',
      held,
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(await storeFingerprint(held)).toEqual(before);
    expect(existsSync(`${held}.key`)).toBe(false);
  });
});

describe('a force extract ingest killed part-way', () => {
  it('leaves an openable, unchanged store (SIGKILL while reading rows)', async () => {
    const db = path.join(dir, 'killed.duckdb');
    expect(
      (await svd(['ingest', 'police-uk', street('2024-03'), '--db', db, '--quiet'])).code,
    ).toBe(0);
    const before = await storeFingerprint(db);
    const { anchors } = await readPoliceUkAnchors(
      [street('2024-01'), street('2024-02')],
      SYNTH_CRIME_TYPES,
    );
    const many: PoliceUkAnchor[] = [];
    for (let k = 0; k < 20; k++)
      for (const a of anchors) many.push({ ...a, month: addMonths(a.month, 12 * k) });
    const big = path.join(dir, 'big.csv');
    writeFileSync(big, synthForceExtract(many, { seed: 2 }).text);
    const killed = await new Promise<boolean>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          path.join(REPO, 'bin', 'svd.js'),
          'ingest',
          'force-extract',
          big,
          '--mapping',
          'svd-synthetic',
          '--db',
          db,
          '--quiet',
        ],
        { stdio: 'ignore' },
      );
      // The key file appears when the first batch starts; rows are being read and staged after it.
      const timer = setInterval(() => {
        if (existsSync(`${db}.key`)) {
          clearInterval(timer);
          setTimeout(() => child.kill('SIGKILL'), 300);
        }
      }, 20);
      child.on('error', reject);
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL'));
    });
    expect(killed).toBe(true);
    expect(await storeFingerprint(db)).toEqual(before);
    const again = await svd([
      'ingest',
      'force-extract',
      big,
      '--mapping',
      'svd-synthetic',
      '--db',
      db,
      '--quiet',
    ]);
    expect(again.code, again.stderr).toBe(0);
  });
});
