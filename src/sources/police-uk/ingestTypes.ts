/** The shapes shared by the police.uk ingest steps. */
import type { Clock } from '../../core/clock.js';
import type { ExpansionLimits } from '../../core/expansionLimits.js';
import type { Reporter } from '../../core/reporter.js';
import type { InputFile } from '../inputs/collectInputs.js';
import type { HeaderMatch, PoliceUkDataset } from './formats.js';
import type { LsoaVintage, LsoaVintageBasis } from '../../core/lsoaVintage.js';

export interface PoliceUkIngestOptions {
  /** Keep only files of these forces (police.uk slugs) when walking folders and archives. */
  forces?: readonly string[];
  /** Keep only months from…to (YYYY-MM, inclusive) when walking folders and archives. */
  from?: string;
  to?: string;
  datasets?: readonly PoliceUkDataset[];
  /** The force of files whose name and content do not say (stop-and-search files). */
  defaultForce?: string;
  /** Check everything, store nothing. */
  dryRun?: boolean;
  /**
   * Replace a force-month held even by markedly fewer rows (replacementShrinks.ts); without it such
   * a replacement is refused.
   */
  replace?: boolean;
  /** How far archives and .gz files may expand (default: `DEFAULT_EXPANSION_LIMITS`). */
  expansionLimits?: ExpansionLimits;
  reporter: Reporter;
  clock?: Clock;
}

export interface BatchMessage {
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
  count: number;
  firstLine?: number;
  field?: string;
  exampleValue?: string;
}

export interface Replacement {
  oldBatchId: number;
  force: string;
  month: string;
  rowsRemoved: number;
  rowsAdded: number;
}

/** `restored`: the file was a batch that a later file had replaced; its rows are back in use. */
export type FileStatus =
  'ingested' | 'restored' | 'already-ingested' | 'duplicate-in-run' | 'checked';

export interface FileOutcome {
  file: string;
  sha256: string;
  status: FileStatus;
  dataset: PoliceUkDataset;
  force: string;
  batchId?: number;
  /** For already-ingested files: the batch that holds them; for a restore checked: the batch. */
  existingBatchId?: number;
  rows: number;
  months: string[];
  lsoaVintage?: LsoaVintage | null;
  lsoaVintageBasis?: LsoaVintageBasis;
  /**
   * The rows this file's force-months held before, now set aside (restorable); for a restored
   * file, those of the batches that had replaced it.
   */
  replaced: Replacement[];
  messages: BatchMessage[];
}

export interface PoliceUkIngestReport {
  dryRun: boolean;
  files: FileOutcome[];
  skipped: { file: string; reason: string }[];
  rowsStored: number;
  /** Rows of replaced batches brought back into use because their file was given again. */
  rowsRestored: number;
  seconds: number;
  /** Seconds spent in each stage: inspect (hash, gzip check, header), load, checks, commit. */
  stages: Record<string, number>;
}

export interface PreparedFile {
  input: InputFile;
  sha256: string;
  bytes: number;
  gzip: boolean;
  /**
   * The file DuckDB reads: a gzip file's content as expanded once while it was inspected (in the
   * run's temporary folder), else the file itself.
   */
  readPath: string;
  match: HeaderMatch;
  force: string;
  monthHint: string;
  hasRows: boolean;
  /** Rows estimated from the content size, for progress only. */
  estimatedRows: number;
  headerMessages: BatchMessage[];
}

export interface StoredBatch {
  file: PreparedFile;
  batchId: number;
}
