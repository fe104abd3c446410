/**
 * A partnership in a test workspace: three organisations (the police force, which supplies the
 * police records; Oxford City Council, which receives them for Oxford under the example
 * agreement; the hospital trust, which supplies the A&E data), their users with local accounts,
 * and the controller of every batch. Passwords and TOTP secrets are returned so a test can sign in.
 */
import path from 'node:path';
import { base32Decode, totp } from '../../src/access/totp.js';
import { addOrganisation } from '../../src/access/organisations.js';
import { addUser, setupAccess } from '../../src/access/users.js';
import { storeAgreement } from '../../src/access/agreements.js';
import type { Clock } from '../../src/core/clock.js';
import { openWorkspace } from '../../src/store/openWorkspace.js';
import { REPO } from './paths.js';

export const PASSWORD = 'correct horse battery staple';
export const AGREEMENT_FILE = path.join(
  REPO,
  'examples',
  'agreements',
  'oxfordshire-violence-sharing.yaml',
);
/** Oxford, the district the example agreement covers. */
export const OXFORD = 'E07000178';

export const PEOPLE = {
  admin: { org: 'tvp', role: 'partnership-admin', email: 'admin@tvp.example' },
  policeAnalyst: { org: 'tvp', role: 'analyst', email: 'analyst@tvp.example' },
  cityAnalyst: { org: 'oxford-city', role: 'analyst', email: 'analyst@oxford.example' },
  cityMember: { org: 'oxford-city', role: 'member', email: 'member@oxford.example' },
  healthAnalyst: { org: 'ouh', role: 'analyst', email: 'analyst@ouh.example' },
  auditor: { org: 'ouh', role: 'auditor', email: 'auditor@ouh.example' },
} as const;
export type Person = keyof typeof PEOPLE;

export interface Partnership {
  /** Each person's TOTP secret (base32). */
  secrets: Record<Person, string>;
}

const secretOf = (uri: string | null): string => new URL(uri!).searchParams.get('secret')!;

/** Adds the partnership to the workspace file (closed again afterwards). */
export async function addPartnership(db: string, clock: Clock): Promise<Partnership> {
  const ws = await openWorkspace(db, { create: false });
  try {
    const secrets = {} as Record<Person, string>;
    const admin = await setupAccess(
      ws,
      {
        organisation: { id: 'tvp', name: 'Thames Valley Police', type: 'police' },
        name: 'Sam Admin',
        email: PEOPLE.admin.email,
        password: PASSWORD,
      },
      clock,
    );
    secrets.admin = secretOf(admin.totpUri);
    await addOrganisation(
      ws,
      { id: 'oxford-city', name: 'Oxford City Council', type: 'council-district' },
      clock,
    );
    await addOrganisation(
      ws,
      { id: 'ouh', name: 'Oxford University Hospitals', type: 'health' },
      clock,
    );
    for (const [who, p] of Object.entries(PEOPLE) as [Person, (typeof PEOPLE)[Person]][]) {
      if (who === 'admin') continue;
      const made = await addUser(
        ws,
        { organisation: p.org, name: who, email: p.email, role: p.role, password: PASSWORD },
        clock,
      );
      secrets[who] = secretOf(made.totpUri);
    }
    await storeAgreement(ws, AGREEMENT_FILE, clock);
    // The controller of each batch: the force supplies police records, the trust the A&E data.
    await ws.db.run(
      `INSERT INTO batch_owner
         SELECT batch_id, CASE WHEN source_kind LIKE 'istv%' THEN 'ouh' ELSE 'tvp' END
           FROM batches
          WHERE source_kind LIKE 'police-uk%' OR source_kind IN ('force-extract', 'istv', 'istv-counts')`,
    );
    return { secrets };
  } finally {
    ws.close();
  }
}

/** The authenticator code of a secret at an instant. */
export function codeAt(secret: string, at: Date): string {
  return totp(base32Decode(secret)!, Math.floor(at.getTime() / 1000));
}
