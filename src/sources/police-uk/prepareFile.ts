/**
 * The first look at each file: hash, gzip integrity, what it is, its layout, force and month.
 * Files that cannot be ingested become problems; nothing touches the store here.
 */
import { SvdError, type Problem } from '../../core/errors.js';
import type { InputFile } from '../inputs/collectInputs.js';
import { describeContent } from '../../core/describeContent.js';
import { inspectFile } from '../inputs/inspectFile.js';
import { forceSlugFromName, isKnownForceSlug } from './forces.js';
import { matchHeader, parsePoliceUkFileName } from './formats.js';
import type { BatchMessage, PoliceUkIngestOptions, PreparedFile } from './ingestTypes.js';

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Rows in the file, estimated from the mean line length of its first bytes (for progress). */
function estimateRows(head: Buffer, contentBytes: number): number {
  let lines = 0;
  for (let i = head.indexOf(0x0a); i !== -1; i = head.indexOf(0x0a, i + 1)) lines++;
  if (lines === 0) return 0;
  return Math.max(0, Math.round(contentBytes / (head.length / lines)) - 1);
}

export function checkMonthOption(name: string, value: string | undefined): void {
  if (value !== undefined && !MONTH_RE.test(value)) {
    throw new SvdError({
      kind: 'usage',
      code: 'BAD_MONTH_OPTION',
      message: `--${name} ${JSON.stringify(value)} is not a month`,
      fix: `give --${name} as YYYY-MM, e.g. 2024-01`,
    });
  }
}

export function wantedByName(options: PoliceUkIngestOptions): (name: string) => boolean {
  return (name) => {
    const parsed = parsePoliceUkFileName(name);
    if (parsed === undefined) return true;
    if (
      options.forces !== undefined &&
      options.forces.length > 0 &&
      !options.forces.includes(parsed.force)
    ) {
      return false;
    }
    if (options.datasets !== undefined && !options.datasets.includes(parsed.dataset)) return false;
    if (options.from !== undefined && parsed.month < options.from) return false;
    if (options.to !== undefined && parsed.month > options.to) return false;
    return true;
  };
}

/**
 * Reads each file's head and hash and decides whether and how it can be ingested. A gzip file
 * is expanded once, here, within the limits, to `expandTo` (a new path in a temporary folder):
 * DuckDB then reads that plain copy rather than decompressing the file a second time.
 */
export async function prepareFile(
  input: InputFile,
  options: PoliceUkIngestOptions,
  expandTo?: string,
): Promise<{ file?: PreparedFile; problem?: Problem }> {
  const at = { file: input.display };
  const inspection = await inspectFile(input.localPath, {
    display: input.display,
    ...(options.expansionLimits === undefined ? {} : { limits: options.expansionLimits }),
    ...(expandTo === undefined ? {} : { expandTo }),
  });
  if (inspection.bytes === 0) {
    return {
      problem: { ...at, message: 'the file is empty (0 bytes) (fix: download or copy it again)' },
    };
  }
  if (inspection.gzipError !== undefined) {
    return {
      problem: {
        ...at,
        message: `the gzip stream is damaged or cut short (${inspection.gzipError}) after ${inspection.contentBytes} bytes of content (fix: download or copy the file again)`,
      },
    };
  }
  const guess = describeContent(inspection.head, input.name);
  if (guess.kind === 'empty') {
    return {
      problem: { ...at, message: 'the file holds no text (fix: download or copy it again)' },
    };
  }
  if (guess.kind === 'other') {
    return {
      problem: {
        ...at,
        message: `this looks like ${guess.description}, not a police.uk CSV file (fix: give the street, outcomes or stop-and-search CSV files, or the police.uk archive ZIP)`,
      },
    };
  }
  const match = matchHeader(guess.header);
  if (match === undefined) {
    const shown = guess.header.slice(0, 6).join(', ') + (guess.header.length > 6 ? ', …' : '');
    const lower = guess.header.map((h) => h.toLowerCase());
    const hint = lower.some((h) => h === 'offence count' || h === 'number of offences')
      ? ' It looks like a Home Office recorded crime table; use `svd ingest home-office-csp`.'
      : '';
    return {
      problem: {
        ...at,
        line: 1,
        message: `a CSV file whose header (${shown}) is not a police.uk street, outcomes or stop-and-search header.${hint} (fix: check that this is the file you meant)`,
      },
    };
  }
  if (match.missingRequired.length > 0 || match.duplicated.length > 0) {
    const parts = [
      ...(match.missingRequired.length > 0
        ? [
            `lacks the column${match.missingRequired.length > 1 ? 's' : ''} ${match.missingRequired.map((c) => `"${c}"`).join(', ')}`,
          ]
        : []),
      ...(match.duplicated.length > 0
        ? [`repeats ${match.duplicated.map((c) => `"${c}"`).join(', ')}`]
        : []),
    ];
    return {
      problem: {
        ...at,
        line: 1,
        message: `the header of this police.uk ${match.format.dataset} file ${parts.join(' and ')} (fix: use the file as police.uk published it)`,
      },
    };
  }
  const headerMessages: BatchMessage[] = [];
  if (match.unknown.length > 0) {
    headerMessages.push({
      severity: 'warning',
      code: 'EXTRA_COLUMNS_DROPPED',
      message: `columns not in the police.uk layout were not stored: ${match.unknown.join(', ')}`,
      count: match.unknown.length,
      firstLine: 1,
    });
  }
  const named = parsePoliceUkFileName(input.name);
  const first: Record<string, string> = {};
  match.fileColumns.forEach((name, i) => {
    if (name !== undefined) first[name] = guess.firstRecord?.[i] ?? '';
  });
  let force = named?.force;
  if (force === undefined && first['reported_by'] !== undefined && first['reported_by'] !== '') {
    force = forceSlugFromName(first['reported_by']).slug;
  }
  force ??= options.defaultForce;
  if (force === undefined) {
    return {
      problem: {
        ...at,
        message: `cannot tell which force this ${match.format.dataset} file belongs to: its name does not follow police.uk's YYYY-MM-<force>-${match.format.dataset}.csv (fix: rename it so, or pass --force SLUG)`,
      },
    };
  }
  if (!isKnownForceSlug(force)) {
    headerMessages.push({
      severity: 'warning',
      code: 'UNKNOWN_FORCE',
      message: `"${force}" is not one of the police.uk forces; stored under that name`,
      count: 1,
    });
  }
  let monthHint = named?.month;
  if (monthHint === undefined) {
    const fromRow =
      match.format.dataset === 'stop-and-search'
        ? (first['date'] ?? '').slice(0, 7)
        : (first['month'] ?? '');
    if (MONTH_RE.test(fromRow)) monthHint = fromRow;
  }
  // A malformed first month is named by the full check; the hint only keys the file.
  monthHint ??= '0000-01';
  return {
    file: {
      input,
      sha256: inspection.sha256,
      bytes: inspection.bytes,
      gzip: inspection.gzip,
      readPath: inspection.expandedPath ?? input.localPath,
      match,
      force,
      monthHint,
      hasRows: guess.firstRecord !== undefined,
      estimatedRows: estimateRows(inspection.head, inspection.contentBytes),
      headerMessages,
    },
  };
}
