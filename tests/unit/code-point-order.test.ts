import { describe, expect, it } from 'vitest';
import { codePointBefore } from '../../src/core/codePointOrder.js';
import { seededRandom } from '../../src/core/random.js';

/** The database's order: the UTF-8 bytes compared. */
const byBytes = (a: string, b: string): boolean =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')) < 0;

describe('code point order', () => {
  it('is the order of the UTF-8 bytes, where UTF-16 units would put U+1F600 before U+FF01', () => {
    expect('\u{1F600}' < '\uFF01').toBe(true);
    expect(codePointBefore('\u{1F600}', '\uFF01')).toBe(false);
    expect(codePointBefore('\uFF01', '\u{1F600}')).toBe(true);
    expect(codePointBefore('Abbey Road', 'Abbey Road ')).toBe(true);
    expect(codePointBefore('b', 'b')).toBe(false);
    // Characters from every range that matters: ASCII, Latin-1, below and above the surrogates,
    // and past U+FFFF.
    const alphabet = [
      'a',
      'B',
      ' ',
      'é',
      'ſ',
      '\u2013',
      '\uD7FF',
      '\uE000',
      '\uFB01',
      '\uFFFD',
      '\u{10000}',
      '\u{1F600}',
      '\u{10FFFF}',
    ];
    const random = seededRandom(5);
    const word = (): string =>
      Array.from(
        { length: random.int(0, 4) },
        () => alphabet[random.int(0, alphabet.length - 1)]!,
      ).join('');
    for (let k = 0; k < 5_000; k++) {
      const a = word();
      const b = word();
      expect(codePointBefore(a, b), `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(
        byBytes(a, b),
      );
    }
  });
});
