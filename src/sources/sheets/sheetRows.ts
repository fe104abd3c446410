/**
 * The rows of a CSV file, an Excel workbook (XLSX) or an OpenDocument spreadsheet (ODS), one at a
 * time, with their line (CSV) or row number (spreadsheets) — the header is 1 when it is the first
 * row. Nothing is read whole:
 *
 * - CSV is read by the diagnostic CSV reader, a line at a time;
 * - XLSX: the worksheet's XML is streamed out of the ZIP and parsed as it arrives (each part
 *   within the expansion limits, `inputs/openZipArchive.ts`, checked before parsing); the workbook's
 *   shared-string table (each distinct text once) is held in memory, because cells refer to it
 *   by number — a table of offence names and area names is small even when the sheet has
 *   millions of rows;
 * - ODS: the content XML is streamed and parsed as it arrives; runs of repeated empty rows and
 *   cells (ODS writes "1,048,000 empty rows" as one element) are skipped without being expanded.
 *
 * Cells come back as text: numbers as written in the file (dates in XLSX are Excel serial day
 * numbers, as in the file; ODS dates as ISO 8601), booleans as TRUE/FALSE.
 */
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { DEFAULT_EXPANSION_LIMITS, type ExpansionLimits } from '../../core/expansionLimits.js';
import { SvdError, errorMessage } from '../../core/errors.js';
import { csvRecords, type CsvProblem } from '../csv/csvRecords.js';
import { openZipArchive, type ZipArchive, type ZipMember } from '../inputs/openZipArchive.js';

export type SheetFormat = 'csv' | 'xlsx' | 'ods';

export interface SheetRow {
  /** 1-based line (CSV) or row number (spreadsheet). */
  line: number;
  fields: string[];
}

export interface SheetSource {
  path: string;
  /** How the file is named in messages. */
  display: string;
  format: SheetFormat;
  gzip?: boolean;
  /** The worksheet to read (default: the first). */
  sheet?: string;
  /** How far the workbook (or a .gz CSV) may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  limits?: ExpansionLimits;
}

export interface SheetInfo {
  /** The sheet read, for spreadsheets. */
  sheet?: string;
  /** Excel's 1904 date system (old Mac workbooks). */
  date1904: boolean;
}

export type SheetItem = SheetRow | { problem: CsvProblem };

/** Decides a file's format from its first bytes and name. */
export function sheetFormatOf(head: Buffer, name: string): SheetFormat | undefined {
  const zip = head[0] === 0x50 && head[1] === 0x4b;
  if (zip && /\.xlsx$/i.test(name)) return 'xlsx';
  if (zip && /\.ods$/i.test(name)) return 'ods';
  if (zip) {
    const text = head.toString('latin1');
    if (text.includes('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')) return 'ods';
    if (text.includes('[Content_Types].xml') || text.includes('xl/')) return 'xlsx';
    return undefined;
  }
  return 'csv';
}

function refuse(display: string, message: string, fix: string): SvdError {
  return new SvdError({
    kind: 'input',
    code: 'SPREADSHEET_UNREADABLE',
    message,
    location: { file: display },
    fix,
  });
}

/** A workbook's parts, each read within the expansion limits before it is parsed. */
class ZipReader {
  private constructor(
    private readonly zip: ZipArchive,
    readonly members: Map<string, ZipMember>,
  ) {}

  static async open(path: string, display: string, limits: ExpansionLimits): Promise<ZipReader> {
    const unreadable = (error: unknown): SvdError =>
      refuse(
        display,
        `not a readable spreadsheet (${errorMessage(error)})`,
        'save the workbook again from Excel or LibreOffice; a partial download cannot be opened',
      );
    const zip = await openZipArchive(path, display, limits, unreadable);
    try {
      return new ZipReader(zip, await zip.byName());
    } catch (error) {
      zip.close();
      throw error instanceof SvdError ? error : unreadable(error);
    }
  }

