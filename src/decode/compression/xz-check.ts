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
// eight (eight tables, eight bytes a step) takes an eighth of the table-dependent steps.
const POLY_HI = 0xc96c5795 | 0;
const POLY_LO = 0xd7870f42 | 0;
const SLICES = 8;
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

/** CRC-64 of bytes[from, to) as the 8 little-endian bytes xz stores. */
export function crc64(bytes: Uint8Array, from = 0, to = bytes.length): Uint8Array {
  // The tables in locals: module constants are reloaded from the context on every access.
  const tlo = TABLE_LO;
  const thi = TABLE_HI;
  let hi = -1;
  let lo = -1;
  let i = from;
  const n = to;
  for (; i + 8 <= n; i += 8) {
    // Eight bytes folded into both halves, then one lookup per byte from its own table.
    const x = lo ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    const y = hi ^ (bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24));
    lo =
      tlo[1792 + (x & 0xff)]! ^ tlo[1536 + ((x >>> 8) & 0xff)]! ^ tlo[1280 + ((x >>> 16) & 0xff)]! ^ tlo[1024 + (x >>> 24)]! ^
      tlo[768 + (y & 0xff)]! ^ tlo[512 + ((y >>> 8) & 0xff)]! ^ tlo[256 + ((y >>> 16) & 0xff)]! ^ tlo[y >>> 24]!;
    hi =
      thi[1792 + (x & 0xff)]! ^ thi[1536 + ((x >>> 8) & 0xff)]! ^ thi[1280 + ((x >>> 16) & 0xff)]! ^ thi[1024 + (x >>> 24)]! ^
      thi[768 + (y & 0xff)]! ^ thi[512 + ((y >>> 8) & 0xff)]! ^ thi[256 + ((y >>> 16) & 0xff)]! ^ thi[y >>> 24]!;
  }
  for (; i < n; i++) {
    const index = (lo ^ bytes[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ tlo[index]!;
    hi = (hi >>> 8) ^ thi[index]!;
  }
  // Byte by byte: a DataView needs the array's ArrayBuffer, which V8 must first move off the
  // heap for a small array (that alone cost more than the CRC of a cached value).
  const out = new Uint8Array(8);
  lo = ~lo;
  hi = ~hi;
  for (let k = 0; k < 4; k++) {
    out[k] = (lo >>> (8 * k)) & 0xff;
    out[4 + k] = (hi >>> (8 * k)) & 0xff;
  }
  return out;
}

/** The check field xz stores after a block whose uncompressed bytes are data[from, to). */
export function computeCheck(id: XzCheckId, data: Uint8Array, from: number, to: number): Uint8Array {
  switch (id) {
    case 0x00:
      return new Uint8Array(0);
    case 0x01: {
      const c = crc32Of(data, from, to);
      return Uint8Array.of(c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24);
    }
    case 0x04:
      return crc64(data, from, to);
    case 0x0a:
      return createHash('sha256').update(data.subarray(from, to)).digest();
  }
}
