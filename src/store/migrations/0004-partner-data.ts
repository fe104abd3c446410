import type { Migration } from './migration.js';

/**
 * Partner data: force extracts go into `incidents` (source 'force-extract') with pseudonymised
 * person references; A&E (ISTV) attendances as records or as counts; Home Office recorded crime
 * by Community Safety Partnership; the mapping each batch was read with; and the fingerprint of
 * the workspace's pseudonymisation key (never the key itself — that lives outside the file).
 */
export const partnerData: Migration = {
  version: 4,
  name: 'partner-data',
  statements: [
    // Keyed hashes (HMAC-SHA256) of a victim's or suspect's identifier, for repeat analysis.
    `ALTER TABLE incidents ADD COLUMN victim_ref VARCHAR`,
    `ALTER TABLE incidents ADD COLUMN suspect_ref VARCHAR`,
    `CREATE SEQUENCE ae_attendance_id_seq START 1`,
    `CREATE SEQUENCE csp_count_id_seq START 1`,
    `CREATE TABLE pseudonym_keys (
      key_id VARCHAR NOT NULL,
      created_at TIMESTAMP NOT NULL,
      note VARCHAR NOT NULL
    )`,
    `CREATE TABLE batch_mappings (
      batch_id INTEGER NOT NULL,
      mapping_name VARCHAR NOT NULL,
      mapping_sha256 VARCHAR NOT NULL,
      mapping_text VARCHAR NOT NULL,
      columns_used VARCHAR[] NOT NULL,
      columns_dropped VARCHAR[] NOT NULL
    )`,
    `CREATE TABLE ae_attendances (
      id BIGINT NOT NULL,
      batch_id INTEGER NOT NULL,
      source_line BIGINT,
      site_code VARCHAR,
      month DATE NOT NULL,
      arrival_at TIMESTAMPTZ,
      assault_from TIMESTAMPTZ,
      assault_to TIMESTAMPTZ,
      assault_method VARCHAR NOT NULL,
      assault_method_text_untrusted VARCHAR,
      location_type VARCHAR NOT NULL,
      location_text_untrusted VARCHAR
    )`,
    `CREATE TABLE ae_attendance_counts (
      batch_id INTEGER NOT NULL,
      source_line BIGINT,
      site_code VARCHAR,
      month DATE NOT NULL,
      assault_method VARCHAR NOT NULL,
      location_type VARCHAR NOT NULL,
      attendances BIGINT NOT NULL
    )`,
    `CREATE TABLE home_office_csp_counts (
      id BIGINT NOT NULL,
      batch_id INTEGER NOT NULL,
      source_line BIGINT NOT NULL,
      financial_year VARCHAR NOT NULL,
      financial_quarter SMALLINT NOT NULL,
      police_force VARCHAR,
      csp_name VARCHAR NOT NULL,
      offence_description VARCHAR,
      offence_group VARCHAR,
      offence_subgroup VARCHAR,
      offence_code VARCHAR,
      offence_count BIGINT NOT NULL,
      unassigned BOOLEAN NOT NULL,
      negative BOOLEAN NOT NULL
    )`,
  ],
};
