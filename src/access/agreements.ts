/**
 * Data-sharing agreements as records, and what they grant
 * (docs/decisions/0073-sharing-agreements.md). An agreement is stored from its file; storing it
 * again with other terms adds a revision (the earlier ones are kept); a revocation ends it, every
 * revision, from its instant. `accessFor` says what a reader (an organisation and a role) may see
 * of a dataset at an instant; `svd serve --sign-in` enforces it on every answer
 * (src/app/access/readerScope.ts, src/server/accessGate.ts).
 */
import { listValue } from '@duckdb/node-api';
import type { Clock } from '../core/clock.js';
import { SvdError, quoteValue } from '../core/errors.js';
import { utcToLondon } from '../core/londonTime.js';
import type { Workspace } from '../store/openWorkspace.js';
import {
  LEVEL_RANK,
  readAgreementFile,
  type AgreementAudience,
  type AgreementTerms,
} from './agreementFile.js';
import type { Level } from './agreementVocabulary.js';
import { listOrganisations } from './organisations.js';
import type { Role } from './users.js';

export interface AgreementRevision {
  id: string;
  revision: number;
  title: string;
  /** UTC, ISO 8601. */
  recorded_at: string;
  file_name: string;
  content_hash: string;
  terms: AgreementTerms;
}

export interface Agreement extends AgreementRevision {
  /** How many revisions are kept (this is the latest). */
  revisions: number;
  status: 'active' | 'revoked';
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface StoredAgreement {
  agreement: Agreement;
  /** `added` (a new agreement), `revised` (a new revision), `unchanged` (same terms). */
  outcome: 'added' | 'revised' | 'unchanged';
}

interface RevisionRow {
  id: string;
  revision: number;
  title: string;
  recorded_at: string;
  file_name: string;
  content_hash: string;
  terms: string;
}

const SELECT_REVISIONS = `SELECT id, revision, title, file_name, content_hash,
    CAST(terms AS VARCHAR) AS terms,
    CAST(strftime(recorded_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS VARCHAR) AS recorded_at
  FROM agreements`;

function toRevision(row: RevisionRow): AgreementRevision {
  return { ...row, terms: JSON.parse(row.terms) as AgreementTerms };
}

async function revisionsOf(ws: Workspace, id: string): Promise<AgreementRevision[]> {
  const rows = await ws.db.all<RevisionRow>(
    `${SELECT_REVISIONS} WHERE id = $id ORDER BY revision`,
    { id },
  );
  return rows.map(toRevision);
}

async function revocationOf(
  ws: Workspace,
  id: string,
): Promise<{ revoked_at: string; reason: string } | undefined> {
  return ws.db.one(
    `SELECT CAST(strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS VARCHAR) AS revoked_at, reason
       FROM agreement_revocations WHERE id = $id`,
    { id },
  );
}

function assemble(
  revisions: AgreementRevision[],
  revocation: { revoked_at: string; reason: string } | undefined,
): Agreement {
  const latest = revisions.at(-1)!;
  return {
    ...latest,
    revisions: revisions.length,
    status: revocation === undefined ? 'active' : 'revoked',
    revoked_at: revocation?.revoked_at ?? null,
    revoked_reason: revocation?.reason ?? null,
  };
}

export async function findAgreement(ws: Workspace, id: string): Promise<Agreement | undefined> {
  const revisions = await revisionsOf(ws, id);
  if (revisions.length === 0) return undefined;
  return assemble(revisions, await revocationOf(ws, id));
}

export async function requireAgreement(ws: Workspace, id: string): Promise<Agreement> {
  const found = await findAgreement(ws, id);
  if (found !== undefined) return found;
  const known = (await listAgreements(ws)).map((a) => a.id);
  throw new SvdError({
    kind: 'usage',
    code: 'AGREEMENT_UNKNOWN',
    message: `there is no agreement ${quoteValue(id)}`,
    location: { field: 'agreement', value: id },
    fix:
      known.length === 0
        ? 'add one first with svd access agreement add FILE'
        : `give one of: ${known.join(', ')} (svd access agreement list)`,
  });
}

/** Every revision of an agreement, oldest first (for `show --revision`). */
export async function agreementRevisions(ws: Workspace, id: string): Promise<AgreementRevision[]> {
  await requireAgreement(ws, id);
  return revisionsOf(ws, id);
}

/** The agreements, each as its latest revision, revoked ones included. */
export async function listAgreements(ws: Workspace): Promise<Agreement[]> {
  const rows = await ws.db.all<RevisionRow>(`${SELECT_REVISIONS} ORDER BY id, revision`);
  const revocations = await ws.db.all<{ id: string; revoked_at: string; reason: string }>(
    `SELECT id, CAST(strftime(revoked_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS VARCHAR) AS revoked_at, reason
       FROM agreement_revocations`,
  );
  const byId = new Map<string, AgreementRevision[]>();
  for (const row of rows) {
    const list = byId.get(row.id) ?? [];
    list.push(toRevision(row));
    byId.set(row.id, list);
  }
  return [...byId.values()].map((revisions) =>
    assemble(
      revisions,
      revocations.find((r) => r.id === revisions[0]!.id),
    ),
  );
}

/**
 * Reads, checks and stores an agreement file: a new agreement, or a new revision of one with
 * other terms (the earlier revisions kept), or nothing when the terms are unchanged. A revoked
 * agreement is not revised: it stays ended, and a new agreement takes a new id.
 */
export async function storeAgreement(
  ws: Workspace,
  path: string,
  clock: Clock,
  label: string = path,
): Promise<StoredAgreement> {
  return ws.db.transaction(async () => {
    const organisations = await listOrganisations(ws);
    const { terms, contentHash, text } = readAgreementFile(path, { organisations }, label);
    const existing = await findAgreement(ws, terms.id);
    if (existing?.status === 'revoked')
      throw new SvdError({
        kind: 'usage',
        code: 'AGREEMENT_REVOKED',
        message: `agreement ${terms.id} was revoked on ${existing.revoked_at!.slice(0, 10)} (${existing.revoked_reason ?? ''}); a revoked agreement is not revised`,
        location: { file: label, field: 'id', value: terms.id },
        fix: 'give the new agreement an id of its own',
      });
    if (existing?.content_hash === contentHash)
      return { agreement: existing, outcome: 'unchanged' };
    const revision = (existing?.revisions ?? 0) + 1;
    await ws.db.run(
      `INSERT INTO agreements (id, revision, title, parties, level, start_date, review_date,
         expiry_date, terms, content_hash, file_text, file_name, recorded_at)
       VALUES ($id, $revision, $title, $parties, $level, CAST($start AS DATE),
         CAST($review AS DATE), CAST($expiry AS DATE), $terms, $hash, $text, $file, $at)`,
      {
        id: terms.id,
        revision,
        title: terms.title,
        parties: listValue(terms.parties.map((p) => p.organisation)),
        level: terms.level,
        start: terms.start,
        review: terms.review,
        expiry: terms.expiry,
        terms: JSON.stringify(terms),
        hash: contentHash,
        text,
        file: label,
        at: clock.now().toISOString(),
      },
    );
    return {
      agreement: (await findAgreement(ws, terms.id))!,
      outcome: existing === undefined ? 'added' : 'revised',
    };
  });
}

/** Revokes an agreement from now: it grants nothing from this instant. */
export async function revokeAgreement(
  ws: Workspace,
  id: string,
  reason: string,
  clock: Clock,
): Promise<Agreement> {
  return ws.db.transaction(async () => {
    const agreement = await requireAgreement(ws, id);
    if (reason.trim() === '')
      throw new SvdError({
        kind: 'usage',
        code: 'AGREEMENT_REASON_MISSING',
        message: 'a revocation needs a reason',
        location: { field: '--reason' },
        fix: 'say why, e.g. --reason "superseded by the 2027 agreement"',
      });
    if (agreement.status === 'revoked')
      throw new SvdError({
        kind: 'usage',
        code: 'AGREEMENT_ALREADY_REVOKED',
        message: `agreement ${id} was already revoked on ${agreement.revoked_at!.slice(0, 10)}`,
        location: { field: 'agreement', value: id },
        fix: 'nothing to do',
      });
    await ws.db.run(
      `INSERT INTO agreement_revocations (id, revoked_at, reason) VALUES ($id, $at, $reason)`,
      { id, at: clock.now().toISOString(), reason: reason.trim() },
    );
    return (await findAgreement(ws, id))!;
  });
}

// ---------------------------------------------------------------------------------------------
// What a reader may see

export interface Reader {
  organisation: string;
  role: Role;
}

export interface DatasetRef {
  /** The dataset kind (agreementFile DATASET_KINDS; a batch's source kind via datasetKindOf). */
  kind: string;
  /** The organisation that supplied it (its controller), when known. */
  supplier: string | null;
}

export interface Grant {
  /** `controller`: the reader's organisation supplied the data; `agreement`: an agreement. */
  basis: 'controller' | 'agreement';
  /** The agreement granting it (null for the controller's own data). */
  agreement: { id: string; revision: number; title: string } | null;
  level: Level;
  fields_withheld: string[];
  /** Area codes covered; null: no limit (the controller's own data). */
  geography: string[] | null;
  /** The smallest count shown; null: as computed (the controller's own data). */
  min_cell_size: number | null;
  /** Whom outputs drawn from the data may reach; the controller decides for its own. */
  audiences: AgreementAudience[] | null;
  /** Other agreements that also apply, less permissive (each a basis on its own). */
  also: string[];
}

export interface ConsideredAgreement {
  id: string;
  revision: number;
  applies: boolean;
  /** Why it applies or not, in words. */
  why: string;
}

export interface AccessDecision {
  reader: Reader;
  dataset: DatasetRef;
  /** UTC, ISO 8601. */
  at: string;
  /** The date in London the instant falls on, against which start and expiry are read. */
  date: string;
  grant: Grant | null;
  /** Why there is no grant, or how the role narrowed it. */
  note: string | null;
  considered: ConsideredAgreement[];
}

/** Roles that read data at the level granted; `member` reads outputs only; `auditor` the log. */
function capForRole(role: Role): Level | null {
  if (role === 'auditor') return null;
  if (role === 'member') return 'aggregate';
  return 'record';
}

function londonDate(at: Date): string {
  const d = utcToLondon(at.getTime());
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

/** Whether this revision's terms apply to the reader and dataset on `date`, and why. */
function judge(
  terms: AgreementTerms,
  reader: Reader,
  dataset: DatasetRef,
  date: string,
): { applies: boolean; why: string } {
  if (!terms.parties.some((p) => p.organisation === reader.organisation))
    return { applies: false, why: `${reader.organisation} is not a party` };
  const covers = terms.datasets.some(
    (d) => d.kind === dataset.kind && (d.supplier === null || d.supplier === dataset.supplier),
  );
  if (!covers)
    return {
      applies: false,
      why: `does not cover ${dataset.kind}${dataset.supplier === null ? '' : ` supplied by ${dataset.supplier}`}`,
    };
  if (date < terms.start)
    return { applies: false, why: `not yet in force (starts ${terms.start})` };
  if (date > terms.expiry) return { applies: false, why: `expired (${terms.expiry})` };
  return { applies: true, why: `in force ${terms.start} to ${terms.expiry}` };
}

/** More permissive first: the higher level, then fewer fields withheld, a smaller cell, the id. */
function morePermissive(a: AgreementTerms, b: AgreementTerms): number {
  return (
    LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
    a.fields_withheld.length - b.fields_withheld.length ||
    a.min_cell_size - b.min_cell_size ||
    a.id.localeCompare(b.id)
  );
}

/**
 * The effective grant of a reader on a dataset at an instant: the controller's own data at record
 * level; otherwise the most permissive of the agreements in force that name the reader's
 * organisation as a party and cover the dataset, taken whole (its level, fields withheld,
 * geography, minimum cell size) — never a mix of the terms of several; otherwise none. An
 * agreement revoked at or before the instant grants nothing; the revision that applies is the
 * latest recorded at or before the instant (the first, for an instant before it was recorded).
 * The role then narrows it: a member reads aggregates only, an auditor no data.
 */
export async function accessFor(
  ws: Workspace,
  reader: Reader,
  dataset: DatasetRef,
  at: Date,
): Promise<AccessDecision> {
  const date = londonDate(at);
  const base = { reader, dataset, at: at.toISOString(), date };
  const cap = capForRole(reader.role);
  if (cap === null)
    return {
      ...base,
      grant: null,
      note: 'an auditor reads the audit log, not the data',
      considered: [],
    };
  const narrow = (grant: Grant): { grant: Grant; note: string | null } =>
    LEVEL_RANK[grant.level] > LEVEL_RANK[cap]
      ? {
          grant: { ...grant, level: cap },
          note: `a ${reader.role} reads ${cap} figures only (granted to the organisation: ${grant.level})`,
        }
      : { grant, note: null };
  if (dataset.supplier !== null && dataset.supplier === reader.organisation)
    return {
      ...base,
      ...narrow({
        basis: 'controller',
        agreement: null,
        level: 'record',
        fields_withheld: [],
        geography: null,
        min_cell_size: null,
        audiences: null,
        also: [],
      }),
      considered: [],
    };
  const agreements = await listAgreements(ws);
  const considered: ConsideredAgreement[] = [];
  const applying: { terms: AgreementTerms; revision: number }[] = [];
  for (const agreement of agreements) {
    if (agreement.revoked_at !== null && agreement.revoked_at <= base.at) {
      considered.push({
        id: agreement.id,
        revision: agreement.revision,
        applies: false,
        why: `revoked ${agreement.revoked_at.slice(0, 10)}: ${agreement.revoked_reason ?? ''}`,
      });
      continue;
    }
    const revisions = await revisionsOf(ws, agreement.id);
    const inForce = revisions.filter((r) => r.recorded_at <= base.at).at(-1) ?? revisions[0]!;
    const verdict = judge(inForce.terms, reader, dataset, date);
    considered.push({ id: agreement.id, revision: inForce.revision, ...verdict });
    if (verdict.applies) applying.push({ terms: inForce.terms, revision: inForce.revision });
  }
  applying.sort((a, b) => morePermissive(a.terms, b.terms));
  const chosen = applying[0];
  if (chosen === undefined)
    return {
      ...base,
      grant: null,
      note: `no agreement in force names ${reader.organisation} as a party and covers ${dataset.kind}`,
      considered,
    };
  const t = chosen.terms;
  return {
    ...base,
    ...narrow({
      basis: 'agreement',
      agreement: { id: t.id, revision: chosen.revision, title: t.title },
      level: t.level,
      fields_withheld: t.fields_withheld,
      geography: t.geography,
      min_cell_size: t.min_cell_size,
      audiences: t.audiences,
      also: applying.slice(1).map((a) => a.terms.id),
    }),
    considered,
  };
}
