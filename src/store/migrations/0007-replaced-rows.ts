import type { Migration } from './migration.js';

/**
 * Rows of a police.uk batch that a later file replaced are kept, apart, so that the batch can be
 * brought back (`svd batches restore`): one table per police.uk table, with the same columns, which
 * no analysis reads. A later step that adds a column to `incidents`, `police_uk_outcomes` or
 * `police_uk_stop_searches` adds it here too (rows move between the two by column name, so a
 * forgotten column fails loudly rather than losing values). See
 * docs/decisions/0070-replacement-and-restore.md.
 */
export const replacedRows: Migration = {
  version: 7,
  name: 'replaced-rows',
  statements: [
    `CREATE TABLE replaced_incidents AS SELECT * FROM incidents LIMIT 0`,
    `CREATE TABLE replaced_police_uk_outcomes AS SELECT * FROM police_uk_outcomes LIMIT 0`,
    `CREATE TABLE replaced_police_uk_stop_searches AS SELECT * FROM police_uk_stop_searches LIMIT 0`,
  ],
};
