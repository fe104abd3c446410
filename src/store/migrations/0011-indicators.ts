import type { Migration } from './migration.js';

/**
 * Area-level indicators: risk and protective factors published for small areas or local
 * authorities (docs/decisions/0079-indicators.md). One row of `indicators` per indicator with its
 * metadata; one row of `indicator_values` per indicator, area, period and breakdown. A value that
 * is suppressed or not published is NULL with the publisher's marker in `marker` (`c`, `x`, `z`,
 * `u`, `..`, `-`, or `''` for a blank): missing, never zero. Area levels: lsoa21, lsoa11, msoa,
 * ward, district (lower tier and unitary), county (upper-tier local authority: counties and
 * unitaries), region, country. Codes are the current ones (E10000002 is stored as E06000060);
 * `published_code` keeps the code as the file gave it. `disclosure` is `published` for official
 * statistics already public, `partner` for a partner's own aggregates (held to disclosure control).
 */
export const indicators: Migration = {
  version: 11,
  name: 'indicators',
  statements: [
    `CREATE TABLE indicators (
       indicator_id VARCHAR PRIMARY KEY,
       name VARCHAR NOT NULL,
       definition VARCHAR,
       unit VARCHAR,
       polarity VARCHAR NOT NULL,
       publisher VARCHAR,
       licence VARCHAR,
       period_type VARCHAR,
       topic VARCHAR,
       layout VARCHAR NOT NULL,
       disclosure VARCHAR NOT NULL,
       batch_id INTEGER NOT NULL)`,
    `CREATE TABLE indicator_values (
       indicator_id VARCHAR NOT NULL,
       area_level VARCHAR NOT NULL,
       area_code VARCHAR NOT NULL,
       published_code VARCHAR NOT NULL,
       area_name VARCHAR,
       period VARCHAR NOT NULL,
       period_start DATE,
       period_end DATE,
       breakdown VARCHAR NOT NULL,
       value DOUBLE,
       lower DOUBLE,
       upper DOUBLE,
       numerator DOUBLE,
       denominator DOUBLE,
       marker VARCHAR,
       batch_id INTEGER NOT NULL)`,
  ],
};
