/**
 * Passwords of local accounts: scrypt from node:crypto (N = 2^15, r = 8, p = 1, a 16-byte random
 * salt, a 32-byte key), stored with its parameters as `scrypt$N$r$p$salt$hash` (salt and hash in
 * base64) so that stronger parameters can be adopted later without breaking stored hashes, and
 * checked in constant time. A password is never stored, logged or printed; only its hash is kept.
 */
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import { SvdError } from '../core/errors.js';

export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const MIN_PASSWORD_LENGTH = 12;

function scrypt(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly that at N = 2^15, r = 8.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_BYTES, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    ),
  );
}

/** `scrypt$32768$8$1$<salt>$<hash>`, a fresh salt each time. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, N, r, p);
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` is the one hashed; false otherwise, or when the stored value is not a hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounded, so a tampered row cannot make a check take the machine's memory.
  if (![N, r, p].every(Number.isSafeInteger) || N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0)
    return false;
  if (r < 1 || r > 32 || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length === 0 || expected.length === 0) return false;
  const key = await scrypt(password, salt, N, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/**
 * Common passwords of twelve characters or more (longer ones are what a length rule invites);
 * compared ignoring case.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '1q2w3e4r5t6y',
  'administrator',
  'changeme1234',
  'iloveyou1234',
  'letmein12345',
  'password1234',
  'password123!',
  'password12345',
  'passwordpassword',
  'qwerty123456',
  'qwertyuiop12',
  'qwertyuiopasdf',
  'welcome12345',
  'welcome123456',
  'trustno11234',
  'abcdefghijkl',
  'abc123abc123',
  'football1234',
  'baseball1234',
  'sunshine1234',
  'princess1234',
  'monkey123456',
  'dragon123456',
  'superman1234',
  'starwars1234',
  'partnership1',
  'violence1234',
  'seriousviolence',
  'svdpassword1',
]);

/**
 * The password policy: at least 12 characters, not the email address (nor its part before the @),
 * not one character repeated, not a common password. Refused with the reason; the password itself
 * is never put in the message.
 */
export function checkPasswordPolicy(password: string, email: string, field = 'password'): void {
  const refuse = (why: string, fix: string): never => {
    throw new SvdError({
      kind: 'usage',
      code: 'PASSWORD_TOO_WEAK',
      message: `the password is too weak: ${why}`,
      location: { field },
      fix,
    });
  };
  const lower = password.toLowerCase();
  const address = email.trim().toLowerCase();
  if ([...password].length < MIN_PASSWORD_LENGTH)
    refuse(
      `it has ${[...password].length} characters, fewer than ${MIN_PASSWORD_LENGTH}`,
      `choose one of at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words make one easy to remember`,
    );
  const local = address.split('@')[0] ?? '';
  if (lower === address || (local.length > 0 && lower === local))
    refuse('it is the email address', 'choose a password that is not the email address');
  if (new Set(lower).size === 1)
    refuse('it is one character repeated', 'choose a password of several unrelated words');
  if (COMMON_PASSWORDS.has(lower))
    refuse('it is a commonly used password', 'choose a password that nobody else would choose');
}
