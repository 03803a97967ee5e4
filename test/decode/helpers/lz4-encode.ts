/**
 * A small LZ4 frame encoder for tests (greedy, one hash probe), written from lz4's
 * Block_format.md and Frame_format.md so the decoder can be checked on data of any shape.
 * Its frames, checksums included, were checked with `lz4 -d` 1.9.4.
 */
export interface Lz4FrameOptions {
  /** Blocks may not reference earlier blocks (lz4's default). */
  independent?: boolean;
  /** Block maximum size id: 4 = 64 KiB, 5 = 256 KiB, 6 = 1 MiB, 7 = 4 MiB. */
  blockSizeId?: 4 | 5 | 6 | 7;
  contentSize?: boolean;
  blockChecksums?: boolean;
  contentChecksum?: boolean;
}

const LAST_LITERALS = 5;
const MATCH_FINISH_LIMIT = 12;

function pushLength(out: number[], length: number): void {
  while (length >= 255) {
    out.push(255);
    length -= 255;
  }
  out.push(length);
}

function pushSequence(out: number[], data: Uint8Array, literalStart: number, literalEnd: number, match?: { distance: number; length: number }): void {
  const literals = literalEnd - literalStart;
  const matchCode = match ? match.length - 4 : 0;
  out.push((Math.min(literals, 15) << 4) | Math.min(matchCode, 15));
  if (literals >= 15) pushLength(out, literals - 15);
  for (let i = literalStart; i < literalEnd; i++) out.push(data[i] ?? 0);
  if (!match) return;
  out.push(match.distance & 0xff, match.distance >> 8);
  if (matchCode >= 15) pushLength(out, matchCode - 15);
}

function read32(data: Uint8Array, at: number): number {
  return ((data[at] ?? 0) | ((data[at + 1] ?? 0) << 8) | ((data[at + 2] ?? 0) << 16) | ((data[at + 3] ?? 0) << 24)) >>> 0;
}

/** Compresses data[start, end); matches may reach back to windowStart. */
export function encodeLz4Block(data: Uint8Array, start: number, end: number, windowStart: number, seen: Map<number, number>): number[] {
  const out: number[] = [];
  let literalStart = start;
  let at = start;
  while (at + MATCH_FINISH_LIMIT <= end) {
    const word = read32(data, at);
    const candidate = seen.get(word);
    seen.set(word, at);
    if (candidate === undefined || candidate < windowStart || at - candidate > 65535 || read32(data, candidate) !== word) {
      at++;
      continue;
    }
    let length = 4;
    while (at + length < end - LAST_LITERALS && data[candidate + length] === data[at + length]) length++;
    pushSequence(out, data, literalStart, at, { distance: at - candidate, length });
    at += length;
    literalStart = at;
  }
  pushSequence(out, data, literalStart, end);
  return out;
}

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
const round = (acc: number, input: number) => Math.imul(rotl((acc + Math.imul(input, P2)) >>> 0, 13), P1) >>> 0;

/** xxHash32 (seed 0), the checksum of the LZ4 frame format. */
export function xxh32(data: Uint8Array): number {
  let i = 0;
  let h: number;
  if (data.length >= 16) {
    let v1 = (P1 + P2) >>> 0;
    let v2 = P2;
    let v3 = 0;
    let v4 = (0 - P1) >>> 0;
    for (; i + 16 <= data.length; i += 16) {
      v1 = round(v1, read32(data, i));
      v2 = round(v2, read32(data, i + 4));
      v3 = round(v3, read32(data, i + 8));
      v4 = round(v4, read32(data, i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = P5;
  }
  h = (h + data.length) >>> 0;
  for (; i + 4 <= data.length; i += 4) h = Math.imul(rotl((h + Math.imul(read32(data, i), P3)) >>> 0, 17), P4) >>> 0;
  for (; i < data.length; i++) h = Math.imul(rotl((h + Math.imul(data[i] ?? 0, P5)) >>> 0, 11), P1) >>> 0;
  h = Math.imul(h ^ (h >>> 15), P2) >>> 0;
  h = Math.imul(h ^ (h >>> 13), P3) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** Encodes `data` as one LZ4 frame. */
export function encodeLz4Frame(data: Uint8Array, options: Lz4FrameOptions = {}): Uint8Array {
  const { independent = true, blockSizeId = 4, contentSize = false, blockChecksums = false, contentChecksum = false } = options;
  const flags = 0x40 | (independent ? 0x20 : 0) | (blockChecksums ? 0x10 : 0) | (contentSize ? 0x08 : 0) | (contentChecksum ? 0x04 : 0);
  const out: number[] = [0x04, 0x22, 0x4d, 0x18, flags, blockSizeId << 4];
  if (contentSize) out.push(...u32(data.length), 0, 0, 0, 0);
  out.push((xxh32(Uint8Array.from(out.slice(4))) >>> 8) & 0xff); // header checksum
  const blockSize = 1 << (8 + 2 * blockSizeId);
  const seen = new Map<number, number>();
  for (let start = 0; start < data.length; start += blockSize) {
    const end = Math.min(data.length, start + blockSize);
    const block = encodeLz4Block(data, start, end, independent ? start : 0, seen);
    const stored = block.length >= end - start;
    const payload = stored ? data.subarray(start, end) : Uint8Array.from(block);
    out.push(...u32(payload.length | (stored ? 0x80000000 : 0)));
    for (const b of payload) out.push(b);
    if (blockChecksums) out.push(...u32(xxh32(payload)));
  }
  out.push(0, 0, 0, 0); // EndMark
  if (contentChecksum) out.push(...u32(xxh32(data)));
  return Uint8Array.from(out);
}

/**
 * A bomb: `blocks` independent 4 MiB blocks, each one literal zero then one match that repeats
 * it ~4 MiB long (a match length spelled in 0xFF bytes). About 16 KB per 4 MiB of output.
 */
export function lz4ZeroBomb(blocks: number): Uint8Array {
  const blockOutput = 4 * 1024 * 1024;
  const body: number[] = [];
  // token: 1 literal, match length 15+; literal 0; distance 1; match length extension.
  body.push(0x1f, 0x00, 0x01, 0x00);
  pushLength(body, blockOutput - 1 - LAST_LITERALS - 4 - 15);
  body.push(LAST_LITERALS << 4, 0, 0, 0, 0, 0); // the literals-only last sequence
  const out: number[] = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x70];
  out.push((xxh32(Uint8Array.from([0x60, 0x70])) >>> 8) & 0xff);
  for (let i = 0; i < blocks; i++) {
    out.push(...u32(body.length));
    for (const b of body) out.push(b);
  }
  out.push(0, 0, 0, 0);
  return Uint8Array.from(out);
}
