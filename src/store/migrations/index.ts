import { initial } from './0001-initial.js';
import { partnerData } from './0002-partner-data.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every schema step, oldest first. A new step is appended here and never edited afterwards. */
export const MIGRATIONS: readonly Migration[] = [initial, partnerData];
