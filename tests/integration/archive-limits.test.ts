/**
 * Archives and compressed files are expanded within limits, counted as they stream: ZIPs given to
 * `svd ingest police-uk` (too large, a ratio bomb, a header that lies, too many entries, names
 * outside the archive's folder, symbolic links), `.csv.gz` bombs, an XLSX whose sheet XML is a
 * bomb through a partner ingest, and a bomb in an archive `svd fetch` reads. Each is refused
 * through the real command line with its code, the member named, exit code 3, the temporary
 * folder gone and the workspace exactly as it was. The hostile files are written in the test
 * (tests/helpers/hostileArchives.ts); a control archive written the same way is ingested.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXPANSION_LIMITS, formatBytes } from '../../src/core/expansionLimits.js';
import { serveArchives } from '../helpers/archiveServer.js';
import { svd, type CliResult } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import {
  GiB,
  MiB,
  gzipBomb,
  honestMember,
  repeatedDeflate,
  writeRawZip,
  zeroBomb,
  type RawMember,
} from '../helpers/hostileArchives.js';
import { sharedData } from '../helpers/paths.js';
import { xlsxParts } from '../helpers/spreadsheets.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
/** Where the command line's temporary folders go during this file ($TMPDIR). */
const tmp = path.join(dir, 'tmp');
const db = path.join(dir, 'ws.duckdb');
const street = (month: string): Buffer =>
  readFileSync(
    sharedData('police-uk', 'thames-valley', 'street', `${month}-thames-valley-street.csv`),
  );
const member = (month: string): string => `${month}/${month}-thames-valley-street.csv`;

let before: Record<string, string>;
const savedTmpdir = process.env['TMPDIR'];

