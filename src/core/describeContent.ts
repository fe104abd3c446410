/**
 * Says what a file looks like from its first bytes, so that a file that is not what the command
 * expects is refused with a useful description rather than a parser error.
 */
import { parseCsvLine } from './csvLine.js';

export type ContentGuess =
  | { kind: 'empty' }
  | {
      kind: 'text-csv';
      header: string[];
      firstRecord: string[] | undefined;
      lineEnding: 'LF' | 'CRLF';
    }
  | { kind: 'other'; description: string };

function firstLines(text: string, count: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < count && start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      lines.push(text.slice(start));
      break;
    }
    lines.push(text.slice(start, nl).replace(/\r$/, ''));
    start = nl + 1;
  }
  return lines;
}

export function describeContent(head: Buffer, fileName: string): ContentGuess {
  if (head.length === 0) return { kind: 'empty' };
  const magic = head.subarray(0, 8);
  if (magic[0] === 0x50 && magic[1] === 0x4b) {
    if (/\.xlsx$/i.test(fileName))
      return { kind: 'other', description: 'an Excel workbook (XLSX)' };
    if (/\.ods$/i.test(fileName))
      return { kind: 'other', description: 'an OpenDocument spreadsheet' };
    return { kind: 'other', description: 'a ZIP archive (name it .zip so its CSV files are read)' };
  }
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    return { kind: 'other', description: 'a gzip file inside a gzip file' };
  }
  if (magic.subarray(0, 4).toString('latin1') === '%PDF')
    return { kind: 'other', description: 'a PDF document' };
  if (magic[0] === 0xd0 && magic[1] === 0xcf) {
    return { kind: 'other', description: 'an old-style Office document (XLS/DOC)' };
  }
  if (magic[0] === 0x89 && magic.subarray(1, 4).toString('latin1') === 'PNG') {
    return { kind: 'other', description: 'a PNG image' };
  }
  if (head.includes(0))
    return { kind: 'other', description: 'a binary file (it contains NUL bytes)' };
  let text: string;
  try {
    // A multi-byte character may be cut at the end of the sample; drop the last few bytes.
    const sample = head.length === 64 * 1024 ? head.subarray(0, head.length - 4) : head;
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample);
  } catch {
    return { kind: 'other', description: 'a binary file or text that is not UTF-8' };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    if (/"type"\s*:\s*"Topology"/.test(trimmed))
      return { kind: 'other', description: 'a TopoJSON file' };
    if (/"type"\s*:\s*"Feature(Collection)?"/.test(trimmed)) {
      return { kind: 'other', description: 'a GeoJSON file (load boundaries with `svd geo load`)' };
    }
    return { kind: 'other', description: 'a JSON document' };
  }
  if (trimmed.startsWith('<')) {
    return {
      kind: 'other',
      description: /<html|<!doctype html/i.test(trimmed)
        ? 'a web page (a download may have returned an error page instead of the data)'
        : 'an XML or HTML document',
    };
  }
  if (trimmed === '') return { kind: 'empty' };
  const lines = firstLines(text, 2);
  const header = parseCsvLine(lines[0] ?? '').map((h) => h.trim());
  const second = lines[1];
  return {
    kind: 'text-csv',
    header,
    firstRecord: second === undefined || second === '' ? undefined : parseCsvLine(second),
    lineEnding: text.includes('\r\n') ? 'CRLF' : 'LF',
  };
}
