import { constants } from 'node:buffer';
import type { CompressionName, DecodeResult, FormatName } from '../types.js';
import { decodeBase64 } from './base64.js';
import { DecodeError } from './decode-error.js';
import { decodePayload } from './decode-payload.js';

/** How to decode one cached value: a pattern's `format`, `compression`, `base64`, plus limits. */
export interface DecodeOptions {
  format: FormatName;
  compression: CompressionName;
  /** The stored bytes are base64 text of the (possibly compressed) payload. */
  base64: boolean;
  /** Cap on the payload's size, before and after each decompression (a bomb stops here). */
  maxBytes: number;
  /** Cap on object/array nesting (`{}` is depth 1). */
  maxDepth: number;
}

function assertOptions(opts: DecodeOptions): void {
  // Limits come from validated config; a bad one is a programming error, not a bad payload.
  if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 1 || opts.maxBytes > constants.MAX_LENGTH) {
    throw new RangeError(`decodeValue: maxBytes must be an integer between 1 and ${constants.MAX_LENGTH}`);
  }
  if (!Number.isSafeInteger(opts.maxDepth) || opts.maxDepth < 1) {
    throw new RangeError('decodeValue: maxDepth must be a positive integer');
  }
}

/**
 * Decodes a cached value: base64 (if asked), then compression, then format. Pure and
 * synchronous; never throws for any bytes (only for invalid options). A failure is a result
 * whose `detail` is a fixed short reason: no payload content ever leaves this function.
 */
export function decodeValue(bytes: Uint8Array, opts: DecodeOptions): DecodeResult {
  assertOptions(opts);
  try {
    const payload = opts.base64 ? decodeBase64(bytes) : bytes;
    const { value, format } = decodePayload(payload, opts.format, opts.compression, opts);
    return { ok: true, value, format };
  } catch (error) {
    // Anything else is a bug in this layer, not a property of the payload: let it surface.
    if (!(error instanceof DecodeError)) throw error;
    return decodeFailure(error, opts.format);
  }
}

/** The result for a payload that failed with `error` under a pattern's `format`. */
export function decodeFailure(error: DecodeError, format: FormatName): DecodeResult {
  return { ok: false, reason: error.reason, format: error.format ?? format, detail: error.message };
}
