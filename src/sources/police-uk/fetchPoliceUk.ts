/**
 * `svd fetch police-uk`: the monthly CSV files of one force, taken from police.uk's archive
 * (https://data.police.uk/data/archive/YYYY-MM.zip, each holding the 36 months up to YYYY-MM for
 * every force). When the server allows partial downloads only the wanted members are read;
 * otherwise the whole archive is downloaded (resuming a partial download) and the members
 * extracted. Every file is checked against the CRC-32 and size recorded in the archive and
 * written under a temporary name first, so an interrupted fetch never leaves a half file behind
 * and a second run takes only what is still missing. The archive is read within the expansion
 * limits (`inputs/openZipArchive.ts`): a member is refused at the first byte past its declared
 * size or a limit, and such a refusal is not retried.
 */
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Crc32 } from '../../core/crc32.js';
import { SvdError, errorMessage, usageError } from '../../core/errors.js';
import { DEFAULT_EXPANSION_LIMITS, type ExpansionLimits } from '../../core/expansionLimits.js';
import { addMonths, isMonth, monthRange } from '../../core/months.js';
import type { Reporter } from '../../core/reporter.js';
import { openRemoteZip, probeRemoteFile, type RemoteFileInfo } from '../inputs/httpRangeReader.js';
import {
  openZipArchive,
  zipArchiveOf,
  type ZipArchive,
  type ZipMember,
} from '../inputs/openZipArchive.js';
import { isKnownForceSlug } from './forces.js';
import type { PoliceUkDataset } from './formats.js';

export const POLICE_UK_ARCHIVE_URL = 'https://data.police.uk/data/archive/';
/** Months held by one archive: the archive's own month and the 35 before it. */
export const ARCHIVE_SPAN = 36;

export interface FetchPoliceUkOptions {
  force: string;
  from: string;
  to: string;
  dest: string;
  baseUrl?: string;
  datasets?: readonly PoliceUkDataset[];
  reporter: Reporter;
  /** Attempts per download before giving up (network faults are retried, resuming). */
  attempts?: number;
  /** How far the archive's members may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  expansionLimits?: ExpansionLimits;
}

export interface FetchedFile {
  month: string;
  dataset: PoliceUkDataset;
  path: string;
  bytes: number;
  status: 'downloaded' | 'already-here';
  archive: string;
}

export interface FetchReport {
  force: string;
  from: string;
  to: string;
  files: FetchedFile[];
  /** Force-months the archive does not hold (police.uk did not publish them). */
  missing: { month: string; dataset: PoliceUkDataset }[];
  mode: 'ranges' | 'whole-archive';
  bytesDownloaded: number;
}

/** The archives to read, newest first, and the months each supplies. */
export function planArchives(from: string, to: string): { archive: string; months: string[] }[] {
  const plan: { archive: string; months: string[] }[] = [];
  let archive = to;
  while (archive >= from) {
    const first = addMonths(archive, -(ARCHIVE_SPAN - 1));
    plan.push({ archive, months: monthRange(first < from ? from : first, archive) });
    archive = addMonths(archive, -ARCHIVE_SPAN);
  }
  return plan;
}

const memberName = (month: string, force: string, dataset: PoliceUkDataset): string =>
  `${month}/${month}-${force}-${dataset}.csv`;

/** Counts bytes and CRC-32 of what flows through, and reports progress. */
function checking(onBytes: (n: number) => void): {
  stream: Transform;
  crc: Crc32;
  size: () => number;
} {
  const crc = new Crc32();
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc.update(chunk);
      size += chunk.length;
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  return { stream, crc, size: () => size };
}

async function fileCrc(file: string): Promise<{ crc: number; size: number }> {
  const crc = new Crc32();
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    crc.update(chunk);
    size += chunk.length;
  }
  return { crc: crc.digest(), size };
}

