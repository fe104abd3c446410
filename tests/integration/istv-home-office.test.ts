/**
 * A&E (ISTV) records and counts, and the Home Office CSP tables in CSV, XLSX and ODS: what is
 * stored, what is flagged, and refusals that leave the store as it was.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { readPoliceUkAnchors } from '../../src/sources/synthetic/readPoliceUkAnchors.js';
import { SYNTH_CRIME_TYPES } from '../../src/sources/synthetic/rates.js';
import { synthesiseForceIncidents } from '../../src/sources/synthetic/synthForceExtract.js';
import { synthesiseIstvAttendances } from '../../src/sources/synthetic/synthIstv.js';
import { utcToLondon } from '../../src/core/londonTime.js';
import { svd } from '../helpers/cli.js';
import { storeFingerprint } from '../helpers/fingerprint.js';
import { sharedData } from '../helpers/paths.js';
import { writeOds, writeXlsx, type CellValue } from '../helpers/spreadsheets.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();
const db = path.join(dir, 'ws.duckdb');
const street = (m: string): string =>
  sharedData('police-uk', 'thames-valley', 'street', `${m}-thames-valley-street.csv`);

async function query<T>(sql: string): Promise<T[]> {
  const ws = await openWorkspace(db, { create: false });
  try {
    return await ws.db.all<T>(sql);
  } finally {
    ws.close();
  }
}

describe('synthetic ISTV', () => {
  const istv = path.join(dir, 'istv.csv');
  beforeAll(async () => {
    const r = await svd([
      'synth',
      'istv',
      '--from',
      street('2024-01'),
      street('2024-02'),
      '--seed',
      '5',
      '--out',
      istv,
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('is deterministic and about four unreported attendances to one known to police', async () => {
    const { anchors } = await readPoliceUkAnchors(
      [street('2024-01'), street('2024-02')],
      SYNTH_CRIME_TYPES,
    );
    const a = synthesiseIstvAttendances(anchors, { seed: 5 });
    expect(synthesiseIstvAttendances(anchors, { seed: 5 })).toEqual(a);
    const reported = a.filter((x) => x.reportedToPolice).length;
    expect(a.length - reported).toBeGreaterThan(3.5 * reported);
    expect(a.length - reported).toBeLessThan(4.5 * reported);
    // Consistent with the force extract of the same seed: knife assaults with injury are knife attendances.
    const incidents = synthesiseForceIncidents(anchors, { seed: 5 });
    const injuryCodes = new Set(['2', '5D', '5E', '8N', '8P', '8S']);
    expect(reported).toBeLessThan(incidents.filter((i) => injuryCodes.has(i.offence.code)).length);
    expect(reported).toBeGreaterThan(0.2 * incidents.filter((i) => i.offence.code === '8N').length);
    const rows = parse(readFileSync(istv), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(a.length);
    expect(rows.every((r) => r['Synthetic'] === 'SYNTHETIC - NOT REAL DATA')).toBe(true);
  });

  it('covers the months of its anchors: an arrival after them is left out, one in the next month held kept', async () => {
    const { anchors } = await readPoliceUkAnchors(
      [street('2024-01'), street('2024-02')],
      SYNTH_CRIME_TYPES,
    );
    const monthOf = (utcMs: number): string => {
      const l = utcToLondon(utcMs);
      return `${l.year}-${String(l.month).padStart(2, '0')}`;
    };
    for (const seed of [1, 5, 9]) {
      const both = synthesiseIstvAttendances(anchors, { seed });
      expect(new Set(both.map((x) => monthOf(x.arrivalUtcMs)))).toEqual(
        new Set(['2024-01', '2024-02']),
      );
      // January's late assaults that arrive in February stay: February is covered.
      expect(
        both.some(
          (x) => monthOf(x.assaultUtcMs) === '2024-01' && monthOf(x.arrivalUtcMs) === '2024-02',
        ),
      ).toBe(true);
      // January alone: those arrivals would make a February of a handful; none is made.
      const january = synthesiseIstvAttendances(
        anchors.filter((x) => x.month === '2024-01'),
        { seed },
      );
      expect(new Set(january.map((x) => monthOf(x.arrivalUtcMs)))).toEqual(new Set(['2024-01']));
      expect(january.length).toBeGreaterThan(100);
    }
  });

  it('ingests with the default mapping into canonical methods and location types, marked synthetic', async () => {
    const r = await svd(['ingest', 'istv', istv, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /mapping built-in:istv-minimum-data-set \(the default; choose another with --mapping\)/,
    );
    expect(r.stdout).toMatch(/stored · SYNTHETIC/);
    const [summary] = await query<{
      n: number;
      knife: number;
      home: number;
      bad: number;
      months: number;
    }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE assault_method = 'knife-sharp') AS knife,
              count(*) FILTER (WHERE location_type = 'dwelling') AS home,
              count(*) FILTER (WHERE assault_method NOT IN ('body-part','knife-sharp','blunt-object','glass-bottle','firearm','other','unknown')
                                 OR arrival_at < assault_from) AS bad,
              count(DISTINCT month) AS months
         FROM ae_attendances`,
    );
    const rows = parse(readFileSync(istv), { columns: true }) as unknown[];
    expect(summary).toMatchObject({ n: rows.length, bad: 0, months: 2 });
    expect(summary!.knife).toBeGreaterThan(0);
    expect(summary!.home).toBeGreaterThan(0);
    const [batch] = await query<{ synthetic: boolean; source_kind: string }>(
      `SELECT * FROM batches WHERE source_kind = 'istv'`,
    );
    expect(batch).toMatchObject({ synthetic: true });
  });

  it('keeps free text as untrusted text: control characters removed, long text cut and reported', async () => {
    const header = readFileSync(istv, 'utf8').split('\r\n')[0]!;
    const file = path.join(dir, 'free-text.csv');
    writeFileSync(
      file,
      [
        header.replace(',Synthetic', ''),
        `RTH08,05/01/2024,23:10,05/01/2024,22:40,Street/public road,"<script>alert(1)</script>\u0007 outside ""the"" club",Other,${'x'.repeat(600)}`,
      ].join('\r\n') + '\r\n',
    );
    const r = await svd(['ingest', 'istv', file, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/free-text descriptions longer than 500 characters were cut/);
    const [row] = await query<{ l: string; m: string; from: string }>(
      `SELECT location_text_untrusted AS l, assault_method_text_untrusted AS m, strftime(assault_from, '%H:%M') AS "from"
         FROM ae_attendances WHERE batch_id = (SELECT max(batch_id) FROM batches)`,
    );
    expect(row).toEqual({
      l: '<script>alert(1)</script>  outside "the" club',
      m: 'x'.repeat(500),
      from: '22:40',
    });
  });

  it('aggregated mode stores counts; a bad count refuses the file and leaves the store unchanged', async () => {
    const file = path.join(dir, 'counts.csv');
    writeFileSync(
      file,
      'Site Code,Month,Assault Method,Assault Location Type,Attendances\nRTH08,2024-01,Knife/blade/sharp object,Street/public road,7\nRTH08,01/02/2024,"Body part (fist, foot, head)",Home,"1,204"\n',
    );
    const r = await svd(['ingest', 'istv', file, '--aggregated', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(
      await query(
        `SELECT strftime(month, '%Y-%m') AS m, assault_method AS method, location_type AS loc, attendances AS n FROM ae_attendance_counts ORDER BY m`,
      ),
    ).toEqual([
      { m: '2024-01', method: 'knife-sharp', loc: 'street', n: 7 },
      { m: '2024-02', method: 'body-part', loc: 'dwelling', n: 1204 },
    ]);
    const bad = path.join(dir, 'counts-bad.csv');
    writeFileSync(
      bad,
      'Site Code,Month,Assault Method,Assault Location Type,Attendances\nRTH08,2024-03,Other,Home,*\n',
    );
    const before = await storeFingerprint(db);
    const refused = await svd(['ingest', 'istv', bad, '--aggregated', '--db', db]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`${bad}, line 2, field "Attendances": "*" is not a count`);
    expect(await storeFingerprint(db)).toEqual(before);
  });
});

describe('Home Office recorded crime by CSP', () => {
  const header = [
    'Financial Year',
    'Financial Quarter',
    'Force Name',
    'CSP Name',
    'Offence Description',
    'Offence Group',
    'Offence Subgroup',
    'Offence Code',
    'Offence Count',
  ];
  const rows: CellValue[][] = [
    [
      '2023/24',
      1,
      'Thames Valley',
      'Oxford',
      'Assault with injury',
      'Violence against the person',
      'Violence with injury',
      '8N',
      412,
    ],
    [
      '2023/24',
      2,
      'Thames Valley',
      'Oxford',
      'Possession of article with blade or point',
      'Possession of weapons offences',
      'Possession of weapons offences',
      '10D',
      17,
    ],
    [
      '2023/24',
      2,
      'Thames Valley',
      'Unassigned',
      'Assault with injury',
      'Violence against the person',
      'Violence with injury',
      '8N',
      3,
    ],
    [
      '2023/24',
      3,
      'Thames Valley',
      'Cherwell',
      'Trafficking in controlled drugs',
      'Drug offences',
      'Trafficking of drugs',
      '092A',
      -1,
    ],
  ];
  const expected = [
    { fy: '2023/24', q: 1, csp: 'Oxford', code: '8N', n: 412, unassigned: false, negative: false },
    { fy: '2023/24', q: 2, csp: 'Oxford', code: '10D', n: 17, unassigned: false, negative: false },
    { fy: '2023/24', q: 2, csp: 'Unassigned', code: '8N', n: 3, unassigned: true, negative: false },
    { fy: '2023/24', q: 3, csp: 'Cherwell', code: '92A', n: -1, unassigned: false, negative: true },
  ];
  const stored = async (file: string): Promise<unknown[]> =>
    query(`SELECT financial_year AS fy, financial_quarter AS q, csp_name AS csp, offence_code AS code, offence_count AS n, unassigned, negative
             FROM home_office_csp_counts WHERE batch_id = (SELECT max(batch_id) FROM batches WHERE file_name = '${path.basename(file)}') ORDER BY source_line`);

  it('CSV with "Offence Count": flags Unassigned rows and negative counts', async () => {
    const file = path.join(dir, 'csp.csv');
    writeFileSync(file, [header, ...rows].map((r) => r.join(',')).join('\n') + '\n');
    const r = await svd(['ingest', 'home-office-csp', file, '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /warning: csp\.csv, line 5, field "Offence Count": rows have a negative count/,
    );
    expect(r.stdout).toMatch(/note: csp\.csv, line 4, field "CSP Name": rows are "Unassigned"/);
    expect(await stored(file)).toEqual(expected);
  });

  it('older CSV with "Number of Offences" and year written 2023-24', async () => {
    const file = path.join(dir, 'csp-old.csv');
    const old = [
      header.map((h) =>
        h === 'Offence Count' ? 'Number of Offences' : h === 'Force Name' ? 'Police Force' : h,
      ),
      ...rows.map((r) => [String(r[0]).replace('/', '-'), ...r.slice(1)]),
    ];
    writeFileSync(file, old.map((r) => r.join(',')).join('\r\n') + '\r\n');
    const r = await svd(['ingest', 'home-office-csp', file, '--db', db, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(await stored(file)).toEqual(expected);
  });

  it('XLSX with title rows above the header, and ODS, stream to the same rows', async () => {
    const xlsx = path.join(dir, 'csp.xlsx');
    await writeXlsx(xlsx, [header, ...rows], {
      titleRows: ['Police recorded crime by Community Safety Partnership', 'Source: Home Office'],
    });
    const r1 = await svd(['ingest', 'home-office-csp', xlsx, '--db', db]);
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/2 row\(s\) above the header \(titles, notes\) were not read/);
    expect(await stored(xlsx)).toEqual(expected);
    const ods = path.join(dir, 'csp.ods');
    await writeOds(ods, [header, ...rows], { sheetName: 'Data' });
    const r3 = await svd([
      'ingest',
      'home-office-csp',
      ods,
      '--db',
      db,
      '--sheet',
      'Nope',
      '--dry-run',
    ]);
    expect(r3.code).toBe(3);
    expect(r3.stderr).toMatch(/the spreadsheet has no sheet "Nope"[\s\S]*--sheet: "Data"/);
    const r2 = await svd([
      'ingest',
      'home-office-csp',
      ods,
      '--db',
      db,
      '--sheet',
      'Data',
      '--quiet',
    ]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(await stored(ods)).toEqual(expected);
  });

  it('a bad financial year refuses the file and leaves the store unchanged', async () => {
    const file = path.join(dir, 'csp-bad.csv');
    writeFileSync(
      file,
      [header, ...rows.slice(0, 2), ['2023/25', ...rows[2]!.slice(1)]]
        .map((r) => r.join(','))
        .join('\n') + '\n',
    );
    const before = await storeFingerprint(db);
    const r = await svd(['ingest', 'home-office-csp', file, '--db', db]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${file}, line 4, field "Financial Year": "2023/25" is not a financial year`,
    );
    expect(await storeFingerprint(db)).toEqual(before);
  });

  it('errors name the column as the file calls it', async () => {
    const file = path.join(dir, 'csp-old-bad.csv');
    writeFileSync(
      file,
      'Financial Year,Financial Quarter,Police Force,CSP Name,Offence Code,Number of Offences\n2019/20,1,Thames Valley,Oxford,8N,12.5\n',
    );
    const r = await svd(['ingest', 'home-office-csp', file, '--db', db, '--dry-run']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `${file}, line 2, field "Number of Offences": "12.5" is not a whole number`,
    );
  });

  it('a police.uk file given as a CSP table is refused with the reason', async () => {
    const r = await svd(['ingest', 'home-office-csp', street('2024-01'), '--db', db, '--dry-run']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no header with "CSP Name" and "Offence Count"/);
  });
});
