import type { Migration } from './migration.js';

/**
 * Definitions of serious violence stored by content hash, and the classification of every
 * incident under a definition version: a bit mask of the rules it matched per incident, and one
 * row per distinct mask with what it means (tier, all tiers, rule ids, exclusions).
 */
export const definitions: Migration = {
  version: 3,
  name: 'definitions',
  statements: [
    `CREATE TABLE definitions (
      definition_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      content_hash VARCHAR NOT NULL,
      title VARCHAR NOT NULL,
      coverage VARCHAR NOT NULL,
      effective_from DATE NOT NULL,
      origin VARCHAR NOT NULL,
      source_text VARCHAR NOT NULL,
      stored_at TIMESTAMP NOT NULL,
      software_version VARCHAR NOT NULL,
      PRIMARY KEY (definition_id, version)
    )`,
    `CREATE SEQUENCE classification_run_seq START 1`,
    `CREATE TABLE classification_runs (
      run_id INTEGER NOT NULL,
      definition_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      content_hash VARCHAR NOT NULL,
      classified_at TIMESTAMP NOT NULL,
      records BIGINT NOT NULL,
      in_tiers BIGINT NOT NULL,
      software_version VARCHAR NOT NULL
    )`,
    // No keys on the two tables below: a re-run deletes and re-inserts the same rows in one
    // transaction, which DuckDB's index checks would refuse.
    `CREATE TABLE classification_patterns (
      definition_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      mask HUGEINT NOT NULL,
      tier VARCHAR,
      status VARCHAR NOT NULL,
      tiers VARCHAR[] NOT NULL,
      rules VARCHAR[] NOT NULL,
      excluded_by VARCHAR[] NOT NULL
    )`,
    `CREATE TABLE incident_classifications (
      definition_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      incident_id BIGINT NOT NULL,
      mask HUGEINT NOT NULL
    )`,
    `CREATE VIEW incident_tiers AS
      SELECT c.definition_id, c.version, c.incident_id, p.tier, p.status, p.tiers, p.rules,
        p.excluded_by
      FROM incident_classifications c
      JOIN classification_patterns p
        ON p.definition_id = c.definition_id AND p.version = c.version AND p.mask = c.mask`,
  ],
};
