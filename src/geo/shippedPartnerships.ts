/**
 * The partnership configurations shipped with svd, apart from their reader (partnershipConfig.ts)
 * so that the help of `svd geo` can name them without loading the schema library.
 */
import path from 'node:path';
import { PACKAGE_ROOT } from '../core/packageFiles.js';

export const OXFORDSHIRE_CONFIG = path.join(
  PACKAGE_ROOT,
  'config',
  'partnerships',
  'oxfordshire.json',
);
