import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { DecodeError } from '../decode-error.js';
import { inflateWithNodeZlib } from '../compression/node-zlib.js';
import { isRubyMap } from './rails/active-model.js';
import { RAILS_FORMAT, WorkBudget, railsError } from './rails/limits.js';
import { parseMarshal } from './rails/marshal.js';
import { parseRailsMessagePack } from './rails/message-pack.js';
import { rubyText } from './rails/ruby-text.js';

const ENTRY_CLASS = 'ActiveSupport::Cache::Entry';
/** Rails 7.1 Coder: `00 11`, type (C), expires_at (E: f64 LE), version length (l<: i32 LE). */
const HEADER_71 = 15;
const COMPRESSED_71 = 0x80;
const OBJECT_71 = 0x01;

type CacheFormatVersion = '6.1' | '7.0' | '7.1';

/**
 * The cache format by its first bytes. 7.0 and 7.1 both start with 00: 7.0 follows it with
 * Marshal's 04 08, 7.1 with 11. 6.1 (and 5.x) is bare Marshal; compressed 7.0 is 01 + zlib.
 */
function formatVersion(bytes: Uint8Array): CacheFormatVersion | undefined {
  const first = bytes[0];
  const second = bytes[1];
  if (first === 0x04 && second === 0x08) return '6.1';
  if (first === 0x00 && second === 0x11) return '7.1';
  if (first === 0x00 && second === 0x04 && bytes[2] === 0x08) return '7.0';
  if (first === 0x01 && second === 0x78) return '7.0';
  return undefined;
}

/** Zlib, as ActiveSupport's default compressor writes it, capped at maxBytes of output. */
function inflate(bytes: Uint8Array, maxBytes: number): Uint8Array {
  try {
    return inflateWithNodeZlib('zlib', bytes, maxBytes);
  } catch (error) {
    if (error instanceof DecodeError) throw new DecodeError(error.reason, error.message, { format: RAILS_FORMAT, conclusive: true });
    throw error;
  }
}

function marshalValue(bytes: Uint8Array, start: number, context: DecodeContext): unknown {
  return parseMarshal(bytes, start, { maxDepth: context.maxDepth, budget: new WorkBudget(bytes.length) }).value;
}

/**
 * 6.1 (and 5.2, 6.0): Marshal of an ActiveSupport::Cache::Entry whose @value is the value,
 * or, with @compressed, a zlib'd Marshal of it. A Marshal stream that is not an Entry (a
 * value written by other Ruby code) is returned as it is.
 */
function decode61(bytes: Uint8Array, context: DecodeContext): unknown {
  const { value, rootClass } = parseMarshal(bytes, 0, {
    maxDepth: context.maxDepth,
    budget: new WorkBudget(bytes.length),
    rawRootIvar: { className: ENTRY_CLASS, name: '@value' },
  });
  if (rootClass !== ENTRY_CLASS || !isRubyMap(value)) return value;
  const inner = value['@value'];
  if (!(inner instanceof Uint8Array)) return inner ?? null;
  if (value['@compressed'] !== true) return rubyText(inner, 0, inner.length);
  return marshalValue(inflate(inner, context.maxBytes), 0, context);
}

/** 7.0: 00 + Marshal of Entry#pack ([value, expires_at, version], trailing nils dropped), or 01 + zlib of it. */
function decode70(bytes: Uint8Array, context: DecodeContext): unknown {
  const packed = bytes[0] === 0x01 ? marshalValue(inflate(bytes.subarray(1), context.maxBytes), 0, context) : marshalValue(bytes, 1, context);
  if (!Array.isArray(packed) || packed.length > 3) throw railsError('Rails 7.0 entry is not a packed entry');
  return packed[0] ?? null;
}

/**
 * 7.1 (Coder): header, version bytes, then the payload: a string's own bytes (types 02 UTF-8,
 * 03 binary, 04 ASCII) or the serialized value (01: Marshal 04 08, or :message_pack's CC 80),
 * zlib'd when the type has 0x80.
 */
function decode71(bytes: Uint8Array, context: DecodeContext): unknown {
  if (bytes.length < HEADER_71) throw railsError('truncated Rails 7.1 entry header');
  const type = bytes[2] as number;
  const kind = type & ~COMPRESSED_71;
  if (kind < OBJECT_71 || kind > 0x04) throw railsError('unknown Rails 7.1 entry type');
  const versionLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(11, true);
  if (versionLength < -1 || HEADER_71 + versionLength > bytes.length) throw railsError('invalid Rails 7.1 version length');
  let payload = bytes.subarray(HEADER_71 + Math.max(versionLength, 0));
  if ((type & COMPRESSED_71) !== 0) payload = inflate(payload, context.maxBytes);
  if (kind !== OBJECT_71) return rubyText(payload, 0, payload.length);
  if (payload[0] === 0x04 && payload[1] === 0x08) return marshalValue(payload, 0, context);
  if (payload[0] === 0xcc && payload[1] === 0x80) {
    return parseRailsMessagePack(payload, 0, { maxDepth: context.maxDepth, budget: new WorkBudget(payload.length) });
  }
  throw railsError('unknown Rails 7.1 serializer');
}

/**
 * ActiveSupport cache entries (RedisCacheStore and the other stores' Coder) in formats 6.1,
 * 7.0 and 7.1, Marshal or :message_pack. Decodes to the application's value inside the entry
 * (SPEC §2); Ruby objects become maps of their instance variables, `@` kept, and ActiveRecord
 * attribute sets become name → value, so `$['@attributes'].tenant_id` reads a cached record.
 * Data only: no class is resolved and no Ruby load hook runs.
 */
export const railsFormat: FormatDecoder = {
  name: RAILS_FORMAT,
  sniff: (bytes) => formatVersion(bytes) !== undefined,
  decode(bytes: Uint8Array, context: DecodeContext): Decoded {
    switch (formatVersion(bytes)) {
      case '6.1':
        return decode61(bytes, context);
      case '7.0':
        return decode70(bytes, context);
      case '7.1':
        return decode71(bytes, context);
      default:
        throw railsError(bytes.length === 0 ? 'empty value' : 'not a Rails cache entry');
    }
  },
};
