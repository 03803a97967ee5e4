import { undecodable } from '../decode-error.js';
import type { BoundedOutput } from './bounded-output.js';

const MIN_MATCH = 4;
const corrupt = () => undecodable('corrupt lz4 block');

/**
 * Decodes one block of the LZ4 block format (lz4 Block_format.md) from input[start, end) onto
 * `output`. Back-references may reach back to `windowStart`: the block's own start for
 * independent blocks, the frame's start for linked ones. `blockLimit` is the frame's maximum
 * block size; output beyond the caller's maxBytes throws `oversized` from BoundedOutput first.
 */
export function decodeLz4Block(
  input: Uint8Array,
  start: number,
  end: number,
  output: BoundedOutput,
  windowStart: number,
  blockLimit: number,
): void {
  const blockStart = output.length;
  let at = start;
  for (;;) {
    if (at >= end) throw corrupt(); // a block ends with a literals-only sequence, never empty
    const token = input[at++] ?? 0;
    let literals = token >>> 4;
    if (literals === 15) {
      let extra: number;
      do {
        if (at >= end) throw corrupt();
        extra = input[at++] ?? 0;
        literals += extra;
      } while (extra === 255);
    }
    if (at + literals > end) throw corrupt();
    output.append(input, at, literals);
    at += literals;
    if (at === end) break; // the last sequence has no match part
    if (at + 2 > end) throw corrupt();
    const distance = (input[at] ?? 0) | ((input[at + 1] ?? 0) << 8);
    at += 2;
    if (distance === 0 || distance > output.length - windowStart) throw corrupt();
    let matchLength = (token & 15) + MIN_MATCH;
    if ((token & 15) === 15) {
      let extra: number;
      do {
        if (at >= end) throw corrupt();
        extra = input[at++] ?? 0;
        matchLength += extra;
      } while (extra === 255);
    }
    output.copyMatch(distance, matchLength);
    if (output.length - blockStart > blockLimit) throw corrupt();
  }
  if (output.length - blockStart > blockLimit) throw corrupt();
}
