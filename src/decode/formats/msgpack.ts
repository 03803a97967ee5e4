import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { DecodeError, undecodable } from '../decode-error.js';
import { readMsgpack } from './msgpack-reader.js';

function isContainerHead(b: number | undefined): boolean {
  if (b === undefined) return false;
  return (b >= 0x80 && b <= 0x9f) || b === 0xdc || b === 0xdd || b === 0xde || b === 0xdf;
}

/**
 * MessagePack: one value that must use every byte (trailing bytes are an error), read by
 * msgpack-reader.ts within the context's depth limit. "__proto__" keys stay own properties.
 */
export const msgpackFormat: FormatDecoder = {
  name: 'msgpack',
  // Only maps and arrays: a scalar head byte is any ASCII character and would match plain text.
  sniff: (bytes) => isContainerHead(bytes[0]),
  decode(bytes: Uint8Array, context: DecodeContext): Decoded {
    try {
      return readMsgpack(bytes, context.maxDepth) as Decoded;
    } catch (error) {
      if (error instanceof DecodeError) throw error;
      // Recursion is capped (MSGPACK_NESTING_CAP), but a decode entered from deep in the stack
      // could still overflow: that is a value too deep for us, not a bug.
      if (error instanceof RangeError && /call stack/i.test(error.message)) throw undecodable('invalid msgpack', { format: 'msgpack' });
      throw error;
    }
  },
};
