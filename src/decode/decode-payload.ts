import type { CompressionName, FormatName } from '../types.js';
import { undecodable } from './decode-error.js';
import { peelPayload } from './compression/peel-payload.js';
import { decodeFormat } from './decode-format.js';
import type { DecodeContext, EmbeddedValue } from './formats/index.js';

/** Size and depth limits of one decode, shared by every nested payload. */
export interface DecodeLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

/**
 * How deep payloads may nest inside payloads (a Keyv `:base64:` Buffer holding another). One
 * level is what Keyv's compress plugins write; the bound stops a crafted self-similar chain.
 */
export const MAX_EMBEDDED_LEVELS = 3;

/**
 * Decompresses then decodes one payload. Payloads found inside it (Keyv Buffers) come back
 * through here with auto compression and auto format, one level deeper each time.
 */
export function decodePayload(
  bytes: Uint8Array,
  format: FormatName,
  compression: CompressionName,
  limits: DecodeLimits,
  level = 0,
): EmbeddedValue {
  const plain = peelPayload(bytes, compression, limits.maxBytes);
  const context: DecodeContext = {
    maxBytes: limits.maxBytes,
    maxDepth: limits.maxDepth,
    sniffed: false,
    decodeEmbedded(inner) {
      if (level + 1 > MAX_EMBEDDED_LEVELS) throw undecodable(`payloads nested deeper than ${MAX_EMBEDDED_LEVELS}`);
      return decodePayload(inner, 'auto', 'auto', limits, level + 1);
    },
  };
  return decodeFormat(plain, format, context);
}
