/**
 * A first look at a file before it is read into the store, in one pass over its bytes: the
 * sha256 of the bytes as given; whether it is gzip (by its magic number, not its name) and, if
 * so, that the gzip stream is complete — DuckDB's reader does not check the gzip trailer, so a
 * file cut short could otherwise pass unnoticed; and the first decompressed bytes, from which
 * its kind is told. A gzip file is expanded within the limits (`core/expansionLimits.ts`) and
 * refused at the first byte past them, before DuckDB or any reader is given it. With `expandTo`,
 * the content of a gzip file is also written there as it is expanded, so that the reader after
 * this one reads plain text and the file is decompressed once, here.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
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
  /** Where the content of a gzip file was written (`expandTo`), once read whole without fault. */
  expandedPath?: string;
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
  /**
   * A new file to write the content of a gzip file to as it is expanded (a plain file is never
   * copied). It is removed again when the file is refused or its stream is damaged.
   */
  expandTo?: string;
}

/** Bytes read from disk at a time, and expanded at a time: few, large chunks. */
const CHUNK = 256 * 1024;

/**
 * A stream that writes to a new file, telling its own failures (a full disk, a folder that cannot
 * be written) apart from those of the streams before it, which also end it. The writes are
 * synchronous: to the page cache, in large chunks, they cost less than a trip to the thread pool.
 */
function copyTo(file: string, failed: (error: Error) => void): Writable {
  let fd: number | undefined;
  const close = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return new Writable({
    construct(done) {
      try {
        fd = openSync(file, 'wx');
        done();
      } catch (error) {
        failed(error as Error);
        done(error as Error);
      }
    },
    write(chunk: Buffer, _encoding, done) {
      try {
        for (let at = 0; at < chunk.length;) at += writeSync(fd!, chunk, at);
        done();
      } catch (error) {
        failed(error as Error);
        done(error as Error);
      }
    },
    final(done) {
      try {
        close();
        done();
      } catch (error) {
        failed(error as Error);
        done(error as Error);
      }
    },
    destroy(error, done) {
      try {
        close();
      } catch {
        // Already failing: the first error is the one reported.
      }
      done(error);
    },
  });
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
  const countHead = (chunk: Buffer): void => {
    contentBytes += chunk.length;
    if (headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headLength);
      head.push(part);
      headLength += part.length;
    }
  };
  const keepHead = new Writable({
    write(chunk: Buffer, _encoding, done) {
      countHead(chunk);
      done();
    },
  });
  const expandTo = gzip ? options.expandTo : undefined;
  const keepHeadAndWrite = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      countHead(chunk);
      done(null, chunk);
    },
  });
  let gzipError: string | undefined;
  let copyError: Error | undefined;
  try {
    if (gzip) {
      const meter = new ExpansionMeter(
        options.display ?? path,
        options.limits ?? DEFAULT_EXPANSION_LIMITS,
      );
      const { compressed, expanded } = meter.measure();
      const read = createReadStream(path, { highWaterMark: CHUNK });
      const gunzip = createGunzip({ chunkSize: CHUNK });
      if (expandTo === undefined) {
        await pipeline(read, hashing, compressed, gunzip, expanded, keepHead);
      } else {
        await pipeline(
          read,
          hashing,
          compressed,
          gunzip,
          expanded,
          keepHeadAndWrite,
          copyTo(expandTo, (error) => (copyError ??= error)),
        );
      }
    } else await pipeline(createReadStream(path, { highWaterMark: CHUNK }), hashing, keepHead);
  } catch (error) {
    if (expandTo !== undefined) await rm(expandTo, { force: true });
    if (copyError !== undefined) {
      // Not the file's fault: the temporary folder is full or cannot be written.
      throw new SvdError({
        kind: 'internal',
        code: 'TEMP_WRITE_FAILED',
        message: `cannot write the expanded content of this file to the temporary folder (${errorMessage(copyError)})`,
        location: { file: options.display ?? path },
        fix: 'make room in the temporary folder, or set TMPDIR to a folder on a disk with space, and run the command again',
        cause: copyError,
      });
    }
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
    ...(expandTo === undefined || gzipError !== undefined ? {} : { expandedPath: expandTo }),
  };
}
