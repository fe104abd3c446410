/**
 * Reads parts of a file on a web server with HTTP Range requests, so that the few members of a
 * large police.uk archive that are wanted can be taken without downloading the whole archive.
 */
import http from 'node:http';
import https from 'node:https';
import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import { SvdError, errorMessage } from '../../core/errors.js';
import { ZIP_OPEN_OPTIONS } from './openZipArchive.js';

export interface RemoteFileInfo {
  url: string;
  size: number;
  acceptsRanges: boolean;
}

export async function probeRemoteFile(url: string): Promise<RemoteFileInfo | undefined> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD', redirect: 'follow' });
  } catch (error) {
    throw new SvdError({
      kind: 'network',
      code: 'NETWORK_UNREACHABLE',
      message: `cannot reach ${url}: ${errorMessage(error)}`,
      fix: 'check the network connection or --base-url',
      cause: error,
    });
  }
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new SvdError({
      kind: 'network',
      code: 'HTTP_ERROR',
      message: `${url} answered ${response.status} ${response.statusText}`,
      fix: 'try again later; if it persists, check --base-url',
    });
  }
  const size = Number(response.headers.get('content-length') ?? NaN);
  return {
    url: response.url || url,
    size,
    acceptsRanges:
      (response.headers.get('accept-ranges') ?? '').includes('bytes') && Number.isFinite(size),
  };
}

/**
 * GET a byte range [start, end) as a Node stream, checking the server honoured the range. Plain
 * node:http(s) is used so that a stream abandoned part-way aborts its request at once.
 */
export function rangeStream(url: string, start: number, end: number): Readable {
  const out = new PassThrough();
  const get = url.startsWith('https:') ? https.get : http.get;
  const request = get(url, { headers: { Range: `bytes=${start}-${end - 1}` } }, (response) => {
    if (response.statusCode !== 206) {
      response.resume();
      out.destroy(
        new SvdError({
          kind: 'network',
          code: 'RANGE_REFUSED',
          message: `${url} did not return the requested byte range (status ${response.statusCode})`,
          fix: 'try again; the server may not allow partial downloads',
        }),
      );
      return;
    }
    response.on('error', (error) => out.destroy(error));
    response.pipe(out);
  });
  request.on('error', (error) => out.destroy(error));
  out.on('close', () => request.destroy());
  return out;
}

export class HttpRangeReader extends yauzl.RandomAccessReader {
  constructor(private readonly url: string) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return rangeStream(this.url, start, end);
  }
}

export async function openRemoteZip(info: RemoteFileInfo): Promise<yauzl.ZipFile> {
  return yauzl.fromRandomAccessReaderPromise(
    new HttpRangeReader(info.url),
    info.size,
    ZIP_OPEN_OPTIONS,
  );
}
