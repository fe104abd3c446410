import path from 'node:path';

export type DbPathSource = 'option' | 'environment' | 'default';

export interface ResolvedDbPath {
  path: string;
  source: DbPathSource;
}

export const DEFAULT_DB_FILE = 'svd.duckdb';

/** The workspace file: `--db PATH`, else `$SVD_DB`, else `./svd.duckdb`. */
export function resolveDbPath(
  option: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): ResolvedDbPath {
  if (option !== undefined && option !== '')
    return { path: path.resolve(cwd, option), source: 'option' };
  const fromEnv = env['SVD_DB'];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { path: path.resolve(cwd, fromEnv), source: 'environment' };
  }
  return { path: path.resolve(cwd, DEFAULT_DB_FILE), source: 'default' };
}
