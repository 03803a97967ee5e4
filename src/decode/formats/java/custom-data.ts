import { decodeModifiedUtf8, type ByteCursor } from './byte-cursor.js';
import type { ObjectReader } from './class-desc.js';
import * as C from './constants.js';
import { javaError } from './errors.js';

type ViewRead<T> = (view: DataView, at: number) => T;
const readI8: ViewRead<number> = (view, at) => view.getInt8(at);
const readI16: ViewRead<number> = (view, at) => view.getInt16(at);
const readI32: ViewRead<number> = (view, at) => view.getInt32(at);
const readF32: ViewRead<number> = (view, at) => view.getFloat32(at);
const readI64: ViewRead<number | bigint> = (view, at) => {
  const high = view.getInt32(at);
  const low = view.getUint32(at + 4);
  if (high >= -0x200000 && high < 0x200000) return high * 0x100000000 + low;
  return (BigInt(high) << 32n) | BigInt(low);
};

// Assembles a primitive split across two chunks; decoding is synchronous, so one buffer serves all.
const SCRATCH = new Uint8Array(8);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

/**
 * The custom data of one class level (what its writeObject or writeExternal wrote after the
 * declared fields): primitives in block-data chunks, objects between them, TC_ENDBLOCKDATA at the
 * end. ObjectOutputStream cuts blocks at 1024 bytes, so a primitive may straddle two chunks.
 */
export class CustomData implements ObjectReader {
  /** True while the current class level has custom data to read. */
  active = false;
  private blockLeft = 0;
  private readonly cur: ByteCursor;
  private readonly readObject: () => unknown;

  constructor(cur: ByteCursor, readObject: () => unknown) {
    this.cur = cur;
    this.readObject = readObject;
  }

  open(): void {
    this.active = true;
    this.blockLeft = 0;
  }

  /**
   * Skips the rest, objects included (parsed, so their handles are numbered right), through
   * TC_ENDBLOCKDATA, as ObjectInputStream does after a readObject. True if anything was skipped.
   */
  end(): boolean {
    const cur = this.cur;
    let skipped = this.blockLeft > 0;
    cur.skip(this.blockLeft);
    this.blockLeft = 0;
    for (;;) {
      const tc = cur.peek();
      if (tc === C.TC_ENDBLOCKDATA) {
        cur.pos += 1;
        this.active = false;
        return skipped;
      }
      skipped = true;
      if (tc === C.TC_BLOCKDATA) {
        cur.pos += 1;
        cur.skip(cur.u8());
      } else if (tc === C.TC_BLOCKDATALONG) {
        cur.pos += 1;
        const size = cur.i32();
        if (size < 0) throw javaError('negative block data length');
        cur.skip(size);
      } else {
        this.readObject();
      }
    }
  }

  /**
   * Reads, through TC_ENDBLOCKDATA, what the writeObject of a class no reader knows wrote after
   * its fields: the objects (which the stream fully describes) go into `into`. Primitive block
   * data means only that class's readObject knows — a writeUTF("globex") among them would be
   * invisible to markers — so any such byte makes the whole value undecodable, never clean.
   */
  collect(into: unknown[]): void {
    const cur = this.cur;
    for (;;) {
      const tc = cur.peek();
      if (tc === C.TC_ENDBLOCKDATA) {
        cur.pos += 1;
        this.active = false;
        return;
      }
      if (tc === C.TC_BLOCKDATA || tc === C.TC_BLOCKDATALONG) {
        cur.pos += 1;
        const size = tc === C.TC_BLOCKDATA ? cur.u8() : cur.i32();
        if (size < 0) throw javaError('negative block data length');
        if (size > 0) throw javaError('custom writeObject data not parsed');
      } else {
        into.push(this.readObject());
      }
    }
  }

  object(): unknown {
    if (!this.active) throw javaError('class data is missing its custom data');
    if (this.blockLeft > 0) throw javaError('custom data holds primitives where an object was expected');
    if (this.cur.peek() === C.TC_ENDBLOCKDATA) throw javaError('custom data ended early');
    return this.readObject();
  }

  checkCount(count: unknown, minBytes: number, what: string): number {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw javaError(`invalid ${what} count`);
    if (count * minBytes > this.cur.remaining) throw javaError(`${what} count larger than the payload`);
    return count;
  }

  private openBlock(): void {
    if (!this.active) throw javaError('class data is missing its custom data');
    const tc = this.cur.u8();
    let size: number;
    if (tc === C.TC_BLOCKDATA) size = this.cur.u8();
    else if (tc === C.TC_BLOCKDATALONG) size = this.cur.i32();
    else throw javaError('custom data ended early');
    if (size < 0) throw javaError('negative block data length');
    this.cur.need(size);
    this.blockLeft = size;
  }

  private primitive<T>(size: number, read: ViewRead<T>): T {
    while (this.blockLeft === 0) this.openBlock(); // each empty block still costs 2 bytes
    const cur = this.cur;
    if (this.blockLeft >= size) {
      this.blockLeft -= size;
      const at = cur.pos;
      cur.pos += size;
      return read(cur.view, at);
    }
    for (let i = 0; i < size; i++) {
      while (this.blockLeft === 0) this.openBlock();
      this.blockLeft -= 1;
      SCRATCH[i] = cur.u8();
    }
    return read(SCRATCH_VIEW, 0);
  }

  blockByte(): number {
    return this.primitive(1, readI8);
  }

  blockShort(): number {
    return this.primitive(2, readI16);
  }

  blockInt(): number {
    return this.primitive(4, readI32);
  }

  blockLong(): number | bigint {
    return this.primitive(8, readI64);
  }

  blockFloat(): number {
    return this.primitive(4, readF32);
  }

  blockUtf(): string {
    const length = this.primitive(2, readI16) & 0xffff;
    if (length === 0) return '';
    while (this.blockLeft === 0) this.openBlock();
    if (this.blockLeft >= length) {
      this.blockLeft -= length;
      return this.cur.utf(length);
    }
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      while (this.blockLeft === 0) this.openBlock();
      this.blockLeft -= 1;
      bytes[i] = this.cur.u8();
    }
    return decodeModifiedUtf8(bytes, 0, length);
  }
}
