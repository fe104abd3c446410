/** How a definition is named in output: ID@VERSION, and its hash shortened. */
import type { Definition } from './definitionFile.js';

export const definitionLabel = (d: Definition): string => `${d.file.id}@${d.file.version}`;
export const shortHash = (hash: string): string => hash.slice(0, 12);
