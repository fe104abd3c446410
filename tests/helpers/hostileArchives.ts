/**
 * Hostile archives written byte by byte, as an attacker (or a broken tool) would: members whose
 * headers declare any size, names no honest writer produces (`../evil.csv`, `/etc/x.csv`,
 * `C:\x.csv`), symbolic links, many entries, and compression bombs — deflate streams of gigabytes
 * built in milliseconds by repeating one independently compressed block. yazl refuses such names
 * and computes honest sizes, so the ZIP layout is written here (PKWARE APPNOTE 4.3: local headers,
 * central directory, end record; no ZIP64, so fewer than 65,535 entries of under 4 GiB).
 */
import { writeFileSync } from 'node:fs';
import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import { Crc32 } from '../../src/core/crc32.js';

export interface RawMember {
  /** The name exactly as written in the headers. */
  name: string;
  /** The member's bytes as stored: raw deflate when `method` is 8. */
  data: Buffer;
  method: 0 | 8;
  /** The uncompressed size the headers declare (true or not). */
  declaredSize: number;
  crc32?: number;
  /** Unix mode in the external attributes (0o100644 a file, 0o120777 a symbolic link). */
  mode?: number;
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

/** A member as an honest writer stores it: deflated, with its true size and CRC-32. */
export function honestMember(name: string, content: Buffer): RawMember {
  return {
    name,
    data: deflateRawSync(content),
    method: 8,
    declaredSize: content.length,
    crc32: new Crc32().update(content).digest(),
  };
}

/**
 * A raw deflate stream of `head`, then `unit` `times` times, then `tail`, built by repeating the
 * unit's compressed bytes: each part is compressed on its own and ended by a full flush (byte
 * aligned, nothing referring back), so the parts can be laid end to end. 1 MiB of one byte
 * compresses to about 1 KB: 2 GiB of zeros is a 2 MB stream.
 */
export function repeatedDeflate(
  unit: Buffer,
  times: number,
  head: Buffer = Buffer.alloc(0),
  tail: Buffer = Buffer.alloc(0),
): Buffer {
  const flushed = (b: Buffer): Buffer => deflateRawSync(b, { finishFlush: constants.Z_FULL_FLUSH });
  const block = flushed(unit);
  return Buffer.concat([
    flushed(head),
    ...Array.from({ length: times }, () => block),
    deflateRawSync(tail),
  ]);
}

/** `bytes` zeros (a multiple of 1 MiB) as a raw deflate stream. */
export const zeroBomb = (bytes: number): Buffer => repeatedDeflate(Buffer.alloc(MiB), bytes / MiB);

/** A gzip file of `bytes` zeros (a multiple of 1 MiB): one gzip member per MiB, end to end. */
export function gzipBomb(bytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: bytes / MiB }, () => member));
}

/** Writes the members as a ZIP file, headers saying exactly what each member says. */
export function writeRawZip(file: string, members: readonly RawMember[]): number {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const crc = m.crc32 ?? 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // names in UTF-8
    local.writeUInt16LE(m.method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(m.data.length, 18);
    local.writeUInt32LE(m.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(m.method, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(m.data.length, 20);
    header.writeUInt32LE(m.declaredSize, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(((m.mode ?? 0o100644) << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, m.data);
    central.push(header, name);
    offset += local.length + name.length + m.data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  const bytes = Buffer.concat([...parts, directory, end]);
  writeFileSync(file, bytes);
  return bytes.length;
}
