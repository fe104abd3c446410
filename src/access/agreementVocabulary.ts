/**
 * The words of a data-sharing agreement: lawful bases, kinds of dataset, levels of access. Apart
 * from the agreement file's reader (agreementFile.ts) so that the help of `svd access agreement`
 * can list them without loading the schema library.
 */
/** The lawful bases partnerships usually rely on; `other` needs `legal_basis_note`. */
export const LEGAL_BASES = [
  'cda-1998-s115',
  'pcsc-2022-s16',
  'pcsc-2022-s17',
  'uk-gdpr-6-1-c',
  'uk-gdpr-6-1-e',
  'uk-gdpr-9-2-g',
  'uk-gdpr-9-2-i',
  'dpa-2018-sch1',
  'other',
] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];
/** The UK GDPR Art 9(2) conditions for special category (health) data. */
export const ARTICLE_9_BASES: readonly LegalBasis[] = ['uk-gdpr-9-2-g', 'uk-gdpr-9-2-i'];

/** Kinds of dataset an agreement may cover (a batch's source kind maps to one: datasetKindOf). */
export const DATASET_KINDS = [
  'police-uk',
  'force-extract',
  'istv',
  'ambulance',
  'home-office-csp',
  'social-care',
  'youth-justice',
  'probation',
  'education',
  'indicators',
] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];
/** Health data (UK GDPR Art 9; PCSC s16(4): no patient information). */
export const HEALTH_DATASETS: readonly DatasetKind[] = ['istv', 'ambulance'];
/** Social-care data (PCSC s16(4): no social-care personal information). */
export const SOCIAL_CARE_DATASETS: readonly DatasetKind[] = ['social-care'];

/** From most to least: what a reader sees of the records. */
export const LEVELS = ['record', 'pseudonymised-record', 'aggregate'] as const;
export type Level = (typeof LEVELS)[number];
