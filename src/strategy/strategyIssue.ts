/** A problem found reading a strategy file, at its place in the file. */
import type { Path } from '../definitions/definitionFile.js';

export interface StrategyIssue {
  severity: 'error' | 'warning';
  code: string;
  path: Path;
  /** The whole message, starting with the place: `priorities[1].actions[0].due: …`. */
  message: string;
  line?: number;
}
