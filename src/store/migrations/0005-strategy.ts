import type { Migration } from './migration.js';

/**
 * The partnership's strategy and its reviews. The strategy is kept as whole documents, one
 * revision per change (an import, an action's status or a progress update), so that the file
 * exported is always the strategy as it stands and every earlier state can be shown. A review is
 * opened, gathers commentary, action status changes and the consultation log (s8(4)), and on
 * closing freezes every measure's figures with the provenance of the data they came from: nothing
 * later (an ingest, a definition edit, a strategy import) changes a closed review.
 */
export const strategy: Migration = {
  version: 5,
  name: 'strategy',
  statements: [
    `CREATE TABLE strategy_revisions (
      revision INTEGER NOT NULL PRIMARY KEY,
      strategy_id VARCHAR NOT NULL,
      content_hash VARCHAR NOT NULL,
      document VARCHAR NOT NULL,
      origin VARCHAR NOT NULL,
      reason VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      software_version VARCHAR NOT NULL
    )`,
    `CREATE TABLE reviews (
      review_id INTEGER NOT NULL PRIMARY KEY,
      title VARCHAR NOT NULL,
      status VARCHAR NOT NULL,
      started_at TIMESTAMP NOT NULL,
      started_revision INTEGER NOT NULL,
      closed_at TIMESTAMP,
      closed_revision INTEGER,
      data_to VARCHAR,
      summary VARCHAR
    )`,
    `CREATE TABLE review_commentary (
      review_id INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      target_kind VARCHAR NOT NULL,
      target_id VARCHAR,
      author VARCHAR,
      text VARCHAR NOT NULL,
      added_at TIMESTAMP NOT NULL
    )`,
    `CREATE TABLE review_action_changes (
      review_id INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      action_id VARCHAR NOT NULL,
      from_status VARCHAR NOT NULL,
      to_status VARCHAR NOT NULL,
      from_rag VARCHAR,
      to_rag VARCHAR,
      note VARCHAR,
      changed_on DATE NOT NULL,
      recorded_at TIMESTAMP NOT NULL,
      revision INTEGER NOT NULL
    )`,
    `CREATE TABLE review_consultations (
      review_id INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      body VARCHAR NOT NULL,
      body_kind VARCHAR NOT NULL,
      consulted_on DATE NOT NULL,
      method VARCHAR,
      summary VARCHAR,
      recorded_at TIMESTAMP NOT NULL
    )`,
    // The frozen figures: the whole evaluated measure as JSON, with the headline columns beside it.
    `CREATE TABLE review_measures (
      review_id INTEGER NOT NULL,
      measure_id VARCHAR NOT NULL,
      priority_id VARCHAR NOT NULL,
      period VARCHAR,
      value DOUBLE,
      lower DOUBLE,
      upper DOUBLE,
      baseline_value DOUBLE,
      status VARCHAR NOT NULL,
      result VARCHAR NOT NULL
    )`,
    // What the frozen figures were computed from: batches (with sha256), definition versions
    // (with content hash), population datasets.
    `CREATE TABLE review_provenance (
      review_id INTEGER NOT NULL,
      kind VARCHAR NOT NULL,
      ref VARCHAR NOT NULL,
      hash VARCHAR,
      detail VARCHAR
    )`,
  ],
};
