/**
 * Writes small XLSX and ODS workbooks the way Excel and LibreOffice lay them out (shared strings,
 * sparse cell references, date cells as serial numbers; ODS typed cells and runs of repeated empty
 * rows and columns), to test the streaming readers on files a person would have.
 */
import { createWriteStream } from 'node:fs';
import yazl from 'yazl';

export type CellValue = string | number | { date: string } | null;

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const colName = (i: number): string => {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26))
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

async function writeZip(
  file: string,
  entries: [string, string][],
  storeFirst = false,
): Promise<void> {
  const zip = new yazl.ZipFile();
  entries.forEach(([name, text], i) =>
    zip.addBuffer(Buffer.from(text, 'utf8'), name, { compress: !(storeFirst && i === 0) }),
  );
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream
      .pipe(createWriteStream(file))
      .on('close', () => resolve())
      .on('error', reject);
  });
}

/** Excel serial of a 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM' local date-time (1900 system). */
export function excelSerial(iso: string): number {
  const [d, t] = iso.split('T');
  const [y, m, day] = d!.split('-').map(Number) as [number, number, number];
  const days = (Date.UTC(y, m - 1, day) - Date.UTC(1899, 11, 30)) / 86_400_000;
  if (t === undefined) return days;
  const [hh, mm] = t.split(':').map(Number) as [number, number];
  return days + (hh * 60 + mm) / 1440;
}

export interface XlsxOptions {
  sheetName?: string;
  titleRows?: string[];
  date1904?: boolean;
}

export async function writeXlsx(
  file: string,
  rows: CellValue[][],
  options: XlsxOptions = {},
): Promise<void> {
  await writeZip(file, xlsxParts(rows, options));
}

/** The parts of an XLSX workbook, [name, XML] in the order Excel writes them. */
export function xlsxParts(rows: CellValue[][], options: XlsxOptions = {}): [string, string][] {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const sid = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const allRows: CellValue[][] = [...(options.titleRows ?? []).map((t) => [t]), ...rows];
  const sheetRows = allRows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          const ref = `${colName(c)}${r + 1}`;
          if (v === null || v === '') return ''; // empty cells are left out, as Excel does
          if (typeof v === 'number') return `<c r="${ref}"><v>${v}</v></c>`;
          if (typeof v === 'object') return `<c r="${ref}" s="1"><v>${excelSerial(v.date)}</v></c>`;
          return `<c r="${ref}" t="s"><v>${sid(v)}</v></c>`;
        })
        .join('');
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join('');
  const ns = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  return [
    [
      '[Content_Types].xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
    ],
    [
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${ns}" xmlns:r="${rel}"><workbookPr${options.date1904 === true ? ' date1904="1"' : ''}/><sheets><sheet name="${esc(options.sheetName ?? 'Sheet1')}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    ],
    [
      'xl/worksheets/sheet1.xml',
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${ns}"><sheetData>${sheetRows}</sheetData></worksheet>`,
    ],
    [
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${ns}" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('')}</sst>`,
    ],
  ];
}

export async function writeOds(
  file: string,
  rows: CellValue[][],
  options: { sheetName?: string } = {},
): Promise<void> {
  const cell = (v: CellValue): string => {
    if (v === null || v === '') return '<table:table-cell/>';
    if (typeof v === 'number')
      return `<table:table-cell office:value-type="float" office:value="${v}"><text:p>${v}</text:p></table:table-cell>`;
    if (typeof v === 'object')
      return `<table:table-cell office:value-type="date" office:date-value="${v.date}"><text:p>${v.date}</text:p></table:table-cell>`;
    return `<table:table-cell office:value-type="string"><text:p>${esc(v)}</text:p></table:table-cell>`;
  };
  const body = rows
    .map(
      (row) =>
        `<table:table-row>${row.map(cell).join('')}<table:table-cell table:number-columns-repeated="16000"/></table:table-row>`,
    )
    .join('');
  const content = `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="${esc(options.sheetName ?? 'Sheet1')}">${body}<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>`;
  await writeZip(
    file,
    [
      ['mimetype', 'application/vnd.oasis.opendocument.spreadsheet'],
      [
        'META-INF/manifest.xml',
        `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
      ],
      ['content.xml', content],
    ],
    true,
  );
}
