import { Buffer } from 'node:buffer';

// PHP strings are bytes. Valid UTF-8 is what applications store as text (tenant ids, names);
// `fatal` keeps a mangled sequence from turning into U+FFFD and matching some other marker.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

// Buffer's own latin1 slicer, minus toString()'s encoding dispatch (a tenth of the decode time
// for short strings). Present on every Node Buffer since 0.x, though not in @types/node.
type Latin1Slicer = (this: Buffer, start: number, end: number) => string;
const latin1Slice: Latin1Slicer =
  (Buffer.prototype as unknown as { latin1Slice?: Latin1Slicer }).latin1Slice ??
  function (this: Buffer, start: number, end: number): string {
    return this.toString('latin1', start, end);
  };

/** Longest ASCII run built with String.fromCharCode; longer ones go through one native slice. */
const SHORT_STRING = 12;

/**
 * Recently seen keys and property names (`tenant_id`, `\0*\0attributes`), shared by all
 * payloads, like @msgpack/msgpack's key cache. Returning the same string for the same bytes
 * skips building it and lets V8 reuse its internalized copy on every store. Bounded: a fixed
 * table of short keys, a colliding key simply replaces the old entry.
 */
const KEY_CACHE_SLOTS = 4096;
const MAX_CACHED_KEY = 32;
const cachedBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(KEY_CACHE_SLOTS).fill(undefined);
const cachedKeys: string[] = new Array<string>(KEY_CACHE_SLOTS).fill('');

/**
 * Turns byte ranges of one payload into JS strings. Field names and most values are short ASCII,
 * so those avoid a subarray and a TextDecoder call per string.
 */
export class PhpText {
  private readonly view: Buffer;

  constructor(private readonly bytes: Uint8Array) {
    // A view over the same memory (no copy), for Buffer's native latin1 slicing.
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The bytes as a string if they are ASCII, else undefined. */
  private ascii(start: number, end: number): string | undefined {
    const bytes = this.bytes;
    if (end - start <= SHORT_STRING) {
      let text = '';
      for (let i = start; i < end; i++) {
        const b = bytes[i] ?? 0;
        if (b >= 0x80) return undefined;
        text += String.fromCharCode(b);
      }
      return text;
    }
    for (let i = start; i < end; i++) if ((bytes[i] ?? 0) >= 0x80) return undefined;
    return latin1Slice.call(this.view, start, end);
  }

  private utf8(start: number, end: number): string | undefined {
    try {
      return strictUtf8.decode(this.bytes.subarray(start, end));
    } catch {
      return undefined;
    }
  }

  /**
   * A string value: UTF-8 text, or a copy of the raw bytes when they are not UTF-8 (binary data,
   * a latin1 legacy column). A Uint8Array is never a tenant id, so bytes cannot pass as one.
   */
  value(start: number, end: number): string | Uint8Array {
    return this.ascii(start, end) ?? this.utf8(start, end) ?? new Uint8Array(this.bytes.subarray(start, end));
  }

  /** A key or name: UTF-8 when valid, else latin1 (keys must be strings; SPEC §2). */
  key(start: number, end: number): string {
    const length = end - start;
    if (length > MAX_CACHED_KEY) return this.uncachedKey(start, end);
    const bytes = this.bytes;
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + (bytes[i] ?? 0)) | 0;
    const slot = hash & (KEY_CACHE_SLOTS - 1);
    const seen = cachedBytes[slot];
    if (seen !== undefined && seen.length === length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (seen[i] !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return cachedKeys[slot] as string;
    }
    const key = this.uncachedKey(start, end);
    cachedBytes[slot] = new Uint8Array(bytes.subarray(start, end)); // a copy: the payload buffer may be reused
    cachedKeys[slot] = key;
    return key;
  }

  private uncachedKey(start: number, end: number): string {
    return this.ascii(start, end) ?? this.utf8(start, end) ?? latin1Slice.call(this.view, start, end);
  }

  /** ASCII-only text of a short token (numbers); latin1 never fails. */
  token(start: number, end: number): string {
    return latin1Slice.call(this.view, start, end);
  }
}
