import { describe, expect, it } from 'vitest';
import { decompressLz4Frame } from '../../../src/decode/compression/lz4-frame.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { encodeLz4Frame, xxh32 } from '../helpers/lz4-encode.js';
import { MiB, fixture } from '../helpers/fixtures.js';

function failure(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

/** Repetitive data whose matches cross 64 KiB block boundaries. */
function repetitive(length: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i % 251) ^ (i >> 12);
  return data;
}

/** A frame header (FLG 0x60: independent blocks, no checksums; BD 0x40: 64 KiB) then blocks. */
function frame(...blocks: number[][]): Uint8Array {
  const out = [0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, (xxh32(Uint8Array.from([0x60, 0x40])) >>> 8) & 0xff];
  for (const block of blocks) out.push(block.length, 0, 0, 0, ...block);
  out.push(0, 0, 0, 0);
  return Uint8Array.from(out);
}

describe('decompressLz4Frame', () => {
  it('decodes frames the lz4 CLI wrote with independent and with linked blocks', () => {
    const independent = decompressLz4Frame(fixture('page-independent.json.lz4'), MiB);
    const linked = decompressLz4Frame(fixture('page-linked.json.lz4'), MiB);
    expect(independent.length).toBeGreaterThan(200_000);
    expect(Buffer.from(linked).equals(Buffer.from(independent))).toBe(true);
  });

  it.each([
    ['independent 64 KiB blocks', { independent: true, blockSizeId: 4 }],
    ['linked 64 KiB blocks', { independent: false, blockSizeId: 4 }],
    ['4 MiB blocks with content size and every checksum', { blockSizeId: 7, contentSize: true, blockChecksums: true, contentChecksum: true }],
  ] as const)('round-trips %s', (_name, frameOptions) => {
    const data = repetitive(300_000);
    expect(Buffer.from(decompressLz4Frame(encodeLz4Frame(data, frameOptions), MiB)).equals(Buffer.from(data))).toBe(true);
  });

  it('decodes concatenated frames and skips skippable frames', () => {
    const a = encodeLz4Frame(new TextEncoder().encode('{"a":'));
    const b = encodeLz4Frame(new TextEncoder().encode('1}'));
    const skippable = [0x5f, 0x2a, 0x4d, 0x18, 2, 0, 0, 0, 0xaa, 0xbb];
    const out = decompressLz4Frame(Uint8Array.from([...skippable, ...a, ...skippable, ...b]), MiB);
    expect(new TextDecoder().decode(out)).toBe('{"a":1}');
  });

  it('copies overlapping matches (distance shorter than length)', () => {
    // Token 0x26: 2 literals "ab", then a match of 6 + 4 = 10 at distance 2; then 5 literals "!!!!!".
    const block = [0x26, 0x61, 0x62, 0x02, 0x00, 0x50, 0x21, 0x21, 0x21, 0x21, 0x21];
    expect(new TextDecoder().decode(decompressLz4Frame(frame(block), MiB))).toBe('abababababab!!!!!');
  });

  it('refuses a match that reaches before the start of an independent block', () => {
    const first = [0x50, 0x61, 0x62, 0x63, 0x64, 0x65]; // 5 literals
    const second = [0x00, 0x05, 0x00, 0x00]; // a match 5 bytes back, into the previous block
    expect(failure(() => decompressLz4Frame(frame(first, second), MiB)).message).toBe('corrupt lz4 block');
  });

  it('refuses a zero distance and a block that ends inside a sequence', () => {
    expect(failure(() => decompressLz4Frame(frame([0x10, 0x61, 0x00, 0x00, 0x00]), MiB)).message).toBe('corrupt lz4 block');
    expect(failure(() => decompressLz4Frame(frame([0x50, 0x61]), MiB)).message).toBe('corrupt lz4 block');
  });

  it('reports cut-off frames as truncated', () => {
    const whole = encodeLz4Frame(repetitive(100_000), { contentChecksum: true });
    for (const cut of [1, 4, 5, 1000]) {
      expect(failure(() => decompressLz4Frame(whole.subarray(0, whole.length - cut), MiB)).message).toBe('truncated lz4 frame');
    }
    expect(failure(() => decompressLz4Frame(new Uint8Array(0), MiB)).message).toBe('truncated lz4 frame');
  });

  it('refuses unknown versions, reserved bits and dictionaries', () => {
    const good = encodeLz4Frame(new Uint8Array(10));
    const badVersion = Uint8Array.from(good);
    badVersion[4] = 0xa0;
    expect(failure(() => decompressLz4Frame(badVersion, MiB)).message).toBe('corrupt lz4 frame');
    const reservedBlockSize = Uint8Array.from(good);
    reservedBlockSize[5] = 0x30;
    expect(failure(() => decompressLz4Frame(reservedBlockSize, MiB)).message).toBe('corrupt lz4 frame');
    const dictionary = Uint8Array.from([0x04, 0x22, 0x4d, 0x18, 0x61, 0x40, 1, 2, 3, 4, 0, 0, 0, 0, 0]);
    expect(failure(() => decompressLz4Frame(dictionary, MiB)).message).toBe('lz4 dictionaries are not supported');
  });

  it('reports a declared content size above maxBytes as oversized before decoding', () => {
    const declared = encodeLz4Frame(new Uint8Array(2048), { contentSize: true });
    expect(failure(() => decompressLz4Frame(declared, 1024)).reason).toBe('oversized');
    expect(decompressLz4Frame(declared, 2048)).toHaveLength(2048);
  });
});
