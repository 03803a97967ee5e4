import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

/** xz's integrity checks (xz-file-format §2.1.1.2 "Check Type"): none, CRC32, CRC64, SHA-256. */
export type XzCheckId = 0x00 | 0x01 | 0x04 | 0x0a;

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

// CRC-64/XZ (ECMA-182 polynomial, reflected), kept as two 32-bit halves: BigInt would be
// several times slower per byte. Tables and running halves are int32 (V8 keeps those in
// registers; uint32 values past 2^31 would turn the loop's arithmetic into doubles). Slicing by
// four (four tables, four bytes a step) takes a quarter of the table-dependent steps.
const POLY_HI = 0xc96c5795 | 0;
const POLY_LO = 0xd7870f42 | 0;
const SLICES = 4;
const TABLE_HI = new Int32Array(256 * SLICES);
const TABLE_LO = new Int32Array(256 * SLICES);
for (let i = 0; i < 256; i++) {
  let hi = 0;
  let lo = i;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = (lo >>> 1) | (hi << 31);
    hi = hi >>> 1;
    if (carry) {
      hi ^= POLY_HI;
      lo ^= POLY_LO;
    }
  }
  TABLE_HI[i] = hi;
  TABLE_LO[i] = lo;
}
// Table k: the CRC of byte i followed by k zero bytes.
for (let k = 1; k < SLICES; k++) {
  for (let i = 0; i < 256; i++) {
    const hi = TABLE_HI[(k - 1) * 256 + i]!;
    const lo = TABLE_LO[(k - 1) * 256 + i]!;
    const index = lo & 0xff;
    TABLE_LO[k * 256 + i] = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]!;
    TABLE_HI[k * 256 + i] = (hi >>> 8) ^ TABLE_HI[index]!;
  }
}

/** CRC-64 of `bytes` as the 8 little-endian bytes xz stores. */
export function crc64(bytes: Uint8Array): Uint8Array {
  let hi = -1;
  let lo = -1;
  let i = 0;
  const n = bytes.length;
  for (; i + 4 <= n; i += 4) {
    // Four bytes folded into the low half, then one lookup per byte from its own table.
    const x = lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    lo = hi ^ TABLE_LO[768 + (x & 0xff)]! ^ TABLE_LO[512 + ((x >>> 8) & 0xff)]! ^ TABLE_LO[256 + ((x >>> 16) & 0xff)]! ^ TABLE_LO[x >>> 24]!;
    hi = TABLE_HI[768 + (x & 0xff)]! ^ TABLE_HI[512 + ((x >>> 8) & 0xff)]! ^ TABLE_HI[256 + ((x >>> 16) & 0xff)]! ^ TABLE_HI[x >>> 24]!;
  }
  for (; i < n; i++) {
    const index = (lo ^ bytes[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]!;
    hi = (hi >>> 8) ^ TABLE_HI[index]!;
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setInt32(0, ~lo, true);
  view.setInt32(4, ~hi, true);
  return out;
}

/** The check field xz stores after a block whose uncompressed bytes are `data`. */
export function computeCheck(id: XzCheckId, data: Uint8Array): Uint8Array {
  switch (id) {
    case 0x00:
      return new Uint8Array(0);
    case 0x01: {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setUint32(0, crc32(data), true);
      return out;
    }
    case 0x04:
      return crc64(data);
    case 0x0a:
      return createHash('sha256').update(data).digest();
  }
}