beforeAll(async () => {
  mkdirSync(tmp);
  process.env['TMPDIR'] = tmp;
  const small = sharedData(
    'police-uk',
    'all-forces-2019-01',
    '2019-01-city-of-london-street.csv.gz',
  );
  const r = await svd(['ingest', 'police-uk', small, '--db', db, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  before = await storeFingerprint(db);
});

afterAll(() => {
  if (savedTmpdir === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmpdir;
});

/** Bytes under a folder (files that vanish while it is walked count as nothing). */
async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const full = path.join(folder, e.name);
    if (e.isDirectory()) total += await folderBytes(full);
    else
      total += await stat(full).then(
        (s) => s.size,
        () => 0,
      );
  }
  return total;
}

/**
 * Runs the command while the temporary folder is measured between its steps (the command runs
 * in this process, so the measuring runs whenever the command awaits): the most seen.
 */
async function measured(run: () => Promise<CliResult>): Promise<CliResult & { peak: number }> {
  let peak = 0;
  let running = true;
  const watcher = (async () => {
    while (running) {
      peak = Math.max(peak, await folderBytes(tmp));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  try {
    const r = await run();
    return { ...r, peak };
  } finally {
    running = false;
    await watcher;
  }
}

function zip(name: string, members: RawMember[]): string {
  const file = path.join(dir, name);
  writeRawZip(file, members);
  return file;
}

/** Refused with exit code 3 and `code`, naming `named`; no temporary folder, store unchanged. */
async function refused(
  args: string[],
  code: string,
  named: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult & { peak: number }> {
  const r = await measured(() => svd([...args, '--db', db], env));
  expect(r.code, r.stderr).toBe(3);
  expect(r.stderr).toContain(`error[${code}]`);
  expect(r.stderr).toContain(named);
  expect(r.stderr).toContain('nothing was kept');
  expect(r.stderr).toMatch(/fix: /);
  expect(readdirSync(tmp)).toEqual([]);
  expect(await storeFingerprint(db)).toEqual(before);
  return r;
}

describe('a control archive written byte by byte is read', () => {
  it('two real months, honest headers: ingested (dry run) within the defaults and a 8M limit', async () => {
    const file = zip('control.zip', [
      honestMember(member('2018-10'), street('2018-10')),
      honestMember(member('2018-11'), street('2018-11')),
    ]);
    for (const extra of [[], ['--max-expanded-bytes', '8M']]) {
      const r = await svd([
        'ingest',
        'police-uk',
        file,
        '--db',
        db,
        '--dry-run',
        '--json',
        ...extra,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { files: { file: string; status: string }[] };
      expect(report.files.map((f) => [f.file, f.status])).toEqual([
        [`${file}!${member('2018-10')}`, 'checked'],
        [`${file}!${member('2018-11')}`, 'checked'],
      ]);
    }
    expect(readdirSync(tmp)).toEqual([]);
    expect(await storeFingerprint(db)).toEqual(before);
  });
});

describe('ZIP archives given to svd ingest police-uk', () => {
  it('members whose sizes together pass the limit (--max-expanded-bytes, $SVD_MAX_EXPANDED_BYTES)', async () => {
    const file = zip('large.zip', [
      honestMember(member('2018-10'), street('2018-10')),
      honestMember(member('2018-11'), street('2018-11')),
    ]);
    // 3.5 MiB + 3.5 MiB: the second member takes the archive past 5 MiB, before a byte is written.
    const byOption = await refused(
      ['ingest', 'police-uk', file, '--max-expanded-bytes', '5M'],
      'ARCHIVE_TOO_LARGE',
      `${file}!${member('2018-11')}`,
    );
    expect(byOption.stderr).toContain('more than the limit of 5 MiB');
    expect(byOption.stderr).toContain('--max-expanded-bytes or SVD_MAX_EXPANDED_BYTES');
    expect(byOption.peak).toBe(0);
    await refused(['ingest', 'police-uk', file], 'ARCHIVE_TOO_LARGE', member('2018-11'), {
      SVD_MAX_EXPANDED_BYTES: '5M',
    });
    // The option wins over the environment.
    const r = await svd(
      ['ingest', 'police-uk', file, '--db', db, '--dry-run', '--max-expanded-bytes', '8M'],
      {
        SVD_MAX_EXPANDED_BYTES: '5M',
      },
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it('the defaults refuse a 2 MB archive of 2 GiB without writing it', async () => {
    const bomb = zeroBomb(2 * GiB);
    const file = zip('bomb.zip', [
      { name: member('2019-01'), data: bomb, method: 8, declaredSize: 2 * GiB },
    ]);
    expect(statSync(file).size).toBeLessThan(3 * MiB);
    const r = await refused(['ingest', 'police-uk', file], 'ARCHIVE_RATIO', member('2019-01'));
    expect(r.stderr).toContain(`more than the limit of ${DEFAULT_EXPANSION_LIMITS.maxRatio}:1`);
    expect(r.peak).toBeLessThan(MiB);
  });

  it('a header that lies (2 MB declared, 2 GiB inside) is stopped past the declared size', async () => {
    const bomb = zeroBomb(2 * GiB);
    const file = zip('liar.zip', [
      honestMember(member('2018-10'), street('2018-10')),
      { name: member('2019-01'), data: bomb, method: 8, declaredSize: bomb.length },
    ]);
    const r = await refused(
      ['ingest', 'police-uk', file],
      'ARCHIVE_SIZE_MISMATCH',
      `${file}!${member('2019-01')}`,
    );
    expect(r.stderr).toContain(
      `past the ${bomb.length.toLocaleString('en-GB')} bytes its header declares`,
    );
    // The honest member (3.5 MiB) and no more than a chunk past the declared 2 MB of the other.
    expect(r.peak).toBeLessThan(8 * MiB);
  });

  it('a ratio bomb: one member of 64 MiB from 64 KB', async () => {
    const file = zip('ratio.zip', [
      { name: member('2019-01'), data: zeroBomb(64 * MiB), method: 8, declaredSize: 64 * MiB },
    ]);
    const r = await refused(['ingest', 'police-uk', file], 'ARCHIVE_RATIO', member('2019-01'));
    expect(r.stderr).toContain('SVD_MAX_EXPANSION_RATIO');
  });

  it('a ratio bomb spread over members each too small to be judged alone', async () => {
    const months = ['2019-01', '2019-02', '2019-03', '2019-04', '2019-05', '2019-06'];
    const file = zip(
      'spread.zip',
      months.map((m) => ({
        name: member(m),
        data: zeroBomb(2 * MiB),
        method: 8,
        declaredSize: 2 * MiB,
      })),
    );
    const r = await refused(['ingest', 'police-uk', file], 'ARCHIVE_RATIO', `${file}:`);
    expect(r.stderr).toContain('the members to read declare 12 MiB');
  });

  it('too many entries ($SVD_MAX_ARCHIVE_ENTRIES, and the default 50,000)', async () => {
    const entries = (n: number): RawMember[] =>
      Array.from({ length: n }, (_, i) => ({
        name: `notes/${i}.txt`,
        data: Buffer.from('x'),
        method: 0,
        declaredSize: 1,
      }));
    const few = zip('entries.zip', entries(11));
    const r = await refused(['ingest', 'police-uk', few], 'ARCHIVE_TOO_MANY_ENTRIES', few, {
      SVD_MAX_ARCHIVE_ENTRIES: '10',
    });
    expect(r.stderr).toContain('holds 11 entries, more than the limit of 10');
    const many = zip('many.zip', entries(DEFAULT_EXPANSION_LIMITS.maxEntries + 1));
    await refused(['ingest', 'police-uk', many], 'ARCHIVE_TOO_MANY_ENTRIES', '50,001 entries');
  });

  describe('member names outside the archive are refused, and nothing is written', () => {
    const cases: [string, string, RawMember][] = [
      ['a ".." segment', '../evil.csv', honestMember('../evil.csv', street('2019-01'))],
      [
        'a ".." segment deeper',
        '2019-01/../../evil.csv',
        honestMember('2019-01/../../evil.csv', street('2019-01')),
      ],
      ['an absolute path', '/etc/x.csv', honestMember('/etc/x.csv', street('2019-01'))],
      ['a drive letter', 'C:\\x.csv', honestMember('C:\\x.csv', street('2019-01'))],
      ['backslashes climbing out', '..\\evil.csv', honestMember('..\\evil.csv', street('2019-01'))],
      [
        'a symbolic link',
        'link.csv',
        { ...honestMember('link.csv', Buffer.from('/etc/passwd')), mode: 0o120777 },
      ],
    ];
    it.each(cases)('%s: %s', async (what, name, hostile) => {
      const file = zip(`path-${what.replace(/\W+/g, '-')}.zip`, [
        honestMember(member('2018-10'), street('2018-10')),
        hostile,
      ]);
      const r = await refused(['ingest', 'police-uk', file], 'ARCHIVE_BAD_PATH', `${file}!${name}`);
      expect(r.stderr).toContain(JSON.stringify(name));
      expect(r.peak).toBe(0);
      for (const where of [dir, tmp, path.dirname(dir)])
        expect(existsSync(path.join(where, 'evil.csv'))).toBe(false);
    });
  });
});

describe('gzip files', () => {
  it('a .csv.gz bomb is refused by the defaults before the store reads it', async () => {
    const file = path.join(dir, '2019-01-thames-valley-street.csv.gz');
    writeFileSync(file, gzipBomb(256 * MiB));
    const r = await refused(['ingest', 'police-uk', file], 'ARCHIVE_RATIO', file);
    expect(r.stderr).toMatch(/expands more than 200:1/);
  });

  it('a real .csv.gz past a small limit ($SVD_MAX_EXPANDED_BYTES)', async () => {
    const file = sharedData('police-uk', 'all-forces-2019-01', '2019-01-kent-street.csv.gz');
    const r = await refused(['ingest', 'police-uk', file], 'ARCHIVE_TOO_LARGE', file, {
      SVD_MAX_EXPANDED_BYTES: '1M',
    });
    expect(r.stderr).toContain('more than the limit of 1 MiB');
  });

  it('a .csv.gz bomb given to a partner ingest', async () => {
    const file = path.join(dir, 'istv.csv.gz');
    writeFileSync(file, gzipBomb(64 * MiB));
    await refused(['ingest', 'istv', file], 'ARCHIVE_RATIO', file);
  });
});

describe('gzip boundary files given to svd geo load', () => {
  const lsoas = (): Buffer =>
    readFileSync(sharedData('boundaries', 'lsoa-2011-by-lad', 'E07000178.geojson'));

  it('a real one is loaded within the limits', async () => {
    const file = path.join(dir, 'E07000178.geojson.gz');
    writeFileSync(file, gzipSync(lsoas()));
    const r = await svd(
      ['geo', 'load', file, '--level', 'lsoa11', '--db', path.join(dir, 'geo.duckdb'), '--quiet'],
      { SVD_MAX_EXPANDED_BYTES: '1M' },
    );
    expect(r.code, r.stderr).toBe(0);
  });

  it('a bomb, and a real one past a small limit, are refused', async () => {
    const bomb = path.join(dir, 'bomb.geojson.gz');
    writeFileSync(bomb, gzipBomb(64 * MiB));
    await refused(['geo', 'load', bomb, '--level', 'lsoa11'], 'ARCHIVE_RATIO', bomb);
    const real = path.join(dir, 'E07000178.geojson.gz');
    await refused(['geo', 'load', real, '--level', 'lsoa11'], 'ARCHIVE_TOO_LARGE', real, {
      SVD_MAX_EXPANDED_BYTES: '100K',
    });
  });
});

describe('workbooks given to a partner ingest', () => {
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  // The ISTV minimum data set's header, then one row of a site code over and over.
  const columns = [
    'Site Code',
    'Arrival Date',
    'Arrival Time',
    'Assault Date',
    'Assault Time',
    'Assault Method',
    'Assault Method Other',
    'Assault Location Type',
    'Assault Location Description',
  ];
  const cell = (col: number, r: number, text: string): string =>
    `<c r="${String.fromCharCode(65 + col)}${r}" t="inlineStr"><is><t>${text}</t></is></c>`;
  const row = `<row r="2">${cell(0, 2, 'RHM01')}</row>`;
  const rows = Buffer.from(row.repeat(Math.floor(MiB / row.length)));
  const head = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData><row r="1">${columns.map((c, i) => cell(i, 1, c)).join('')}</row>`,
  );
  const tail = Buffer.from('</sheetData></worksheet>');
  const sheet = 'xl/worksheets/sheet1.xml';

  /** A workbook whose sheet XML is `rows` 1,024 times (~1 GiB) in ~1 MB. */
  function bombWorkbook(name: string, declaredSize?: number): string {
    const data = repeatedDeflate(rows, 1024, head, tail);
    const size = head.length + 1024 * rows.length + tail.length;
    return zip(
      name,
      xlsxParts([columns]).map(([part, xml]) =>
        part === sheet
          ? { name: part, data, method: 8 as const, declaredSize: declaredSize ?? size }
          : honestMember(part, Buffer.from(xml)),
      ),
    );
  }

  it('an XLSX whose sheet XML expands ~1,000:1 is refused before it is parsed', async () => {
    const file = bombWorkbook('bomb.xlsx');
    const r = await refused(['ingest', 'istv', file], 'ARCHIVE_RATIO', `${file}!${sheet}`);
    expect(r.stderr).toContain('this member declares 1 GiB');
  });

  it('the same with a header that lies about the sheet size: stopped as it is parsed', async () => {
    const file = bombWorkbook('liar.xlsx', 100_000);
    await refused(['ingest', 'istv', file], 'ARCHIVE_SIZE_MISMATCH', `${file}!${sheet}`);
  });

  it('the sheet XML within a small --max-expanded-bytes is refused as too large', async () => {
    const xml = Buffer.from(`${head.toString()}${row.repeat(40_000)}${tail.toString()}`);
    const file = zip(
      'large.xlsx',
      xlsxParts([columns]).map(([part, text]) =>
        honestMember(part, part === sheet ? xml : Buffer.from(text)),
      ),
    );
    // Under 4 MiB the ratio is not judged (small files compress wildly): only the size is.
    expect(xml.length).toBeLessThan(DEFAULT_EXPANSION_LIMITS.ratioAfterBytes);
    await refused(
      ['ingest', 'istv', file, '--max-expanded-bytes', '1M'],
      'ARCHIVE_TOO_LARGE',
      `${file}!${sheet}`,
    );
  });
});

describe('svd fetch police-uk', () => {
  it('a member of the archive that lies about its size is refused, not retried, and not kept', async () => {
    const archives = path.join(dir, 'served');
    mkdirSync(archives);
    const bomb = zeroBomb(256 * MiB);
    writeRawZip(path.join(archives, '2019-01.zip'), [
      { name: member('2019-01'), data: bomb, method: 8, declaredSize: bomb.length },
    ]);
    const server = await serveArchives(archives, { advertiseRanges: true, honourRanges: true });
    const dest = path.join(dir, 'fetched');
    try {
      const r = await svd([
        'fetch',
        'police-uk',
        '--force',
        'thames-valley',
        '--from',
        '2019-01',
        '--to',
        '2019-01',
        '--dest',
        dest,
        '--base-url',
        server.url,
      ]);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain('error[ARCHIVE_SIZE_MISMATCH]');
      expect(r.stderr).toContain(`${server.url}2019-01.zip!${member('2019-01')}`);
      // The member's data was asked for once: a refusal is not a network fault to retry.
      const dataRequests = server.requests.filter((q) => q.method === 'GET');
      expect(new Set(dataRequests.map((q) => q.range)).size).toBe(dataRequests.length);
      // Neither the member nor its .part file is left.
      expect(await folderBytes(dest)).toBe(0);
      expect(
        readdirSync(dest, { recursive: true }).filter((f) => String(f).includes('.csv')),
      ).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('the limits as the command line takes them', () => {
  it('a size that is not one is a usage error, before any workspace is made', async () => {
    const fresh = path.join(dir, 'never.duckdb');
    const file = zip('tiny.zip', [honestMember(member('2018-10'), street('2018-10'))]);
    const r = await svd([
      'ingest',
      'police-uk',
      file,
      '--db',
      fresh,
      '--max-expanded-bytes',
      'lots',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[BAD_MAX_EXPANDED_BYTES]');
    const env = await svd(['ingest', 'police-uk', file, '--db', fresh], {
      SVD_MAX_EXPANSION_RATIO: '0.5',
    });
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('error[BAD_MAX_EXPANSION_RATIO]');
    expect(existsSync(fresh)).toBe(false);
  });

  it('the help of each command that reads archives states the defaults and how to raise them', async () => {
    for (const command of [
      ['ingest', 'police-uk'],
      ['ingest', 'istv'],
      ['ingest', 'force-extract'],
      ['ingest', 'home-office-csp'],
      ['fetch', 'police-uk'],
    ]) {
      const r = await svd([...command, '--help']);
      const help = r.stdout.replace(/\s+/g, ' ');
      expect(help, command.join(' ')).toContain('--max-expanded-bytes');
      expect(help, command.join(' ')).toContain(formatBytes(DEFAULT_EXPANSION_LIMITS.maxBytes));
      expect(help, command.join(' ')).toContain(`${DEFAULT_EXPANSION_LIMITS.maxRatio}:1`);
    }
    const help = (await svd(['ingest', 'police-uk', '--help'])).stdout;
    for (const name of [
      'SVD_MAX_EXPANDED_BYTES',
      'SVD_MAX_EXPANSION_RATIO',
      'SVD_MAX_ARCHIVE_ENTRIES',
    ])
      expect(help).toContain(name);
  });
});
