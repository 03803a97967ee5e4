import { oversized, undecodable } from '../decode-error.js';
import { BoundedOutput } from './bounded-output.js';
import { LzmaChunkDecoder } from './lzma-chunk.js';
import { decodeLzma2 } from './lzma2.js';
import { CHECK_CRC64, CRC64_BYTES, computeCheck, crc32Of, isSupportedCheck, type XzCheckId } from './xz-check.js';

const truncated = () => undecodable('truncated xz stream');
const corrupt = () => undecodable('corrupt xz stream');
const checkFailed = () => undecodable('xz integrity check failed');

const HEADER_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
const FILTER_LZMA2 = 0x21;
/** LZMA2's dictionary-size byte tops out at 40 (4 GiB - 1); bits 6–7 are reserved. */
const MAX_DICTIONARY_PROP = 40;

function readU32(bytes: Uint8Array, at: number): number {
  if (at + 4 > bytes.length) throw truncated();
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> 0;
}

/** xz's variable-length integer (xz-file-format §1.2): up to 9 bytes, no redundant zero byte. */
function readVli(bytes: Uint8Array, at: number, end: number): [value: number, next: number] {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at >= end) throw truncated();
    const b = bytes[at++] ?? 0;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (b === 0 && i > 0) throw corrupt();
      return [value, at];
    }
  }
  throw corrupt();
}

function hasBytes(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  return expected.every((b, i) => bytes[at + i] === b);
}

function sameBytes(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > bytes.length) throw truncated();
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

