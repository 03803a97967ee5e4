import { undecodable } from '../decode-error.js';
import { LZMA_CHUNK_WASM } from './lzma-chunk-wasm.js';

const corrupt = () => undecodable('corrupt xz stream');

/** What wasm/lzma-chunk.ts exports. */
interface LzmaChunkExports {
  memory: WebAssembly.Memory;
  INPUT_BASE: WebAssembly.Global;
  CORRUPT: WebAssembly.Global;
  setProperties(lc: number, lp: number, pb: number): void;
  reset(): void;
  decodeChunk(start: number, end: number, pos: number, outEnd: number, dictStart: number): number;
  crc64Matches(start: number, end: number, expected: number): number;
}

/** One instance, with its constants read once (a Global's value is a call into V8 each time). */
interface LzmaChunkInstance {
  exports: LzmaChunkExports;
  inputBase: number;
  corrupt: number;
}

const PAGE = 65536;
/**
 * WebAssembly memory is 32-bit: 65,536 pages at most. One page short of that keeps every address
 * the decoder is given, `outEnd` included, below 2^32.
 */
const MAX_MEMORY_BYTES = (65536 - 1) * PAGE;
/**
 * Memory a finished value may leave behind. WebAssembly memory only grows, so after a value that
 * needed more (a large page, up to maxBytes) the instance is dropped and the next value gets a
 * fresh one of three pages; cached values under a few MB reuse one instance for ever.
 */
const RETAINED_BYTES = 8 * 1024 * 1024;

let compiled: WebAssembly.Module | undefined;
let instance: LzmaChunkInstance | undefined;

function decoderInstance(): LzmaChunkInstance {
  if (instance) return instance;
  // Compiled on first use: a service with no xz values never pays for it.
  compiled ??= new WebAssembly.Module(Buffer.from(LZMA_CHUNK_WASM, 'base64'));
  const exports = new WebAssembly.Instance(compiled, {}).exports as unknown as LzmaChunkExports;
  instance = { exports, inputBase: exports.INPUT_BASE.value as number, corrupt: exports.CORRUPT.value as number };
  return instance;
}

/** Bytes of WebAssembly memory the decoder holds between values (0 before its first xz value). */
export function lzmaMemoryBytes(): number {
  return instance?.exports.memory.buffer.byteLength ?? 0;
}

/**
 * The WebAssembly LZMA decoder (wasm/lzma-chunk.ts) with one xz value's compressed bytes copied
 * into its memory. LZMA2 (lzma2.ts) decodes each block into that memory, where the block's
 * earlier output serves as the dictionary, then takes the block's bytes out with blockOutput().
 * One per decompressXz call, used synchronously and released when the value is done: decoding is
 * never re-entered, so the module's single instance serves every call in turn.
 */
export class LzmaChunkDecoder {
  private readonly instance = decoderInstance();
  private readonly wasm = this.instance.exports;
  private readonly inputBase = this.instance.inputBase;
  private readonly outputBase: number;
  /** Bytes of the current block decoded so far, from outputBase. */
  private blockBytes = 0;
  /** A view of the memory, made again whenever growing it detaches the old buffer. */
  private view: Uint8Array;

  constructor(input: Uint8Array) {
    this.outputBase = this.inputBase + input.length;
    this.view = new Uint8Array(this.wasm.memory.buffer);
    this.ensureMemory(this.outputBase);
    this.view.set(input, this.inputBase);
  }

  /** Output of the current block so far, in bytes. */
  get blockLength(): number {
    return this.blockBytes;
  }

  /** Starts a block: its output begins empty (xz blocks share no dictionary). */
  startBlock(): void {
    this.blockBytes = 0;
  }

  /** LZMA2's properties byte: (pb * 5 + lp) * 9 + lc, with lc + lp ≤ 4. */
  setProperties(byte: number): void {
    if (byte > (4 * 5 + 4) * 9 + 8) throw corrupt();
    const lc = byte % 9;
    const lp = Math.floor(byte / 9) % 5;
    const pb = Math.floor(byte / 45);
    if (lc + lp > 4) throw corrupt();
    this.wasm.setProperties(lc, lp, pb);
  }

  /** Resets probabilities, state and distances (an LZMA2 state reset). */
  reset(): void {
    this.wasm.reset();
  }

  /**
   * Decodes the LZMA chunk at input[start, end) into the block's next `size` bytes; matches reach
   * back no further than block offset `dictStart`. The caller has checked `size` against the cap.
   */
  decodeChunk(start: number, end: number, size: number, dictStart: number): void {
    const pos = this.outputBase + this.blockBytes;
    this.ensureMemory(pos + size);
    // Every read and write is checked against its bounds inside, so a trap (an access outside
    // the decoder's memory) would be a bug in it, and surfaces like any bug (decode-value.ts).
    const result = this.wasm.decodeChunk(this.inputBase + start, this.inputBase + end, pos, pos + size, this.outputBase + dictStart);
    if (result === this.instance.corrupt) throw corrupt();
    this.blockBytes += size;
  }

  /** Appends an uncompressed chunk, input[start, start + size), to the block. */
  copyStored(start: number, size: number): void {
    const pos = this.outputBase + this.blockBytes;
    this.ensureMemory(pos + size);
    this.view.copyWithin(pos, this.inputBase + start, this.inputBase + start + size);
    this.blockBytes += size;
  }

  /** The block's output: a view into the decoder's memory, valid until its next call. */
  blockOutput(): Uint8Array {
    return this.view.subarray(this.outputBase, this.outputBase + this.blockBytes);
  }

  /**
   * Whether the CRC-64 of the block's output equals the 8 bytes at input[at] (xz's CRC64 check).
   * The caller has checked those bytes are within the input.
   */
  crc64Matches(at: number): boolean {
    return this.wasm.crc64Matches(this.outputBase, this.outputBase + this.blockBytes, this.inputBase + at) !== 0;
  }

  /** Done with this value: drops the instance if the value grew its memory past RETAINED_BYTES. */
  release(): void {
    if (instance === this.instance && this.wasm.memory.buffer.byteLength > RETAINED_BYTES) instance = undefined;
  }

  private ensureMemory(bytes: number): void {
    const have = this.wasm.memory.buffer.byteLength;
    if (bytes <= have) return;
    // Only with a cap near 4 GiB: the value is refused, never wrapped around.
    if (bytes > MAX_MEMORY_BYTES) throw undecodable('xz value too large to decode (4 GiB)');
    // Exactly what is needed: the caller has checked it against maxBytes, and growing rarely
    // moves the memory (V8 reserves address space for it).
    const pages = Math.ceil((bytes - have) / PAGE);
    this.wasm.memory.grow(pages);
    this.view = new Uint8Array(this.wasm.memory.buffer);
  }
}
