import { decodeS2Block } from '../compression/s2-block.js';
import { DecodeError, undecodable } from '../decode-error.js';
import type { FormatDecoder } from './format-decoder.js';
import { msgpackFormat } from './msgpack.js';

/** go-redis/cache v8/v9 appends one byte after the msgpack body: how the body was compressed. */
const NO_COMPRESSION = 0x00;
const S2_COMPRESSION = 0x01;

/**
 * go-redis/cache (v8/v9): msgpack (vmihailenco, Go struct fields under their Go names such as
 * `TenantID`) plus ONE trailing marker byte — 0x00 raw, 0x01 S2-compressed. Its cache.go
 * compresses bodies of 64 bytes and more with `s2.Encode` (the S2 block format, not the framed
 * stream), decoded here by compression/s2-block.ts within maxBytes.
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
    if (bytes.length < 2 || (marker !== NO_COMPRESSION && marker !== S2_COMPRESSION)) {
      throw undecodable('no go-redis/cache compression marker byte', { format: 'go-cache' });
    }
    const body = bytes.subarray(0, bytes.length - 1);
    if (marker === NO_COMPRESSION) return msgpackFormat.decode(body, context);
    let plain: Uint8Array;
    try {
      plain = decodeS2Block(body, context.maxBytes);
    } catch (error) {
      // Named, a broken S2 body is final; sniffed, any value ending in 0x01 got here, so the
      // next format may still read it. Oversized is always final (DecodeError sees to that).
      if (error instanceof DecodeError) throw new DecodeError(error.reason, error.message, { format: 'go-cache', conclusive: !context.sniffed });
      throw error;
    }
    return msgpackFormat.decode(plain, context);
  },
};
