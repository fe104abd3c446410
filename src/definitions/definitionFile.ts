/**
 * A definition as read from its file, and the problems found reading it, each at its place in the
 * file (`tiers[0].rules[3].codes[2]`). Shared by reading, validating and compiling.
 */
import type { Path } from '../core/fieldPath.js';
import type { DefinitionFile } from './schema.js';

export { formatPath, type Path } from '../core/fieldPath.js';

export interface Definition {
  file: DefinitionFile;
  /** sha256 (hex) of the content: every field except `version`, independent of layout and comments. */
  contentHash: string;
  /** The text as read. */
  sourceText: string;
  /** Where it came from: 'shipped' or the path of the file as given. */
  origin: string;
}

export interface DefinitionIssue {
  severity: 'error' | 'warning';
  code: string;
  path: Path;
  /** The whole message, starting with the path: `tiers[0].rules[3].codes[2]: unknown …`. */
  message: string;
  line?: number;
  value?: string;
}
