/**
 * A file given through the dashboard: ingested by the same function as `svd ingest …` of its
 * kind, then the derived data brought up to date in the same way the commands do it — every new
 * record placed in its areas, and every definition the workspace was classified under classified
 * again, so that the pages count the new records at once rather than as "unclassified". A police.uk
 * file that would replace a held force-month by markedly fewer rows is refused, with a fix that
 * points to the command line (`--replace` is not offered here); a replaced batch's file restores it.
 */
import type { Reporter } from '../core/reporter.js';
import { usageError } from '../core/errors.js';
import { expansionLimits } from '../core/expansionLimits.js';
import { reclassifyHeld, refreshDerivedDataWhenAreasHeld } from './deriveData.js';
import { ingestForceExtract } from '../sources/force-extract/ingestForceExtract.js';
import { ingestIstv } from '../sources/istv/ingestIstv.js';
import type { PartnerRunReport } from '../sources/partner/partnerBatch.js';
import { defaultKeyFile } from '../sources/partner/pseudonymKey.js';
import { ingestPoliceUk, type PoliceUkIngestReport } from '../sources/police-uk/ingestPoliceUk.js';
import { ReplacementShrinksError } from '../sources/police-uk/replacementShrinks.js';
import type { Workspace } from '../store/openWorkspace.js';

export const UPLOAD_KINDS = ['police-uk', 'force-extract', 'istv'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

export interface UploadOptions {
  kind: UploadKind;
  /** The file as stored on disk by the server. */
  file: string;
  /** A built-in mapping name (force extracts; default svd-synthetic). Never a path. */
  mapping?: string;
  maxErrors?: number;
  reporter: Reporter;
  env?: NodeJS.ProcessEnv;
}

export type UploadReport =
  | { kind: 'police-uk'; report: PoliceUkIngestReport; reclassified: string[] }
  | { kind: 'force-extract' | 'istv'; report: PartnerRunReport; reclassified: string[] };

export function parseUploadKind(value: string): UploadKind {
  if ((UPLOAD_KINDS as readonly string[]).includes(value)) return value as UploadKind;
  throw usageError('BAD_KIND', `unknown kind of file "${value}"`, `use ${UPLOAD_KINDS.join(', ')}`);
}

export async function ingestUpload(ws: Workspace, options: UploadOptions): Promise<UploadReport> {
  const { reporter } = options;
  const maxErrors = options.maxErrors ?? 0;
  const env = options.env ?? process.env;
  // The server's environment sets the limits, as for the command line ($SVD_MAX_EXPANDED_BYTES…).
  const limits = expansionLimits({}, env);
  let result: UploadReport;
  switch (options.kind) {
    case 'police-uk':
      result = {
        kind: 'police-uk',
        report: await ingestPoliceUk(ws, [options.file], {
          reporter,
          expansionLimits: limits,
        }).catch((error: unknown) => {
          // There is no --replace here: a replacement by markedly fewer rows is for the command line.
          throw error instanceof ReplacementShrinksError ? error.forUpload() : error;
        }),
        reclassified: [],
      };
      break;
    case 'force-extract': {
      const keyFile = defaultKeyFile(ws.path, env);
      result = {
        kind: 'force-extract',
        report: await ingestForceExtract(ws, [options.file], {
          mapping: options.mapping ?? 'svd-synthetic',
          maxErrors,
          reporter,
          expansionLimits: limits,
          ...(keyFile === undefined ? {} : { keyFile }),
        }),
        reclassified: [],
      };
      break;
    }
    case 'istv':
      result = {
        kind: 'istv',
        report: await ingestIstv(ws, [options.file], {
          maxErrors,
          reporter,
          expansionLimits: limits,
        }),
        reclassified: [],
      };
      break;
  }
  await refreshDerivedDataWhenAreasHeld(ws, { reporter });
  if (result.kind !== 'istv') result.reclassified.push(...(await reclassifyHeld(ws, reporter)));
  return result;
}
