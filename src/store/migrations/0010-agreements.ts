import type { Migration } from './migration.js';

/**
 * Data-sharing agreements (docs/decisions/0073-sharing-agreements.md): each revision of an
 * agreement is a row of its own (an edit adds a revision; nothing is overwritten), with the terms
 * as checked (JSON, every default filled in), the file as written and its hash; the columns the
 * grant is worked out from are repeated beside it. A revocation applies to the agreement, every
 * revision, from its instant. The server does not enforce agreements yet.
 */
export const agreements: Migration = {
  version: 10,
  name: 'agreements',
  statements: [
    `CREATE TABLE agreements (
       id VARCHAR NOT NULL,
       revision INTEGER NOT NULL,
       title VARCHAR NOT NULL,
       parties VARCHAR[] NOT NULL,
       level VARCHAR NOT NULL,
       start_date DATE NOT NULL,
       review_date DATE NOT NULL,
       expiry_date DATE NOT NULL,
       terms JSON NOT NULL,
       content_hash VARCHAR NOT NULL,
       file_text VARCHAR NOT NULL,
       file_name VARCHAR NOT NULL,
       recorded_at TIMESTAMP NOT NULL,
       PRIMARY KEY (id, revision))`,
    `CREATE TABLE agreement_revocations (
       id VARCHAR PRIMARY KEY,
       revoked_at TIMESTAMP NOT NULL,
       reason VARCHAR NOT NULL)`,
  ],
};
