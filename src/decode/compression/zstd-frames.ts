import { oversized, undecodable } from '../decode-error.js';

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const DICTIONARY_ID_BYTES = [0, 1, 2, 4] as const;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;

const truncated = () => undecodable('truncated zstd stream');
const corrupt = () => undecodable('corrupt zstd stream');

function readLE(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i--) value = value * 256 + (bytes[at + i] ?? 0);
  return value;
}

/** RFC 8878 §3.1.1.1.2: a window descriptor byte is 5 bits of exponent and 3 of mantissa. */
function windowSize(descriptor: number): number {
  const base = 2 ** (10 + (descriptor >> 3));
  return base + (base / 8) * (descriptor & 7);
}

/** The smallest window descriptor whose window holds at least `bytes`. */
function descriptorFor(bytes: number): number {
  for (let descriptor = 0; descriptor < 256; descriptor++) if (windowSize(descriptor) >= bytes) return descriptor;
  return 255;
}

/**
 * Checks the framing of a zstd stream before fzstd sees it, and returns the bytes to decode.
 *
 * fzstd allocates each frame's whole window up front, and a frame header may claim a window of
 * up to 2 GiB in 6 bytes. Frames whose declared content size exceeds maxBytes are `oversized`;
 * any larger window is rewritten (in a copy) down to `windowCap`. That changes nothing for the
 * output we accept: a back-reference never reaches further than the output so far, and the
 * caller stops once output passes maxBytes, so windowCap = maxBytes + one 128 KiB block is
 * enough. Block boundaries are walked too, so a cut-off stream is reported as truncated.
 */
export function boundZstdFrames(input: Uint8Array, maxBytes: number, windowCap: number): Uint8Array {
  let bytes = input;
  let pos = 0;
  let frames = 0;
  while (pos < bytes.length) {
    if (pos + 4 > bytes.length) throw frames > 0 ? corrupt() : truncated(); // trailing bytes after a frame are garbage
    const magic = readLE(bytes, pos, 4);
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (pos + 8 > bytes.length) throw truncated();
      pos += 8 + readLE(bytes, pos + 4, 4);
      if (pos > bytes.length) throw truncated();
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw corrupt();
    const descriptorAt = pos + 4;
    const header = bytes[descriptorAt];
    if (header === undefined) throw truncated();
    if (header & 0x08) throw corrupt(); // reserved bit
    const singleSegment = (header >> 5) & 1;
    const hasChecksum = (header >> 2) & 1;
    const contentSizeBytes = singleSegment && header >> 6 === 0 ? 1 : CONTENT_SIZE_BYTES[header >> 6] ?? 0;
    let at = descriptorAt + 1;
    const windowAt = singleSegment ? -1 : at++;
    at += DICTIONARY_ID_BYTES[header & 3] ?? 0;
    if (at + contentSizeBytes > bytes.length) throw truncated();
    if (contentSizeBytes > 0) {
      const contentSize = readLE(bytes, at, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
      if (contentSize > maxBytes) throw oversized(maxBytes);
    }
    const window = windowAt === -1 ? 0 : bytes[windowAt] ?? 0;
    if (windowAt !== -1 && windowSize(window) > windowCap) {
      if (bytes === input) bytes = input.slice();
      bytes[windowAt] = descriptorFor(windowCap);
    }
    at += contentSizeBytes;
    for (let last = 0; last === 0; ) {
      if (at + 3 > bytes.length) throw truncated();
      const block = readLE(bytes, at, 3);
      last = block & 1;
      const type = (block >> 1) & 3;
      if (type === 3) throw corrupt(); // reserved block type
      at += 3 + (type === 1 ? 1 : block >>> 3); // an RLE block stores its one byte
      if (at > bytes.length) throw truncated();
    }
    at += hasChecksum ? 4 : 0;
    if (at > bytes.length) throw truncated();
    pos = at;
    frames++;
  }
  if (frames === 0) throw truncated();
  return bytes;
}
