/**
 * The effects around the pure generators: read the police.uk anchors, generate, and write the
 * file atomically (a temporary file renamed into place), never over an existing file unless asked.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { SvdError } from '../../core/errors.js';
import { utcToLondon } from '../../core/londonTime.js';
import type { Reporter } from '../../core/reporter.js';
import { SYNTH_CRIME_TYPES } from './rates.js';
import { readPoliceUkAnchors, type AnchorSet } from './readPoliceUkAnchors.js';
import { synthForceExtract } from './synthForceExtract.js';
import { synthIstv } from './synthIstv.js';

export type SynthKind = 'force-extract' | 'istv';

export interface SynthFileOptions {
  kind: SynthKind;
  from: readonly string[];
  seed: number;
  out: string;
  overwrite?: boolean;
  reporter: Reporter;
}

export interface SynthFileReport {
  kind: SynthKind;
  out: string;
  seed: number;
  synthetic: true;
  rows: number;
  /** Rows per month (by committed-from date for the extract, arrival date for ISTV). */
  months: Record<string, number>;
  anchors: AnchorSet['files'];
  crimeTypes: readonly string[];
  mapping: string;
}

export async function writeSyntheticFile(options: SynthFileOptions): Promise<SynthFileReport> {
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new SvdError({
      kind: 'usage',
      code: 'BAD_SEED',
      message: `--seed ${options.seed} is not a whole number from 0 to 4294967295`,
      fix: 'give a seed such as --seed 1; the same seed gives the same file',
    });
  }
  if (existsSync(options.out) && options.overwrite !== true) {
    throw new SvdError({
      kind: 'usage',
      code: 'OUT_EXISTS',
      message: 'the output file exists; it was left untouched',
      location: { file: options.out },
      fix: 'choose another --out, or pass --overwrite to replace it',
    });
  }
  const set = await readPoliceUkAnchors(options.from, SYNTH_CRIME_TYPES);
  options.reporter.info(
    `anchoring on ${set.anchors.length.toLocaleString('en-GB')} police.uk rows (${SYNTH_CRIME_TYPES.join(', ')}) from ${set.files.length} file(s); seed ${options.seed}`,
  );
  const months: Record<string, number> = {};
  let text: string;
  let rows: number;
  if (options.kind === 'force-extract') {
    const r = synthForceExtract(set.anchors, { seed: options.seed });
    for (const i of r.incidents)
      months[i.from.date.slice(0, 7)] = (months[i.from.date.slice(0, 7)] ?? 0) + 1;
    text = r.text;
    rows = r.rows;
  } else {
    const r = synthIstv(set.anchors, { seed: options.seed });
    for (const a of r.attendances) {
      const l = utcToLondon(a.arrivalUtcMs);
      const m = `${l.year}-${String(l.month).padStart(2, '0')}`;
      months[m] = (months[m] ?? 0) + 1;
    }
    text = r.text;
    rows = r.rows;
  }
  const temp = `${options.out}.tmp-${process.pid}`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, options.out);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new SvdError({
      kind: 'usage',
      code: 'OUT_NOT_WRITTEN',
      message: `cannot write the output file (${error instanceof Error ? error.message : String(error)})`,
      location: { file: options.out },
      fix: 'check that the folder exists and is writable',
    });
  }
  return {
    kind: options.kind,
    out: options.out,
    seed: options.seed,
    synthetic: true,
    rows,
    months: Object.fromEntries(Object.entries(months).sort()),
    anchors: set.files,
    crimeTypes: SYNTH_CRIME_TYPES,
    mapping: options.kind === 'force-extract' ? 'svd-synthetic' : 'istv-minimum-data-set',
  };
}
