import { EXT_TIMESTAMP, ExtData, decodeTimestampExtension } from '@msgpack/msgpack';
import { cachedAscii, MAX_CACHED_LENGTH } from '../ascii-cache.js';
import { undecodable } from '../decode-error.js';

const invalid = () => undecodable('invalid msgpack', { format: 'msgpack' });

/**
 * Recursion stays under this many levels whatever maxDepth the config sets (it has no upper
 * bound): deeper values are refused with the same reason, never with a stack overflow.
 */
export const MSGPACK_NESTING_CAP = 2000;

// Lenient, like @msgpack/msgpack's own strings: msgpack has no "must be valid UTF-8" rule.
const lenientUtf8 = new TextDecoder('utf-8');

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function narrow(value: bigint): number | bigint {
  return value >= MIN_SAFE && value <= MAX_SAFE ? Number(value) : value;
}

/** Map keys that are not strings become strings, as JS property names do (1 → "1", nil → "null"). */
function keyOf(key: unknown): string {
  if (typeof key === 'string') return key;
  // Pre-2013 msgpack had no str/bin split: binary keys are usually text.
  if (key instanceof Uint8Array) return lenientUtf8.decode(key);
  return String(key);
}

/**
 * A msgpack reader for the msgpack and go-cache formats: one value that must use every byte.
 * Maps become plain objects whose keys, "__proto__" included, are own properties; 64-bit
 * integers stay exact (numbers when safe, else bigints); bin is a copy, never a view of the
 * payload; timestamps (ext -1) are Dates and other extensions inert ExtData. It replaces
 * @msgpack/msgpack's Decoder on the hot path (that one decoded a go-redis/cache record at about
 * a third of JSON.parse's speed, mostly in string building), keeping its results.
 */
class MsgpackReader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  document(): unknown {
    const value = this.value(0);
    if (this.pos !== this.bytes.length) throw invalid();
    return value;
  }

  private take(count: number): number {
    const at = this.pos;
    if (count > this.bytes.length - at) throw invalid();
    this.pos = at + count;
    return at;
  }

  private length(width: 1 | 2 | 4): number {
    const at = this.take(width);
    return width === 1 ? this.view.getUint8(at) : width === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
  }

  private value(depth: number): unknown {
    const head = this.bytes[this.pos++];
    if (head === undefined) throw invalid();
    if (head <= 0x7f) return head;
    if (head >= 0xe0) return head - 0x100;
    if (head >= 0xa0 && head <= 0xbf) return this.str(head & 0x1f);
    if (head <= 0x8f) return this.map(head & 0x0f, depth);
    if (head <= 0x9f) return this.array(head & 0x0f, depth);
    const view = this.view;
    switch (head) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bin(this.length(1));
      case 0xc5:
        return this.bin(this.length(2));
      case 0xc6:
        return this.bin(this.length(4));
      case 0xc7:
        return this.ext(this.length(1));
      case 0xc8:
        return this.ext(this.length(2));
      case 0xc9:
        return this.ext(this.length(4));
      case 0xca:
        return view.getFloat32(this.take(4));
      case 0xcb:
        return view.getFloat64(this.take(8));
      case 0xcc:
        return view.getUint8(this.take(1));
      case 0xcd:
        return view.getUint16(this.take(2));
      case 0xce:
        return view.getUint32(this.take(4));
      case 0xcf:
        return narrow(view.getBigUint64(this.take(8)));
      case 0xd0:
        return view.getInt8(this.take(1));
      case 0xd1:
        return view.getInt16(this.take(2));
      case 0xd2:
        return view.getInt32(this.take(4));
      case 0xd3:
        return narrow(view.getBigInt64(this.take(8)));
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return this.str(this.length(1));
      case 0xda:
        return this.str(this.length(2));
      case 0xdb:
        return this.str(this.length(4));
      case 0xdc:
        return this.array(this.length(2), depth);
      case 0xdd:
        return this.array(this.length(4), depth);
      case 0xde:
        return this.map(this.length(2), depth);
      case 0xdf:
        return this.map(this.length(4), depth);
      default: // 0xc1, never used
        throw invalid();
    }
  }

  private enter(depth: number, count: number, minBytesEach: number): number {
    if (depth + 1 > this.maxDepth || depth + 1 > MSGPACK_NESTING_CAP) {
      throw undecodable(`msgpack nesting deeper than ${Math.min(this.maxDepth, MSGPACK_NESTING_CAP)}`, { format: 'msgpack' });
    }
    // Every element takes at least one byte: a header claiming more is refused before allocating.
    if (count * minBytesEach > this.bytes.length - this.pos) throw invalid();
    return depth + 1;
  }

  private array(count: number, depth: number): unknown[] {
    const inner = this.enter(depth, count, 1);
    const items = new Array<unknown>(count);
    for (let i = 0; i < count; i++) items[i] = this.value(inner);
    return items;
  }

  private map(count: number, depth: number): Record<string, unknown> {
    const inner = this.enter(depth, count, 2);
    const map: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const head = this.bytes[this.pos] ?? 0;
      // The common case, a fixstr key, skips the generic path (and its key conversion).
      let key: string;
      if (head >= 0xa0 && head <= 0xbf) {
        this.pos++;
        key = this.str(head & 0x1f);
      } else {
        key = keyOf(this.value(inner));
      }
      const value = this.value(inner);
      // defineProperty makes "__proto__" an own data property; assignment would set the prototype.
      if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
      else map[key] = value;
    }
    return map;
  }

  private str(length: number): string {
    const at = this.take(length);
    if (length <= MAX_CACHED_LENGTH) {
      const ascii = cachedAscii(this.bytes, at, at + length);
      if (ascii !== undefined) return ascii;
    }
    return lenientUtf8.decode(this.bytes.subarray(at, at + length));
  }

  private bin(length: number): Uint8Array {
    const at = this.take(length);
    // A copy, not bytes.slice(): on a Buffer (what the cache client hands us) that is a view.
    const out = new Uint8Array(length);
    out.set(this.bytes.subarray(at, at + length));
    return out;
  }

  private ext(length: number): unknown {
    const type = this.view.getInt8(this.take(1));
    const data = this.bin(length);
    if (type !== EXT_TIMESTAMP) return new ExtData(type, data);
    try {
      return decodeTimestampExtension(data);
    } catch {
      throw invalid();
    }
  }
}

/** Decodes one msgpack value from all of `bytes`, nesting at most maxDepth (`{}` is depth 1). */
export function readMsgpack(bytes: Uint8Array, maxDepth: number): unknown {
  return new MsgpackReader(bytes, maxDepth).document();
}
