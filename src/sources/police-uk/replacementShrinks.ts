/**
 * When a file for a force-month already held carries markedly fewer rows than are held, it is more
 * likely a cut-short or partial copy than a re-publication (police.uk re-publishes a month to add
 * late records or reclassify a few), so the replacement is refused unless the person says it is
 * meant (`--replace`). See docs/decisions/0070-replacement-and-restore.md.
 */
import { SvdError } from '../../core/errors.js';
import type { PoliceUkDataset } from './formats.js';

/** A replacement is refused when the rows given are fewer than this share of the rows held. */
export const SHRINK_RATIO = 0.9;

export interface ForceMonthReplacement {
  /** The file that brings the new rows (for a restore: the restored batch's file). */
  file: string;
  dataset: PoliceUkDataset;
  force: string;
  month: string;
  /** Rows in use for the force-month now, and the batches holding them. */
  held: number;
  heldBatches: number[];
  /** Rows that would take their place. */
  given: number;
}

export function shrinks(r: Pick<ForceMonthReplacement, 'held' | 'given'>): boolean {
  return r.given < SHRINK_RATIO * r.held;
}

const n = (v: number): string => v.toLocaleString('en-GB');

function describe(r: ForceMonthReplacement): string {
  const batches = r.heldBatches.join(', ');
  const share = (100 * r.given) / r.held;
  return `would replace ${r.force} ${r.dataset} ${r.month}, held with ${n(r.held)} rows (batch ${batches}), by ${n(r.given)} rows (${share < 1 ? 'under 1' : Math.floor(share)}% of them)`;
}

/**
 * The refusal of replacements that shrink a force-month (kind input, REPLACEMENT_SHRINKS): each
 * with its file, force, month and the rows held and given; `via` says how to go ahead anyway.
 */
export class ReplacementShrinksError extends SvdError {
  constructor(
    readonly found: readonly ForceMonthReplacement[],
    via: 'command' | 'upload' = 'command',
  ) {
    const first = found[0]!;
    const held = [...new Set(found.flatMap((r) => r.heldBatches))].sort((a, b) => a - b);
    const goAhead =
      via === 'command'
        ? 'if the smaller file is right, run the command again with --replace'
        : 'if the smaller file is right, ingest it with the command line: svd ingest police-uk --replace FILE';
    super({
      kind: 'input',
      code: 'REPLACEMENT_SHRINKS',
      message:
        found.length === 1
          ? `${describe(first)}: fewer than ${Math.round(SHRINK_RATIO * 100)}% of the rows held, so not taken as a re-publication; nothing was stored`
          : `${found.length} force-months would be replaced by fewer than ${Math.round(SHRINK_RATIO * 100)}% of the rows held; nothing was stored`,
      location: { file: first.file },
      problems: found.map((r) => ({ file: r.file, message: describe(r) })),
      fix: `check the download: a file cut short or filtered holds fewer rows than police.uk published — download or copy it again; ${goAhead} (the rows held now are kept apart, and svd batches restore ${held.length === 1 ? held[0] : 'BATCH'} brings them back)`,
    });
  }

  /** The same refusal, for a face without --replace (the dashboard's upload). */
  forUpload(): ReplacementShrinksError {
    return new ReplacementShrinksError(this.found, 'upload');
  }
}
