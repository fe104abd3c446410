/**
 * The document control of a report that goes to a board: who wrote it, which version it is, who
 * approved it, and its protective marking under the UK Government Security Classifications
 * (see docs/decisions/0065-board-paper.md). Every default is announced.
 */
import { usageError } from '../../core/errors.js';
import type { Reporter } from '../../core/reporter.js';
import type { Audience } from '../../disclosure/index.js';
import { storedPartnershipConfig } from '../../geo/partnershipConfig.js';
import type { Workspace } from '../../store/openWorkspace.js';

export interface Approval {
  role: string;
  name: string;
  /** YYYY-MM-DD, or empty. */
  date: string;
  decision: string;
}

export interface DocumentOptions {
  author?: string;
  version?: string;
  /** `ROLE;NAME;DATE;DECISION` rows (name, date and decision may be left out). */
  approvedBy?: string[];
  /** A marking, or `none`. */
  marking?: string;
}

export interface DocumentControl {
  author: string;
  version: string;
  approvals: Approval[];
  /** Shown at the top of the HTML and on every printed page; null: none shown. */
  marking: string | null;
}

export const DEFAULT_REPORT_VERSION = 'draft 0.1';

/**
 * Partner and analyst versions hold figures that are not published (small counts, health data
 * for partners only): OFFICIAL information needing extra care, marked OFFICIAL-SENSITIVE. The
 * public version is written to be published; published information carries no marking.
 */
export const DEFAULT_MARKING: Record<Audience, string | null> = {
  public: null,
  partner: 'OFFICIAL-SENSITIVE',
  analyst: 'OFFICIAL-SENSITIVE',
};

/** The rows a board fills in when no approval is given. */
export const APPROVAL_ROLES = [
  'Analyst (quality assurance)',
  'Serious Violence Duty lead',
  'Partnership board (chair)',
];

const MARKING = /^(OFFICIAL|OFFICIAL-SENSITIVE)(?: [A-Z][A-Z -]{0,40})?$/;

/** `OFFICIAL`, `OFFICIAL-SENSITIVE`, either with a descriptor (`OFFICIAL-SENSITIVE PERSONAL`), or `none`. */
export function parseMarking(value: string): string | null {
  const text = value.trim();
  if (text.toLowerCase() === 'none') return null;
  if (!MARKING.test(text))
    throw usageError(
      'BAD_MARKING',
      `--marking ${JSON.stringify(value)} is not a protective marking svd prints`,
      'give OFFICIAL or OFFICIAL-SENSITIVE (optionally with a descriptor in capitals, e.g. "OFFICIAL-SENSITIVE PERSONAL"), or none',
    );
  return text;
}

/** `ROLE;NAME;DATE;DECISION`: the role is needed, the rest may be left empty. */
export function parseApproval(value: string): Approval {
  const [role = '', name = '', date = '', decision = '', ...rest] = value
    .split(';')
    .map((s) => s.trim());
  const fix =
    'give ROLE;NAME;DATE;DECISION, e.g. "Partnership board (chair);A. Smith;2024-06-12;approved"';
  if (role === '' || rest.length > 0)
    throw usageError(
      'BAD_APPROVAL',
      `--approved-by ${JSON.stringify(value)} is not ROLE;NAME;DATE;DECISION`,
      fix,
    );
  if (date !== '' && !/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(date))
    throw usageError(
      'BAD_APPROVAL',
      `--approved-by ${JSON.stringify(value)}: the date ${JSON.stringify(date)} is not YYYY-MM-DD`,
      fix,
    );
  return { role, name, date, decision };
}

/** The partnership the workspace is configured for (e.g. "Safer Oxfordshire Partnership"). */
export async function workspacePartnership(ws: Workspace): Promise<string | null> {
  return (await storedPartnershipConfig(ws))?.config.name ?? null;
}

/**
 * The document control of the options, defaults filled in and announced. `owner`: the
 * workspace's partnership (else the report's area), whose analyst is the default author.
 */
export function resolveDocumentControl(
  options: DocumentOptions,
  audience: Audience,
  owner: string,
  reporter: Pick<Reporter, 'info'>,
): DocumentControl {
  let author = options.author?.trim();
  if (author === undefined || author === '') {
    author = `${owner} analyst`;
    reporter.info(`author: ${author} (--author to name the author)`);
  }
  let version = options.version?.trim();
  if (version === undefined || version === '') {
    version = DEFAULT_REPORT_VERSION;
    reporter.info(`report version: ${version} (--report-version to change)`);
  }
  let approvals: Approval[];
  if (options.approvedBy === undefined || options.approvedBy.length === 0) {
    approvals = APPROVAL_ROLES.map((role) => ({ role, name: '', date: '', decision: '' }));
    reporter.info(
      `approval table: ${APPROVAL_ROLES.join(', ')}, left empty to fill in (--approved-by "ROLE;NAME;DATE;DECISION" to give them)`,
    );
  } else approvals = options.approvedBy.map(parseApproval);
  let marking: string | null;
  if (options.marking === undefined) {
    marking = DEFAULT_MARKING[audience];
    reporter.info(
      marking === null
        ? `protective marking: none, as the ${audience} version is written to be published (--marking OFFICIAL to mark it)`
        : `protective marking: ${marking}, as the ${audience} version holds figures that are not published (--marking to change)`,
    );
  } else marking = parseMarking(options.marking);
  return { author, version, approvals, marking };
}