  async stream(name: string): Promise<Readable | undefined> {
    const member = this.members.get(name);
    return member === undefined ? undefined : this.zip.read(member);
  }

  close(): void {
    this.zip.close();
  }
}

/** Feeds a stream through a SAX parser; after each chunk, yields what the handlers collected. */
async function* saxChunks<T>(
  stream: Readable,
  parser: SaxesParser,
  drain: () => T[],
): AsyncGenerator<T> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    parser.write(decoder.decode(chunk, { stream: true }));
    for (const item of drain()) yield item;
  }
  parser.write(decoder.decode());
  parser.close();
  for (const item of drain()) yield item;
}

async function readSmall(zip: ZipReader, name: string): Promise<string | undefined> {
  const stream = await zip.stream(name);
  if (stream === undefined) return undefined;
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

const columnIndex = (ref: string): number => {
  let n = 0;
  for (const ch of ref) {
    const code = ch.charCodeAt(0);
    if (code < 65 || code > 90) break;
    n = n * 26 + (code - 64);
  }
  return n - 1;
};

async function xlsxSheets(
  zip: ZipReader,
  display: string,
): Promise<{ sheets: { name: string; path: string }[]; date1904: boolean }> {
  const workbook = await readSmall(zip, 'xl/workbook.xml');
  const rels = await readSmall(zip, 'xl/_rels/workbook.xml.rels');
  if (workbook === undefined || rels === undefined) {
    throw refuse(
      display,
      'this ZIP file is not an Excel workbook (it has no xl/workbook.xml)',
      'save it as .xlsx from Excel or LibreOffice',
    );
  }
  const targets = new Map<string, string>();
  const relParser = new SaxesParser();
  relParser.on('opentag', (tag: SaxesTagPlain) => {
    if (tag.name === 'Relationship')
      targets.set(String(tag.attributes['Id']), String(tag.attributes['Target']));
  });
  relParser.write(rels).close();
  const sheets: { name: string; path: string }[] = [];
  let date1904 = false;
  const wbParser = new SaxesParser();
  wbParser.on('opentag', (tag: SaxesTagPlain) => {
    if (tag.name === 'workbookPr') {
      const v = String(tag.attributes['date1904'] ?? '');
      date1904 = v === '1' || v === 'true';
    }
    if (tag.name === 'sheet') {
      const id = String(tag.attributes['r:id'] ?? '');
      const target = targets.get(id);
      if (target !== undefined) {
        const p = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
        sheets.push({ name: String(tag.attributes['name']), path: p.replace(/\/\.\//g, '/') });
      }
    }
  });
  wbParser.write(workbook).close();
  return { sheets, date1904 };
}

async function xlsxSharedStrings(zip: ZipReader): Promise<string[]> {
  const strings: string[] = [];
  const stream = await zip.stream('xl/sharedStrings.xml');
  if (stream === undefined) return strings;
  const parser = new SaxesParser();
  let current: string | undefined;
  let inText = false;
  let phonetic = 0;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (tag.name === 'si') current = '';
    else if (tag.name === 'rPh') phonetic++;
    else if (tag.name === 't' && phonetic === 0) inText = true;
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (tag.name === 'si') {
      strings.push(current ?? '');
      current = undefined;
    } else if (tag.name === 'rPh') phonetic--;
    else if (tag.name === 't') inText = false;
  });
  parser.on('text', (text: string) => {
    if (inText && current !== undefined) current += text;
  });
  for await (const _ of saxChunks(stream, parser, () => [])) void _;
  return strings;
}

async function* xlsxRows(
  zip: ZipReader,
  source: SheetSource,
  info: SheetInfo,
): AsyncGenerator<SheetItem> {
  const { sheets, date1904 } = await xlsxSheets(zip, source.display);
  info.date1904 = date1904;
  const sheet =
    source.sheet === undefined ? sheets[0] : sheets.find((s) => s.name === source.sheet);
  if (sheet === undefined) {
    throw refuse(
      source.display,
      source.sheet === undefined
        ? 'the workbook has no worksheet'
        : `the workbook has no sheet "${source.sheet}"`,
      `choose one of its sheets with --sheet: ${sheets.map((s) => JSON.stringify(s.name)).join(', ')}`,
    );
  }
  info.sheet = sheet.name;
  const shared = await xlsxSharedStrings(zip);
  const stream = await zip.stream(sheet.path);
  if (stream === undefined)
    throw refuse(
      source.display,
      `the sheet "${sheet.name}" is missing from the workbook`,
      'save the workbook again',
    );
  const parser = new SaxesParser();
  const done: SheetRow[] = [];
  let row: string[] | undefined;
  let rowNumber = 0;
  let col = -1;
  let type = 'n';
  let value: string | undefined;
  let inValue = false;
  let inInline = false;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 'row': {
        const r = Number(tag.attributes['r']);
        rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
        row = [];
        col = -1;
        break;
      }
      case 'c': {
        const ref = tag.attributes['r'];
        col = ref === undefined ? col + 1 : columnIndex(String(ref));
        type = String(tag.attributes['t'] ?? 'n');
        value = undefined;
        break;
      }
      case 'v':
        inValue = true;
        value = '';
        break;
      case 'is':
        inInline = true;
        value = '';
        break;
      case 't':
        if (inInline) inValue = true;
        break;
    }
  });
  parser.on('text', (text: string) => {
    if (inValue) value = (value ?? '') + text;
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    switch (tag.name) {
      case 'v':
      case 't':
        inValue = false;
        break;
      case 'is':
        inInline = false;
        break;
      case 'c': {
        if (row === undefined || value === undefined) break;
        let text = value;
        if (type === 's') text = shared[Number(value)] ?? '';
        else if (type === 'b') text = value === '1' ? 'TRUE' : 'FALSE';
        while (row.length < col) row.push('');
        row[col] = text;
        break;
      }
      case 'row':
        if (row !== undefined && row.some((f) => f !== ''))
          done.push({ line: rowNumber, fields: row });
        row = undefined;
        break;
    }
  });
  yield* saxChunks(stream, parser, () => done.splice(0));
}

