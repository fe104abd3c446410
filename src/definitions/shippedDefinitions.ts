/**
 * The definitions shipped with svd, in the package's `definitions/` folder (beside `src/` and
 * `dist/`, so a checkout and an installed package both find them).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SvdError, formatProblem } from '../core/errors.js';
import { packageFile } from '../core/packageFiles.js';
import { definitionError, readDefinitionText } from './readDefinition.js';
import { type Definition } from './definitionFile.js';
import { ID_PATTERN } from './schema.js';

export const SHIPPED_DEFINITIONS_DIR = packageFile('definitions');
export const DEFINITION_SCHEMA_FILE = packageFile('definitions', 'definition.schema.json');

let cached: Definition[] | undefined;
const byFileName = new Map<string, Definition | undefined>();

/** Every shipped definition, read and validated once. */
export function shippedDefinitions(): Definition[] {
  if (cached !== undefined) return cached;
  const files = readdirSync(SHIPPED_DEFINITIONS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  cached = files.map((name) => readShipped(name));
  return cached;
}

/**
 * The shipped definition of this id. The file named after it (`ID.yaml`) is read alone when it
 * holds that id, as every shipped file does; otherwise every file is (a command that names one
 * definition need not read and validate the others).
 */
export function shippedDefinition(id: string): Definition | undefined {
  // Only an id names a file: anything else (a path, `..`) is looked for among every file's ids.
  if (cached === undefined && ID_PATTERN.test(id)) {
    const name = [`${id}.yaml`, `${id}.yml`].find((f) =>
      existsSync(path.join(SHIPPED_DEFINITIONS_DIR, f)),
    );
    if (name !== undefined) {
      if (!byFileName.has(name)) byFileName.set(name, readShipped(name));
      const named = byFileName.get(name);
      if (named?.file.id === id) return named;
    }
  }
  return shippedDefinitions().find((d) => d.file.id === id);
}

function readShipped(name: string): Definition {
  const file = path.join(SHIPPED_DEFINITIONS_DIR, name);
  const result = readDefinitionText(readFileSync(file, 'utf8'), 'shipped');
  if (result.definition === undefined) {
    const problem = definitionError(file, result.issues);
    throw new SvdError({
      kind: 'internal',
      code: 'SHIPPED_DEFINITION_INVALID',
      message: `the shipped definition ${name} does not validate: ${problem.problems.map(formatProblem).join('; ')}`,
      location: { file },
      fix: 'reinstall svd (npm ci); if it persists, please report it',
    });
  }
  return result.definition;
}
