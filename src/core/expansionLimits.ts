/**
 * How far a ZIP archive, a workbook (a ZIP too) or a gzip file may expand when it is read, and the
 * meter that holds every reader to it. A 2 MB archive can declare — or, with headers that lie,
 * hide — gigabytes; so what is checked is what actually comes out, counted as it streams, and the
 * reading stops at the limit rather than after it:
 *
 * - the bytes one archive (all its members read), one gzip file or one workbook expands to;
 * - the expansion ratio, per member and for the whole archive, once past a few MB (real CSV and
 *   sheet XML compress about 5–20:1; a compression bomb 1,000:1);
 * - the number of entries in one archive;
 * - a member never expands past the size its header declares.
 *
 * The ZIP readers (`sources/inputs/openZipArchive.ts`) add the checks of member names. Defaults
 * pass the whole police.uk archive (36 months of every force, some GB) with a margin; each limit
 * can be raised by an environment variable, the size also by `--max-expanded-bytes`.
 * See docs/decisions/0068-archive-limits.md.
 */
import { constants as bufferConstants } from 'node:buffer';
import { Transform } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { SvdError, usageError } from './errors.js';

export interface ExpansionLimits {
  /** Bytes one archive (its members read, together), one gzip file or one workbook expands to. */
  maxBytes: number;
  /** Expanded : compressed, per member and per archive, refused once past `ratioAfterBytes`. */
  maxRatio: number;
  /** Below this many expanded bytes the ratio is not judged (small files compress wildly). */
  ratioAfterBytes: number;
  /** Entries (files and folders) in one archive. */
  maxEntries: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * A full police.uk month of every force is ~75 MB of street CSV (~330k rows, 2019-01), and the
 * archive of 36 months with outcomes and stop and search some 5–8 GB: 16 GiB passes it with twice
 * that to spare. police.uk CSV compresses about 5:1 (at most ~20:1 for a small force-month).
 * An archive holds ~5,000 members (36 months × 45 forces × 3 datasets).
 */
export const DEFAULT_EXPANSION_LIMITS: Readonly<ExpansionLimits> = Object.freeze({
  maxBytes: 16 * GiB,
  maxRatio: 200,
  ratioAfterBytes: 4 * MiB,
  maxEntries: 50_000,
});

/** The environment variables that raise (or lower) each limit. */
export const EXPANSION_ENV = {
  maxBytes: 'SVD_MAX_EXPANDED_BYTES',
  maxRatio: 'SVD_MAX_EXPANSION_RATIO',
  maxEntries: 'SVD_MAX_ARCHIVE_ENTRIES',
} as const;

/** The help text's one paragraph on the limits (the same words for every command that reads). */
export const EXPANSION_LIMITS_HELP = `ZIP archives, workbooks and .gz files are expanded within limits, counted as they are read:
${formatBytes(DEFAULT_EXPANSION_LIMITS.maxBytes)} per archive or file (--max-expanded-bytes or $${EXPANSION_ENV.maxBytes}, e.g. 32G),
${DEFAULT_EXPANSION_LIMITS.maxRatio}:1 expansion past ${formatBytes(DEFAULT_EXPANSION_LIMITS.ratioAfterBytes)} ($${EXPANSION_ENV.maxRatio}), ${DEFAULT_EXPANSION_LIMITS.maxEntries.toLocaleString('en-GB')} entries per archive
($${EXPANSION_ENV.maxEntries}); member names outside the archive's folder are refused.`;

/** The help of `--max-expanded-bytes`, the same on every command that has it. */
export const MAX_EXPANDED_BYTES_HELP = `most bytes one archive, workbook or .gz file may expand to, e.g. 32G (default ${formatBytes(DEFAULT_EXPANSION_LIMITS.maxBytes)}, or $${EXPANSION_ENV.maxBytes})`;

/** "16 GiB", "2.5 MiB", "512 bytes" (a size that rounds to 1,024 of a unit is 1 of the next). */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [KiB, 'KiB'],
    [MiB, 'MiB'],
    [GiB, 'GiB'],
    [1024 * GiB, 'TiB'],
  ];
  let chosen: [number, string] | undefined;
  for (const unit of units) if (bytes >= unit[0] * 0.9995) chosen = unit;
  if (chosen === undefined) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const n = bytes / chosen[0];
  const shown = n >= 100 ? Math.round(n).toString() : n.toFixed(1).replace(/\.0$/, '');
  return `${shown} ${chosen[1]}`;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: KiB, m: MiB, g: GiB, t: 1024 * GiB };

