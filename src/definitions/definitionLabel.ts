/** How a definition is named in output: ID@VERSION, and its hash shortened. */
import type { Definition } from './definitionFile.js';
import type { DefinitionMeta } from '../api/definitions.js';

export const definitionLabel = (d: Definition): string => `${d.file.id}@${d.file.version}`;
export const shortHash = (hash: string): string => hash.slice(0, 12);

/** The definition a figure was counted under, as answers in JSON name it. */
export const definitionStamp = (
  meta: DefinitionMeta,
): Pick<DefinitionMeta, 'id' | 'version' | 'coverage'> & { hash: string } => ({
  id: meta.id,
  version: meta.version,
  hash: meta.content_hash,
  coverage: meta.coverage,
});
