import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (two levels above both src/ and dist/). */
export const SOFTWARE_VERSION: string = (() => {
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
})();