/** `2147483648`, `512M`, `16G`, `16GB`, `16GiB` (binary multiples: 1G = 1024³ bytes). */
export function parseByteSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (m === null) return undefined;
  const bytes = Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

export interface ExpansionLimitOptions {
  /** `--max-expanded-bytes`, which wins over the environment. */
  maxExpandedBytes?: string;
}

/** The limits in force: the defaults, then the environment, then the command's option. */
export function expansionLimits(
  options: ExpansionLimitOptions = {},
  env: NodeJS.ProcessEnv = {},
): ExpansionLimits {
  const limits: ExpansionLimits = { ...DEFAULT_EXPANSION_LIMITS };
  const size = (given: string, what: string): number => {
    const bytes = parseByteSize(given);
    if (bytes === undefined)
      throw usageError(
        'BAD_MAX_EXPANDED_BYTES',
        `${what} ${JSON.stringify(given)} is not a size`,
        `give a number of bytes, or one with K, M, G or T (binary multiples), e.g. 32G; the default is ${formatBytes(DEFAULT_EXPANSION_LIMITS.maxBytes)}`,
      );
    return bytes;
  };
  const fromEnv = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const envBytes = fromEnv(EXPANSION_ENV.maxBytes);
  if (envBytes !== undefined) limits.maxBytes = size(envBytes, EXPANSION_ENV.maxBytes);
  if (options.maxExpandedBytes !== undefined)
    limits.maxBytes = size(options.maxExpandedBytes, '--max-expanded-bytes');
  const envRatio = fromEnv(EXPANSION_ENV.maxRatio);
  if (envRatio !== undefined) {
    const ratio = Number(envRatio);
    if (!Number.isFinite(ratio) || ratio < 1)
      throw usageError(
        'BAD_MAX_EXPANSION_RATIO',
        `${EXPANSION_ENV.maxRatio} ${JSON.stringify(envRatio)} is not a ratio of 1 or more`,
        `give how many times its compressed size a file may expand to, e.g. 500; the default is ${DEFAULT_EXPANSION_LIMITS.maxRatio}`,
      );
    limits.maxRatio = ratio;
  }
  const envEntries = fromEnv(EXPANSION_ENV.maxEntries);
  if (envEntries !== undefined) {
    const entries = Number(envEntries);
    if (!Number.isSafeInteger(entries) || entries < 1)
      throw usageError(
        'BAD_MAX_ARCHIVE_ENTRIES',
        `${EXPANSION_ENV.maxEntries} ${JSON.stringify(envEntries)} is not a whole number of 1 or more`,
        `give how many entries one archive may hold, e.g. 200000; the default is ${DEFAULT_EXPANSION_LIMITS.maxEntries}`,
      );
    limits.maxEntries = entries;
  }
  return limits;
}

export type ExpansionCode =
  | 'ARCHIVE_TOO_LARGE'
  | 'ARCHIVE_RATIO'
  | 'ARCHIVE_SIZE_MISMATCH'
  | 'ARCHIVE_TOO_MANY_ENTRIES'
  | 'ARCHIVE_BAD_PATH';

const DO_NOT_USE = 'if you do not know where the file came from, do not use it';

