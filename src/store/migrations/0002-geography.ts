import type { Migration } from './migration.js';

/**
 * Geography, population and deprivation: areas with their boundaries (British National Grid rings
 * for computing, WGS84 GeoJSON for maps), parent links from lookups, configuration and best fit,
 * the LSOA 2011 ↔ 2021 crosswalk, each LSOA's areas at every level, the derived placement of each
 * incident (recomputable; the published LSOA in `incidents` is never changed), population by area,
 * age band and sex, and deprivation ranks by LSOA 2011.
 */
export const geography: Migration = {
  version: 2,
  name: 'geography',
  statements: [
    `CREATE TABLE geo_areas (
      level VARCHAR NOT NULL,
      code VARCHAR NOT NULL,
      name VARCHAR,
      source VARCHAR NOT NULL,
      batch_id INTEGER,
      min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
      area_m2 DOUBLE,
      shape BLOB,
      geojson VARCHAR
    )`,
    // One row per (level, code): boundaries win over configuration, lookups and population files.
    `CREATE VIEW geo_area_list AS SELECT * FROM geo_areas
      QUALIFY row_number() OVER (PARTITION BY level, code ORDER BY
        CASE source WHEN 'boundary' THEN 0 WHEN 'config' THEN 1 WHEN 'lookup' THEN 2 ELSE 3 END,
        (shape IS NULL), batch_id DESC NULLS LAST) = 1`,
    `CREATE TABLE geo_links (
      child_level VARCHAR NOT NULL,
      child_code VARCHAR NOT NULL,
      parent_level VARCHAR NOT NULL,
      parent_code VARCHAR NOT NULL,
      share DOUBLE NOT NULL,
      method VARCHAR NOT NULL,
      batch_id INTEGER
    )`,
    `CREATE TABLE lsoa_crosswalk (
      lsoa11_code VARCHAR NOT NULL,
      lsoa21_code VARCHAR NOT NULL,
      share_of_2011 DOUBLE,
      share_of_2021 DOUBLE,
      method VARCHAR NOT NULL
    )`,
    `CREATE TABLE geo_memberships (
      lsoa_vintage SMALLINT NOT NULL,
      lsoa_code VARCHAR NOT NULL,
      level VARCHAR NOT NULL,
      area_code VARCHAR NOT NULL,
      share DOUBLE NOT NULL,
      is_primary BOOLEAN NOT NULL,
      method VARCHAR NOT NULL
    )`,
    `CREATE TABLE geo_state (key VARCHAR NOT NULL, value VARCHAR)`,
    `CREATE TABLE incident_places (
      incident_id BIGINT NOT NULL,
      easting DOUBLE,
      northing DOUBLE,
      lsoa11_code VARCHAR,
      lsoa11_method VARCHAR NOT NULL,
      lsoa11_pip VARCHAR,
      lsoa21_code VARCHAR,
      lsoa21_method VARCHAR NOT NULL,
      lsoa21_pip VARCHAR,
      nearest_code VARCHAR,
      nearest_distance_m DOUBLE,
      base_vintage SMALLINT,
      base_code VARCHAR
    )`,
    `CREATE TABLE population (
      dataset VARCHAR NOT NULL,
      level VARCHAR NOT NULL,
      area_code VARCHAR NOT NULL,
      year SMALLINT NOT NULL,
      sex VARCHAR NOT NULL,
      age_min SMALLINT NOT NULL,
      age_max SMALLINT,
      value DOUBLE NOT NULL,
      batch_id INTEGER NOT NULL
    )`,
    `CREATE TABLE population_datasets (
      dataset VARCHAR NOT NULL,
      level VARCHAR NOT NULL,
      year SMALLINT NOT NULL,
      batch_id INTEGER NOT NULL,
      layout VARCHAR NOT NULL,
      mapping VARCHAR NOT NULL,
      areas BIGINT NOT NULL,
      total DOUBLE NOT NULL
    )`,
    `CREATE TABLE deprivation (
      lsoa11_code VARCHAR NOT NULL,
      domain VARCHAR NOT NULL,
      rank INTEGER,
      decile SMALLINT,
      batch_id INTEGER NOT NULL
    )`,
  ],
};
