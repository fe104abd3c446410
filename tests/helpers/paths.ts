import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The shared open data beside the repository (`../shared/data`), used in place; $SVD_SHARED_DATA
 * names it when the repository is checked out elsewhere (a worktree).
 */
export const SHARED_DATA =
  process.env['SVD_SHARED_DATA'] !== undefined && process.env['SVD_SHARED_DATA'] !== ''
    ? path.resolve(process.env['SVD_SHARED_DATA'])
    : path.resolve(REPO, '../shared/data');

export function sharedData(...parts: string[]): string {
  const p = path.join(SHARED_DATA, ...parts);
  if (!existsSync(p)) {
    throw new Error(
      `the shared open data is missing: ${p} (the tests expect ../shared/data beside the repository)`,
    );
  }
  return p;
}

export const TV_STREET = (): string => sharedData('police-uk', 'thames-valley', 'street');
export const ALL_FORCES = (): string => sharedData('police-uk', 'all-forces-2019-01');

/** The 16 Thames Valley LSOA 2011 boundary files (one per district). */
export const TV_LSOA11_FILES = (): string[] => {
  const dir = sharedData('boundaries', 'lsoa-2011-by-lad');
  return readdirSync(dir)
    .sort()
    .map((f) => path.join(dir, f));
};
