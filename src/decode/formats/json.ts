import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { undecodable } from '../decode-error.js';
import { exceedsJsonDepth } from '../json-depth.js';
import { decodeUtf8 } from '../utf8.js';

/** Index of the first byte from `from` on that is not JSON whitespace (RFC 8259 §2), or -1. */
export function firstNonSpace(bytes: Uint8Array, from = 0): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return i;
  }
  return -1;
}

function startsLikeJson(b: number | undefined): boolean {
  return (
    b === 0x7b || // {
    b === 0x5b || // [
    b === 0x22 || // "
    b === 0x2d || // -
    (b !== undefined && b >= 0x30 && b <= 0x39) || // digit
    b === 0x74 || // t(rue)
    b === 0x66 || // f(alse)
    b === 0x6e // n(ull)
  );
}

/**
 * Parses JSON bytes within the context's depth limit. JSON.parse defines "__proto__" as an own
 * property (it never calls the prototype setter), so a "__proto__" key can neither hide nor
 * inject a marker.
 */
export function parseJson(bytes: Uint8Array, context: DecodeContext, format = 'json'): Decoded {
  if (exceedsJsonDepth(bytes, context.maxDepth)) {
    throw undecodable(`JSON nesting deeper than ${context.maxDepth}`, { format });
  }
  const text = decodeUtf8(bytes, format);
  try {
    return JSON.parse(text) as Decoded;
  } catch {
    throw undecodable('invalid JSON', { format });
  }
}

/** Bytes after a leading UTF-8 byte order mark (EF BB BF), if there is one. */
function afterBom(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * RFC 8259 JSON text, any top-level value. A leading BOM, which RFC 8259 §8.1 lets parsers
 * ignore, is accepted (.NET's Encoding.UTF8.GetBytes(preamble + json) and some Windows tools write
 * one; decodeUtf8 drops it): otherwise `auto` would call such a value "no known format".
 */
export const jsonFormat: FormatDecoder = {
  name: 'json',
  sniff: (bytes) => startsLikeJson(bytes[firstNonSpace(bytes, afterBom(bytes))]),
  decode: (bytes, context) => parseJson(bytes, context),
};
