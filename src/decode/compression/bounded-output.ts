import { oversized } from '../decode-error.js';

const EMPTY = Buffer.alloc(0);

/**
 * An output buffer that grows by doubling but never past `maxBytes`: asking for more throws
 * `oversized` before anything is allocated, which is what keeps a decompression bomb from
 * costing more than about maxBytes of memory.
 */
export class BoundedOutput {
  private buffer: Uint8Array;
  private used = 0;

  constructor(
    private readonly maxBytes: number,
    sizeHint: number,
  ) {
    // From Node's buffer pool (sizes under 4 KiB): a fresh Uint8Array over 64 bytes gets an
    // off-heap backing store, which cost a small value more than decoding it. Only the bytes
    // written are ever read (result() and matches stop at `used`). A hint of 0 allocates nothing
    // until the first write, which then gets exactly its size (xz: a
    // block's whole output).
    this.buffer = sizeHint > 0 ? Buffer.allocUnsafe(Math.min(maxBytes, sizeHint)) : EMPTY;
  }

  /** Bytes written so far. */
  get length(): number {
    return this.used;
  }

  private reserve(count: number): void {
    const needed = this.used + count;
    if (needed > this.maxBytes) throw oversized(this.maxBytes);
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length === 0 ? needed : this.buffer.length;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafe(Math.min(capacity, this.maxBytes));
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
  }

  /** Appends `count` bytes of `source` starting at `start`. */
  append(source: Uint8Array, start = 0, count = source.length - start): void {
    this.reserve(count);
    this.buffer.set(source.subarray(start, start + count), this.used);
    this.used += count;
  }

  /** LZ77 back-reference: repeats `count` bytes starting `distance` bytes back (may overlap). */
  copyMatch(distance: number, count: number): void {
    this.reserve(count);
    const buffer = this.buffer;
    const from = this.used - distance;
    let to = this.used;
    let left = count;
    // An overlapping match repeats a period of `distance` bytes; copying the already repeated
    // prefix doubles the chunk each round instead of moving one byte at a time.
    while (left > 0) {
      const chunk = Math.min(left, to - from);
      buffer.copyWithin(to, from, from + chunk);
      to += chunk;
      left -= chunk;
    }
    this.used += count;
  }

  /**
   * Throws `oversized` if `count` more bytes would pass maxBytes, allocating nothing: for a
   * decoder that decodes elsewhere first (xz: in WebAssembly memory) and appends afterwards.
   */
  checkRoom(count: number): void {
    if (this.used + count > this.maxBytes) throw oversized(this.maxBytes);
  }

  /** The bytes written, without copying. */
  result(): Uint8Array {
    return this.buffer.subarray(0, this.used);
  }
}
