/**
 * A build step after `tsc`: zod, which the commands that read a definition, mapping, strategy or
 * agreement file load at start, is bundled into one file, `dist/vendor/zod.js`, and the compiled
 * modules import it from there instead of from `node_modules/zod`. Loaded as its 95 modules (every
 * locale among them) zod took about 50 ms of a process's start; bundled, about 20 ms
 * (docs/decisions/0083-zod-bundled.md). The code is zod's own, unchanged: the sources and the
 * tests import `zod` as before; only the compiled program reads the bundle.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(REPO, 'dist');
const BUNDLE = path.join(DIST, 'vendor', 'zod.js');
/** How tsc writes the one import of zod's runtime that the sources use. */
const IMPORT = "from 'zod';";

function compiledModules(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory())
      return name === 'vendor' || name === 'web' ? [] : compiledModules(file);
    return name.endsWith('.js') ? [file] : [];
  });
}

await build({
  stdin: { contents: "export * from 'zod';", resolveDir: REPO, loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outfile: BUNDLE,
  legalComments: 'inline',
  logLevel: 'warning',
});

let importing = 0;
for (const file of compiledModules(DIST)) {
  const text = readFileSync(file, 'utf8');
  let relative = path.relative(path.dirname(file), BUNDLE).split(path.sep).join('/');
  if (!relative.startsWith('.')) relative = `./${relative}`;
  const bundled = `from '${relative}';`;
  if (text.includes(IMPORT)) writeFileSync(file, text.split(IMPORT).join(bundled));
  // A module compiled before and left as it was already imports the bundle.
  if (text.includes(IMPORT) || text.includes(bundled)) importing++;
}
if (importing === 0)
  throw new Error(`no compiled module imports zod (${IMPORT}): the build changed`);
