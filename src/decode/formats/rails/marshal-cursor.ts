import { MAX_BIGNUM_BYTES, railsError } from './limits.js';
import { rubyText } from './ruby-text.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The byte-level half of the Marshal reader: marshal.c's r_byte, r_long and r_bytes, the
 * length checks that refuse a declared size before anything is allocated, and the two
 * scalars (Float, Bignum) read straight from bytes.
 */
export class MarshalCursor {
  constructor(
    protected readonly bytes: Uint8Array,
    protected pos: number,
  ) {}

  protected byte(): number {
    if (this.pos >= this.bytes.length) throw railsError('truncated Marshal data');
    return this.bytes[this.pos++] as number;
  }

  /** marshal.c r_long: one signed byte, small values inline, else 1–4 little-endian bytes. */
  protected long(): number {
    const c = this.byte();
    if (c === 0) return 0;
    const signed = c < 0x80 ? c : c - 256;
    if (signed > 4) return signed - 5;
    if (signed < -4) return signed + 5;
    const count = Math.abs(signed);
    let x = 0;
    for (let i = 0; i < count; i++) x += this.byte() * 2 ** (8 * i);
    return signed > 0 ? x : x - 2 ** (8 * count);
  }

  /** An element count, refused before anything is allocated when the bytes cannot hold it. */
  protected count(bytesPerItem: number): number {
    const n = this.long();
    if (n < 0) throw railsError('negative Marshal length');
    if (n * bytesPerItem > this.bytes.length - this.pos) throw railsError('Marshal length exceeds the data');
    return n;
  }

  /** Skips a length-prefixed byte string and returns where it starts (it ends at this.pos). */
  protected span(): number {
    const n = this.count(1);
    const start = this.pos;
    this.pos += n;
    return start;
  }

  protected float(): number {
    const start = this.span();
    let text = rubyText(this.bytes, start, this.pos);
    const nul = text.indexOf('\0'); // pre-1.8 dumps append mantissa bytes after a NUL
    if (nul !== -1) text = text.slice(0, nul);
    const value = text === 'nan' ? NaN : text === 'inf' ? Infinity : text === '-inf' ? -Infinity : Number(text);
    return value;
  }

  /** `l`: sign, length in 16-bit words, little-endian magnitude. */
  protected bignum(): number | bigint {
    const sign = this.byte();
    if (sign !== 0x2b && sign !== 0x2d) throw railsError('invalid Marshal bignum sign');
    const words = this.long();
    if (words < 0 || words * 2 > MAX_BIGNUM_BYTES) throw railsError('Marshal bignum too large');
    const length = words * 2;
    if (length > this.bytes.length - this.pos) throw railsError('Marshal length exceeds the data');
    let magnitude: number | bigint;
    if (length <= 6) {
      let x = 0;
      for (let i = 0; i < length; i++) x += (this.bytes[this.pos + i] as number) * 2 ** (8 * i);
      magnitude = x;
    } else {
      let hex = '0x0';
      for (let i = length - 1; i >= 0; i--) hex += (this.bytes[this.pos + i] as number).toString(16).padStart(2, '0');
      const big = BigInt(hex);
      magnitude = big <= MAX_SAFE ? Number(big) : big;
    }
    this.pos += length;
    const value = sign === 0x2d ? -magnitude : magnitude;
    return value;
  }

}
