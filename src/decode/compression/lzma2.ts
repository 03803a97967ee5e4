import { undecodable } from '../decode-error.js';
import type { BoundedOutput } from './bounded-output.js';
import { LzmaDecoder } from './lzma-decoder.js';

const truncated = () => undecodable('truncated xz stream');
const corrupt = () => undecodable('corrupt xz stream');
const sharedDecoder = new LzmaDecoder();

/**
 * Decodes LZMA2 data (the only filter Python's lzma.compress and xz write by default) starting at
 * input[at], appending to `output`, and returns the offset just past its end marker (control 0).
 *
 * Chunks, after XZ Embedded's xz_dec_lzma2.c: control 0x01/0x02 is an uncompressed chunk (with or
 * without a dictionary reset), 0x80–0xFF an LZMA chunk whose bits 5–6 say what is reset (0
 * nothing, 1 state, 2 state + new properties, 3 all + dictionary) and bits 0–4 are the top of its
 * uncompressed size. Each chunk states its uncompressed size (≤ 2 MiB) up front, so the room is
 * claimed from `output` — and a bomb refused as `oversized` — before a byte of it is decoded.
 */
export function decodeLzma2(input: Uint8Array, at: number, output: BoundedOutput): number {
  // One decoder reused by every call: decoding is synchronous and never re-entered, and its 28 KB
  // of probabilities cost more to allocate than a small cached value costs to decode. A stream
  // must set properties and reset state before its first LZMA chunk, so nothing carries over.
  const lzma = sharedDecoder;
  let needDictionaryReset = true;
  let needProperties = true;
  let dictStart = output.length;
  for (;;) {
    if (at >= input.length) throw truncated();
    const control = input[at++] ?? 0;
    if (control === 0x00) return at;
    if (control >= 0xe0 || control === 0x01) {
      needProperties = true;
      needDictionaryReset = false;
      dictStart = output.length;
    } else if (needDictionaryReset) {
      throw corrupt();
    }
    if (control >= 0x80) {
      if (at + 4 > input.length) throw truncated();
      const unpacked = (control & 0x1f) * 0x10000 + ((input[at] ?? 0) << 8) + (input[at + 1] ?? 0) + 1;
      const packed = ((input[at + 2] ?? 0) << 8) + (input[at + 3] ?? 0) + 1;
      at += 4;
      if (control >= 0xc0) {
        if (at >= input.length) throw truncated();
        lzma.setProperties(input[at++] ?? 0);
        needProperties = false;
      } else if (needProperties) {
        throw corrupt();
      }
      if (control >= 0xa0) lzma.reset();
      if (at + packed > input.length) throw truncated();
      const start = output.length;
      const buffer = output.claim(unpacked);
      lzma.decodeChunk(input, at, at + packed, buffer, start, start + unpacked, dictStart);
      output.advance(unpacked);
      at += packed;
    } else {
      if (control > 0x02) throw corrupt();
      if (at + 2 > input.length) throw truncated();
      const size = ((input[at] ?? 0) << 8) + (input[at + 1] ?? 0) + 1;
      at += 2;
      if (at + size > input.length) throw truncated();
      output.append(input, at, size);
      at += size;
    }
  }
}
