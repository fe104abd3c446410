/** How commands name a definition in their output, and the proxy warning every output carries. */
import { shortHash } from '../definitions/definitionLabel.js';
import type { DefinitionMeta } from '../api/definitions.js';

export function definitionTitleLine(meta: DefinitionMeta, extra = ''): string {
  return `definition ${meta.id}@${meta.version} (sha256 ${shortHash(meta.content_hash)}${extra}): ${meta.title}`;
}

/** Null unless the definition is a proxy; then the sentence every output using it must carry. */
export function proxyNote(meta: DefinitionMeta): string | null {
  return meta.coverage === 'proxy'
    ? `note: ${meta.id}@${meta.version} is a PROXY (coverage: proxy): an approximation from data that cannot apply a definition of serious violence, not the definition itself`
    : null;
}

/** The lines a command's text output opens with when it counts under a definition. */
export function definitionHeader(meta: DefinitionMeta, extra = ''): string[] {
  const note = proxyNote(meta);
  return [definitionTitleLine(meta, extra), ...(note === null ? [] : [note])];
}
