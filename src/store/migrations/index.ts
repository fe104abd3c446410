import { initial } from './0001-initial.js';
import { geography } from './0002-geography.js';
import { definitions } from './0003-definitions.js';
import { partnerData } from './0004-partner-data.js';
import { strategy } from './0005-strategy.js';
import { offenceSubcodes } from './0006-offence-subcodes.js';
import { replacedRows } from './0007-replaced-rows.js';
import { auditLog } from './0008-audit-log.js';
import { access } from './0009-access.js';
import { agreements } from './0010-agreements.js';
import { indicators } from './0011-indicators.js';
import { policeUkStreet } from './0012-police-uk-street.js';
import { classificationValues } from './0013-classification-values.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every schema step, oldest first. A new step is appended here and never edited afterwards. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  geography,
  definitions,
  partnerData,
  strategy,
  offenceSubcodes,
  replacedRows,
  auditLog,
  access,
  agreements,
  indicators,
  policeUkStreet,
  classificationValues,
];
