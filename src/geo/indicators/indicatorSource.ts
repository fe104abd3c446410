/**
 * An indicator file opened through DuckDB: a CSV (plain or gzipped, a byte-order mark dropped)
 * or a Parquet file, with its header and number of rows. Each row's line is the header's line
 * + its position (line 1 is the header), as in every other refusal of svd.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { SvdError, errorMessage } from '../../core/errors.js';
import {
  DEFAULT_EXPANSION_LIMITS,
  ExpansionMeter,
  type ExpansionLimits,
} from '../../core/expansionLimits.js';
import type { Workspace } from '../../store/openWorkspace.js';
import { CSV_SOURCE } from '../referenceCsv.js';

export interface IndicatorSource {
  file: string;
  kind: 'csv' | 'parquet';
  /** SQL of the rows with a `line` column first; bind `{ file }`. */
  rows: string;
  header: string[];
  rowCount: number;
}

export const isParquet = (file: string): boolean => /\.parquet$/i.test(file);

const gzipUnreadable = (file: string, error: unknown): SvdError =>
  new SvdError({
    kind: 'input',
    code: 'GZIP_UNREADABLE',
    message: `cannot read the file as gzipped CSV: ${errorMessage(error).split('\n')[0]}`,
    location: { file },
    fix: 'the gzip stream is damaged or not gzip: download the file again, or give it uncompressed (.csv)',
    cause: error,
  });

/**
 * A .gz file is expanded once through the expansion meter before DuckDB reads it, so that a
 * damaged stream is refused as such and a bomb stops at the limits (docs/decisions/0068).
 */
async function checkGzip(file: string, limits: ExpansionLimits): Promise<void> {
  const { compressed, expanded } = new ExpansionMeter(file, limits).measure();
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    await pipeline(createReadStream(file), compressed, createGunzip(), expanded, sink);
  } catch (error) {
    if (error instanceof SvdError) throw error;
    throw gzipUnreadable(file, error);
  }
}

export async function openIndicatorSource(
  ws: Workspace,
  file: string,
  limits: ExpansionLimits = DEFAULT_EXPANSION_LIMITS,
): Promise<IndicatorSource> {
  if (!existsSync(file))
    throw new SvdError({
      kind: 'input',
      code: 'FILE_NOT_FOUND',
      message: 'no such file',
      location: { file },
      fix: 'check the path',
    });
  if (statSync(file).size === 0)
    throw new SvdError({
      kind: 'input',
      code: 'EMPTY_FILE',
      message: 'the file is empty',
      location: { file, line: 1 },
      fix: 'give the file as published, with its header row and values',
    });
  const kind = isParquet(file) ? 'parquet' : 'csv';
  if (/\.gz$/i.test(file)) await checkGzip(file, limits);
  const from = kind === 'parquet' ? `read_parquet($file)` : CSV_SOURCE;
  const rows = `(SELECT row_number() OVER () + 1 AS line, * FROM ${from})`;
  let header: string[];
  let rowCount: number;
  try {
    header = (
      await ws.db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${from}`, { file })
    ).map((r) => r.column_name);
    rowCount = (await ws.db.value<number>(`SELECT count(*) FROM ${from}`, { file })) ?? 0;
  } catch (error) {
    throw new SvdError({
      kind: 'input',
      code: kind === 'parquet' ? 'PARQUET_UNREADABLE' : 'CSV_UNREADABLE',
      message: `cannot read the file as ${kind === 'parquet' ? 'Parquet' : 'CSV'}: ${errorMessage(error).split('\n')[0]}`,
      location: { file },
      fix:
        kind === 'parquet'
          ? 'give the Parquet file as published'
          : 'give a comma-separated file with a header row (.csv or .csv.gz)',
      cause: error,
    });
  }
  if (rowCount === 0 || (header.length === 1 && header[0] === 'column0' && kind === 'csv'))
    throw new SvdError({
      kind: 'input',
      code: 'EMPTY_FILE',
      message: rowCount === 0 ? 'the file has a header but no rows' : 'the file has no header',
      location: { file, line: rowCount === 0 ? 2 : 1 },
      fix: 'give the file as published, with its header row and values',
    });
  return { file, kind, rows, header, rowCount };
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** SQL string literal of a name that comes from a file header (never from the user's SQL). */
