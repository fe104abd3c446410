/**
 * The cryptography of local accounts, against the references published with the standards:
 * HOTP (RFC 4226, Appendix D), TOTP (RFC 6238, Appendix B, the SHA-1 rows, 8 digits), base32
 * (RFC 4648, section 10); the scrypt hash and the password policy.
 */
import { describe, expect, it } from 'vitest';
import {
  MIN_PASSWORD_LENGTH,
  checkPasswordPolicy,
  hashPassword,
  verifyPassword,
} from '../../src/access/passwords.js';
import {
  base32Decode,
  base32Encode,
  hotp,
  newTotpSecret,
  totp,
  totpUri,
  verifyTotp,
} from '../../src/access/totp.js';
import { SvdError } from '../../src/core/errors.js';

/** The secret of both RFCs' examples: the ASCII of "12345678901234567890". */
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

describe('HOTP (RFC 4226, Appendix D)', () => {
  const expected = [
    '755224',
    '287082',
    '359152',
    '969429',
    '338314',
    '254676',
    '287922',
    '162583',
    '399871',
    '520489',
  ];
  it.each(expected.map((code, count) => [count, code] as const))('count %i → %s', (count, code) => {
    expect(hotp(RFC_SECRET, count)).toBe(code);
  });
});

describe('TOTP (RFC 6238, Appendix B, SHA-1)', () => {
  const rows: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  it.each(rows)('T = %i s → %s (8 digits)', (time, code) => {
    expect(totp(RFC_SECRET, time, 8)).toBe(code);
  });

  it('6 digits are the last six of the 8-digit code, and a code is accepted one step either side', () => {
    expect(totp(RFC_SECRET, 1111111109)).toBe('081804');
    const step = Math.floor(1111111109 / 30);
    expect(verifyTotp(RFC_SECRET, '081804', 1111111109)).toBe(BigInt(step));
    expect(verifyTotp(RFC_SECRET, '081804', 1111111109 + 30)).toBe(BigInt(step));
    expect(verifyTotp(RFC_SECRET, '081804', 1111111109 - 30)).toBe(BigInt(step));
    expect(verifyTotp(RFC_SECRET, '081804', 1111111109 + 60)).toBeNull();
    expect(verifyTotp(RFC_SECRET, '081805', 1111111109)).toBeNull();
    expect(verifyTotp(RFC_SECRET, '81804', 1111111109)).toBeNull();
  });
});

describe('base32 (RFC 4648, section 10)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];
  it.each(vectors)('%j ↔ %j', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded)?.toString()).toBe(plain);
    // Without padding and in lower case, as authenticator apps may show it.
    expect(base32Decode(encoded.replace(/=/g, '').toLowerCase())?.toString()).toBe(plain);
  });

  it('refuses a character outside the alphabet', () => {
    expect(base32Decode('MZXW1===')).toBeUndefined();
  });

  it('a new secret is 20 bytes in base32 and goes in an otpauth URI', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    const uri = new URL(totpUri(secret, 'sam@tvp.example'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/svd:sam@tvp.example');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret,
      issuer: 'svd',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});

describe('scrypt password hashes', () => {
  const password = 'correct horse battery staple';

  it('encode their parameters and salt, verify the right password and refuse a wrong one', async () => {
    const hash = await hashPassword(password);
    const parts = hash.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    expect(hash).not.toContain(password);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('Correct horse battery staple', hash)).toBe(false);
    // A fresh salt each time: the same password hashes differently.
    const again = await hashPassword(password);
    expect(again).not.toBe(hash);
    expect(await verifyPassword(password, again)).toBe(true);
  });

  it('refuse a value that is not a hash, or whose parameters are out of bounds', async () => {
    expect(await verifyPassword(password, '')).toBe(false);
    expect(await verifyPassword(password, password)).toBe(false);
    const hash = await hashPassword(password);
    const parts = hash.split('$');
    expect(await verifyPassword(password, ['scrypt', 2 ** 30, ...parts.slice(2)].join('$'))).toBe(
      false,
    );
    // A changed parameter gives another key: refused.
    expect(await verifyPassword(password, ['scrypt', 2 ** 14, ...parts.slice(2)].join('$'))).toBe(
      false,
    );
  });
});

describe('the password policy', () => {
  function refusal(password: string, email = 'sam.patel@tvp.example'): SvdError | undefined {
    try {
      checkPasswordPolicy(password, email);
      return undefined;
    } catch (error) {
      if (error instanceof SvdError) return error;
      throw error;
    }
  }

  it('accepts a long uncommon password', () => {
    expect(refusal('lantern orchard 42 meadow')).toBeUndefined();
  });

  it('refuses a short one, saying how short', () => {
    const e = refusal('short1!');
    expect(e?.code).toBe('PASSWORD_TOO_WEAK');
    expect(e?.message).toContain(`7 characters, fewer than ${MIN_PASSWORD_LENGTH}`);
    expect(refusal('a'.repeat(11) + 'b')).toBeUndefined();
  });

  it('refuses the email address, in any case, and its part before the @', () => {
    expect(refusal('Sam.Patel@TVP.example')?.message).toContain('it is the email address');
    expect(refusal('sam.patel.long', 'sam.patel.long@tvp.example')?.message).toContain(
      'it is the email address',
    );
  });

  it('refuses a common password and one character repeated, never quoting the password', () => {
    const common = refusal('Password1234');
    expect(common?.message).toContain('commonly used');
    expect(JSON.stringify(common)).not.toContain('Password1234');
    expect(refusal('zzzzzzzzzzzzzz')?.message).toContain('one character repeated');
  });
});
