/**
 * The place of a value in a file read as YAML (a definition, a strategy, a mapping): its keys and
 * list positions, written as `tiers[0].rules[3].codes[2]` in messages.
 */

/** Keys and list positions from the top of the file down. */
export type Path = readonly (string | number)[];

/** `tiers[0].rules[3]` from its path; the top level is the empty text. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
