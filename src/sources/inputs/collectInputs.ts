/**
 * Turns what the user named (files, folders, ZIP archives) into a flat, ordered list of files
 * that DuckDB can read. Folders are walked recursively; archive members are extracted to a
 * temporary folder that `cleanup()` removes.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { SvdError, errorMessage } from '../../core/errors.js';

export interface InputFile {
  /** How the file is named in messages: its path, or `archive.zip!member/path.csv`. */
  display: string;
  /** The base name (for an archive member, the member's base name). */
  name: string;
  /** A path on disk that can be read. */
  localPath: string;
}

export interface CollectedInputs {
  files: InputFile[];
  /** Files seen in folders or archives but not taken, with the reason. */
  skipped: { display: string; reason: string }[];
  cleanup(): Promise<void>;
}

export interface CollectOptions {
  /** Decides, from a base name, whether a file found in a folder or archive is wanted. */
  wanted?: (name: string) => boolean;
  /** File names ending in these are taken from folders and archives (lower case). */
  extensions?: readonly string[];
}

const DEFAULT_EXTENSIONS = ['.csv', '.csv.gz'];

const hasExtension = (name: string, extensions: readonly string[]): boolean =>
  extensions.some((ext) => name.toLowerCase().endsWith(ext));

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

async function extractZip(
  zipPath: string,
  display: string,
  tempRoot: () => Promise<string>,
  options: Required<CollectOptions>,
  result: CollectedInputs,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: false });
  } catch (error) {
    throw new SvdError({
      kind: 'input',
      code: 'ZIP_UNREADABLE',
      message: `not a readable ZIP archive (${errorMessage(error)})`,
      location: { file: display },
      fix: 'download the archive again; a partial download cannot be opened',
    });
  }
  try {
    let index = 0;
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const name = path.posix.basename(entry.fileName);
      const memberDisplay = `${display}!${entry.fileName}`;
      if (!hasExtension(name, options.extensions)) {
        result.skipped.push({ display: memberDisplay, reason: 'not a CSV file' });
        continue;
      }
      if (!options.wanted(name)) {
        result.skipped.push({ display: memberDisplay, reason: 'outside the selection' });
        continue;
      }
      const dir = path.join(await tempRoot(), String(index++));
      await mkdir(dir, { recursive: true });
      const localPath = path.join(dir, name);
      try {
        await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(localPath));
      } catch (error) {
        throw new SvdError({
          kind: 'input',
          code: 'ZIP_MEMBER_UNREADABLE',
          message: `cannot extract this member (${errorMessage(error)})`,
          location: { file: memberDisplay },
          fix: 'download the archive again; it is damaged',
        });
      }
      result.files.push({ display: memberDisplay, name, localPath });
    }
  } finally {
    zip.close();
  }
}

export async function collectInputs(
  paths: readonly string[],
  options: CollectOptions = {},
): Promise<CollectedInputs> {
  const resolved: Required<CollectOptions> = {
    wanted: options.wanted ?? (() => true),
    extensions: options.extensions ?? DEFAULT_EXTENSIONS,
  };
  let temp: string | undefined;
  const tempRoot = async (): Promise<string> => {
    temp ??= await mkdtemp(path.join(os.tmpdir(), 'svd-extract-'));
    return temp;
  };
  const result: CollectedInputs = {
    files: [],
    skipped: [],
    cleanup: async () => {
      if (temp !== undefined) await rm(temp, { recursive: true, force: true });
    },
  };
  try {
    for (const given of paths) {
      let info;
      try {
        info = await stat(given);
      } catch {
        throw new SvdError({
          kind: 'usage',
          code: 'NO_SUCH_PATH',
          message: 'no such file or folder',
          location: { file: given },
          fix: 'check the path; quote it if it contains spaces',
        });
      }
      const candidates = info.isDirectory() ? await walk(given) : [given];
      for (const file of candidates) {
        const name = path.basename(file);
        const inFolder = info.isDirectory();
        if (name.toLowerCase().endsWith('.zip')) {
          await extractZip(file, file, tempRoot, resolved, result);
        } else if (inFolder && !hasExtension(name, resolved.extensions)) {
          result.skipped.push({ display: file, reason: 'not a CSV or ZIP file' });
        } else if (inFolder && !resolved.wanted(name)) {
          result.skipped.push({ display: file, reason: 'outside the selection' });
        } else {
          result.files.push({ display: file, name, localPath: file });
        }
      }
    }
  } catch (error) {
    await result.cleanup();
    throw error;
  }
  return result;
}
