import { Buffer } from 'node:buffer';
import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { oversized, undecodable } from '../decode-error.js';
import { mayStartNumeric, rawNumeric } from './php/php-numbers.js';
import { PhpReader } from './php/php-reader.js';

const COLON = 0x3a;
const SEMICOLON = 0x3b;

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}

/** `X:<digits><after>` from offset 2, as `s:5:"`, `a:3:{`, `O:8:"` begin. */
function countThen(bytes: Uint8Array, after: number): boolean {
  let i = 2;
  while (i < 12 && isDigit(bytes[i])) i += 1;
  return i > 2 && bytes[i] === COLON && bytes[i + 1] === after;
}

/**
 * igbinary (phpredis's `serializer => igbinary`, which Laravel apps may set): a big-endian
 * format version, 1 or 2, then a binary encoding this decoder does not read.
 */
function isIgbinary(bytes: Uint8Array): boolean {
  return bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 0 && (bytes[3] === 1 || bytes[3] === 2);
}

/** The head of a serialize() value: a type letter followed by that type's syntax, or igbinary's. */
function sniffPhp(bytes: Uint8Array): boolean {
  if (isIgbinary(bytes)) return true; // recognised, then refused by decode with a reason
  const type = bytes[0];
  if (type === 0x4e) return bytes[1] === SEMICOLON; // N;
  if (bytes[1] !== COLON) return false;
  const next = bytes[2];
  switch (type) {
    case 0x62: // b:0; b:1;
      return (next === 0x30 || next === 0x31) && bytes[3] === SEMICOLON;
    case 0x69: // i:-12;
      return isDigit(next) || ((next === 0x2d || next === 0x2b) && isDigit(bytes[3]));
    case 0x64: // d:1.5; d:-INF; d:NAN; d:.5;
      return isDigit(next) || next === 0x2d || next === 0x2b || next === 0x2e || next === 0x49 || next === 0x4e;
    case 0x61: // a:3:{
      return countThen(bytes, 0x7b);
    case 0x73: // s:3:"
    case 0x4f: // O:8:"
    case 0x43: // C:11:"  (recognised, then refused by decode with a reason)
    case 0x45: // E:13:"
      return countThen(bytes, 0x22);
    default:
      return false;
  }
}

/**
 * PHP serialize(), as Laravel's RedisStore writes it (numerics raw, everything else serialized).
 *
 * Objects decode to null-prototype maps of their properties, visibility prefixes stripped
 * (`\0*\0attributes` → `attributes`, SPEC §2), and carry NO class field: PHP allows any string
 * as a property name (`__class` included), so no field name is free of collisions, and a marker
 * never needs the class. `C:` (Serializable) objects are undecodable: their bytes are the
 * class's own format, and so is igbinary. `E:` enum cases decode to their `Class:Case` text; `r:`/`R:`
 * back-references return the referenced value itself (shared, never copied).
 */
export const phpFormat: FormatDecoder = {
  name: 'php',
  // Raw numerics are not sniffed: under `auto`, JSON reads `42` and `1.5` the same way.
  sniff: sniffPhp,
  decode(bytes: Uint8Array, context: DecodeContext): Decoded {
    if (bytes.length > context.maxBytes) throw oversized(context.maxBytes, 'value size');
    if (isIgbinary(bytes)) throw undecodable('igbinary serialization is not supported', { format: 'php' });
    if (mayStartNumeric(bytes[0])) {
      const number = rawNumeric(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
      if (number !== undefined) return number;
    }
    return new PhpReader(bytes, context.maxDepth).read();
  },
};
