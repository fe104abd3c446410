import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../src/sources/csv/csvRecords.js';
import { parseCsvLine } from '../../src/core/csvLine.js';
import { describeContent } from '../../src/core/describeContent.js';
import { inspectFile } from '../../src/sources/inputs/inspectFile.js';
import { matchHeader, parsePoliceUkFileName } from '../../src/sources/police-uk/formats.js';
import { decideVintage, is2021OnlyCode } from '../../src/core/lsoaVintage.js';
import { addMonths, formatRuns, monthRange } from '../../src/core/months.js';
import { forceSlugFromName } from '../../src/sources/police-uk/forces.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir();

async function records(content: string | Buffer, gzip = false): Promise<unknown[]> {
  const file = path.join(dir, `f${Math.random()}.csv`);
  writeFileSync(file, gzip ? gzipSync(content) : content);
  const out: unknown[] = [];
  for await (const r of csvRecords({ path: file, gzip })) out.push(r);
  return out;
}

describe('the diagnostic CSV reader', () => {
  it('keeps physical line numbers across LF, CRLF, blank lines and quoted line breaks', async () => {
    expect(await records('a,b\r\n1,"x\r\ny"\r\n\r\n2,"say ""hi"""\n')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', 'x\ny'] },
      { line: 5, fields: ['2', 'say "hi"'] },
    ]);
  });

  it('skips a byte order mark and reads UTF-8', async () => {
    expect(await records(Buffer.from('\ufeffLocation\nClôs Marian\n', 'utf8'))).toEqual([
      { line: 1, fields: ['Location'] },
      { line: 2, fields: ['Clôs Marian'] },
    ]);
  });

  it('names the line of invalid UTF-8, an unterminated quote and a stray quote', async () => {
    expect(
      (await records(Buffer.concat([Buffer.from('a\nok\n'), Buffer.from([0xff, 0xfe, 0x0a])]))).at(
        -1,
      ),
    ).toEqual({ problem: { kind: 'invalid-utf8', line: 3 } });
    expect((await records('a,b\n1,"open\n2,3\n')).at(-1)).toEqual({
      problem: { kind: 'unterminated-quote', line: 2 },
    });
    expect((await records('a,b\n1,x"y\n')).at(-1)).toEqual({
      problem: { kind: 'stray-quote', line: 2, field: 1 },
    });
  });

  it('reports a truncated gzip as a stream problem', async () => {
    const file = path.join(dir, 'cut.csv.gz');
    const gz = gzipSync(Buffer.from('a,b\n'.repeat(20000)));
    writeFileSync(file, gz.subarray(0, gz.length / 2));
    const out: unknown[] = [];
    for await (const r of csvRecords({ path: file, gzip: true })) out.push(r);
    expect(out.at(-1)).toMatchObject({
      problem: { kind: 'stream', message: 'unexpected end of file' },
    });
    expect(await inspectFile(file)).toMatchObject({
      gzip: true,
      gzipError: 'unexpected end of file',
    });
  });

  it('parses a header line', () => {
    expect(parseCsvLine('"Crime ID",Month,"a, b"')).toEqual(['Crime ID', 'Month', 'a, b']);
  });
});