const FIXES: Record<ExpansionCode, string> = {
  ARCHIVE_TOO_LARGE: `if the file is genuine, raise the limit with --max-expanded-bytes or ${EXPANSION_ENV.maxBytes} (e.g. 32G), or read fewer members (of a police.uk archive: --force, --from, --to); ${DO_NOT_USE}`,
  ARCHIVE_RATIO: `real data compresses far less than this (police.uk CSV about 5:1): it looks like a compression bomb. If the file is genuine, raise the ratio with ${EXPANSION_ENV.maxRatio}; ${DO_NOT_USE}`,
  ARCHIVE_SIZE_MISMATCH:
    'the archive is damaged or made to mislead: download it again from its publisher',
  ARCHIVE_TOO_MANY_ENTRIES: `if the archive is genuine, raise the limit with ${EXPANSION_ENV.maxEntries}, or unpack the members you need and give them; ${DO_NOT_USE}`,
  ARCHIVE_BAD_PATH:
    'the archive names a file outside its own folder, which no genuine export does: do not use it; download the files again from their publisher',
};

/** The refusal of an archive, a member (`archive!member`) or a compressed file. */
export function expansionError(
  code: ExpansionCode,
  container: string,
  member: string | undefined,
  message: string,
): SvdError {
  return new SvdError({
    kind: 'input',
    code,
    message: `${message}; nothing was kept`,
    location: { file: member === undefined ? container : `${container}!${member}` },
    fix: FIXES[code],
  });
}

const ratioText = (expanded: number, compressed: number): string =>
  `${Math.floor(expanded / Math.max(compressed, 1)).toLocaleString('en-GB')}:1`;

export interface DeclaredMember {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export interface MeasuredMember {
  /** The member's name in its archive; none for a gzip file. */
  name?: string;
  /** The size its header declares: one byte more is refused (and one byte fewer at the end). */
  declaredSize?: number;
}

/**
 * Counts what one archive, workbook or gzip file expands to. `measure` gives, for one member,
 * a pass-through to put before the decompressor (counting compressed bytes) and one after it
 * (counting expanded bytes, and failing the stream with an `SvdError` at a limit).
 */
export class ExpansionMeter {
  private expandedTotal = 0;
  private compressedTotal = 0;

  constructor(
    readonly container: string,
    readonly limits: ExpansionLimits,
  ) {}

  checkEntryCount(count: number): void {
    if (count > this.limits.maxEntries)
      throw expansionError(
        'ARCHIVE_TOO_MANY_ENTRIES',
        this.container,
        undefined,
        `the archive holds ${count.toLocaleString('en-GB')} entries, more than the limit of ${this.limits.maxEntries.toLocaleString('en-GB')}`,
      );
  }

  /**
   * What the members about to be read declare, before a byte is expanded: their sizes with what
   * has been read already, and each one's ratio and theirs together.
   */
  checkDeclared(members: readonly DeclaredMember[]): void {
    const { maxBytes, maxRatio, ratioAfterBytes } = this.limits;
    let expanded = this.expandedTotal;
    let compressed = this.compressedTotal;
    for (const m of members) {
      if (m.uncompressedSize > ratioAfterBytes && m.uncompressedSize > maxRatio * m.compressedSize)
        throw expansionError(
          'ARCHIVE_RATIO',
          this.container,
          m.name,
          `this member declares ${formatBytes(m.uncompressedSize)} from ${formatBytes(m.compressedSize)} compressed (${ratioText(m.uncompressedSize, m.compressedSize)}), more than the limit of ${maxRatio}:1`,
        );
      expanded += m.uncompressedSize;
      compressed += m.compressedSize;
      if (expanded > maxBytes)
        throw expansionError(
          'ARCHIVE_TOO_LARGE',
          this.container,
          m.name,
          `the members to read declare ${formatBytes(expanded)} by this one, more than the limit of ${formatBytes(maxBytes)} for one archive`,
        );
    }
    if (expanded > ratioAfterBytes && expanded > maxRatio * compressed)
      throw expansionError(
        'ARCHIVE_RATIO',
        this.container,
        undefined,
        `the members to read declare ${formatBytes(expanded)} from ${formatBytes(compressed)} compressed (${ratioText(expanded, compressed)}), more than the limit of ${maxRatio}:1`,
      );
  }

