/** Hostile YAML for the tests of the bounds within which svd reads YAML (core/boundedYaml.ts). */

/**
 * "Billion laughs": nine lines, each a list of nine aliases of the line before, the first a list
 * of nine values — a few hundred bytes that, written out, are 9^9 (387 million) values.
 */
export function billionLaughs(): string {
  const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
  return names
    .map((name, i) =>
      i === 0
        ? `${name}: &${name} [x, x, x, x, x, x, x, x, x]`
        : `${name}: &${name} [${Array(9)
            .fill(`*${names[i - 1]!}`)
            .join(', ')}]`,
    )
    .join('\n')
    .concat('\n');
}

/** `n` lists inside one another on one line: [[[…]]]. */
export function nestedLists(n: number): string {
  return `${'['.repeat(n)}${']'.repeat(n)}\n`;
}
