/**
 * A first look at a file before it is read into the store, in one pass over its bytes: the
 * sha256 of the bytes as given; whether it is gzip (by its magic number, not its name) and, if
 * so, that the gzip stream is complete — DuckDB's reader does not check the gzip trailer, so a
 * file cut short could otherwise pass unnoticed; and the first decompressed bytes, from which
 * its kind is told. A gzip file is expanded within the limits (`core/expansionLimits.ts`) and
 * refused at the first byte past them, before DuckDB or any reader is given it.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import {
  DEFAULT_EXPANSION_LIMITS,
  ExpansionMeter,
  type ExpansionLimits,
} from '../../core/expansionLimits.js';
import { SvdError, errorMessage } from '../../core/errors.js';

export interface FileInspection {
  sha256: string;
  bytes: number;
  gzip: boolean;
  /** The first bytes of the content (decompressed). */
  head: Buffer;
  /** Bytes of content (decompressed; up to the fault when the gzip stream is damaged). */
  contentBytes: number;
  /** Set when the gzip stream is damaged or cut short. */
  gzipError?: string;
}

export const HEAD_BYTES = 64 * 1024;

function isGzip(path: string): boolean {
  const magic = Buffer.alloc(2);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface InspectOptions {
  /** How the file is named in messages (default: its path). */
  display?: string;
  /** How far a gzip file may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  limits?: ExpansionLimits;
}

export async function inspectFile(
  path: string,
  options: InspectOptions = {},
): Promise<FileInspection> {
  const gzip = isGzip(path);
  const hash = createHash('sha256');
  let bytes = 0;
  let contentBytes = 0;
  const head: Buffer[] = [];
  let headLength = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const keepHead = new Writable({
    write(chunk: Buffer, _encoding, done) {
      contentBytes += chunk.length;
      if (headLength < HEAD_BYTES) {
        const part = chunk.subarray(0, HEAD_BYTES - headLength);
        head.push(part);
        headLength += part.length;
      }
      done();
    },
  });
  let gzipError: string | undefined;
  try {
    if (gzip) {
      const meter = new ExpansionMeter(
        options.display ?? path,
        options.limits ?? DEFAULT_EXPANSION_LIMITS,
      );
      const { compressed, expanded } = meter.measure();
      await pipeline(
        createReadStream(path),
        hashing,
        compressed,
        createGunzip(),
        expanded,
        keepHead,
      );
    } else await pipeline(createReadStream(path), hashing, keepHead);
  } catch (error) {
    if (!gzip || error instanceof SvdError) throw error;
    gzipError = errorMessage(error);
    // Hash the rest so that the file is still identified by all of its bytes.
    for await (const chunk of createReadStream(path, { start: bytes }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
  }
  return {
    sha256: hash.digest('hex'),
    bytes,
    gzip,
    head: Buffer.concat(head),
    contentBytes,
    ...(gzipError === undefined ? {} : { gzipError }),
  };
}
