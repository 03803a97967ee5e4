import { undecodable } from '../decode-error.js';
import type { FormatDecoder } from './format-decoder.js';
import { msgpackFormat } from './msgpack.js';

/** go-redis/cache v9 appends one byte after the msgpack body: how the body was compressed. */
const NO_COMPRESSION = 0x00;
const S2_COMPRESSION = 0x01;

/**
 * go-redis/cache (v8/v9): msgpack (vmihailenco, Go struct fields under their Go names such as
 * `TenantID`) plus ONE trailing marker byte — 0x00 raw, 0x01 S2-compressed (the library
 * compresses values of 64 bytes and more). S2 has no decoder on npm and none here, so such
 * values are `undecodable` with that reason, never clean.
 */
export const goCacheFormat: FormatDecoder = {
  name: 'go-cache',
  sniff: (bytes) =>
    bytes.length >= 2 &&
    (bytes[bytes.length - 1] === NO_COMPRESSION || bytes[bytes.length - 1] === S2_COMPRESSION) &&
    // Under auto only a msgpack container is taken: a bare scalar plus a 0 byte is too weak.
    (bytes[bytes.length - 1] === S2_COMPRESSION || msgpackFormat.sniff(bytes)),
  decode(bytes, context) {
    const marker = bytes[bytes.length - 1];
    if (marker === S2_COMPRESSION) {
      throw undecodable('go-redis/cache S2-compressed value (S2 decompression is not supported)', { format: 'go-cache', conclusive: !context.sniffed });
    }
    if (marker !== NO_COMPRESSION || bytes.length < 2) throw undecodable('no go-redis/cache compression marker byte', { format: 'go-cache' });
    return msgpackFormat.decode(bytes.subarray(0, bytes.length - 1), context);
  },
};