/** Writes a member to `target` through a `.part` file, checking its CRC-32 and size. */
async function saveMember(
  open: () => Promise<Readable>,
  { entry }: ZipMember,
  target: string,
  onBytes: (n: number) => void,
  attempts: number,
): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const part = `${target}.part`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const check = checking(onBytes);
    try {
      await pipeline(await open(), check.stream, createWriteStream(part));
      if (check.size() !== entry.uncompressedSize || check.crc.digest() !== entry.crc32) {
        throw new Error(
          `arrived with ${check.size()} bytes and CRC ${check.crc.digest().toString(16)}, the archive says ${entry.uncompressedSize} bytes and CRC ${entry.crc32.toString(16)}`,
        );
      }
      await rename(part, target);
      return;
    } catch (error) {
      lastError = error;
      await rm(part, { force: true });
      // The archive itself is refused (a limit, a lying header): another attempt would not help.
      if (error instanceof SvdError && error.kind === 'input') throw error;
    }
  }
  throw new SvdError({
    kind: 'network',
    code: 'DOWNLOAD_FAILED',
    message: `could not download ${entry.fileName} intact after ${attempts} attempts: ${errorMessage(lastError)}`,
    location: { file: target },
    fix: 'run the same command again; files already complete are kept',
    cause: lastError,
  });
}

/** Downloads a whole file with resume (Range from the size of the .part file). */
async function downloadWhole(
  info: RemoteFileInfo,
  target: string,
  reporter: Reporter,
  attempts: number,
): Promise<number> {
  if (existsSync(target) && (await stat(target)).size === info.size) {
    reporter.info(`${path.basename(target)} is already here; not downloading it again`);
    return 0;
  }
  await mkdir(path.dirname(target), { recursive: true });
  const part = `${target}.part`;
  let downloaded = 0;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const have = existsSync(part) ? (await stat(part)).size : 0;
    // Ask to resume even when ranges are not advertised; a 200 answer means starting again.
    const resume = have > 0 && (!Number.isFinite(info.size) || have < info.size);
    try {
      const response = await fetch(
        info.url,
        resume ? { headers: { Range: `bytes=${have}-` } } : {},
      );
      if (!response.ok || response.body === null) throw new Error(`status ${response.status}`);
      const appending = resume && response.status === 206;
      if (resume && !appending)
        reporter.info('the server ignored the resume request; starting again');
      let done = appending ? have : 0;
      const counter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          done += chunk.length;
          downloaded += chunk.length;
          reporter.progress({
            label: `downloading ${path.basename(target)}`,
            done,
            total: info.size,
            unit: 'bytes',
          });
          cb(null, chunk);
        },
      });
      const sink = createWriteStream(part, { flags: appending ? 'a' : 'w' });
      try {
        await pipeline(
          Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>),
          counter,
          sink,
        );
      } finally {
        // The next attempt measures the .part file: let this one's writes settle first.
        if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
      }
      reporter.endProgress();
      const size = (await stat(part)).size;
      if (Number.isFinite(info.size) && size !== info.size)
        throw new Error(`got ${size} of ${info.size} bytes`);
      await rename(part, target);
      return downloaded;
    } catch (error) {
      reporter.endProgress();
      lastError = error;
      reporter.info(
        `download interrupted (${errorMessage(error)}); ${attempt < attempts ? 'resuming' : 'giving up'}`,
      );
    }
  }
  throw new SvdError({
    kind: 'network',
    code: 'DOWNLOAD_FAILED',
    message: `could not download ${info.url}: ${errorMessage(lastError)}`,
    location: { file: part },
    fix: 'run the same command again; it resumes from what has arrived',
    cause: lastError,
  });
}