function allZero(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

interface BlockRecord {
  unpaddedSize: number;
  uncompressedSize: number;
}

/** Decodes the block whose header starts at `at`; returns its index record and its end offset. */
function decodeBlock(bytes: Uint8Array, at: number, check: XzCheckId, lzma: LzmaChunkDecoder, output: BoundedOutput, maxBytes: number): [BlockRecord, number] {
  const headerSize = ((bytes[at] ?? 0) + 1) * 4;
  const headerEnd = at + headerSize;
  if (headerEnd > bytes.length) throw truncated();
  if (crc32Of(bytes, at, headerEnd - 4) !== readU32(bytes, headerEnd - 4)) throw checkFailed();
  const flags = bytes[at + 1] ?? 0;
  if (flags & 0x3c) throw corrupt(); // reserved bits
  let pos = at + 2;
  let compressedSize = -1;
  let uncompressedSize = -1;
  if (flags & 0x40) [compressedSize, pos] = readVli(bytes, pos, headerEnd - 4);
  if (flags & 0x80) [uncompressedSize, pos] = readVli(bytes, pos, headerEnd - 4);
  // A declared size past the cap is a bomb announcing itself: refuse before decoding.
  if (uncompressedSize > maxBytes - output.length) throw oversized(maxBytes);
  const filterCount = (flags & 0x03) + 1;
  // Python's lzma.compress and xz write LZMA2 alone unless told otherwise; BCJ and delta filters
  // in front of it (executables, audio) have no place in a cache.
  if (filterCount !== 1) throw undecodable('unsupported xz filter');
  const [filterId, afterId] = readVli(bytes, pos, headerEnd - 4);
  const [propertiesSize, afterSize] = readVli(bytes, afterId, headerEnd - 4);
  pos = afterSize;
  if (filterId !== FILTER_LZMA2) throw undecodable('unsupported xz filter');
  if (propertiesSize !== 1 || pos >= headerEnd - 4) throw corrupt();
  const dictionary = bytes[pos++] ?? 0;
  if (dictionary > MAX_DICTIONARY_PROP) throw corrupt();
  if (!allZero(bytes, pos, headerEnd - 4)) throw corrupt(); // header padding

  const outStart = output.length;
  const dataEnd = decodeLzma2(bytes, headerEnd, lzma, output);
  const actualCompressed = dataEnd - headerEnd;
  const actualUncompressed = output.length - outStart;
  if (compressedSize !== -1 && compressedSize !== actualCompressed) throw corrupt();
  if (uncompressedSize !== -1 && uncompressedSize !== actualUncompressed) throw corrupt();
  const paddedEnd = dataEnd + ((4 - (actualCompressed % 4)) % 4);
  if (paddedEnd > bytes.length) throw truncated();
  if (!allZero(bytes, dataEnd, paddedEnd)) throw corrupt();
  let checkSize: number;
  if (check === CHECK_CRC64) {
    checkSize = CRC64_BYTES;
    if (paddedEnd + checkSize > bytes.length) throw truncated();
    if (!lzma.crc64Matches(paddedEnd)) throw checkFailed();
  } else {
    const expected = computeCheck(check, output.result(), outStart, output.length);
    if (!sameBytes(bytes, paddedEnd, expected)) throw checkFailed();
    checkSize = expected.length;
  }
  const record = { unpaddedSize: headerSize + actualCompressed + checkSize, uncompressedSize: actualUncompressed };
  return [record, paddedEnd + checkSize];
}

/** Reads and verifies the index at `at` against the blocks decoded; returns its end offset. */
function verifyIndex(bytes: Uint8Array, at: number, records: readonly BlockRecord[]): number {
  const start = at;
  let count: number;
  [count, at] = readVli(bytes, at + 1, bytes.length); // past the 0x00 index indicator
  if (count !== records.length) throw corrupt();
  for (const record of records) {
    let unpadded: number;
    let uncompressed: number;
    [unpadded, at] = readVli(bytes, at, bytes.length);
    [uncompressed, at] = readVli(bytes, at, bytes.length);
    if (unpadded !== record.unpaddedSize || uncompressed !== record.uncompressedSize) throw corrupt();
  }
  const paddedEnd = at + ((4 - ((at - start) % 4)) % 4);
  if (paddedEnd + 4 > bytes.length) throw truncated();
  if (!allZero(bytes, at, paddedEnd)) throw corrupt();
  if (crc32Of(bytes, start, paddedEnd) !== readU32(bytes, paddedEnd)) throw checkFailed();
  return paddedEnd + 4;
}

/** Decodes one stream (header, blocks, index, footer) at `at`; returns its end offset. */
function decodeStream(bytes: Uint8Array, at: number, lzma: LzmaChunkDecoder, output: BoundedOutput, maxBytes: number): number {
  if (at + 12 > bytes.length) throw truncated();
  if (!hasBytes(bytes, at, HEADER_MAGIC)) throw corrupt();
  const flagsAt = at + 6;
  if (crc32Of(bytes, flagsAt, flagsAt + 2) !== readU32(bytes, flagsAt + 2)) throw checkFailed();
  if (bytes[flagsAt] !== 0 || (bytes[flagsAt + 1] ?? 0) & 0xf0) throw corrupt();
  const check = (bytes[flagsAt + 1] ?? 0) & 0x0f;
  // CRC32, CRC64 and SHA-256 are all xz and Python write; the other ids are reserved.
  if (!isSupportedCheck(check)) throw undecodable('unsupported xz integrity check');
  at += 12;
  const records: BlockRecord[] = [];
  for (;;) {
    if (at >= bytes.length) throw truncated();
    if (bytes[at] === 0x00) break; // the index indicator ends the blocks
    const [record, next] = decodeBlock(bytes, at, check, lzma, output, maxBytes);
    records.push(record);
    at = next;
  }
  const indexStart = at;
  at = verifyIndex(bytes, at, records);
  if (at + 12 > bytes.length) throw truncated();
  if (crc32Of(bytes, at + 4, at + 10) !== readU32(bytes, at)) throw checkFailed();
  const backwardSize = (readU32(bytes, at + 4) + 1) * 4;
  if (backwardSize !== at - indexStart) throw corrupt();
  if (bytes[at + 8] !== bytes[flagsAt] || bytes[at + 9] !== bytes[flagsAt + 1]) throw corrupt();
  if (!hasBytes(bytes, at + 10, FOOTER_MAGIC)) throw corrupt();
  return at + 12;
}

/**
 * Decompresses the .xz container (tukaani.org xz-file-format 1.x) as Python's lzma.compress
 * writes it — django-redis's LzmaCompressor — and as the xz tool does: concatenated streams with
 * stream padding, any number of blocks, the LZMA2 filter, and CRC32, CRC64 or SHA-256 checks, all
 * verified (block and index CRC32s too). Output is capped at maxBytes: each LZMA2 chunk's stated
 * size is checked against it before the chunk is decoded, so a bomb stops at the cap, in time and
 * memory. LZMA itself runs in WebAssembly (lzma-chunk.ts), and each finished block is copied into
 * the capped output, so a bomb's peak is about its input plus twice maxBytes.
 */
export function decompressXz(bytes: Uint8Array, maxBytes: number): Uint8Array {
  // Sized by the first block's output (a cached value is one block); it doubles up to maxBytes
  // if more follow.
  const output = new BoundedOutput(maxBytes, 0);
  const lzma = new LzmaChunkDecoder(bytes);
  try {
    let at = decodeStream(bytes, 0, lzma, output, maxBytes);
    while (at < bytes.length) {
      // Stream padding: zero bytes in multiples of four, then possibly another stream.
      const paddingStart = at;
      while (at < bytes.length && bytes[at] === 0) at++;
      if ((at - paddingStart) % 4 !== 0) throw corrupt();
      if (at < bytes.length) at = decodeStream(bytes, at, lzma, output, maxBytes);
    }
  } finally {
    lzma.release();
  }
  return output.result();
}
