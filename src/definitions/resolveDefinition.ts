/**
 * What `--definition` names: a file (a path, or a name ending .yaml/.yml/.json), or an id with an
 * optional version (`thames-valley-vru`, `thames-valley-vru@2`). An id is looked up in the
 * workspace first, where the newest stored version is the one in use, then among the shipped
 * definitions. A workspace therefore keeps classifying with the version it has, even after an
 * upgrade of svd ships a newer one; the newer one is used once named or classified with.
 */
import path from 'node:path';
import { SvdError, usageError } from '../core/errors.js';
import { didYouMean, suggest } from '../core/suggest.js';
import type { Workspace } from '../store/openWorkspace.js';
import { readDefinitionFile } from './readDefinition.js';
import { type Definition, type DefinitionIssue } from './definitionFile.js';
import { ID_PATTERN } from './schema.js';
import { shippedDefinition, shippedDefinitions } from './shippedDefinitions.js';
import { loadStoredDefinition, storedVersions } from './storeDefinition.js';
import type { DefinitionSource } from '../api/definitions.js';
import { definitionLabel, shortHash } from './definitionLabel.js';

export interface ResolvedDefinition {
  definition: Definition;
  source: DefinitionSource;
  warnings: DefinitionIssue[];
  /** How the version was chosen, when that was automatic (to be announced). */
  notes: string[];
}

export interface DefinitionRef {
  id: string;
  version: number | null;
}

export { definitionLabel, shortHash };

export function looksLikeFile(spec: string): boolean {
  return /[\\/]/.test(spec) || /\.(ya?ml|json)$/i.test(spec);
}

export function parseDefinitionRef(spec: string): DefinitionRef {
  const m = /^([^@]+)(?:@(\d+))?$/.exec(spec.trim());
  if (m === null || !ID_PATTERN.test(m[1]!)) {
    throw usageError(
      'BAD_DEFINITION',
      `--definition ${JSON.stringify(spec)} is neither a definition id (ID or ID@VERSION) nor a file`,
      'name a definition such as thames-valley-vru or thames-valley-vru@1 (see `svd definitions list`), or a .yaml file',
    );
  }
  return { id: m[1]!, version: m[2] === undefined ? null : Number(m[2]) };
}

export interface ResolveOptions {
  /** The workspace to look in (stored versions); without it only shipped definitions and files. */
  ws?: Workspace;
  cwd: string;
}

export async function resolveDefinition(
  spec: string,
  options: ResolveOptions,
): Promise<ResolvedDefinition> {
  if (looksLikeFile(spec)) {
    const { definition, warnings } = readDefinitionFile(path.resolve(options.cwd, spec), {
      label: spec,
    });
    return { definition, source: 'file', warnings, notes: [] };
  }
  const ref = parseDefinitionRef(spec);
  const stored = options.ws === undefined ? [] : await storedVersions(options.ws, ref.id);
  const shipped = shippedDefinition(ref.id);
  if (ref.version !== null) {
    if (stored.some((s) => s.version === ref.version)) {
      const definition = await loadStoredDefinition(options.ws!, ref.id, ref.version);
      return { definition: definition!, source: 'workspace', warnings: [], notes: [] };
    }
    if (shipped !== undefined && shipped.file.version === ref.version)
      return { definition: shipped, source: 'shipped', warnings: [], notes: [] };
    const known = [
      ...stored.map((s) => `${ref.id}@${s.version} (workspace)`),
      ...(shipped === undefined ? [] : [`${ref.id}@${shipped.file.version} (shipped)`]),
    ];
    if (known.length > 0) {
      throw new SvdError({
        kind: 'usage',
        code: 'UNKNOWN_DEFINITION_VERSION',
        message: `there is no version ${ref.version} of ${ref.id}${options.ws === undefined ? ' among the shipped definitions' : ''}`,
        fix: `use one of: ${known.join(', ')}${options.ws === undefined ? '; stored versions need a workspace (--db)' : ''}`,
      });
    }
  } else {
    const newest = stored.at(-1);
    if (newest !== undefined) {
      const definition = await loadStoredDefinition(options.ws!, ref.id, newest.version);
      const notes: string[] = [];
      if (stored.length > 1)
        notes.push(
          `${ref.id} is ${ref.id}@${newest.version}, the newest of ${stored.length} versions stored in this workspace`,
        );
      if (shipped !== undefined && !stored.some((s) => s.content_hash === shipped.contentHash))
        notes.push(
          `the ${ref.id} shipped with this svd (${ref.id}@${shipped.file.version}, sha256 ${shortHash(shipped.contentHash)}) differs from every version stored in this workspace`,
        );
      return { definition: definition!, source: 'workspace', warnings: [], notes };
    }
    if (shipped !== undefined)
      return { definition: shipped, source: 'shipped', warnings: [], notes: [] };
  }
  const ids = [
    ...new Set([
      ...shippedDefinitions().map((d) => d.file.id),
      ...(options.ws === undefined
        ? []
        : (await storedVersions(options.ws)).map((s) => s.definition_id)),
    ]),
  ];
  throw new SvdError({
    kind: 'usage',
    code: 'UNKNOWN_DEFINITION',
    message: `no definition "${ref.id}"${didYouMean(suggest(ref.id, ids, { limit: 1 }))}`,
    fix: `use one of: ${ids.join(', ')}; or give the path of a definition file`,
  });
}
