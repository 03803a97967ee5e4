import { Decoder, type DecoderOptions } from '@msgpack/msgpack';
import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { undecodable } from '../decode-error.js';
import { exceedsMsgpackDepth } from '../msgpack-depth.js';

/**
 * Stands in for a "__proto__" map key during decoding. @msgpack/msgpack assigns keys with
 * `map[key] = value` on plain objects, where "__proto__" would call the prototype setter (and
 * its own guard throws on the key instead, which would let one stray key make a whole payload
 * undecodable). A symbol key is stored as an own property and renamed afterwards.
 */
const PROTO_KEY: unique symbol = Symbol('msgpack "__proto__" key');

// Lenient, like the library's own string decoding: msgpack has no "must be UTF-8" rule for keys.
const keyText = new TextDecoder('utf-8');
type KeyDecoder = NonNullable<DecoderOptions['keyDecoder']>;

function decodeKeyText(bytes: Uint8Array, offset: number, length: number): string {
  // Most keys are short ASCII field names; building them directly avoids a subarray per key.
  if (length <= 32) {
    let key = '';
    for (let i = offset; i < offset + length; i++) {
      const b = bytes[i] ?? 0;
      if (b >= 0x80) return keyText.decode(bytes.subarray(offset, offset + length));
      key += String.fromCharCode(b);
    }
    return key;
  }
  return keyText.decode(bytes.subarray(offset, offset + length));
}

const protoSafeKeys: KeyDecoder = {
  // Route every string key through decode() so none bypasses the "__proto__" substitution.
  canBeCached: () => true,
  decode(bytes, offset, length) {
    const key = decodeKeyText(bytes, offset, length);
    // The library types keys as strings; the symbol is swapped back in restoreObjects().
    return (key === '__proto__' ? PROTO_KEY : key) as unknown as string;
  },
};

/** Map keys that are not strings (ints, bools, nil, binary, nested maps) become strings. */
function keyToString(key: unknown): string | number {
  if (typeof key === 'string' || typeof key === 'number') return key;
  if (typeof key === 'symbol') return key as unknown as string; // our PROTO_KEY
  if (key instanceof Uint8Array) {
    // Pre-2013 msgpack had no str/bin split; binary keys are usually text.
    const text = keyText.decode(key);
    return text === '__proto__' ? (PROTO_KEY as unknown as string) : text;
  }
  return String(key);
}

const decoder = new Decoder({
  // 64-bit ids (Go's TenantID int64) lose digits as doubles; safe ones become numbers below.
  useBigInt64: true,
  keyDecoder: protoSafeKeys,
  mapKeyConverter: keyToString,
});

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function restoreBigInt(value: unknown): unknown {
  if (typeof value === 'bigint' && value >= MIN_SAFE && value <= MAX_SAFE) {
    return Number(value);
  }
  return value;
}

/**
 * Walks the decoded tree once, without recursion: turns the "__proto__" stand-in into an own
 * property, and narrows safe 64-bit integers back to numbers.
 */
function restoreObjects(root: unknown): unknown {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const child: unknown = node[i];
        if (typeof child === 'bigint') node[i] = restoreBigInt(child);
        else if (typeof child === 'object' && child !== null) stack.push(child);
      }
    } else if (typeof node === 'object' && node !== null && Object.getPrototypeOf(node) === Object.prototype) {
      const map = node as Record<string | symbol, unknown>;
      if (Object.hasOwn(map, PROTO_KEY)) {
        // defineProperty creates an own "__proto__" data property; assignment would set the prototype.
        Object.defineProperty(map, '__proto__', { value: map[PROTO_KEY], enumerable: true, writable: true, configurable: true });
        delete map[PROTO_KEY];
      }
      for (const key of Object.keys(map)) {
        const child = map[key];
        // Plain assignment is safe even for "__proto__" here: it is now an own data property,
        // which shadows Object.prototype's setter.
        if (typeof child === 'bigint') map[key] = restoreBigInt(child);
        else if (typeof child === 'object' && child !== null) stack.push(child);
      }
    }
    // Uint8Array (bin), Date (timestamp ext) and ExtData are leaves.
  }
  return restoreBigInt(root);
}

function isContainerHead(b: number | undefined): boolean {
  if (b === undefined) return false;
  return (b >= 0x80 && b <= 0x9f) || b === 0xdc || b === 0xdd || b === 0xde || b === 0xdf;
}

/** MessagePack: one value that must use every byte (trailing bytes are an error). */
export const msgpackFormat: FormatDecoder = {
  name: 'msgpack',
  // Only maps and arrays: a scalar head byte is any ASCII character and would match plain text.
  sniff: (bytes) => isContainerHead(bytes[0]),
  decode(bytes: Uint8Array, context: DecodeContext): Decoded {
    // The library has no depth limit; checking first also spares it building a hostile tree.
    if (exceedsMsgpackDepth(bytes, context.maxDepth)) {
      throw undecodable(`msgpack nesting deeper than ${context.maxDepth}`, { format: 'msgpack' });
    }
    let value: unknown;
    try {
      // decode() throws on trailing bytes ("Extra … byte(s) found"), as the format requires.
      value = decoder.decode(bytes);
    } catch {
      throw undecodable('invalid msgpack', { format: 'msgpack' });
    }
    return restoreObjects(value);
  },
};