/** ODS `PT21H30M05S` → `21:30:05`. */
function odsTime(value: string): string {
  const m = /PT(\d+)H(\d+)M(\d+)(?:\.\d+)?S/.exec(value);
  return m === null
    ? value
    : `${m[1]!.padStart(2, '0')}:${m[2]!.padStart(2, '0')}:${m[3]!.padStart(2, '0')}`;
}

async function* odsRows(
  zip: ZipReader,
  source: SheetSource,
  info: SheetInfo,
): AsyncGenerator<SheetItem> {
  const stream = await zip.stream('content.xml');
  if (stream === undefined) {
    throw refuse(
      source.display,
      'this ZIP file is not an OpenDocument spreadsheet (it has no content.xml)',
      'save it as .ods from LibreOffice or Excel',
    );
  }
  const parser = new SaxesParser();
  const done: SheetRow[] = [];
  const tableNames: string[] = [];
  let state: 'before' | 'in' | 'after' = 'before';
  let depth = 0; // nesting of tables (a cell may hold a sub-table)
  let rowNumber = 0;
  let row: string[] | undefined;
  let rowRepeat = 1;
  let pendingEmpty = 0;
  let cellRepeat = 1;
  let cellValue: string | undefined;
  let cellText: string[] = [];
  let inP = 0;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const a = tag.attributes;
    if (tag.name === 'table:table') {
      depth++;
      if (depth !== 1) return;
      const name = String(a['table:name'] ?? '');
      tableNames.push(name);
      if (state === 'before' && (source.sheet === undefined || source.sheet === name)) {
        state = 'in';
        info.sheet = name;
      }
      return;
    }
    if (state !== 'in' || depth !== 1) return;
    switch (tag.name) {
      case 'table:table-row':
        row = [];
        pendingEmpty = 0;
        rowRepeat = Number(a['table:number-rows-repeated'] ?? 1);
        break;
      case 'table:table-cell':
      case 'table:covered-table-cell': {
        cellRepeat = Number(a['table:number-columns-repeated'] ?? 1);
        const type = String(a['office:value-type'] ?? '');
        cellValue =
          type === 'float' || type === 'percentage' || type === 'currency'
            ? String(a['office:value'] ?? '')
            : type === 'date'
              ? String(a['office:date-value'] ?? '')
              : type === 'time'
                ? odsTime(String(a['office:time-value'] ?? ''))
                : type === 'boolean'
                  ? String(a['office:boolean-value'] ?? '').toUpperCase()
                  : undefined;
        cellText = [];
        break;
      }
      case 'text:p':
        inP++;
        cellText.push('');
        break;
      case 'text:s':
        if (inP > 0) cellText[cellText.length - 1] += ' '.repeat(Number(a['text:c'] ?? 1));
        break;
      case 'text:tab':
        if (inP > 0) cellText[cellText.length - 1] += '\t';
        break;
      case 'text:line-break':
        if (inP > 0) cellText[cellText.length - 1] += '\n';
        break;
    }
  });
  parser.on('text', (text: string) => {
    if (state === 'in' && inP > 0) cellText[cellText.length - 1] += text;
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (tag.name === 'table:table') {
      depth--;
      if (depth === 0 && state === 'in') state = 'after';
      return;
    }
    if (state !== 'in' || depth !== 1) return;
    switch (tag.name) {
      case 'text:p':
        inP--;
        break;
      case 'table:table-cell':
      case 'table:covered-table-cell': {
        const text = cellValue ?? cellText.join('\n');
        if (row === undefined) break;
        if (text === '') pendingEmpty += cellRepeat;
        else {
          for (; pendingEmpty > 0; pendingEmpty--) row.push('');
          for (let i = 0; i < Math.min(cellRepeat, 1024); i++) row.push(text);
        }
        break;
      }
      case 'table:table-row': {
        if (row !== undefined && row.length > 0) {
          for (let i = 0; i < rowRepeat; i++)
            done.push({ line: rowNumber + i + 1, fields: [...row] });
        }
        rowNumber += rowRepeat;
        row = undefined;
        break;
      }
    }
  });
  yield* saxChunks(stream, parser, () => done.splice(0));
  if (info.sheet === undefined) {
    throw refuse(
      source.display,
      source.sheet === undefined
        ? 'the spreadsheet has no table'
        : `the spreadsheet has no sheet "${source.sheet}"`,
      `choose one of its sheets with --sheet: ${tableNames.map((s) => JSON.stringify(s)).join(', ')}`,
    );
  }
}

/**
 * Reads the rows of a sheet. `info` is filled as reading goes (sheet name, date system); CSV
 * structure problems are yielded as problems; unreadable spreadsheets throw an SvdError.
 */
export async function* sheetRows(
  source: SheetSource,
  info: SheetInfo = { date1904: false },
): AsyncGenerator<SheetItem> {
  if (source.format === 'csv') {
    yield* csvRecords({
      path: source.path,
      display: source.display,
      gzip: source.gzip === true,
      limits: source.limits ?? DEFAULT_EXPANSION_LIMITS,
    });
    return;
  }
  const zip = await ZipReader.open(
    source.path,
    source.display,
    source.limits ?? DEFAULT_EXPANSION_LIMITS,
  );
  try {
    try {
      if (source.format === 'xlsx') yield* xlsxRows(zip, source, info);
      else yield* odsRows(zip, source, info);
    } catch (error) {
      if (error instanceof SvdError) throw error;
      throw refuse(
        source.display,
        `the spreadsheet could not be read (${errorMessage(error).split('\n')[0]})`,
        'save the workbook again from Excel or LibreOffice',
      );
    }
  } finally {
    zip.close();
  }
}
