import type { Migration } from './migration.js';

/**
 * Who did what to the workspace, append-only and hash-chained: each row's hash is the sha256 of
 * the previous row's hash and the canonical JSON of the row itself, so an edited, removed or
 * reordered row is found by `svd audit verify`. `actor` is JSON so that signed-in users
 * (organisation, user id, role) fit beside today's local user without a schema change. Only
 * `src/store/auditLog.ts` writes here, and only ever INSERTs. See docs/decisions/0071-audit-log.md.
 */
export const auditLog: Migration = {
  version: 8,
  name: 'audit-log',
  statements: [
    `CREATE TABLE audit_log (
       seq BIGINT PRIMARY KEY,
       "at" TIMESTAMP NOT NULL,
       actor JSON NOT NULL,
       action VARCHAR NOT NULL,
       target VARCHAR,
       detail JSON NOT NULL,
       records BIGINT,
       prev_hash VARCHAR NOT NULL,
       hash VARCHAR NOT NULL)`,
  ],
};
