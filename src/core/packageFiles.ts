import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's own folder: two levels above this file, which holds for both `src/core/` (run
 * with tsx or vitest) and `dist/core/` (the compiled program), so data files shipped beside them
 * (`definitions/`, `reference/`) are found from a checkout and from an installed package alike.
 */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function packageFile(...parts: string[]): string {
  return path.join(PACKAGE_ROOT, ...parts);
}