  measure(member: MeasuredMember = {}): { compressed: Transform; expanded: Transform } {
    let memberIn = 0;
    let memberOut = 0;
    const compressed = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        memberIn += chunk.length;
        this.compressedTotal += chunk.length;
        done(null, chunk);
      },
    });
    const expanded = new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        memberOut += chunk.length;
        this.expandedTotal += chunk.length;
        done(this.judge(member, memberIn, memberOut), chunk);
      },
      flush: (done) => {
        const short = member.declaredSize !== undefined && memberOut < member.declaredSize;
        done(
          short
            ? expansionError(
                'ARCHIVE_SIZE_MISMATCH',
                this.container,
                member.name,
                `this member expands to ${memberOut.toLocaleString('en-GB')} bytes, fewer than the ${member.declaredSize!.toLocaleString('en-GB')} its header declares`,
              )
            : null,
        );
      },
    });
    return { compressed, expanded };
  }

  /** The refusal due once a member's latest chunk is counted, if any: the most telling first. */
  private judge(member: MeasuredMember, memberIn: number, memberOut: number): SvdError | null {
    const { container } = this;
    const { maxBytes, maxRatio, ratioAfterBytes } = this.limits;
    const what = member.name === undefined ? 'this file' : 'this member';
    if (member.declaredSize !== undefined && memberOut > member.declaredSize)
      return expansionError(
        'ARCHIVE_SIZE_MISMATCH',
        container,
        member.name,
        `${what} expands past the ${member.declaredSize.toLocaleString('en-GB')} bytes its header declares (stopped at ${memberOut.toLocaleString('en-GB')})`,
      );
    if (this.expandedTotal > maxBytes)
      return expansionError(
        'ARCHIVE_TOO_LARGE',
        container,
        member.name,
        `${member.name === undefined ? 'this file expands' : 'the archive expands, by this member,'} to more than the limit of ${formatBytes(maxBytes)} (stopped at ${formatBytes(this.expandedTotal)})`,
      );
    if (memberOut > ratioAfterBytes && memberOut > maxRatio * memberIn)
      return expansionError(
        'ARCHIVE_RATIO',
        container,
        member.name,
        `${what} expands more than ${maxRatio}:1 (${formatBytes(memberOut)} from ${formatBytes(memberIn)} compressed, stopped there)`,
      );
    if (
      this.expandedTotal > ratioAfterBytes &&
      this.expandedTotal > maxRatio * this.compressedTotal
    )
      return expansionError(
        'ARCHIVE_RATIO',
        container,
        member.name,
        `the archive expands, by this member, more than ${maxRatio}:1 (${formatBytes(this.expandedTotal)} from ${formatBytes(this.compressedTotal)} compressed, stopped there)`,
      );
    return null;
  }
}

/**
 * A whole gzip file expanded in memory (for files parsed whole, e.g. GeoJSON), never to more than
 * the limits allow: the output is capped at the size limit, at what a string can hold, and, past
 * `ratioAfterBytes`, at `maxRatio` times the compressed size — so a bomb stops at the cap.
 */
export function gunzipWithin(bytes: Buffer, file: string, limits: ExpansionLimits): Buffer {
  const byRatio = Math.max(limits.ratioAfterBytes, Math.floor(limits.maxRatio * bytes.length));
  const cap = Math.min(limits.maxBytes, byRatio, bufferConstants.MAX_STRING_LENGTH);
  try {
    return gunzipSync(bytes, { maxOutputLength: cap });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw error;
    if (cap === byRatio && byRatio < limits.maxBytes)
      throw expansionError(
        'ARCHIVE_RATIO',
        file,
        undefined,
        `this file expands more than ${limits.maxRatio}:1 (past ${formatBytes(cap)} from ${formatBytes(bytes.length)} compressed, stopped there)`,
      );
    throw expansionError(
      'ARCHIVE_TOO_LARGE',
      file,
      undefined,
      `this file expands to more than ${formatBytes(cap)}, the most ${cap === limits.maxBytes ? 'one compressed file may expand to' : 'that can be read whole'} (stopped there)`,
    );
  }
}
