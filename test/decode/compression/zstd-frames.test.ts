import { describe, expect, it } from 'vitest';
import { boundZstdFrames } from '../../../src/decode/compression/zstd-frames.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { encodeZstdRaw, windowDescriptor, zstdDeclaringSize, zstdZeroBomb } from '../helpers/zstd-encode.js';
import { MiB, fixture } from '../helpers/fixtures.js';

const WINDOW_AT = 5; // magic (4) + frame header descriptor (1)

function failure(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('boundZstdFrames', () => {
  it('rewrites a window larger than the cap down to one that still covers the cap', () => {
    const bomb = zstdZeroBomb(4, 30); // claims a 1 GiB window, which fzstd would allocate up front
    const bounded = boundZstdFrames(bomb, MiB, MiB + 128 * 1024);
    const descriptor = bounded[WINDOW_AT] ?? 0;
    const window = 2 ** (10 + (descriptor >> 3)) * (1 + (descriptor & 7) / 8);
    expect(window).toBeGreaterThanOrEqual(MiB + 128 * 1024);
    expect(window).toBeLessThanOrEqual(1.25 * (MiB + 128 * 1024));
    expect(bomb[WINDOW_AT]).toBe(windowDescriptor(30)); // the caller's bytes are not modified
  });

  it('passes frames within the cap through untouched, without copying', () => {
    const frame = encodeZstdRaw(new Uint8Array(100), 17);
    expect(boundZstdFrames(frame, MiB, MiB + 128 * 1024)).toBe(frame);
  });

  it('reports a frame declaring more content than maxBytes as oversized', () => {
    expect(failure(() => boundZstdFrames(zstdDeclaringSize(MiB + 1), MiB, 2 * MiB)).reason).toBe('oversized');
    expect(boundZstdFrames(zstdDeclaringSize(MiB), MiB, 2 * MiB)).toBeInstanceOf(Uint8Array);
  });

  it('walks the blocks of every frame and reports a cut-off one as truncated', () => {
    const page = fixture('page.json.zst');
    expect(boundZstdFrames(page, MiB, 2 * MiB)).toBe(page);
    const twoFrames = Buffer.concat([page, page]);
    expect(boundZstdFrames(twoFrames, MiB, 2 * MiB)).toBe(twoFrames);
    for (const cut of [1, 3, 4, 100, page.length - 1]) {
      expect(failure(() => boundZstdFrames(page.subarray(0, page.length - cut), MiB, 2 * MiB)).message).toBe('truncated zstd stream');
    }
  });

  it('skips skippable frames and rejects trailing garbage', () => {
    const skippable = Uint8Array.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const frame = encodeZstdRaw(new Uint8Array(10));
    expect(boundZstdFrames(Buffer.concat([skippable, frame]), MiB, 2 * MiB).length).toBe(skippable.length + frame.length);
    expect(failure(() => boundZstdFrames(Buffer.concat([frame, Buffer.from('xyz')]), MiB, 2 * MiB)).message).toBe('corrupt zstd stream');
  });

  it('reports an empty stream as truncated', () => {
    expect(failure(() => boundZstdFrames(new Uint8Array(0), MiB, 2 * MiB)).message).toBe('truncated zstd stream');
  });
});
