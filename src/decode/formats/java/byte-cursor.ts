import { javaError } from './errors.js';

// Beyond this a long becomes a bigint (its double would round).
const SAFE_HIGH_WORD = 0x200000;
const CHUNK = 8192;

/**
 * Big-endian reads over the payload with a bounds check on every read. Nothing is allocated per
 * byte: numbers come from one DataView, ASCII strings from one latin1 slice.
 */
export class ByteCursor {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  private buffer: Buffer | undefined;
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** Fails unless `n` more bytes exist: every declared length is checked here before use. */
  need(n: number): void {
    if (n > this.bytes.length - this.pos) throw javaError('truncated Java stream');
  }

  peek(): number {
    this.need(1);
    return this.bytes[this.pos] as number;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++] as number;
  }

  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.pos);
    this.pos += 2;
    return value;
  }

  i16(): number {
    this.need(2);
    const value = this.view.getInt16(this.pos);
    this.pos += 2;
    return value;
  }

  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.pos);
    this.pos += 4;
    return value;
  }

  f32(): number {
    this.need(4);
    const value = this.view.getFloat32(this.pos);
    this.pos += 4;
    return value;
  }

  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos);
    this.pos += 8;
    return value;
  }

  /** A Java long: a number when it fits a double exactly, else a bigint. */
  i64(): number | bigint {
    this.need(8);
    const high = this.view.getInt32(this.pos);
    const low = this.view.getUint32(this.pos + 4);
    this.pos += 8;
    if (high >= -SAFE_HIGH_WORD && high < SAFE_HIGH_WORD) return high * 0x100000000 + low;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A copy of the next `n` bytes. */
  take(n: number): Uint8Array {
    this.need(n);
    // Not bytes.slice(): on a Buffer that is a view, and byte[] values must not alias the payload.
    const out = new Uint8Array(n);
    out.set(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  /** `n` bytes of Java's modified UTF-8 (DataInput.readUTF's body). */
  utf(n: number): string {
    this.need(n);
    const start = this.pos;
    const end = start + n;
    this.pos = end;
    if (n <= INTERN_MAX) return internedUtf8(this.bytes, start, end);
    this.buffer ??= Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return decodeModifiedUtf8(this.bytes, start, end, this.buffer);
  }
}

/*
 * Every stream repeats its class, field and key names ("java.util.HashMap", "tenantId"): a small
 * table keyed by the bytes returns the string built last time, already hashed for the Map lookup
 * of known classes and for property keys. Bounded (INTERN_SLOTS short strings), checked byte for
 * byte, and never part of any output but the string those very bytes decode to.
 */
const INTERN_MAX = 32;
const INTERN_SLOTS = 4096;
const internBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(INTERN_SLOTS);
const internStrings: string[] = new Array<string>(INTERN_SLOTS);

function internedUtf8(bytes: Uint8Array, start: number, end: number): string {
  // A hash of the length and a few bytes only: the comparison below decides, a collision only
  // costs a rebuild. Names sharing a package differ near their end, so the tail weighs most.
  const n = end - start;
  if (n === 0) return '';
  let hash = Math.imul(n, 0x9e3779b1);
  hash = Math.imul(hash ^ (bytes[start] as number), 0x01000193);
  hash = Math.imul(hash ^ (bytes[start + (n >> 1)] as number), 0x01000193);
  hash = Math.imul(hash ^ (bytes[start + ((3 * n) >> 2)] as number), 0x01000193);
  hash = Math.imul(hash ^ (bytes[end - 3] ?? 0), 0x01000193);
  hash = Math.imul(hash ^ (bytes[end - 2] ?? 0), 0x01000193);
  hash = Math.imul(hash ^ (bytes[end - 1] as number), 0x01000193);
  const slot = (hash ^ (hash >>> 15)) & (INTERN_SLOTS - 1);
  const known = internBytes[slot];
  if (known !== undefined && known.length === n) {
    let i = n - 1;
    while (i >= 0 && known[i] === bytes[start + i]) i--;
    if (i < 0) return internStrings[slot] as string;
  }
  const text = decodeModifiedUtf8(bytes, start, end);
  internBytes[slot] = new Uint8Array(bytes.subarray(start, end)); // a copy, not a view of the payload
  internStrings[slot] = text;
  return text;
}

/**
 * Java's modified UTF-8: 1-, 2- and 3-byte forms only, NUL as C0 80, supplementary characters
 * as two 3-byte surrogates (so each sequence is one UTF-16 unit). Malformed input fails, as
 * ObjectInputStream's UTFDataFormatException does.
 */
export function decodeModifiedUtf8(bytes: Uint8Array, start: number, end: number, buffer?: Buffer): string {
  let i = start;
  while (i < end && (bytes[i] as number) < 0x80) i++;
  if (i === end) {
    if (end - start <= INTERN_MAX) {
      let text = '';
      for (let j = start; j < end; j++) text += String.fromCharCode(bytes[j] as number);
      return text;
    }
    return buffer ? buffer.toString('latin1', start, end) : String.fromCharCode(...bytes.subarray(start, end));
  }
  const units = new Uint16Array(end - start);
  let n = 0;
  for (let i = start; i < end; ) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      units[n++] = b;
      i += 1;
    } else if (b >> 5 === 0x06) {
      const b2 = bytes[i + 1];
      if (i + 1 >= end || b2 === undefined || (b2 & 0xc0) !== 0x80) throw javaError('malformed modified UTF-8 string');
      units[n++] = ((b & 0x1f) << 6) | (b2 & 0x3f);
      i += 2;
    } else if (b >> 4 === 0x0e) {
      const b2 = bytes[i + 1];
      const b3 = bytes[i + 2];
      if (i + 2 >= end || b2 === undefined || b3 === undefined || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) {
        throw javaError('malformed modified UTF-8 string');
      }
      units[n++] = ((b & 0x0f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      i += 3;
    } else {
      throw javaError('malformed modified UTF-8 string');
    }
  }
  let text = '';
  for (let at = 0; at < n; at += CHUNK) text += String.fromCharCode(...units.subarray(at, Math.min(n, at + CHUNK)));
  return text;
}
