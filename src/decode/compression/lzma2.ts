import { undecodable } from '../decode-error.js';
import type { BoundedOutput } from './bounded-output.js';
import type { LzmaChunkDecoder } from './lzma-chunk.js';

const truncated = () => undecodable('truncated xz stream');
const corrupt = () => undecodable('corrupt xz stream');

/**
 * Decodes one xz block's LZMA2 data (the only filter Python's lzma.compress and xz write by
 * default) starting at input[at], appends the block's output to `output`, and returns the offset
 * just past its end marker (control 0). `lzma` holds the same input in its memory and decodes
 * the block there, the block's earlier output being the dictionary.
 *
 * Chunks, after XZ Embedded's xz_dec_lzma2.c: control 0x01/0x02 is an uncompressed chunk (with or
 * without a dictionary reset), 0x80–0xFF an LZMA chunk whose bits 5–6 say what is reset (0
 * nothing, 1 state, 2 state + new properties, 3 all + dictionary) and bits 0–4 are the top of its
 * uncompressed size. Each chunk states its uncompressed size (≤ 2 MiB) up front, so it is checked
 * against the cap — and a bomb refused as `oversized` — before a byte of it is decoded.
 */
export function decodeLzma2(input: Uint8Array, at: number, lzma: LzmaChunkDecoder, output: BoundedOutput): number {
  // A stream must set properties and reset state before its first LZMA chunk, so nothing carries
  // over from an earlier value.
  let needDictionaryReset = true;
  let needProperties = true;
  let dictStart = 0;
  lzma.startBlock();
  for (;;) {
    if (at >= input.length) throw truncated();
    const control = input[at++] ?? 0;
    if (control === 0x00) {
      output.append(lzma.blockOutput());
      return at;
    }
    if (control >= 0xe0 || control === 0x01) {
      needProperties = true;
      needDictionaryReset = false;
      dictStart = lzma.blockLength;
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
      output.checkRoom(lzma.blockLength + unpacked);
      lzma.decodeChunk(at, at + packed, unpacked, dictStart);
      at += packed;
    } else {
      if (control > 0x02) throw corrupt();
      if (at + 2 > input.length) throw truncated();
      const size = ((input[at] ?? 0) << 8) + (input[at + 1] ?? 0) + 1;
      at += 2;
      if (at + size > input.length) throw truncated();
      output.checkRoom(lzma.blockLength + size);
      lzma.copyStored(at, size);
      at += size;
    }
  }
}
