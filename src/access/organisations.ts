/**
 * The organisations of the partnership: the duty holders of the Serious Violence Duty (police,
 * councils, health, fire, probation, youth justice), the PCC or violence reduction unit, and those
 * consulted (education, prisons, the voluntary sector). An organisation is retired, never deleted,
 * so that the batches it supplied and the audit log keep naming it.
 */
import type { Clock } from '../core/clock.js';
import { SvdError, quoteValue } from '../core/errors.js';
import type { Workspace } from '../store/openWorkspace.js';

export const ORGANISATION_TYPES = [
  'police',
  'council-county',
  'council-district',
  'council-unitary',
  'health',
  'fire',
  'probation',
  'youth-justice',
  'pcc-vru',
  'education',
  'prison',
  'voluntary-sector',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export interface Organisation {
  id: string;
  name: string;
  type: OrganisationType;
  /** UTC, ISO 8601. */
  created_at: string;
  retired_at: string | null;
}

export interface NewOrganisation {
  id: string;
  name: string;
  type: string;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function checkOrganisationType(type: string, field = '--org-type'): OrganisationType {
  if ((ORGANISATION_TYPES as readonly string[]).includes(type)) return type as OrganisationType;
  throw new SvdError({
    kind: 'usage',
    code: 'ORGANISATION_TYPE_UNKNOWN',
    message: `${quoteValue(type)} is not an organisation type`,
    location: { field, value: type },
    fix: `give one of: ${ORGANISATION_TYPES.join(', ')}`,
  });
}

function checkNew(org: NewOrganisation): { id: string; name: string; type: OrganisationType } {
  if (!ID_PATTERN.test(org.id))
    throw new SvdError({
      kind: 'usage',
      code: 'ORGANISATION_ID_INVALID',
      message: `${quoteValue(org.id)} is not an organisation id`,
      location: { field: '--org', value: org.id },
      fix: 'give a short id of lower-case letters, digits and hyphens, e.g. thames-valley-police',
    });
  const name = org.name.trim();
  if (name === '')
    throw new SvdError({
      kind: 'usage',
      code: 'ORGANISATION_NAME_MISSING',
      message: 'the organisation has no name',
      location: { field: '--org-name' },
      fix: 'give its name, e.g. --org-name "Thames Valley Police"',
    });
  return { id: org.id, name, type: checkOrganisationType(org.type) };
}

const SELECT = `SELECT id, name, type,
    CAST(strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS created_at,
    CAST(strftime(retired_at, '%Y-%m-%dT%H:%M:%SZ') AS VARCHAR) AS retired_at
  FROM organisations`;

/** Inserts the organisation; call inside a transaction. */
export async function insertOrganisation(
  ws: Workspace,
  org: NewOrganisation,
  clock: Clock,
): Promise<Organisation> {
  const checked = checkNew(org);
  const existing = await findOrganisation(ws, checked.id);
  if (existing !== undefined)
    throw new SvdError({
      kind: 'usage',
      code: 'ORGANISATION_EXISTS',
      message: `there is already an organisation ${checked.id} (${existing.name})`,
      location: { field: '--org', value: checked.id },
      fix: 'choose another id, or use the organisation that exists',
    });
  await ws.db.run(
    `INSERT INTO organisations (id, name, type, created_at) VALUES ($id, $name, $type, $at)`,
    { ...checked, at: clock.now().toISOString() },
  );
  return (await findOrganisation(ws, checked.id))!;
}

export async function addOrganisation(
  ws: Workspace,
  org: NewOrganisation,
  clock: Clock,
): Promise<Organisation> {
  return ws.db.transaction(() => insertOrganisation(ws, org, clock));
}

export async function listOrganisations(ws: Workspace): Promise<Organisation[]> {
  return ws.db.all<Organisation>(`${SELECT} ORDER BY id`);
}

export async function findOrganisation(
  ws: Workspace,
  id: string,
): Promise<Organisation | undefined> {
  return ws.db.one<Organisation>(`${SELECT} WHERE id = $id`, { id });
}

export async function requireOrganisation(
  ws: Workspace,
  id: string,
  field = '--org',
): Promise<Organisation> {
  const org = await findOrganisation(ws, id);
  if (org !== undefined) return org;
  const known = (await listOrganisations(ws)).map((o) => o.id);
  throw new SvdError({
    kind: 'usage',
    code: 'ORGANISATION_UNKNOWN',
    message: `there is no organisation ${quoteValue(id)}`,
    location: { field, value: id },
    fix:
      known.length === 0
        ? 'add it first with svd access org add'
        : `give one of: ${known.join(', ')} (svd access org list), or add it with svd access org add`,
  });
}

/**
 * Retires an organisation: it stays in the record but takes no new users. Refused while it has
 * active users (disable them first) and when already retired.
 */
export async function retireOrganisation(
  ws: Workspace,
  id: string,
  clock: Clock,
): Promise<Organisation> {
  return ws.db.transaction(async () => {
    const org = await requireOrganisation(ws, id, 'organisation');
    if (org.retired_at !== null)
      throw new SvdError({
        kind: 'usage',
        code: 'ORGANISATION_RETIRED',
        message: `${id} was already retired on ${org.retired_at.slice(0, 10)}`,
        location: { field: 'organisation', value: id },
        fix: 'nothing to do',
      });
    const active =
      (await ws.db.value<number>(
        `SELECT count(*) FROM users WHERE organisation = $id AND status = 'active'`,
        { id },
      )) ?? 0;
    if (active > 0)
      throw new SvdError({
        kind: 'usage',
        code: 'ORGANISATION_HAS_ACTIVE_USERS',
        message: `${id} still has ${active} active user${active === 1 ? '' : 's'}`,
        location: { field: 'organisation', value: id },
        fix: `disable them first (svd access user list --org ${id}; svd access user disable <email>)`,
      });
    await ws.db.run(`UPDATE organisations SET retired_at = $at WHERE id = $id`, {
      id,
      at: clock.now().toISOString(),
    });
    return (await findOrganisation(ws, id))!;
  });
}
