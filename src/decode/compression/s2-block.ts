import { oversized, undecodable } from '../decode-error.js';

const corrupt = () => undecodable('corrupt S2 block');

const TAG_LITERAL = 0;
const TAG_COPY1 = 1;
const TAG_COPY2 = 2;
/** Largest decoded length the block header may state (klauspost/compress s2.decodedLen). */
const MAX_DECODED_LENGTH = 0xffffffff;

/** The block's leading uvarint: its decoded length, and where the elements start. */
function readDecodedLength(src: Uint8Array): [length: number, start: number] {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = src[i];
    if (b === undefined) throw corrupt();
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) {
      if (value > MAX_DECODED_LENGTH) throw corrupt();
      return [value, i + 1];
    }
  }
  throw corrupt();
}

/**
 * Decodes the S2 block format (klauspost/compress s2.Encode; go-redis/cache compresses with it),
 * after s2/decode_other.go: Snappy's block format — a uvarint decoded length, then literal and
 * copy elements — plus S2's one extension, the repeat: a 1-byte-offset copy (tag 01) whose offset
 * is 0 reuses the last offset, with lengths 5–7 in the tag meaning 1–3 extra length bytes. Snappy
 * blocks are valid S2 blocks and decode the same. S2's dictionaries are not used by go-redis/cache
 * and cannot be told apart here: a copy that reaches before the block's start is corrupt.
 *
 * The stated length is checked against maxBytes before anything is allocated, and every element
 * is checked against the room left, so the output never exceeds the smaller of the two.
 */
export function decodeS2Block(src: Uint8Array, maxBytes: number): Uint8Array {
  const [length, start] = readDecodedLength(src);
  if (length > maxBytes) throw oversized(maxBytes);
  // From Node's buffer pool: a fresh off-heap Uint8Array per small value cost more than the
  // decode. Uninitialised memory is safe here: the block must fill every byte (d === length
  // below), or the value is corrupt and the buffer is dropped.
  const dst = Buffer.allocUnsafe(length);
  const end = src.length;
  let s = start;
  let d = 0;
  let offset = 0;
  while (s < end) {
    const tag = src[s] ?? 0;
    let copyLength: number;
    switch (tag & 0x03) {
      case TAG_LITERAL: {
        let x = tag >>> 2;
        s++;
        if (x >= 60) {
          const extra = x - 59; // 1–4 little-endian length bytes
          if (s + extra > end) throw corrupt();
          x = 0;
          for (let i = extra - 1; i >= 0; i--) x = x * 256 + (src[s + i] ?? 0);
          s += extra;
        }
        const literal = x + 1;
        if (literal > length - d || literal > end - s) throw corrupt();
        dst.set(src.subarray(s, s + literal), d);
        d += literal;
        s += literal;
        continue;
      }
      case TAG_COPY1: {
        if (s + 2 > end) throw corrupt();
        copyLength = (tag >>> 2) & 0x07;
        const tagOffset = ((tag & 0xe0) << 3) | (src[s + 1] ?? 0);
        s += 2;
        if (tagOffset === 0) {
          // S2's repeat: keep the last offset; lengths 5–7 announce 1–3 more length bytes.
          if (copyLength === 5) {
            if (s + 1 > end) throw corrupt();
            copyLength = (src[s] ?? 0) + 4;
            s += 1;
          } else if (copyLength === 6) {
            if (s + 2 > end) throw corrupt();
            copyLength = ((src[s] ?? 0) | ((src[s + 1] ?? 0) << 8)) + (1 << 8);
            s += 2;
          } else if (copyLength === 7) {
            if (s + 3 > end) throw corrupt();
            copyLength = ((src[s] ?? 0) | ((src[s + 1] ?? 0) << 8) | ((src[s + 2] ?? 0) << 16)) + (1 << 16);
            s += 3;
          }
        } else {
          offset = tagOffset;
        }
        copyLength += 4;
        break;
      }
      case TAG_COPY2:
        if (s + 3 > end) throw corrupt();
        copyLength = 1 + (tag >>> 2);
        offset = (src[s + 1] ?? 0) | ((src[s + 2] ?? 0) << 8);
        s += 3;
        break;
      default: // TAG_COPY4
        if (s + 5 > end) throw corrupt();
        copyLength = 1 + (tag >>> 2);
        offset = ((src[s + 1] ?? 0) | ((src[s + 2] ?? 0) << 8) | ((src[s + 3] ?? 0) << 16) | ((src[s + 4] ?? 0) << 24)) >>> 0;
        s += 5;
        break;
    }
    // A repeat before any copy has offset 0: corrupt, as in s2Decode.
    if (offset <= 0 || d < offset || copyLength > length - d) throw corrupt();
    const from = d - offset;
    if (offset >= copyLength) {
      dst.copyWithin(d, from, from + copyLength);
    } else {
      // Overlapping: the copy repeats a period of `offset` bytes; copy the period, then double it.
      let done = 0;
      while (done < copyLength) {
        const chunk = Math.min(copyLength - done, d + done - from);
        dst.copyWithin(d + done, from, from + chunk);
        done += chunk;
      }
    }
    d += copyLength;
  }
  if (d !== length) throw corrupt();
  // A plain Uint8Array view of the same bytes, as every decompressor returns.
  return new Uint8Array(dst.buffer, dst.byteOffset, length);
}
