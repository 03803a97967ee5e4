import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

/** xz's integrity checks (xz-file-format §2.1.1.2 "Check Type"): none, CRC32, CRC64, SHA-256. */
export type XzCheckId = 0x00 | 0x01 | 0x04 | 0x0a;

/** The check Python's lzma.compress and the xz tool write by default. */
export const CHECK_CRC64 = 0x04;
/** Its size in bytes. */
export const CRC64_BYTES = 8;

/** True for the checks above; the other ids are reserved, and no xz writer uses them. */
export function isSupportedCheck(id: number): id is XzCheckId {
  return id === 0x00 || id === 0x01 || id === 0x04 || id === 0x0a;
}

/** CRC-32 (IEEE, as zlib and xz use it). */
export function crc32(bytes: Uint8Array): number {
  return zlib.crc32(bytes) >>> 0;
}

const CRC32_TABLE = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ (0xedb88320 | 0) : c >>> 1;
  CRC32_TABLE[i] = c;
}
/** Below this many bytes a table loop beats a native call and the subarray it needs. */
const NATIVE_CRC32_FROM = 64;

/**
 * CRC-32 of bytes[from, to) as an unsigned number: the xz headers, index and footer it checks
 * are a few bytes each, where zlib's call (and a subarray per call) cost more than the loop.
 */
export function crc32Of(bytes: Uint8Array, from: number, to: number): number {
  if (to - from >= NATIVE_CRC32_FROM) return crc32(bytes.subarray(from, to));
  let c = -1;
  for (let i = from; i < to; i++) c = CRC32_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * The check field xz stores after a block whose uncompressed bytes are data[from, to), for every
 * check but CRC64, which the WebAssembly decoder verifies where the block was decoded
 * (LzmaChunkDecoder.crc64Matches).
 */
export function computeCheck(id: Exclude<XzCheckId, typeof CHECK_CRC64>, data: Uint8Array, from: number, to: number): Uint8Array {
  switch (id) {
    case 0x00:
      return new Uint8Array(0);
    case 0x01: {
      const c = crc32Of(data, from, to);
      return Uint8Array.of(c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24);
    }
    case 0x0a:
      return createHash('sha256').update(data.subarray(from, to)).digest();
  }
}
