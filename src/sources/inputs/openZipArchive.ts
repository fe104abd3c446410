/**
 * A ZIP archive read within the expansion limits (`core/expansionLimits.ts`): police.uk archives,
 * the archives a person gives `svd ingest`, XLSX and ODS workbooks, and the remote archive
 * `svd fetch` reads in parts. Every reader of ZIPs goes through here, so that each gets:
 *
 * - the entry count checked before the central directory is walked;
 * - every member name checked: absolute paths, drive letters, `..` segments, NUL and symbolic
 *   links are refused (`ARCHIVE_BAD_PATH`), whether or not the member is wanted — an archive
 *   that carries one is not to be trusted with the rest;
 * - the declared sizes checked before anything is expanded (`checkDeclared`);
 * - each member's bytes counted as they are inflated, stopping at a limit or one byte past the
 *   size the header declares (headers can lie).
 *
 * yauzl's own name and size checks are turned off (`decodeStrings`, `validateEntrySizes`) because
 * they fail with bare messages; these checks replace them with errors naming the member and fix.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import {
  ExpansionMeter,
  expansionError,
  type ExpansionLimits,
} from '../../core/expansionLimits.js';
import { SvdError } from '../../core/errors.js';

/** How every ZIP is opened: lazily, names and sizes left for this module to check. */
export const ZIP_OPEN_OPTIONS: yauzl.Options = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: false,
};

export interface ZipMember {
  /** The name as the archive writes it (for messages). */
  rawName: string;
  /** The name with `\` read as `/` (as some Windows tools write them). */
  name: string;
  directory: boolean;
  compressedSize: number;
  uncompressedSize: number;
  entry: yauzl.Entry;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Why a member name may not be extracted, or undefined when it may. */
export function badMemberName(name: string): string | undefined {
  if (name.includes('\0')) return 'holds a NUL character';
  if (name.startsWith('/')) return 'is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  if (name.split('/').includes('..')) return 'climbs out of the archive\'s folder (a ".." segment)';
  return undefined;
}

export class ZipArchive {
  readonly meter: ExpansionMeter;
  private list: ZipMember[] | undefined;

  constructor(
    private readonly zip: yauzl.ZipFile,
    /** How the archive is named in messages. */
    readonly display: string,
    limits: ExpansionLimits,
  ) {
    this.meter = new ExpansionMeter(display, limits);
    this.meter.checkEntryCount(zip.entryCount);
  }

  /** Every entry in the archive's order, each name checked; read once, then remembered. */
  async members(): Promise<ZipMember[]> {
    if (this.list !== undefined) return this.list;
    const list: ZipMember[] = [];
    for await (const entry of this.zip.eachEntry()) {
      const rawName = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        true,
      );
      const name = rawName.replace(/\\/g, '/');
      const bad = badMemberName(name);
      if (bad !== undefined)
        throw expansionError(
          'ARCHIVE_BAD_PATH',
          this.display,
          rawName,
          `the member name ${JSON.stringify(rawName)} ${bad}`,
        );
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK)
        throw expansionError(
          'ARCHIVE_BAD_PATH',
          this.display,
          rawName,
          `the member ${JSON.stringify(rawName)} is a symbolic link, which could point anywhere on disk`,
        );
      list.push({
        rawName,
        name,
        directory: name.endsWith('/'),
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        entry,
      });
    }
    this.meter.checkEntryCount(list.length);
    this.list = list;
    return list;
  }

  /** The members by name (`\` read as `/`). */
  async byName(): Promise<Map<string, ZipMember>> {
    return new Map((await this.members()).map((m) => [m.name, m]));
  }

  /** Refuses, before anything is expanded, members whose declared sizes pass the limits. */
  checkDeclared(members: readonly ZipMember[]): void {
    this.meter.checkDeclared(
      members.map((m) => ({
        name: m.rawName,
        compressedSize: m.compressedSize,
        uncompressedSize: m.uncompressedSize,
      })),
    );
  }

  /**
   * The member's expanded bytes, counted: the stream fails with an `SvdError` at a limit or past
   * the declared size. Its declared sizes are checked first (with what was read before).
   */
  async read(member: ZipMember): Promise<Readable> {
    this.checkDeclared([member]);
    const deflated = member.entry.compressionMethod === 8 && !member.entry.isEncrypted();
    // Deflated members are inflated here, after a count of their compressed bytes, so that the
    // ratio is judged on what has been inflated so far rather than on the whole member.
    const raw = await this.zip.openReadStreamPromise(
      member.entry,
      deflated ? { decodeFileData: false } : {},
    );
    const { compressed, expanded } = this.meter.measure({
      name: member.rawName,
      declaredSize: member.uncompressedSize,
    });
    const done = (error: Error | null): void => {
      // pipeline has already destroyed every stream with the error; nothing else to do.
      void error;
    };
    return deflated
      ? pipeline(raw, compressed, createInflateRaw(), expanded, done)
      : pipeline(raw, compressed, expanded, done);
  }

  close(): void {
    this.zip.close();
  }
}

/**
 * Opens a ZIP file within the limits. `unreadable` makes the error for a file that is not a ZIP
 * (each reader says it in its own words); the limits' own refusals pass through.
 */
export async function openZipArchive(
  path: string,
  display: string,
  limits: ExpansionLimits,
  unreadable: (error: unknown) => SvdError,
): Promise<ZipArchive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, ZIP_OPEN_OPTIONS);
  } catch (error) {
    throw unreadable(error);
  }
  return zipArchiveOf(zip, display, limits);
}

/** An archive already opened with `ZIP_OPEN_OPTIONS` (e.g. one read over HTTP ranges). */
export function zipArchiveOf(
  zip: yauzl.ZipFile,
  display: string,
  limits: ExpansionLimits,
): ZipArchive {
  try {
    return new ZipArchive(zip, display, limits);
  } catch (error) {
    zip.close();
    throw error;
  }
}
