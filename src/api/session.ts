/**
 * Signing in, and who the dashboard is answering: the shapes of `/api/session`, of the audit
 * endpoints and of the assessment a reader with aggregate access is given
 * (docs/decisions/0074-sign-in-and-enforcement.md).
 */

/** The organisation a signed-in user belongs to, as the dashboard names it. */
export interface SessionOrganisation {
  id: string;
  name: string;
  /** Its role in the Duty: police, council-county, health, … */
  type: string;
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  /** partnership-admin, data-governance-lead, analyst, member or auditor. */
  role: string;
  organisation: SessionOrganisation;
}

/**
 * What the signed-in reader is shown:
 * - `live`: the dashboard's analyses, over the data their grants give at record level;
 * - `assessment`: the assessment only, every figure through disclosure control (aggregate access);
 * - `audit`: the audit log (auditors);
 * - `none`: no data (no agreement in force gives any).
 */
export type SessionView = 'live' | 'assessment' | 'audit' | 'none';

/** What one dataset of the workspace is to this reader. */
export interface SessionGrant {
  /** The dataset kind: police-uk, force-extract, istv, … */
  dataset: string;
  /** The organisation that supplied it (its controller), or null when not recorded. */
  supplier: string | null;
  /** record, pseudonymised-record, aggregate or none. */
  level: string;
  /** The agreement that gives it; null for the controller's own data or for none. */
  agreement: string | null;
  /** The smallest count shown at aggregate level (null: not limited). */
  minimumCell: number | null;
  /** Why, in words (e.g. "your organisation supplied it", "agreement X (aggregate)"). */
  reason: string;
}

/** `GET /api/session`. */
export type SessionAnswer =
  | {
      mode: 'local-single-user';
      signedIn: true;
      /** The words the header shows. */
      label: string;
    }
  | {
      mode: 'sign-in';
      signedIn: false;
      /** How one may sign in here: local accounts, the identity provider (with its label), or both. */
      methods: { local: boolean; oidc: { label: string } | null };
    }
  | {
      mode: 'sign-in';
      signedIn: true;
      user: SessionUser;
      /** Sent back as the `X-CSRF-Token` header with every request that is not a GET. */
      csrfToken: string;
      /** UTC, ISO 8601: when the session ends if nothing is done, and at the latest. */
      idleExpiresAt: string;
      expiresAt: string;
      view: SessionView;
      grants: SessionGrant[];
      /** May upload files (an analyst, a data-governance lead or an administrator). */
      canUpload: boolean;
    };

/** `POST /api/session`: a local account signs in. */
export interface LocalSignIn {
  email: string;
  password: string;
  /** The six-digit code of the authenticator app. */
  code: string;
}

/** An actor of the audit log as the dashboard shows it. */
export interface AuditActorAnswer {
  kind: 'local' | 'server' | 'user';
  name?: string;
  organisation?: string;
  userId?: string;
  role?: string;
}

export interface AuditEntryAnswer {
  /** `workspace` (the table) or `file` (the log beside a read-only workspace). */
  log: string;
  seq: number;
  at: string;
  actor: AuditActorAnswer;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  records: number | null;
  hash: string;
}

/** `GET /api/audit?action&since&until&limit`: newest first. */
export interface AuditAnswer {
  entries: AuditEntryAnswer[];
}

/** `GET /api/audit/verify`. */
export interface AuditVerifyAnswer {
  entries: number;
  intact: boolean;
  /** The first entry that does not match, in words, when the chain is broken. */
  broken: { log: string; seq: number; problem: string; message: string } | null;
}