export async function fetchPoliceUk(options: FetchPoliceUkOptions): Promise<FetchReport> {
  const { force, from, to, reporter } = options;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isMonth(value))
      throw usageError(
        'BAD_MONTH_OPTION',
        `--${name} ${JSON.stringify(value)} is not a month`,
        `give --${name} as YYYY-MM`,
      );
  }
  if (from > to)
    throw usageError('BAD_MONTH_RANGE', `--from ${from} is after --to ${to}`, 'swap them');
  if (!/^[a-z0-9-]+$/.test(force)) {
    throw usageError(
      'BAD_FORCE',
      `--force ${JSON.stringify(force)} is not a police.uk force slug`,
      'use e.g. thames-valley',
    );
  }
  if (!isKnownForceSlug(force))
    reporter.warn(`"${force}" is not a force police.uk lists today; trying anyway`);
  const datasets = options.datasets ?? ['street'];
  const attempts = options.attempts ?? 3;
  const base = (options.baseUrl ?? POLICE_UK_ARCHIVE_URL).replace(/\/?$/, '/');
  const report: FetchReport = {
    force,
    from,
    to,
    files: [],
    missing: [],
    mode: 'ranges',
    bytesDownloaded: 0,
  };
  for (const { archive, months } of planArchives(from, to)) {
    const url = `${base}${archive}.zip`;
    const info = await probeRemoteFile(url);
    if (info === undefined) {
      throw new SvdError({
        kind: 'network',
        code: 'ARCHIVE_NOT_FOUND',
        message: `police.uk has no archive ${url}`,
        fix: `police.uk publishes each month about six weeks after it ends; choose an earlier --to`,
      });
    }
    const wanted = months.flatMap((month) => datasets.map((dataset) => ({ month, dataset })));
    const targetOf = (month: string, dataset: PoliceUkDataset): string =>
      path.join(options.dest, memberName(month, force, dataset));
    const limits = options.expansionLimits ?? DEFAULT_EXPANSION_LIMITS;
    let zip: ZipArchive;
    let wholeArchive: string | undefined;
    if (info.acceptsRanges) {
      reporter.info(
        `reading ${archive}.zip (${(info.size / 1e6).toFixed(0)} MB) in parts: only ${force}'s files are downloaded`,
      );
      zip = zipArchiveOf(await openRemoteZip(info), url, limits);
    } else {
      report.mode = 'whole-archive';
      reporter.info(
        `the server does not allow partial downloads: downloading all of ${archive}.zip`,
      );
      wholeArchive = path.join(options.dest, `archive-${archive}.zip`);
      report.bytesDownloaded += await downloadWhole(info, wholeArchive, reporter, attempts);
      const downloaded = wholeArchive;
      zip = await openZipArchive(
        downloaded,
        downloaded,
        limits,
        (error) =>
          new SvdError({
            kind: 'input',
            code: 'ZIP_UNREADABLE',
            message: `the downloaded archive cannot be read (${errorMessage(error)})`,
            location: { file: downloaded },
            fix: 'delete it and run the same command again to download it afresh',
          }),
      );
    }
    try {
      const entries = await zip.byName();
      const todo = wanted.filter(({ month, dataset }) => {
        if (!entries.has(memberName(month, force, dataset))) {
          report.missing.push({ month, dataset });
          return false;
        }
        return true;
      });
      zip.checkDeclared(todo.map((w) => entries.get(memberName(w.month, force, w.dataset))!));
      const total = todo.reduce(
        (s, w) => s + entries.get(memberName(w.month, force, w.dataset))!.uncompressedSize,
        0,
      );
      let done = 0;
      for (const { month, dataset } of todo) {
        const member = entries.get(memberName(month, force, dataset))!;
        const target = targetOf(month, dataset);
        const record: FetchedFile = {
          month,
          dataset,
          path: target,
          bytes: member.uncompressedSize,
          status: 'downloaded',
          archive,
        };
        if (existsSync(target)) {
          const have = await fileCrc(target);
          if (have.size === member.uncompressedSize && have.crc === member.entry.crc32) {
            record.status = 'already-here';
            report.files.push(record);
            done += member.uncompressedSize;
            continue;
          }
          reporter.info(`${target} differs from the archive; downloading it again`);
        }
        await saveMember(
          () => zip.read(member),
          member,
          target,
          (n) => {
            done += n;
            reporter.progress({
              label: `fetching ${force} ${archive}`,
              done,
              total,
              unit: 'bytes',
            });
          },
          attempts,
        );
        if (info.acceptsRanges) report.bytesDownloaded += member.compressedSize;
        report.files.push(record);
      }
      reporter.endProgress();
    } finally {
      zip.close();
    }
  }
  report.files.sort((a, b) => (a.month + a.dataset < b.month + b.dataset ? -1 : 1));
  report.missing.sort((a, b) => (a.month < b.month ? -1 : 1));
  return report;
}
