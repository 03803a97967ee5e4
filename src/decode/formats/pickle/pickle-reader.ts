import { undecodable, type DecodeError } from '../../decode-error.js';
import { cachedAscii, MAX_CACHED_LENGTH } from '../../ascii-cache.js';

/**
 * A failure of a payload recognised as pickle. Conclusive: once the protocol header matched, no
 * other format can read the bytes (0x80 0x02 is never a whole msgpack value), and its reason
 * reads better than msgpack's.
 */
export function pickleError(detail: string): DecodeError {
  return undecodable(detail, { format: 'pickle', conclusive: true });
}

// Fatal, like utf8.ts: a mangled marker must never compare equal to a real one by accident.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Python ints that fit a double exactly come back as numbers; larger ones stay bigints. */
export function narrowBigInt(value: bigint): number | bigint {
  return value >= -9_007_199_254_740_991n && value <= 9_007_199_254_740_991n ? Number(value) : value;
}

// A 4 KiB int is ~9,900 decimal digits, twice CPython's default int-to-str limit (4,300
// digits); nothing a cache holds needs more, and BigInt parsing grows faster than linearly.
export const MAX_LONG_BYTES = 4096;

// One scratch buffer for BINFLOAT instead of a DataView per float.
const FLOAT_BYTES = new Uint8Array(8);
const FLOAT_VIEW = new DataView(FLOAT_BYTES.buffer);

/** Reads the primitive arguments of pickle opcodes; every length is checked before use. */
export class PickleReader {
  pos: number;

  constructor(
    readonly bytes: Uint8Array,
    start: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Index of `n` bytes to read at the current position, which moves past them. */
  take(n: number): number {
    const at = this.pos;
    // Also refuses declared lengths beyond the payload before anything is allocated for them.
    if (n > this.bytes.length - at) throw pickleError('truncated pickle');
    this.pos = at + n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return this.bytes[at] as number;
  }

  u16(): number {
    const at = this.take(2);
    const b = this.bytes;
    return (b[at] as number) | ((b[at + 1] as number) << 8);
  }

  i32(): number {
    const at = this.take(4);
    const b = this.bytes;
    return (b[at] as number) | ((b[at + 1] as number) << 8) | ((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 24);
  }

  u32(): number {
    return this.i32() >>> 0;
  }

  /** A uint64 length; anything the payload cannot hold is truncation, checked without BigInt. */
  u64(): number {
    const low = this.u32();
    const high = this.u32();
    if (high !== 0) throw pickleError('truncated pickle');
    return low;
  }

  f64(): number {
    const at = this.take(8);
    for (let i = 0; i < 8; i++) FLOAT_BYTES[i] = this.bytes[at + i] as number;
    return FLOAT_VIEW.getFloat64(0, false);
  }

  /** The bytes up to the next newline (exclusive) as [start, end); the newline is consumed. */
  line(): [number, number] {
    const start = this.pos;
    const bytes = this.bytes;
    // A loop, not indexOf: Buffer's indexOf takes a slow generic path for a single byte.
    let end = start;
    while (end < bytes.length && bytes[end] !== 0x0a) end++;
    if (end >= bytes.length) throw pickleError('truncated pickle');
    this.pos = end + 1;
    return [start, end];
  }

  /** UTF-8 text of `length` bytes (BINUNICODE and friends). */
  utf8(length: number): string {
    const at = this.take(length);
    return utf8Text(this.bytes, at, at + length);
  }

  /** A copy of `length` bytes (BINBYTES): the value must not pin or alias the payload buffer. */
  copy(length: number): Uint8Array {
    const at = this.take(length);
    // Not bytes.slice(): on a Buffer (what the cache client hands us) that is a view, not a copy.
    const out = new Uint8Array(length);
    out.set(this.bytes.subarray(at, at + length));
    return out;
  }

  /** LONG1/LONG4: `length` bytes of a little-endian two's complement integer. */
  long(length: number): number | bigint {
    if (length > MAX_LONG_BYTES) throw pickleError('pickle integer too long');
    const at = this.take(length);
    const b = this.bytes;
    if (length === 0) return 0;
    const negative = ((b[at + length - 1] as number) & 0x80) !== 0;
    if (length <= 6) {
      let value = 0;
      for (let i = at + length - 1; i >= at; i--) value = value * 256 + (b[i] as number);
      return negative ? value - 2 ** (8 * length) : value;
    }
    let hex = '';
    for (let i = at + length - 1; i >= at; i--) hex += (b[i] as number).toString(16).padStart(2, '0');
    const unsigned = BigInt(`0x${hex}`);
    return narrowBigInt(negative ? unsigned - (1n << BigInt(8 * length)) : unsigned);
  }
}

/** Strict UTF-8 of bytes[start, end); short ASCII (most keys and markers) comes from a cache. */
export function utf8Text(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= MAX_CACHED_LENGTH) {
    const ascii = cachedAscii(bytes, start, end);
    if (ascii !== undefined) return ascii;
  }
  try {
    return strictUtf8.decode(bytes.subarray(start, end));
  } catch {
    throw pickleError('invalid UTF-8 in pickle string');
  }
}

/**
 * Python 2 `str` (STRING, BINSTRING) and bytes used as dict keys: bytes without an encoding.
 * UTF-8 when they are valid UTF-8 (what Python 2 apps wrote), else latin1, which maps every byte.
 */
export function bytesText(bytes: Uint8Array, start: number, end: number): string {
  try {
    return utf8Text(bytes, start, end);
  } catch {
    return latin1.decode(bytes.subarray(start, end));
  }
}
