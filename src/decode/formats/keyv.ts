import { Buffer } from 'node:buffer';
import type { Decoded } from '../../types.js';
import type { DecodeContext, FormatDecoder } from './format-decoder.js';
import { DecodeError, undecodable } from '../decode-error.js';
import { decodeBase64 } from '../base64.js';
import { exceedsJsonDepth } from '../json-depth.js';
import { sniffCompression } from '../compression/sniff-compression.js';
import { firstNonSpace, parseJson } from './json.js';

const BUFFER_PREFIX = ':base64:';
const VALUE_KEY = new TextEncoder().encode('"value"');
const EXPIRES_KEY = new TextEncoder().encode('"expires"');

function startsWithAt(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

interface KeyvEnvelope {
  value: unknown;
  expires?: number | null;
}

/**
 * `{"value": …, "expires": …}` and nothing else: keyv 4 writes `expires: null` without a TTL,
 * keyv 5/6 a millisecond timestamp. Without a TTL keyv 5/6 (checked: 5.6.0) drop `expires`
 * altogether and write `{"value": …}`; that shape is accepted under `auto` too: reading an
 * application's own one-field `{"value": …}` object as an envelope only moves the markers one
 * level down, while missing a real envelope would hide a leak as a mere unmarked payload.
 */
function isEnvelope(parsed: unknown): parsed is KeyvEnvelope {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const keys = Object.keys(parsed);
  if (!Object.hasOwn(parsed, 'value')) return false;
  if (keys.length === 1) return true;
  if (keys.length !== 2 || !Object.hasOwn(parsed, 'expires')) return false;
  const expires = (parsed as { expires: unknown }).expires;
  return expires === null || typeof expires === 'number';
}

/**
 * The bytes of a Uint8Array that went through JSON.stringify: `{"0":120,"1":156,…}`. This is
 * what @keyv/compress-gzip (1.x and 2.x, checked) stores, because pako returns a Uint8Array and
 * Keyv's serializer recognises only Node Buffers. Only taken as bytes when they start with a
 * compression's magic, so an application's own `{"0": 1}` stays an object.
 */
function serializedBytes(value: object): Uint8Array | undefined {
  const keys = Object.keys(value);
  // Cheap test first: this runs on every object a Keyv envelope holds.
  if (keys.length < 2 || keys[0] !== '0') return undefined;
  const bytes = new Uint8Array(keys.length);
  // Integer keys enumerate in ascending order, so key i must be exactly "i".
  for (let i = 0; i < keys.length; i++) {
    const byte = (value as Record<string, unknown>)[i];
    if (keys[i] !== String(i) || typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) return undefined;
    bytes[i] = byte;
  }
  return sniffCompression(bytes) === undefined ? undefined : bytes;
}

/**
 * Keyv's deserializer (json-buffer in keyv 4, @keyv/serialize in 5/6) on one string: ":base64:…"
 * is a Buffer, and a string that began with ":" was escaped with one more. The Buffer test comes
 * first, on the raw string, as in Keyv, so an escaped "::base64:…" stays text.
 */
function reviveString(text: string): string | Uint8Array {
  if (!text.startsWith(':')) return text;
  // Lenient like Keyv's own Buffer.from(…, 'base64'): a nested Buffer is opaque to markers anyway.
  if (text.startsWith(BUFFER_PREFIX)) return Buffer.from(text.slice(BUFFER_PREFIX.length), 'base64');
  return text.slice(1);
}

/** Applies reviveString to every string inside `root`, in place and without recursion. */
function reviveStrings(root: object): void {
  const stack: object[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    // JSON.parse made every key, "__proto__" included, an own data property, so assigning
    // through one never reaches Object.prototype's __proto__ setter.
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (typeof child === 'string') node[key] = reviveString(child);
      else if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
}

/** JSON text of an object, array or string: the application stringified before Keyv did. */
function looksStringified(text: string): boolean {
  const first = text.trimStart().charCodeAt(0);
  return first === 0x7b || first === 0x5b || first === 0x22; // { [ "
}

function parseStringified(text: string, context: DecodeContext): Decoded {
  if (exceedsJsonDepth(Buffer.from(text, 'utf8'), context.maxDepth)) {
    throw undecodable(`JSON nesting deeper than ${context.maxDepth}`);
  }
  try {
    return JSON.parse(text) as Decoded;
  } catch {
    return text; // not JSON after all (a sentence that starts with a quote): the string is the value
  }
}

/** The application's value inside an envelope. */
function unwrapValue(value: unknown, context: DecodeContext): Decoded {
  if (typeof value === 'string') {
    if (value.startsWith(BUFFER_PREFIX)) {
      // A Buffer: raw bytes the application stored, or a compress plugin's output. Strict base64
      // here, since these bytes are decoded further and garbage must not pass as a payload.
      return context.decodeEmbedded(decodeBase64(value.slice(BUFFER_PREFIX.length))).value;
    }
    const text = value.startsWith(':') ? value.slice(1) : value;
    return looksStringified(text) ? parseStringified(text, context) : text;
  }
  if (typeof value === 'object' && value !== null) {
    const compressed = Array.isArray(value) ? undefined : serializedBytes(value);
    if (compressed) return context.decodeEmbedded(compressed).value;
    reviveStrings(value);
  }
  return value;
}

/**
 * A Keyv envelope, `{"value": …, "expires": …}` (see isEnvelope), as written by keyv,
 * cache-manager 6/7 and NestJS's cache. Decodes to the application's value inside it, undoing
 * what Keyv's serializer and its compress plugins did to it.
 */
export const keyvFormat: FormatDecoder = {
  name: 'keyv',
  // Keyv always writes "value" first, but hand-written envelopes may not: accept either key.
  // Checking the first key keeps `auto` from parsing every JSON object twice.
  sniff(bytes) {
    const open = firstNonSpace(bytes);
    if (open === -1 || bytes[open] !== 0x7b) return false;
    const at = firstNonSpace(bytes, open + 1);
    return at !== -1 && (startsWithAt(bytes, at, VALUE_KEY) || startsWithAt(bytes, at, EXPIRES_KEY));
  },
  decode(bytes, context) {
    const parsed = parseJson(bytes, context, 'keyv');
    if (!isEnvelope(parsed)) throw undecodable('not a Keyv envelope', { format: 'keyv' });
    try {
      return unwrapValue(parsed.value, context);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      // The envelope was recognised: its broken content must not be retried as plain JSON.
      throw new DecodeError(error.reason, `Keyv value: ${error.message}`, { format: 'keyv', conclusive: true });
    }
  },
};
