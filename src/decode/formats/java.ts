import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { oversized, undecodable } from '../decode-error.js';
import { STREAM_MAGIC, STREAM_VERSION } from './java/constants.js';
import { JavaStreamParser } from './java/stream-parser.js';

function hasMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === STREAM_MAGIC >> 8 && bytes[1] === (STREAM_MAGIC & 0xff) && bytes[2] === 0 && bytes[3] === STREAM_VERSION;
}

/**
 * Java Object Serialization (AC ED 00 05), as Spring's JdkSerializationRedisSerializer writes
 * it: one ObjectOutputStream.writeObject. Parsed as data only (java/stream-parser.ts): objects
 * become null-prototype maps of their fields, JDK collections maps and arrays, UUIDs canonical
 * strings, Spring's NullValue null. Spring's Jackson serializer writes plain JSON (the `json`
 * format), though RedisCache still stores a cached null as these Java bytes.
 */
export const javaFormat: FormatDecoder = {
  name: 'java',
  sniff: hasMagic,
  decode(bytes: Uint8Array, context: DecodeContext): Decoded {
    // JdkSerializationRedisSerializer reads empty bytes as null (and writes null as empty bytes).
    if (bytes.length === 0) return null;
    if (bytes.length > context.maxBytes) throw oversized(context.maxBytes, 'value size');
    if (!hasMagic(bytes)) throw undecodable('not a Java serialization stream', { format: 'java' });
    return new JavaStreamParser(bytes, context.maxDepth).parse();
  },
};
