/**
 * The synthetic force extract and its ingest, on the real Thames Valley police.uk months: the
 * generator is deterministic and agrees with an independent count of the raw police.uk files;
 * the ingest stores canonical values, keeps no crime reference anywhere in the workspace file,
 * refuses bad rows naming file, line, field and value, and leaves the store as it was.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentReporter } from '../../src/core/reporter.js';
import { ingestForceExtract } from '../../src/sources/force-extract/ingestForceExtract.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { readPoliceUkAnchors } from '../../src/sources/synthetic/readPoliceUkAnchors.js';
import { SYNTH_CRIME_TYPES } from '../../src/sources/synthetic/rates.js';
import { synthForceExtract } from '../../src/sources/synthetic/synthForceExtract.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { TV_STREET } from '../helpers/paths.js';
import { writeOds, writeXlsx, type CellValue } from '../helpers/spreadsheets.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const extract = path.join(dir, 'extract.csv');
const db = path.join(dir, 'ws.duckdb');
let text: string;
let records: Record<string, string>[];

/** police.uk rows per month × LSOA of the generator's crime types, counted from the raw files. */
function countRawPoliceUk(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of readdirSync(TV_STREET()).sort()) {
    const rows = parse(readFileSync(path.join(TV_STREET(), name)), { columns: true }) as Record<
      string,
      string
    >[];
    for (const r of rows) {
      if (!SYNTH_CRIME_TYPES.includes(r['Crime type']!)) continue;
      const key = `${r['Month']}|${r['LSOA code']}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

beforeAll(async () => {
  const r = await svd([
    'synth',
    'force-extract',
    '--from',
    TV_STREET(),
    '--seed',
    '7',
    '--out',
    extract,
  ]);
  expect(r.code, r.stderr).toBe(0);
  text = readFileSync(extract, 'utf8');
  records = parse(text, { columns: true }) as Record<string, string>[];
  const ingest = await svd([
    'ingest',
    'force-extract',
    extract,
    '--mapping',
    'svd-synthetic',
    '--db',
    db,
    '--quiet',
  ]);
  expect(ingest.code, ingest.stderr).toBe(0);
});

describe('svd synth force-extract', () => {
  it('is deterministic: the same seed gives the same bytes, another seed other bytes', async () => {
    const again = path.join(dir, 'again.csv');
    const other = path.join(dir, 'other.csv');
    expect(
      (
        await svd([
          'synth',
          'force-extract',
          '--from',
          TV_STREET(),
          '--seed',
          '7',
          '--out',
          again,
          '--quiet',
        ])
      ).code,
    ).toBe(0);
    expect(
      (
        await svd([
          'synth',
          'force-extract',
          '--from',
          TV_STREET(),
          '--seed',
          '8',
          '--out',
          other,
          '--quiet',
        ])
      ).code,
    ).toBe(0);
    expect(readFileSync(again).equals(readFileSync(extract))).toBe(true);
    expect(readFileSync(other).equals(readFileSync(extract))).toBe(false);
    const { anchors } = await readPoliceUkAnchors([TV_STREET()], SYNTH_CRIME_TYPES);
    expect(synthForceExtract(anchors, { seed: 7 }).text).toBe(text);
  });

  it('refuses to overwrite a file unless asked', async () => {
    const r = await svd(['synth', 'force-extract', '--from', TV_STREET(), '--out', extract]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the output file exists; it was left untouched/);
  });

  it('has one row per police.uk row of its crime types, per month and LSOA (independent count)', () => {
    const expected = countRawPoliceUk();
    const got = new Map<string, number>();
    for (const r of records) {
      const [, mm, yyyy] = r['Committed From Date']!.split('/');
      const key = `${yyyy}-${mm}|${r['LSOA Code']}`;
      got.set(key, (got.get(key) ?? 0) + 1);
    }
    expect(got).toEqual(expected);
    expect(records.length).toBe([...expected.values()].reduce((a, b) => a + b, 0));
  });

  it('marks every row synthetic and issues unique crime references', () => {
    expect(records.every((r) => r['Synthetic'] === 'SYNTHETIC - NOT REAL DATA')).toBe(true);
    expect(new Set(records.map((r) => r['Crime Reference'])).size).toBe(records.length);
  });
});

describe('svd ingest force-extract', () => {
  it('stores the same counts per month and LSOA as police.uk has, marked synthetic', async () => {
    const expected = countRawPoliceUk();
    const ws = await openWorkspace(db, { create: false });
    try {
      const rows = await ws.db.all<{ m: string; lsoa: string | null; n: number }>(
        `SELECT strftime(month, '%Y-%m') AS m, lsoa_code AS lsoa, count(*) AS n FROM incidents
          WHERE source = 'force-extract' GROUP BY ALL`,
      );
      expect(new Map(rows.map((r) => [`${r.m}|${r.lsoa ?? ''}`, r.n]))).toEqual(expected);
      const batch = await ws.db.one<{ synthetic: boolean; rows_stored: number; status: string }>(
        `SELECT * FROM batches`,
      );
      expect(batch).toMatchObject({
        synthetic: true,
        rows_stored: records.length,
        status: 'active',
      });
      const mapping = await ws.db.one<{ mapping_name: string; columns_dropped: string[] }>(
        `SELECT * FROM batch_mappings`,
      );
      expect(mapping).toMatchObject({
        mapping_name: 'svd-synthetic',
        columns_dropped: ['Synthetic'],
      });
    } finally {
      ws.close();
    }
  });

  it('stores the sub-codes in the canonical form, and they split 8N by tier (independent count)', async () => {
    // Counted from the extract text: the written (padded) sub-code and the statute per class.
    const byWritten = new Map<string, number>();
    for (const r of records) {
      const key = `${r['HO Offence Code']}|${r['HO Sub Classification']}`;
      byWritten.set(key, (byWritten.get(key) ?? 0) + 1);
    }
    const gbh8N = records.filter(
      (r) =>
        r['HO Offence Code'] === '8N' &&
        (r['HO Sub Classification'] === '008/01' || r['Statute'] === 'OAPA 1861 s.20'),
    ).length;
    const abh8N = records.filter(
      (r) => r['HO Offence Code'] === '8N' && r['HO Sub Classification'] === '008/06',
    ).length;
    expect(gbh8N).toBeGreaterThan(100);
    expect(abh8N).toBeGreaterThan(5 * gbh8N);
    // Every 8N row carries a sub-code that agrees with its statute.
    for (const r of records.filter((x) => x['HO Offence Code'] === '8N'))
      expect(`${r['HO Sub Classification']} ${r['Statute']}`, r['Crime Reference']).toMatch(
        /^(008\/01 OAPA 1861 s\.20|008\/06 OAPA 1861 s\.47)$/,
      );
    const ws = await openWorkspace(db, { create: false });
    try {
      const stored = await ws.db.all<{ code: string; sub: string | null; n: number }>(
        `SELECT offence_code AS code, offence_subcode AS sub, count(*) AS n FROM incidents
          WHERE source = 'force-extract' GROUP BY ALL`,
      );
      const canonical = (written: string): string =>
        written === '' ? '' : `${Number(written.split('/')[0])}/${Number(written.split('/')[1])}`;
      const expected = new Map<string, number>();
      for (const [key, n] of byWritten) {
        const [code, written] = key.split('|') as [string, string];
        const k = `${code}|${canonical(written)}`;
        expected.set(k, (expected.get(k) ?? 0) + n);
      }
      expect(new Map(stored.map((r) => [`${r.code}|${r.sub ?? ''}`, r.n]))).toEqual(expected);
      const messages = await ws.db.all<{ code: string; count: number }>(
        `SELECT code, count FROM batch_messages WHERE code = 'SUBCODE_NORMALISED'`,
      );
      expect(messages.length).toBe(1);
    } finally {
      ws.close();
    }
    const classify = await svd(['classify', '--definition', 'thames-valley-vru', '--db', db]);
    expect(classify.code, classify.stderr).toBe(0);
    const tiered = await openWorkspace(db, { create: false });
    let tiers: { tier: string; n: number }[];
    try {
      tiers = await tiered.db.all<{ tier: string; n: number }>(
        `SELECT coalesce(p.tier, p.status) AS tier, count(*) AS n
           FROM incidents i JOIN incident_classifications c ON c.incident_id = i.id
           JOIN classification_patterns p
             ON p.definition_id = c.definition_id AND p.version = c.version AND p.mask = c.mask
          WHERE i.offence_code = '8N' AND c.definition_id = 'thames-valley-vru'
          GROUP BY ALL`,
      );
    } finally {
      tiered.close();
    }
    // Knife-flagged 8N is primary whatever its sub-code; the rest split by sub-code and statute.
    const knife8N = records.filter(
      (r) =>
        r['HO Offence Code'] === '8N' &&
        r['Knife/Sharp Instrument'] === 'Y' &&
        r['HO Sub Classification'] === '008/06',
    ).length;
    expect(tiers.find((t) => t.tier === 'primary')?.n).toBe(gbh8N + knife8N);
    expect(tiers.find((t) => t.tier === 'monitoring')?.n).toBe(abh8N - knife8N);
  });

  it('fills the canonical fields with realistic mixes the definitions rely on', async () => {
    const ws = await openWorkspace(db, { create: false });
    try {
      const q = async (sql: string): Promise<number> => Number(await ws.db.value(sql));
      const s20 = await q(
        `SELECT count(*) FROM incidents WHERE offence_code = '8N' AND statute = 'OAPA1861-s20'`,
      );
      const s47 = await q(
        `SELECT count(*) FROM incidents WHERE offence_code = '8N' AND statute = 'OAPA1861-s47'`,
      );
      expect(s20).toBeGreaterThan(100);
      expect(s47).toBeGreaterThan(5 * s20);
      expect(
        await q(`SELECT count(*) FROM incidents WHERE offence_code = '92A' AND flag_county_lines`),
      ).toBeGreaterThan(20);
      expect(
        await q(`SELECT avg(flag_knife::INT) FROM incidents WHERE offence_code = '10D'`),
      ).toBeGreaterThan(0.8);
      expect(
        await q(
          `SELECT count(*) FROM incidents WHERE offence_code IN ('1','2','5D','5E') AND flag_knife`,
        ),
      ).toBeGreaterThan(10);
      for (const code of ['17A', '19C', '20A', '8P', '8S', '34B', '92D', '92E'])
        expect(
          await q(`SELECT count(*) FROM incidents WHERE offence_code = '${code}'`),
          code,
        ).toBeGreaterThan(0);
      // Domestic incidents happen at home; knife victims are younger; sexes and bands are canonical.
      expect(
        await q(`SELECT avg((location_type = 'dwelling')::INT) FROM incidents WHERE flag_domestic`),
      ).toBeGreaterThan(0.8);
      expect(
        await q(
          `SELECT avg((location_type = 'dwelling')::INT) FROM incidents WHERE NOT flag_domestic`,
        ),
      ).toBeLessThan(0.4);
      expect(await q(`SELECT avg(victim_age) FROM incidents WHERE flag_knife`)).toBeLessThan(
        await q(`SELECT avg(victim_age) FROM incidents WHERE NOT flag_knife AND NOT flag_domestic`),
      );
      expect(
        await q(
          `SELECT count(*) FROM incidents WHERE victim_sex NOT IN ('female','male','other','unknown')`,
        ),
      ).toBe(0);
      expect(
        await q(
          `SELECT count(*) FROM incidents WHERE victim_age IS NOT NULL AND victim_age_band IS NULL`,
        ),
      ).toBe(0);
      expect(
        await q(`SELECT count(*) FROM incidents WHERE offence_code = '19E' AND victim_age > 12`),
      ).toBe(0);
      // Non-domestic assaults peak late on Friday and Saturday nights (London time).
      const night = `(extract(hour FROM occurred_from AT TIME ZONE 'Europe/London') >= 20 OR extract(hour FROM occurred_from AT TIME ZONE 'Europe/London') < 4)`;
      const weekendNight =
        await q(`SELECT avg((${night} AND isodow(occurred_from AT TIME ZONE 'Europe/London') IN (5,6,7))::INT)
        FROM incidents WHERE offence_code IN ('8N','105A') AND NOT flag_domestic AND occurred_from <> occurred_to - INTERVAL 86399 SECOND`);
      expect(weekendNight).toBeGreaterThan(0.2);
      // Every incident has a month and a committed range from ≤ to.
      expect(
        await q(
          `SELECT count(*) FROM incidents WHERE month IS NULL OR occurred_from IS NULL OR occurred_to < occurred_from`,
        ),
      ).toBe(0);
    } finally {
      ws.close();
    }
  });

  it('keeps no crime reference, and not the key, anywhere in the workspace file', async () => {
    const refs = new Set(records.map((r) => r['Crime Reference']!));
    /** Every 11-digit run in the file's bytes (and its WAL) that is a crime reference of the extract. */
    const searched = (file: string): string[] => {
      const bytes = [file, `${file}.wal`]
        .filter(existsSync)
        .map((f) => readFileSync(f).toString('latin1'));
      const found: string[] = [];
      for (const content of bytes)
        for (const m of content.matchAll(/\d{11,}/g))
          for (let i = 0; i + 11 <= m[0].length; i++)
            if (refs.has(m[0].slice(i, i + 11))) found.push(m[0].slice(i, i + 11));
      return found;
    };
    // DuckDB compresses strings, which could hide a stored reference from a byte search; this
    // workspace is written uncompressed so that the search sees every string as its bytes.
    const plain = path.join(dir, 'uncompressed.duckdb');
    const ws = await openWorkspace(plain);
    await ws.db.run(`SET force_compression = 'uncompressed'`);
    await ingestForceExtract(ws, [extract], {
      mapping: 'svd-synthetic',
      reporter: silentReporter,
      keyFile: `${plain}.key`,
    });
    ws.close();
    expect(statSync(plain).size).toBeGreaterThan(1_000_000);
    expect(searched(plain)).toEqual([]);
    expect(searched(db)).toEqual([]);
    // Control: the same search finds the references in a file written the same way that holds them.
    const control = path.join(dir, 'control.duckdb');
    const instance = await DuckDBInstance.create(control);
    const c = await instance.connect();
    await c.run(`SET force_compression = 'uncompressed'`);
    await c.run(
      `CREATE TABLE refs AS SELECT "Crime Reference" AS ref FROM read_csv($f, all_varchar = true)`,
      { f: extract },
    );
    c.closeSync();
    instance.closeSync();
    expect(new Set(searched(control)).size).toBe(refs.size);
    // And the workspace's content, read back, holds no reference in any text column of any table.
    const back = await openWorkspace(db, { create: false });
    try {
      const columns = await back.db.all<{ t: string; c: string }>(
        `SELECT table_name AS t, column_name AS c FROM information_schema.columns
          WHERE table_schema = 'main' AND data_type IN ('VARCHAR', 'VARCHAR[]')`,
      );
      for (const { t, c: col } of columns) {
        const values = await back.db.all<{ v: string }>(
          `SELECT DISTINCT CAST("${col}" AS VARCHAR) AS v FROM "${t}" WHERE "${col}" IS NOT NULL`,
        );
        for (const { v } of values)
          for (const m of v.matchAll(/\d{11}/g)) expect(refs.has(m[0]), `${t}.${col}`).toBe(false);
      }
    } finally {
      back.close();
    }
    const key = readFileSync(`${db}.key`, 'utf8').split('\n')[1]!;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    for (const file of [db, plain]) {
      expect(readFileSync(file).includes(Buffer.from(key))).toBe(false);
      expect(readFileSync(file).includes(Buffer.from(key, 'hex'))).toBe(false);
    }
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600);
  });

  it('counts say when they include synthetic incidents', async () => {
    const r = await svd(['counts', '--by', 'source', '--db', db, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([{ source: 'force-extract', n: records.length }]);
    expect(r.stderr).toContain(
      `warning: ${records.length.toLocaleString('en-GB')} of these incidents are SYNTHETIC (generated for tests and demonstrations, not real records)`,
    );
  });

  it('ingesting the same file again is a no-op', async () => {
    const before = await storeFingerprint(db);
    const r = await svd([
      'ingest',
      'force-extract',
      extract,
      '--mapping',
      'svd-synthetic',
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/already in batch 1/);
    expect(await storeFingerprint(db)).toEqual(before);
  });
});

describe('refused extracts leave the store unchanged', () => {
  const small = (): string[] => text.split('\r\n').slice(0, 41);
  const write = (name: string, lines: string[]): string => {
    const p = path.join(dir, name);
    writeFileSync(p, lines.join('\r\n') + '\r\n');
    return p;
  };

  it('a bad date names file, line, field and value; --max-errors 1 leaves the row out and reports it', async () => {
    const lines = small();
    lines[4] = lines[4]!.replace(/^([^,]*,[^,]*,)[^,]*/, '$131/02/2024');
    const file = write('bad-date.csv', lines);
    const before = await storeFingerprint(db);
    const r = await svd([
      'ingest',
      'force-extract',
      file,
      '--mapping',
      'svd-synthetic',
      '--db',
      db,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${file}: 1 row(s) with errors, more than --max-errors 0 allows; nothing was stored`,
    );
    expect(r.stderr).toContain(
      `${file}, line 5, field "Committed From Date": "31/02/2024" has day 31, which 2/2024 does not have`,
    );
    expect(r.stderr).toMatch(/fix: .*--max-errors N/);
    expect(await storeFingerprint(db)).toEqual(before);

    const ok = await svd([
      'ingest',
      'force-extract',
      file,
      '--mapping',
      'svd-synthetic',
      '--db',
      db,
      '--max-errors',
      '1',
      '--json',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout);
    expect(report.files[0]).toMatchObject({ rowsRead: 40, rowsStored: 39, rowsRejected: 1 });
    const ws = await openWorkspace(db, { create: false });
    try {
      const messages = await ws.db.all(
        `SELECT severity, code, first_line, field, example_value FROM batch_messages WHERE batch_id = $b AND severity = 'error'`,
        { b: report.files[0].batchId },
      );
      expect(messages).toEqual([
        {
          severity: 'error',
          code: 'BAD_DATE',
          first_line: 5,
          field: 'Committed From Date',
          example_value: '31/02/2024',
        },
      ]);
    } finally {
      ws.close();
    }
  });

  it('a crime reference error never shows the reference; unmapped values and flags are named', async () => {
    const lines = small();
    lines[2] = lines[2]!.replace(/,Y,|,N,/, ',maybe,');
    lines[3] = lines[3]!.replace(
      /,(Dwelling|Street\/Road|Licensed Premises|Shop\/Commercial|Other Public Place|Park\/Open Space|Public Transport|School\/College|Hospital\/Health|Other Private Place),/,
      ',Spaceship,',
    );
    lines[6] = ',' + lines[6]!.split(',').slice(1).join(',');
    const file = write('bad-values.csv', lines);
    const before = await storeFingerprint(db);
    const r = await svd([
      'ingest',
      'force-extract',
      file,
      '--mapping',
      'svd-synthetic',
      '--db',
      db,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /line 3, field "Knife\/Sharp Instrument": "maybe" is neither a true nor a false value of the knife flag/,
    );
    expect(r.stderr).toMatch(
      /line 4, field "Location Type": "Spaceship" is not one of the values the mapping lists for location_type/,
    );
    expect(r.stderr).toMatch(/line 7, field "Crime Reference": is empty/);
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('a mapping naming columns the file lacks lists the file’s columns', async () => {
    const lines = small();
    lines[0] = lines[0]!.replace('HO Offence Code', 'Offence Code');
    const file = write('renamed.csv', lines);
    const before = await storeFingerprint(db);
    const r = await svd([
      'ingest',
      'force-extract',
      file,
      '--mapping',
      'svd-synthetic',
      '--db',
      db,
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${file}, line 1: the mapping built-in:svd-synthetic names column this file lacks: "HO Offence Code"`,
    );
    expect(r.stderr).toMatch(/the file's columns are: Crime Reference, .*Offence Code/);
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('a missing key file is refused rather than silently replaced', async () => {
    const other = path.join(dir, 'keyless.duckdb');
    const file = write('first.csv', small());
    expect(
      (
        await svd([
          'ingest',
          'force-extract',
          file,
          '--mapping',
          'svd-synthetic',
          '--db',
          other,
          '--quiet',
        ])
      ).code,
    ).toBe(0);
    const key = readFileSync(`${other}.key`, 'utf8');
    writeFileSync(`${other}.key.bak`, key);
    const { rmSync } = await import('node:fs');
    rmSync(`${other}.key`);
    const before = await storeFingerprint(other);
    const second = write('second.csv', [small()[0]!, ...text.split('\r\n').slice(100, 120)]);
    const r = await svd([
      'ingest',
      'force-extract',
      second,
      '--mapping',
      'svd-synthetic',
      '--db',
      other,
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/KEY_MISSING.*its key file is missing/);
    expect(r.stderr + r.stdout).not.toContain(key.split('\n')[1]!);
    expect(await storeFingerprint(other)).toEqual(before);
    const renewed = await svd([
      'ingest',
      'force-extract',
      second,
      '--mapping',
      'svd-synthetic',
      '--db',
      other,
      '--new-key',
    ]);
    expect(renewed.code, renewed.stderr).toBe(0);
  });
});

describe('spreadsheets, clock changes and dates of birth', () => {
  it('XLSX (Excel serial dates) and ODS give the same incidents as the CSV', async () => {
    const header = records.length > 0 ? Object.keys(records[0]!) : [];
    const sample = records.slice(0, 150);
    const iso = (uk: string): string => `${uk.slice(6, 10)}-${uk.slice(3, 5)}-${uk.slice(0, 2)}`;
    const rows: CellValue[][] = [
      header,
      ...sample.map((r) =>
        header.map((h): CellValue => {
          const v = r[h]!;
          if (/Date$/.test(h) && v !== '') return { date: iso(v) };
          if (/^(Longitude|Latitude|Victim Age|Suspect Age)$/.test(h) && v !== '') return Number(v);
          return v;
        }),
      ),
    ];
    const csv = path.join(dir, 'sample.csv');
    writeFileSync(
      csv,
      [text.split('\r\n')[0], ...text.split('\r\n').slice(1, 151)].join('\r\n') + '\r\n',
    );
    const xlsx = path.join(dir, 'sample.xlsx');
    const ods = path.join(dir, 'sample.ods');
    await writeXlsx(xlsx, rows, { titleRows: [] });
    await writeOds(ods, rows);
    const key = path.join(dir, 'shared.key');
    const results: unknown[][] = [];
    for (const file of [csv, xlsx, ods]) {
      const target = path.join(dir, `${path.basename(file)}.duckdb`);
      const r = await svd([
        'ingest',
        'force-extract',
        file,
        '--mapping',
        'svd-synthetic',
        '--db',
        target,
        '--key-file',
        key,
        '--quiet',
      ]);
      expect(r.code, `${file}: ${r.stderr}`).toBe(0);
      const ws = await openWorkspace(target, { create: false });
      try {
        results.push(
          await ws.db.all(
            `SELECT * EXCLUDE (id, batch_id) FROM incidents ORDER BY occurred_from, source_record_id`,
          ),
        );
      } finally {
        ws.close();
      }
    }
    expect(results[0]).toHaveLength(150);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('times in the March gap and the October overlap, and ages from dates of birth', async () => {
    const mapping = readFileSync(
      new URL('../../mappings/force-extract/svd-synthetic.yaml', import.meta.url),
      'utf8',
    )
      .replace('name: svd-synthetic', 'name: with-dob')
      .replace(
        '  victim_age: { column: Victim Age }',
        '  victim_date_of_birth: { column: Victim Date of Birth }',
      );
    const mappingFile = path.join(dir, 'with-dob.yaml');
    writeFileSync(mappingFile, mapping);
    const head = text.split('\r\n')[0]!.replace('Victim Age', 'Victim Date of Birth');
    const row = (ref: string, date: string, time: string, dob: string): string =>
      `${ref},${date},${date},${time},,,8N,008/01,Assault with injury,OAPA 1861 s.20,Violence and sexual offences,Y,N,N,N,N,N,N,${dob},M,22,M,Street/Road,-1.2577,51.7520,E01028522,Oxford 008A,Under investigation,SYNTHETIC - NOT REAL DATA`;
    const file = path.join(dir, 'clocks.csv');
    writeFileSync(
      file,
      [
        head,
        row('43240000001', '31/03/2024', '01:30', '14/02/2006'),
        row('43240000002', '27/10/2024', '01:30', '28/10/2005'),
        row('43240000003', '27/10/2024', '02:30', ''),
      ].join('\r\n') + '\r\n',
    );
    const target = path.join(dir, 'clocks.duckdb');
    const r = await svd([
      'ingest',
      'force-extract',
      file,
      '--mapping',
      mappingFile,
      '--db',
      target,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /warning: clocks\.csv, line 2, field "Committed From Time": a committed-from time falls in the hour the clocks skip in March/,
    );
    expect(r.stdout).toMatch(
      /warning: clocks\.csv, line 3, field "Committed From Time": a committed-from time falls in the hour that happens twice in October/,
    );
    const ws = await openWorkspace(target, { create: false });
    try {
      const rows = await ws.db.all<{
        f: string;
        m: string;
        age: number | null;
        band: string | null;
        s: string;
      }>(
        `SELECT strftime(occurred_from, '%Y-%m-%dT%H:%MZ') AS f, strftime(month, '%Y-%m') AS m, victim_age AS age, victim_age_band AS band, statute AS s
           FROM incidents ORDER BY occurred_from`,
      );
      expect(rows).toEqual([
        { f: '2024-03-31T01:30Z', m: '2024-03', age: 18, band: '18-24', s: 'OAPA1861-s20' },
        { f: '2024-10-27T00:30Z', m: '2024-10', age: 18, band: '18-24', s: 'OAPA1861-s20' },
        { f: '2024-10-27T02:30Z', m: '2024-10', age: null, band: null, s: 'OAPA1861-s20' },
      ]);
    } finally {
      ws.close();
    }
    expect(readFileSync(target).includes(Buffer.from('14/02/2006'))).toBe(false);
  });
});