describe('telling files apart', () => {
  it('hashes the bytes as given and reads the head of gzip content', async () => {
    const file = path.join(dir, 'x.csv.gz');
    writeFileSync(file, gzipSync(Buffer.from('Crime ID,Month\n1,2024-01\n')));
    const info = await inspectFile(file);
    expect(info.gzip).toBe(true);
    expect(info.head.toString()).toBe('Crime ID,Month\n1,2024-01\n');
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('describes what a file looks like', () => {
    expect(describeContent(Buffer.from(''), 'a.csv')).toEqual({ kind: 'empty' });
    expect(describeContent(Buffer.from('PK\x03\x04rest'), 'book.xlsx')).toEqual({
      kind: 'other',
      description: 'an Excel workbook (XLSX)',
    });
    expect(describeContent(Buffer.from('%PDF-1.7'), 'a.csv')).toMatchObject({
      description: 'a PDF document',
    });
    expect(describeContent(Buffer.from('<!DOCTYPE html><html>'), 'a.csv')).toMatchObject({
      description: expect.stringContaining('web page'),
    });
    expect(describeContent(Buffer.from('{"type":"Topology"}'), 'a.csv')).toMatchObject({
      description: 'a TopoJSON file',
    });
    expect(describeContent(Buffer.from('a,b\r\n1,2\r\n'), 'a.csv')).toEqual({
      kind: 'text-csv',
      header: ['a', 'b'],
      firstRecord: ['1', '2'],
      lineEnding: 'CRLF',
    });
  });

  it('matches police.uk headers by name, in any order', () => {
    const street = matchHeader([
      'Month',
      'Crime ID',
      'Reported by',
      'Falls within',
      'Longitude',
      'Latitude',
      'Location',
      'LSOA code',
      'LSOA name',
      'Crime type',
      'Last outcome category',
      'Extra',
    ]);
    expect(street?.format.dataset).toBe('street');
    expect(street?.fileColumns.slice(0, 2)).toEqual(['month', 'crime_id']);
    expect(street?.missingOptional).toEqual(['Context']);
    expect(street?.unknown).toEqual(['Extra']);
    expect(matchHeader(['Type', 'Date', 'Object of search'])?.missingRequired).toContain('Gender');
    expect(matchHeader(['a', 'b'])).toBeUndefined();
  });

  it('reads police.uk file names', () => {
    expect(parsePoliceUkFileName('2019-01-avon-and-somerset-street.csv.gz')).toEqual({
      month: '2019-01',
      force: 'avon-and-somerset',
      dataset: 'street',
    });
    expect(parsePoliceUkFileName('2019-01-thames-valley-stop-and-search.csv')).toEqual({
      month: '2019-01',
      force: 'thames-valley',
      dataset: 'stop-and-search',
    });
    expect(parsePoliceUkFileName('street.csv')).toBeUndefined();
  });

  it('knows force names', () => {
    expect(forceSlugFromName('Devon & Cornwall Police')).toEqual({
      slug: 'devon-and-cornwall',
      known: true,
    });
    expect(forceSlugFromName('Police Service of Northern Ireland')).toEqual({
      slug: 'northern-ireland',
      known: true,
    });
    expect(forceSlugFromName('Isle of Man Constabulary')).toEqual({
      slug: 'isle-of-man',
      known: false,
    });
  });
});

describe('LSOA vintage', () => {
  it('recognises codes that exist only since 2021', () => {
    expect(is2021OnlyCode('E01033768')).toBe(false); // the last 2011 code
    expect(is2021OnlyCode('E01033769')).toBe(true);
    expect(is2021OnlyCode('W01001958')).toBe(false);
    expect(is2021OnlyCode('W01002000')).toBe(true);
    expect(is2021OnlyCode('E02000001')).toBe(false);
  });

  it('decides from codes, else from the month, else assumes 2011 and says so', () => {
    expect(decideVintage({ codedRows: 10, codes2021Only: 1, latestMonth: '2019-01' })).toEqual({
      vintage: 2021,
      basis: 'codes',
    });
    expect(decideVintage({ codedRows: 10, codes2021Only: 0, latestMonth: '2019-01' })).toEqual({
      vintage: 2011,
      basis: 'month',
    });
    expect(decideVintage({ codedRows: 10, codes2021Only: 0, latestMonth: '2023-05' })).toEqual({
      vintage: 2011,
      basis: 'assumed',
    });
    expect(decideVintage({ codedRows: 0, codes2021Only: 0, latestMonth: '2023-05' })).toEqual({
      vintage: null,
      basis: 'none',
    });
  });
});

describe('months', () => {
  it('steps, ranges and folds into runs', () => {
    expect(addMonths('2019-11', 3)).toBe('2020-02');
    expect(addMonths('2020-02', -14)).toBe('2018-12');
    expect(monthRange('2018-11', '2019-02')).toEqual(['2018-11', '2018-12', '2019-01', '2019-02']);
    expect(monthRange('2019-02', '2019-01')).toEqual([]);
    expect(formatRuns(['2019-01', '2019-02', '2019-03', '2019-06'])).toBe(
      'Jan 2019 – Mar 2019, Jun 2019',
    );
  });
});
