import type { Migration } from './migration.js';

/**
 * The Home Office offence sub-code below the recorded crime class (`8/1` for s.20 GBH without
 * intent and `8/6` for s.47 ABH, both in class 8N), in the canonical form `CLASS/SUB`, so that
 * definitions can tell apart offences that share a class. Null for sources that do not carry it
 * (police.uk) and for records stored before this step. See docs/decisions/0008-offence-subcodes.md.
 */
export const offenceSubcodes: Migration = {
  version: 6,
  name: 'offence-subcodes',
  statements: [`ALTER TABLE incidents ADD COLUMN offence_subcode VARCHAR`],
};
