/**
 * One-time codes for local accounts: HOTP (RFC 4226) and TOTP (RFC 6238: HMAC-SHA-1, 30-second
 * steps, 6 digits, one step either side accepted for clock drift), secrets written in base32
 * (RFC 4648) and offered to the user's authenticator app as an `otpauth://` URI.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, padded with `=` to a multiple of 8 characters unless `pad` is false. */
export function base32Encode(data: Uint8Array, pad = true): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of data) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  if (pad) while (out.length % 8 !== 0) out += '=';
  return out;
}

/** RFC 4648 base32, any case, padding and spaces optional; undefined when not base32. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

export type OtpAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** RFC 4226: the code for `counter`, with dynamic truncation, `digits` long (leading zeros kept). */
export function hotp(
  key: Uint8Array,
  counter: bigint | number,
  digits = 6,
  algorithm: OtpAlgorithm = 'sha1',
): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** RFC 6238: the code at `unixSeconds` (T0 = 0, 30-second steps). */
export function totp(
  key: Uint8Array,
  unixSeconds: number,
  digits = TOTP_DIGITS,
  algorithm: OtpAlgorithm = 'sha1',
): string {
  return hotp(key, BigInt(Math.floor(unixSeconds / TOTP_STEP_SECONDS)), digits, algorithm);
}

/**
 * Whether `code` is the TOTP of `key` at `unixSeconds`, or one step before or after; compared in
 * constant time. Gives the matching step (so a caller can refuse a code used twice), else null.
 */
export function verifyTotp(key: Uint8Array, code: string, unixSeconds: number): bigint | null {
  if (!/^\d{6}$/.test(code)) return null;
  const step = BigInt(Math.floor(unixSeconds / TOTP_STEP_SECONDS));
  let found: bigint | null = null;
  for (const delta of [-1n, 0n, 1n]) {
    const candidate = step + delta;
    if (candidate < 0n) continue;
    const expected = Buffer.from(hotp(key, candidate, TOTP_DIGITS));
    if (timingSafeEqual(expected, Buffer.from(code)) && found === null) found = candidate;
  }
  return found;
}

/** A new secret: 20 random bytes (160 bits, as RFC 4226 recommends), in base32 without padding. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20), false);
}

/** The `otpauth://totp/…` URI an authenticator app reads (often from a QR code). */
export function totpUri(secret: string, account: string, issuer = 'svd'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString()}`;
}
