import type { Migration } from './migration.js';

/**
 * Partnership access, the model (docs/decisions/0072-organisations-users-roles.md): the
 * organisations of the partnership, their users with a role, local accounts (a scrypt password
 * hash and a TOTP secret), and which organisation supplied (is the controller of) each batch.
 * Batches loaded before this step have no row in `batch_owner`: their controller is not recorded.
 */
export const access: Migration = {
  version: 9,
  name: 'access',
  statements: [
    `CREATE TABLE organisations (
       id VARCHAR PRIMARY KEY,
       name VARCHAR NOT NULL,
       type VARCHAR NOT NULL,
       created_at TIMESTAMP NOT NULL,
       retired_at TIMESTAMP)`,
    `CREATE TABLE users (
       id VARCHAR PRIMARY KEY,
       organisation VARCHAR NOT NULL,
       display_name VARCHAR NOT NULL,
       email VARCHAR NOT NULL UNIQUE,
       role VARCHAR NOT NULL,
       status VARCHAR NOT NULL,
       created_at TIMESTAMP NOT NULL,
       password_hash VARCHAR,
       totp_secret VARCHAR,
       totp_confirmed BOOLEAN NOT NULL DEFAULT false)`,
    `CREATE TABLE batch_owner (
       batch_id INTEGER PRIMARY KEY,
       organisation VARCHAR NOT NULL)`,
  ],
};
