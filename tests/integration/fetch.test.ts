/**
 * `svd fetch police-uk` against a real HTTP server on loopback serving archives built from the
 * shared data: only the wanted members are read when ranges are allowed, a second run downloads
 * nothing, a damaged local file is replaced, an interrupted whole-archive download resumes, and
 * months police.uk did not publish are reported as missing.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPoliceUk, planArchives } from '../../src/sources/police-uk/fetchPoliceUk.js';
import { silentReporter } from '../../src/core/reporter.js';
import {
  buildArchive,
  forceMember,
  serveArchives,
  tvStreetMember,
  type ArchiveServer,
} from '../helpers/archiveServer.js';
import { sharedData } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp.js';
import { svd } from '../helpers/cli.js';

const dir = tempDir();
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const archives = path.join(dir, 'archives');

beforeAll(async () => {
  (await import('node:fs')).mkdirSync(archives);
  // 2021-03.zip holds 2018-04…2021-03; 2024-03.zip holds 2021-04…2024-03 (as police.uk's do).
  await buildArchive(path.join(archives, '2021-03.zip'), [
    ...['2018-10', '2018-11', '2018-12', '2019-01'].map(tvStreetMember),
    ...['kent', 'dorset', 'btp', 'south-wales'].map(forceMember),
  ]);
  await buildArchive(
    path.join(archives, '2024-03.zip'),
    ['2024-01', '2024-02', '2024-03'].map(tvStreetMember),
  );
});

describe('planning which archives to read', () => {
  it('takes the archive of the last month and steps back 36 months at a time', () => {
    expect(planArchives('2024-01', '2024-03')).toEqual([
      { archive: '2024-03', months: ['2024-01', '2024-02', '2024-03'] },
    ]);
    const plan = planArchives('2018-10', '2024-03');
    expect(plan.map((p) => [p.archive, p.months[0], p.months.at(-1), p.months.length])).toEqual([
      ['2024-03', '2021-04', '2024-03', 36],
      ['2021-03', '2018-10', '2021-03', 30],
    ]);
  });
});

describe('with a server that allows partial downloads', () => {
  let server: ArchiveServer;
  beforeAll(async () => {
    server = await serveArchives(archives, { advertiseRanges: true, honourRanges: true });
  });
  afterAll(() => server.close());

  const dest = path.join(dir, 'ranged');

  it('downloads only the wanted members, checked, and reports unpublished months as missing', async () => {
    const report = await fetchPoliceUk({
      force: 'thames-valley',
      from: '2018-10',
      to: '2024-03',
      dest,
      baseUrl: server.url,
      reporter: silentReporter,
    });
    expect(report.mode).toBe('ranges');
    expect(report.files.map((f) => [f.month, f.status])).toEqual([
      ['2018-10', 'downloaded'],
      ['2018-11', 'downloaded'],
      ['2018-12', 'downloaded'],
      ['2019-01', 'downloaded'],
      ['2024-01', 'downloaded'],
      ['2024-02', 'downloaded'],
      ['2024-03', 'downloaded'],
    ]);
    expect(report.missing).toHaveLength(66 - 7);
    for (const f of report.files) {
      expect(sha(readFileSync(f.path))).toBe(
        sha(
          readFileSync(
            sharedData(
              'police-uk',
              'thames-valley',
              'street',
              `${f.month}-thames-valley-street.csv`,
            ),
          ),
        ),
      );
    }
    // The other forces' members were never sent.
    const archiveBytes =
      statSync(path.join(archives, '2021-03.zip')).size +
      statSync(path.join(archives, '2024-03.zip')).size;
    const kentBytes = statSync(
      sharedData('police-uk', 'all-forces-2019-01', '2019-01-kent-street.csv.gz'),
    ).size;
    expect(server.bytesSent()).toBeLessThan(archiveBytes - kentBytes);
    expect(server.requests.every((r) => r.method === 'HEAD' || r.range !== undefined)).toBe(true);
  });

  it('a second run downloads nothing', async () => {
    const before = server.bytesSent();
    const report = await fetchPoliceUk({
      force: 'thames-valley',
      from: '2024-01',
      to: '2024-03',
      dest,
      baseUrl: server.url,
      reporter: silentReporter,
    });
    expect(report.files.map((f) => f.status)).toEqual([
      'already-here',
      'already-here',
      'already-here',
    ]);
    const members = server.bytesSent() - before;
    // Only the archive's directory is read again, not the members (each about 3 MB).
    expect(members).toBeLessThan(100_000);
  });

  it('a damaged local file is noticed and downloaded again', async () => {
    const file = path.join(dest, '2024-02', '2024-02-thames-valley-street.csv');
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
    const report = await fetchPoliceUk({
      force: 'thames-valley',
      from: '2024-02',
      to: '2024-03',
      dest,
      baseUrl: server.url,
      reporter: silentReporter,
    });
    expect(report.files.map((f) => f.status)).toEqual(['downloaded', 'already-here']);
    expect(sha(readFileSync(file))).toBe(
      sha(
        readFileSync(
          sharedData('police-uk', 'thames-valley', 'street', '2024-02-thames-valley-street.csv'),
        ),
      ),
    );
  });

  it('fetch --ingest through the command line puts the months in the workspace', async () => {
    const db = path.join(dir, 'fetched.duckdb');
    const r = await svd([
      'fetch',
      'police-uk',
      '--force',
      'thames-valley',
      '--from',
      '2024-01',
      '--to',
      '2024-03',
      '--base-url',
      server.url,
      '--dest',
      path.join(dir, 'cli'),
      '--ingest',
      '--db',
      db,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      fetch: { files: unknown[] };
      ingest: { rowsStored: number };
    };
    expect(out.fetch.files).toHaveLength(3);
    expect(out.ingest.rowsStored).toBe(15_606 + 15_016 + 16_160);
  });

  it('an archive police.uk does not have is a network error (exit 5)', async () => {
    const r = await svd([
      'fetch',
      'police-uk',
      '--force',
      'thames-valley',
      '--from',
      '2030-01',
      '--to',
      '2030-02',
      '--base-url',
      server.url,
      '--dest',
      path.join(dir, 'none'),
    ]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('police.uk has no archive');
  });
});

describe('with a server that does not advertise partial downloads', () => {
  it('downloads the whole archive, resuming after the connection drops', async () => {
    const server = await serveArchives(archives, {
      advertiseRanges: false,
      honourRanges: true,
      dropFirstDownloadAfter: 200_000,
    });
    try {
      const dest = path.join(dir, 'whole');
      const report = await fetchPoliceUk({
        force: 'kent',
        from: '2019-01',
        to: '2021-03',
        dest,
        baseUrl: server.url,
        reporter: silentReporter,
      });
      expect(report.mode).toBe('whole-archive');
      expect(report.files.map((f) => [f.month, f.status])).toEqual([['2019-01', 'downloaded']]);
      const gets = server.requests.filter((r) => r.method === 'GET');
      expect(gets, JSON.stringify(server.requests)).toHaveLength(2);
      // The second request resumes from what reached the disk before the connection dropped.
      const resumedAt = Number(/^bytes=(\d+)-$/.exec(gets[1]!.range ?? '')?.[1]);
      expect(resumedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeLessThanOrEqual(200_000);
      expect(server.bytesSent()).toBe(
        200_000 + statSync(path.join(archives, '2021-03.zip')).size - resumedAt,
      );
      const { gunzipSync } = await import('node:zlib');
      expect(sha(readFileSync(report.files[0]!.path))).toBe(
        sha(
          gunzipSync(
            readFileSync(
              sharedData('police-uk', 'all-forces-2019-01', '2019-01-kent-street.csv.gz'),
            ),
          ),
        ),
      );
    } finally {
      await server.close();
    }
  });
});
