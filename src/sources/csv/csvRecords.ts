/**
 * A small RFC 4180 reader used to diagnose files precisely (the fast path reads CSV inside
 * DuckDB). It keeps physical line numbers, accepts LF and CRLF, skips a UTF-8 byte order mark,
 * and reports invalid UTF-8 and unterminated quotes with the line where they occur.
 */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import {
  DEFAULT_EXPANSION_LIMITS,
  ExpansionMeter,
  type ExpansionLimits,
} from '../../core/expansionLimits.js';
import { SvdError } from '../../core/errors.js';

export interface CsvRecord {
  /** 1-based physical line on which the record starts (the header is line 1). */
  line: number;
  fields: string[];
}

export type CsvProblem =
  | { kind: 'invalid-utf8'; line: number }
  | { kind: 'unterminated-quote'; line: number }
  | { kind: 'stray-quote'; line: number; field: number }
  | { kind: 'stream'; line: number; message: string };

export interface CsvSource {
  path: string;
  gzip: boolean;
  /** How the file is named in messages (default: its path). */
  display?: string;
  /** How far a gzip file may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  limits?: ExpansionLimits;
}

function openStream(source: CsvSource): Readable {
  const raw = createReadStream(source.path);
  if (!source.gzip) return raw;
  const meter = new ExpansionMeter(
    source.display ?? source.path,
    source.limits ?? DEFAULT_EXPANSION_LIMITS,
  );
  const { compressed, expanded } = meter.measure();
  // pipeline destroys every stream with the first error, so the reader sees it.
  return pipeline(raw, compressed, createGunzip(), expanded, () => undefined);
}

/** Splits a byte stream into physical lines (without the line terminator). */
async function* physicalLines(stream: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl === -1) break;
      pending.push(chunk.subarray(start, nl));
      const line = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
      pending = [];
      yield line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length > 0) {
    const line = Buffer.concat(pending);
    if (line.length > 0) yield line[line.length - 1] === 0x0d ? line.subarray(0, -1) : line;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Yields records in order; stops at the first structural problem, which it yields instead.
 * Stream errors (a truncated gzip, say) are yielded as problems with the line reached; a gzip
 * file expanding past the limits is refused with its `SvdError`.
 */
export async function* csvRecords(
  source: CsvSource,
): AsyncGenerator<CsvRecord | { problem: CsvProblem }> {
  let lineNo = 0;
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldWasQuoted = false;
  let recordLine = 1;
  try {
    for await (const bytes of physicalLines(openStream(source))) {
      lineNo++;
      let text: string;
      try {
        text = decoder.decode(bytes);
      } catch {
        yield { problem: { kind: 'invalid-utf8', line: lineNo } };
        return;
      }
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (!inQuotes) {
        recordLine = lineNo;
        fields = [];
        field = '';
        fieldWasQuoted = false;
        if (text === '') continue; // blank lines carry no record
        if (!text.includes('"')) {
          // No quote on the line: its fields are exactly the text between commas.
          yield { line: recordLine, fields: text.split(',') };
          continue;
        }
      } else {
        field += '\n';
      }
      for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (inQuotes) {
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i++;
            } else {
              inQuotes = false;
            }
          } else {
            field += ch;
          }
        } else if (ch === ',') {
          fields.push(field);
          field = '';
          fieldWasQuoted = false;
        } else if (ch === '"') {
          if (field === '' && !fieldWasQuoted) {
            inQuotes = true;
            fieldWasQuoted = true;
          } else {
            yield { problem: { kind: 'stray-quote', line: lineNo, field: fields.length } };
            return;
          }
        } else {
          field += ch;
        }
      }
      if (!inQuotes) {
        fields.push(field);
        yield { line: recordLine, fields };
      }
    }
  } catch (error) {
    if (error instanceof SvdError) throw error;
    yield {
      problem: {
        kind: 'stream',
        line: lineNo + 1,
        message: error instanceof Error ? error.message : String(error),
      },
    };
    return;
  }
  if (inQuotes) yield { problem: { kind: 'unterminated-quote', line: recordLine } };
}
