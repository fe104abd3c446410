/**
 * A first look at a file before it is read into the store: its sha256 (of the bytes as given),
 * whether it is gzip (by its magic number, not its name), and its first decompressed bytes, from
 * which its kind is told. `verifyGzip` reads a gzip stream to the end to prove it is complete
 * (DuckDB's reader does not check the gzip trailer, so a cut-short file could pass unnoticed).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createGunzip, gunzipSync, constants as zlibConstants } from 'node:zlib';
import { errorMessage } from '../../core/errors.js';

export interface FileInspection {
  sha256: string;
  bytes: number;
  gzip: boolean;
  /** The first bytes of the content (decompressed). */
  head: Buffer;
}

export const HEAD_BYTES = 64 * 1024;

/** Decompresses as much of a gzip prefix as it can (a prefix is never a complete stream). */
function gunzipPrefix(prefix: Buffer): Buffer {
  try {
    return gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).subarray(0, HEAD_BYTES);
  } catch {
    return Buffer.alloc(0);
  }
}

export async function inspectFile(path: string): Promise<FileInspection> {
  const hash = createHash('sha256');
  let bytes = 0;
  const prefix: Buffer[] = [];
  let prefixLength = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    if (prefixLength < HEAD_BYTES) {
      prefix.push(chunk);
      prefixLength += chunk.length;
    }
  }
  const start = Buffer.concat(prefix);
  const gzip = start.length >= 2 && start[0] === 0x1f && start[1] === 0x8b;
  return {
    sha256: hash.digest('hex'),
    bytes,
    gzip,
    head: gzip ? gunzipPrefix(start) : start.subarray(0, HEAD_BYTES),
  };
}

export interface GzipCheck {
  ok: boolean;
  /** Bytes of content decompressed (up to the fault, when there is one). */
  contentBytes: number;
  error?: string;
}

/** Decompresses the whole file, discarding the output, to prove the stream is complete. */
export async function verifyGzip(path: string): Promise<GzipCheck> {
  let contentBytes = 0;
  try {
    const gunzip = createGunzip();
    const source = createReadStream(path);
    source.on('error', (error) => gunzip.destroy(error));
    for await (const chunk of source.pipe(gunzip) as AsyncIterable<Buffer>) contentBytes += chunk.length;
    return { ok: true, contentBytes };
  } catch (error) {
    return { ok: false, contentBytes, error: errorMessage(error) };
  }
}
