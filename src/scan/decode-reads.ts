import { sniffCompression } from '../decode/compression/sniff-compression.js';
import { decodeFailure, decodeValue, type DecodeOptions } from '../decode/decode-value.js';
import type { DecompressPool, PeelItem } from '../decode/threads/decompress-pool.js';
import { DecompressThreadFailed } from '../decode/threads/decompress-thread-failed.js';
import type { DecodeResult, ReadValue } from '../types.js';

// Below this many compressed values a batch decompresses on its own thread: a job's round
// trip costs about what a few small values cost to inflate.
export const MIN_VALUES_TO_OFFLOAD = 8;

/**
 * Decodes a batch's reads, each with its pattern's options. With a pool, compressed values are
 * decompressed on its threads and then decoded here with compression `none`: the same path as
 * decodeValue's, with the peel elsewhere. Results are in the order of `reads`; undefined where
 * the read produced no bytes to decode. Values a failed thread did not answer for are decoded
 * here, so a dead thread slows a batch and changes nothing in its results.
 */
export async function decodeReads(
  reads: readonly ReadValue[],
  options: readonly DecodeOptions[],
  pool?: DecompressPool,
  minToOffload = MIN_VALUES_TO_OFFLOAD,
): Promise<(DecodeResult | undefined)[]> {
  const results: (DecodeResult | undefined)[] = new Array<DecodeResult | undefined>(reads.length);
  const offload: number[] = [];
  reads.forEach((read, i) => {
    if (pool && read.status === 'value' && isCompressed(read.bytes, options[i]!)) offload.push(i);
    else results[i] = decodeRead(read, options[i]!);
  });
  if (offload.length === 0) return results;
  if (offload.length < minToOffload || !pool) {
    for (const i of offload) results[i] = decodeRead(reads[i]!, options[i]!);
    return results;
  }
  const items: PeelItem[] = offload.map((i) => {
    const read = reads[i] as Extract<ReadValue, { status: 'value' }>;
    return { bytes: read.bytes, compression: options[i]!.compression, maxBytes: options[i]!.maxBytes };
  });
  try {
    await pool.peel(items, (j, peeled) => {
      const i = offload[j]!;
      const opts = options[i]!;
      results[i] = peeled.ok ? decodeValue(peeled.bytes, { ...opts, compression: 'none' }) : decodeFailure(peeled.error, opts.format);
    });
  } catch (err) {
    if (!(err instanceof DecompressThreadFailed)) throw err;
    // The threads are a speed-up, not a dependency: what they did not answer is decoded here
    // (a thread's bug, if that is what it was, then surfaces here as decodeValue's would).
    for (const i of offload) results[i] ??= decodeRead(reads[i]!, options[i]!);
  }
  return results;
}

/** Bytes that decodeValue would begin by decompressing (base64 text is decoded in place). */
function isCompressed(bytes: Buffer, opts: DecodeOptions): boolean {
  if (opts.base64 || opts.compression === 'none' || bytes.length === 0) return false;
  return opts.compression !== 'auto' || sniffCompression(bytes) !== undefined;
}

function decodeRead(read: ReadValue, opts: DecodeOptions): DecodeResult | undefined {
  // An empty string is a cached "nothing" (negative_cache), not an undecodable payload.
  if (read.status === 'value' && read.bytes.length === 0) return { ok: true, value: '', format: 'text' };
  if (read.status === 'value') return decodeValue(read.bytes, opts);
  if (read.status === 'hash') {
    // A hash without a configured field is checked as a map of its fields' text.
    const value: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [f, v] of Object.entries(read.fields)) value[f] = v.toString('utf8');
    return { ok: true, value, format: 'hash' };
  }
  return undefined;
}
