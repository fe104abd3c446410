/**
 * A police.uk-like archive server on loopback: ZIP archives built from ../shared/data in the
 * archive layout (YYYY-MM/YYYY-MM-<force>-street.csv), served with or without byte ranges, and
 * able to drop the connection part-way through a download to test resuming.
 */
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import yazl from 'yazl';
import { sharedData } from './paths.js';

export interface ArchiveMember {
  name: string;
  /** A shared file; .gz files are decompressed, as police.uk archives hold plain CSV. */
  source: string;
}

export async function buildArchive(file: string, members: ArchiveMember[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const m of members) {
    const raw = readFileSync(m.source);
    zip.addBuffer(m.source.endsWith('.gz') ? gunzipSync(raw) : raw, m.name);
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream
      .pipe(createWriteStream(file))
      .on('close', () => resolve())
      .on('error', reject);
  });
}

export const tvStreetMember = (month: string): ArchiveMember => ({
  name: `${month}/${month}-thames-valley-street.csv`,
  source: sharedData('police-uk', 'thames-valley', 'street', `${month}-thames-valley-street.csv`),
});

export const forceMember = (force: string): ArchiveMember => ({
  name: `2019-01/2019-01-${force}-street.csv`,
  source: sharedData('police-uk', 'all-forces-2019-01', `2019-01-${force}-street.csv.gz`),
});

export interface ServerOptions {
  /** Say "Accept-Ranges: bytes" in answers to HEAD. */
  advertiseRanges: boolean;
  /** Answer Range requests with 206 and the part. */
  honourRanges: boolean;
  /** Cut the first full-file download after this many bytes. */
  dropFirstDownloadAfter?: number;
}

export interface ArchiveServer {
  url: string;
  requests: { method: string; path: string; range: string | undefined }[];
  bytesSent: () => number;
  close(): Promise<void>;
}

export async function serveArchives(root: string, options: ServerOptions): Promise<ArchiveServer> {
  const requests: ArchiveServer['requests'] = [];
  let sent = 0;
  let dropped = false;
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/+/, '');
    requests.push({ method: req.method ?? 'GET', path: name, range: req.headers.range });
    const file = path.join(root, path.basename(name));
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string | number> = { 'Content-Type': 'application/zip' };
    if (options.advertiseRanges) headers['Accept-Ranges'] = 'bytes';
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'Content-Length': size }).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range !== null && options.honourRanges) {
      const start = Number(range[1]);
      const end = range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
      res.writeHead(206, {
        ...headers,
        'Content-Length': end - start + 1,
        'Content-Range': `bytes ${start}-${end}/${size}`,
      });
      sent += end - start + 1;
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': size });
    if (options.dropFirstDownloadAfter !== undefined && !dropped) {
      dropped = true;
      const stream = createReadStream(file, { start: 0, end: options.dropFirstDownloadAfter - 1 });
      stream.on('data', (c) => (sent += c.length));
      stream.on('end', () => res.destroy());
      stream.pipe(res, { end: false });
      return;
    }
    sent += size;
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    bytesSent: () => sent,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
