import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { oversized, undecodable } from '../decode-error.js';
import { OP, HIGHEST_PROTOCOL } from './pickle/opcodes.js';
import { runPickle } from './pickle/pickle-machine.js';
import { parseDecimal } from './pickle/text-values.js';

/** cachelib's RedisSerializer (Flask-Caching) writes `!` before the pickle. */
const CACHELIB_PREFIX = 0x21;

/** PROTO 2–5 at `at`: how every Python 3 cache (and Python 2's HIGHEST_PROTOCOL) starts a pickle. */
function hasProtoHeader(bytes: Uint8Array, at: number): boolean {
  const version = bytes[at + 1];
  return bytes[at] === OP.PROTO && version !== undefined && version >= 2 && version <= HIGHEST_PROTOCOL;
}

// What Python's int() accepts, as django-redis and cachelib ≥0.15.4 read it back: they store
// ints as their ASCII digits (so do Django ≥4's RedisCache and Redis INCR, which cachelib's
// inc() uses).
const ASCII_INT = /^[ \t\n\r\f\v]*[+-]?[0-9]+(_[0-9]+)*[ \t\n\r\f\v]*$/;
const MAX_ASCII_INT = 4400;

function asciiInteger(bytes: Uint8Array): number | bigint | undefined {
  if (bytes.length === 0 || bytes.length > MAX_ASCII_INT) return undefined;
  for (const b of bytes) if (b >= 0x80) return undefined;
  const text = String.fromCharCode(...bytes);
  return ASCII_INT.test(text) ? parseDecimal(text.replaceAll('_', '')) : undefined;
}

// Opcodes a pickle of any protocol can start with (a PROTO header, or protocol 0–1's first
// value), so that JSON or text under a pattern naming `pickle` reads "not a pickle".
const FIRST_OPCODES = new Set([...'(NILFSVc})]JKMGTUX'].map((c) => c.charCodeAt(0)).concat(OP.PROTO));

/**
 * Python pickle as Flask-Caching/cachelib (`!` + pickle), Django's RedisCache and django-redis
 * write it (protocols 2–5; 0–1 are read too when the format is named), plus the ASCII integers
 * those caches store unpickled. Data only: see pickle/pickle-machine.ts. django-redis's
 * compressors add no marker; the compression layer peels them by magic bytes first.
 */
export const pickleFormat: FormatDecoder = {
  name: 'pickle',
  // Only the protocol header: a protocol 0 pickle starts with ordinary ASCII, and digits are
  // JSON's under `auto`. 0x80 is also msgpack's empty map, but a whole msgpack value then ends.
  sniff: (bytes) => hasProtoHeader(bytes, 0) || (bytes[0] === CACHELIB_PREFIX && hasProtoHeader(bytes, 1)),
  decode(bytes: Uint8Array, context: DecodeContext): Decoded {
    if (bytes.length > context.maxBytes) throw oversized(context.maxBytes, 'value size');
    const start = bytes[0] === CACHELIB_PREFIX ? 1 : 0;
    if (start === 0 && bytes[0] !== OP.PROTO) {
      const integer = asciiInteger(bytes);
      if (integer !== undefined) return integer;
    }
    if (!FIRST_OPCODES.has(bytes[start] ?? -1)) throw undecodable('not a pickle', { format: 'pickle' });
    return runPickle(bytes, start, context.maxDepth);
  },
};
