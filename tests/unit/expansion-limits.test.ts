/**
 * The expansion limits as a person gives them: sizes with binary units, the environment under the
 * option, bad values refused with the variable named; sizes shown as people read them.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXPANSION_LIMITS,
  expansionLimits,
  formatBytes,
  parseByteSize,
} from '../../src/core/expansionLimits.js';
import { SvdError } from '../../src/core/errors.js';

const G = 1024 ** 3;

describe('sizes', () => {
  it('reads bytes and K, M, G, T as binary multiples, with or without B or iB', () => {
    expect(parseByteSize('2147483648')).toBe(2 * G);
    expect(parseByteSize('16G')).toBe(16 * G);
    expect(parseByteSize('16 GB')).toBe(16 * G);
    expect(parseByteSize('16gib')).toBe(16 * G);
    expect(parseByteSize('1.5K')).toBe(1536);
    expect(parseByteSize('512m')).toBe(512 * 1024 ** 2);
  });

  it('refuses what is not a positive size', () => {
    for (const bad of ['', '0', '-1', 'lots', '1e3', '16 X', '16GG']) {
      expect(parseByteSize(bad), bad).toBeUndefined();
    }
  });

  it('shows sizes in the largest unit, a size just under a unit as one of it', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(16 * G)).toBe('16 GiB');
    expect(formatBytes(G - 60_000)).toBe('1 GiB');
    expect(formatBytes(3_700_303)).toBe('3.5 MiB');
  });
});

describe('the limits in force', () => {
  it('are the defaults without option or environment', () => {
    expect(expansionLimits()).toEqual(DEFAULT_EXPANSION_LIMITS);
  });

  it('take the environment, and the option over it', () => {
    const env = {
      SVD_MAX_EXPANDED_BYTES: '2G',
      SVD_MAX_EXPANSION_RATIO: '500',
      SVD_MAX_ARCHIVE_ENTRIES: '200000',
    };
    expect(expansionLimits({}, env)).toEqual({
      ...DEFAULT_EXPANSION_LIMITS,
      maxBytes: 2 * G,
      maxRatio: 500,
      maxEntries: 200_000,
    });
    expect(expansionLimits({ maxExpandedBytes: '32G' }, env).maxBytes).toBe(32 * G);
    expect(expansionLimits({}, { SVD_MAX_EXPANDED_BYTES: ' ' })).toEqual(DEFAULT_EXPANSION_LIMITS);
  });

  it('refuse a bad value as a usage error naming where it came from', () => {
    const refusal = (f: () => unknown): SvdError => {
      try {
        f();
      } catch (error) {
        if (error instanceof SvdError) return error;
      }
      throw new Error('not refused');
    };
    const option = refusal(() => expansionLimits({ maxExpandedBytes: 'lots' }));
    expect([option.kind, option.code]).toEqual(['usage', 'BAD_MAX_EXPANDED_BYTES']);
    expect(option.message).toContain('--max-expanded-bytes "lots"');
    const env = refusal(() => expansionLimits({}, { SVD_MAX_EXPANDED_BYTES: '16Q' }));
    expect(env.message).toContain('SVD_MAX_EXPANDED_BYTES "16Q"');
    expect(refusal(() => expansionLimits({}, { SVD_MAX_EXPANSION_RATIO: '0.5' })).code).toBe(
      'BAD_MAX_EXPANSION_RATIO',
    );
    expect(refusal(() => expansionLimits({}, { SVD_MAX_ARCHIVE_ENTRIES: '1.5' })).code).toBe(
      'BAD_MAX_ARCHIVE_ENTRIES',
    );
  });
});
