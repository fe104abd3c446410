/**
 * What the audit log records of each use case: file names (never folders of the machine),
 * sha256, batches, rows stored and rejected, statuses, parameters. Never record contents,
 * identifiers or keys (docs/decisions/0071-audit-log.md).
 */
import path from 'node:path';
import type { ClassifyReport } from '../definitions/classifyIncidents.js';
import type { LoadBoundariesReport } from '../geo/loadBoundaries.js';
import type { PopulationLoadReport } from '../geo/population/loadPopulation.js';
import type { PartnerRunReport } from '../sources/partner/partnerBatch.js';
import type { PoliceUkIngestReport } from '../sources/police-uk/ingestTypes.js';
import {
  appendAuditFile,
  auditFilePath,
  type AuditActor,
  type AuditDetail,
} from '../store/auditLog.js';
import type { AuditOutcome } from './audited.js';
import type { StoredAgreement } from '../access/agreements.js';
import type { UserWithSecret } from '../access/users.js';
import type { RestoreBatchReport } from './restoreBatch.js';
import type { UploadReport } from './ingestUpload.js';

/** A file's name without the folders it was in. */
export const fileName = (file: string): string => path.basename(file);

/** What an ingest was asked to read, for a refusal (nothing else is known then). */
export function ingestAttempt(kind: string, files: readonly string[]): AuditOutcome {
  return { target: kind, detail: { files: files.map(fileName) } };
}

export function policeUkIngestOutcome(report: PoliceUkIngestReport): AuditOutcome | undefined {
  if (report.dryRun) return undefined;
  return {
    target: 'police-uk',
    records: report.rowsStored + report.rowsRestored,
    unchanged: !report.files.some((f) => f.status === 'ingested' || f.status === 'restored'),
    detail: {
      rowsStored: report.rowsStored,
      rowsRestored: report.rowsRestored,
      files: report.files.map((f) => ({
        file: fileName(f.file),
        sha256: f.sha256,
        batch: f.batchId ?? f.existingBatchId ?? null,
        dataset: f.dataset,
        force: f.force,
        months: f.months.length === 0 ? [] : [f.months[0], f.months.at(-1)],
        rowsStored: f.status === 'ingested' || f.status === 'restored' ? f.rows : 0,
        status: f.status,
        replaced: [...new Set(f.replaced.map((r) => r.oldBatchId))],
      })),
    },
  };
}

export function partnerIngestOutcome(report: PartnerRunReport): AuditOutcome | undefined {
  if (report.dryRun) return undefined;
  return {
    target: report.sourceKind,
    records: report.rowsStored,
    unchanged: !report.files.some((f) => f.status === 'ingested'),
    detail: {
      rowsStored: report.rowsStored,
      maxErrors: report.maxErrors,
      files: report.files.map((f) => ({
        file: fileName(f.file),
        sha256: f.sha256,
        batch: f.batchId ?? f.existingBatchId ?? null,
        rowsRead: f.rowsRead,
        rowsStored: f.rowsStored,
        rowsRejected: f.rowsRejected,
        status: f.status,
      })),
    },
  };
}

export function restoreOutcome(report: RestoreBatchReport): AuditOutcome {
  return {
    target: `batch ${report.batchId}`,
    records: report.rows,
    detail: {
      batch: report.batchId,
      file: fileName(report.file),
      dataset: report.dataset,
      force: report.force,
      months: report.months,
      rowsRestored: report.rows,
      setAside: report.setAside.map((s) => ({
        batch: s.oldBatchId,
        force: s.force,
        month: s.month,
        rows: s.rowsRemoved,
      })),
      reclassified: report.reclassified,
    },
  };
}

export function classifyOutcome(report: ClassifyReport): AuditOutcome {
  const d = report.definition;
  return {
    target: `${d.id}@${d.version}`,
    records: report.records,
    detail: {
      definition: d.id,
      version: d.version,
      added: report.added,
      tiers: report.tiers,
      classifiedAt: report.classifiedAt,
    },
  };
}

/**
 * A report written: recorded in the log beside the workspace, since reports hold the workspace
 * read-only (they run beside svd serve) and so cannot write to it.
 */
export function recordReportWritten(
  workspacePath: string,
  actor: AuditActor,
  detail: AuditDetail & { kind: string },
  at: Date = new Date(),
): void {
  appendAuditFile(
    auditFilePath(workspacePath),
    { actor, action: 'report-write', target: detail.kind, detail },
    at,
  );
}

/** A file given through the dashboard: as an ingest of its kind, with what was classified again. */
export function uploadOutcome(upload: UploadReport): AuditOutcome | undefined {
  const outcome =
    upload.kind === 'police-uk'
      ? policeUkIngestOutcome(upload.report)
      : partnerIngestOutcome(upload.report);
  return outcome === undefined
    ? undefined
    : { ...outcome, detail: { ...outcome.detail, reclassified: upload.reclassified } };
}

export function boundariesOutcome(report: LoadBoundariesReport): AuditOutcome {
  return {
    target: `boundaries:${report.level}`,
    records: report.areas,
    unchanged: report.status === 'already-loaded',
    detail: {
      level: report.level,
      status: report.status,
      files: report.files.map((f) => ({
        file: fileName(f.file),
        sha256: f.sha256,
        batch: f.batchId,
        areas: f.features,
      })),
      superseded: report.supersededBatches,
    },
  };
}

export function populationOutcome(report: PopulationLoadReport): AuditOutcome {
  return {
    target: `population:${report.dataset}`,
    records: report.rows,
    detail: {
      file: fileName(report.file),
      dataset: report.dataset,
      batch: report.batchId,
      level: report.level,
      year: report.year,
      areas: report.areas,
      rowsStored: report.rows,
    },
  };
}

/** An agreement stored from its file: added, revised, or unchanged (the same terms again). */
export function agreementOutcome(r: StoredAgreement): AuditOutcome {
  return {
    target: r.agreement.id,
    action: r.outcome === 'revised' ? 'agreement-revise' : 'agreement-add',
    unchanged: r.outcome === 'unchanged',
    detail: {
      revision: r.agreement.revision,
      level: r.agreement.terms.level,
      parties: r.agreement.terms.parties.map((p) => p.organisation),
      contentHash: r.agreement.content_hash,
    },
  };
}

/** A user made: their organisation and role, and whether they have a local account. */
export function userAddOutcome(r: UserWithSecret): AuditOutcome {
  return {
    target: r.user.id,
    detail: { organisation: r.user.organisation, role: r.user.role, local: r.user.local },
  };
}
