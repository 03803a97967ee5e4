import { Decompress } from 'fzstd';
import { DecodeError, undecodable } from '../decode-error.js';
import { BoundedOutput } from './bounded-output.js';
import { boundZstdFrames } from './zstd-frames.js';

/** zstd's largest block (RFC 8878 §3.1.1.2.3): fzstd hands over output one block at a time. */
const MAX_BLOCK_BYTES = 128 * 1024;

/**
 * Decompresses a zstd stream (any number of frames) with fzstd's streaming decoder, counting
 * output per block and stopping with `oversized` once it passes maxBytes.
 */
export function decompressZstd(input: Uint8Array, maxBytes: number): Uint8Array {
  const bytes = boundZstdFrames(input, maxBytes, maxBytes + MAX_BLOCK_BYTES);
  const output = new BoundedOutput(maxBytes, bytes.length * 4);
  // Throws DecodeError('oversized') from inside fzstd's push(), which unwinds it mid-stream.
  const stream = new Decompress((chunk) => output.append(chunk));
  try {
    stream.push(bytes, true);
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    // fzstd's ZstdError code 5 is "unexpected EOF"; everything else is corrupt data.
    if ((error as { code?: unknown }).code === 5) throw undecodable('truncated zstd stream');
    throw undecodable('corrupt zstd stream');
  }
  return output.result();
}
