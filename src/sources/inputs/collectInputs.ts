/**
 * Turns what the user named (files, folders, ZIP archives) into a flat, ordered list of files
 * that DuckDB can read. Folders are walked recursively; archive members are extracted to a
 * temporary folder that `cleanup()` removes, within the expansion limits (a refused archive
 * leaves nothing behind: the folder is removed before the error is thrown). The readers after
 * may put their own temporary files in the same folder (`scratch()`), removed with it.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_EXPANSION_LIMITS, type ExpansionLimits } from '../../core/expansionLimits.js';
import { SvdError, errorMessage } from '../../core/errors.js';
import { openZipArchive, type ZipMember } from './openZipArchive.js';

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
  /** The temporary folder (made on first use), which `cleanup()` removes with all it holds. */
  scratch(): Promise<string>;
  cleanup(): Promise<void>;
}

export interface CollectOptions {
  /** Decides, from a base name, whether a file found in a folder or archive is wanted. */
  wanted?: (name: string) => boolean;
  /** File names ending in these are taken from folders and archives (lower case). */
  extensions?: readonly string[];
  /** How far each archive may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  limits?: ExpansionLimits;
}

type ResolvedOptions = Required<CollectOptions>;

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
  options: ResolvedOptions,
  result: CollectedInputs,
): Promise<void> {
  const zip = await openZipArchive(
    zipPath,
    display,
    options.limits,
    (error) =>
      new SvdError({
        kind: 'input',
        code: 'ZIP_UNREADABLE',
        message: `not a readable ZIP archive (${errorMessage(error)})`,
        location: { file: display },
        fix: 'download the archive again; a partial download cannot be opened',
      }),
  );
  try {
    // Every name is checked and the wanted members' declared sizes judged before one is written.
    const wanted: ZipMember[] = [];
    for (const member of await zip.members()) {
      if (member.directory) continue;
      const name = path.posix.basename(member.name);
      const memberDisplay = `${display}!${member.rawName}`;
      if (!hasExtension(name, options.extensions)) {
        result.skipped.push({ display: memberDisplay, reason: 'not a CSV file' });
      } else if (!options.wanted(name)) {
        result.skipped.push({ display: memberDisplay, reason: 'outside the selection' });
      } else wanted.push(member);
    }
    zip.checkDeclared(wanted);
    let index = 0;
    for (const member of wanted) {
      const name = path.posix.basename(member.name);
      const memberDisplay = `${display}!${member.rawName}`;
      // Written as <temp>/<n>/<base name>: never a path the archive chose.
      const dir = path.join(await tempRoot(), String(index++));
      await mkdir(dir, { recursive: true });
      const localPath = path.join(dir, name);
      try {
        await pipeline(await zip.read(member), createWriteStream(localPath));
      } catch (error) {
        if (error instanceof SvdError) throw error;
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
  const resolved: ResolvedOptions = {
    wanted: options.wanted ?? (() => true),
    extensions: options.extensions ?? DEFAULT_EXTENSIONS,
    limits: options.limits ?? DEFAULT_EXPANSION_LIMITS,
  };
  let temp: string | undefined;
  const tempRoot = async (): Promise<string> => {
    temp ??= await mkdtemp(path.join(os.tmpdir(), 'svd-extract-'));
    return temp;
  };
  const result: CollectedInputs = {
    files: [],
    skipped: [],
    scratch: tempRoot,
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
