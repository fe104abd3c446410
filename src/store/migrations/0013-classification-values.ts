import type { Migration } from './migration.js';

/**
 * A classification kept once per combination of the values its definition reads, not once per
 * record (docs/decisions/0084-classification-values.md). The mask of a record depends on those
 * values and on nothing else; writing it for each of ten million records took four fifths of
 * `svd classify`. From here:
 *
 * - `classification_values` lists, per definition version classified since, the table that holds
 *   its combinations (`classification_values_N`: the columns read, and the mask), the columns it
 *   joins on, and the highest record id held when it was classified: a record added later is
 *   unclassified until the next `svd classify`, as before;
 * - `incident_classification_rows` is the old table, renamed: what was classified before this
 *   step, kept per record until that version is classified again;
 * - `incident_classifications`, which every reader reads, is a view of both, rebuilt by
 *   `src/store/classificationTables.ts` whenever a classification is kept. Here it holds the rows
 *   alone, as there are no combinations yet.
 */
export const classificationValues: Migration = {
  version: 13,
  name: 'classification-values',
  statements: [
    `ALTER TABLE incident_classifications RENAME TO incident_classification_rows`,
    `CREATE SEQUENCE classification_values_seq START 1`,
    `CREATE TABLE classification_values (
      definition_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      value_table VARCHAR NOT NULL,
      columns VARCHAR[] NOT NULL,
      through_id BIGINT NOT NULL
    )`,
    `CREATE VIEW incident_classifications AS
      SELECT definition_id, version, incident_id, mask FROM incident_classification_rows`,
  ],
};
