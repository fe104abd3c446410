#!/usr/bin/env node
// Entry point of the `svd` command. The TypeScript sources are compiled to dist/ by
// `npm install` (the `prepare` script) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write(
    'svd: the compiled program is missing (dist/). Run `npm run build` first.\n',
  );
  process.exit(1);
}
const { runMain } = await import(main.href);
await runMain();
