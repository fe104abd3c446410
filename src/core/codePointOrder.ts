/**
 * Text in code point order, as the database orders it (UTF-8 bytes compare in code point order);
 * JavaScript's `<` compares UTF-16 units, which puts a character past U+FFFF (a pair of
 * surrogates, U+D800–U+DFFF) before one from U+E000 to U+FFFF.
 */

/** Whether a comes before b in code point order. */
export function codePointBefore(a: string, b: string): boolean {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate is half of a code point past U+FFFF, so after every unit that is not one.
    const surrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdfff;
    if (surrogate(x) !== surrogate(y)) return surrogate(y);
    return x < y;
  }
  return a.length < b.length;
}
