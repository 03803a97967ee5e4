import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createGzip, deflateSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeValue, type DecodeOptions } from '../../../src/decode/decode-value.js';
import { lz4ZeroBomb } from '../helpers/lz4-encode.js';
import { zstdZeroBomb } from '../helpers/zstd-encode.js';
import { MiB, fixture, options } from '../helpers/fixtures.js';

// Inflating 200 MiB takes Node's zlib 0.5–1 s on a laptop; stopping at 1 MiB takes a few ms.
// The bound sits far from both, so it catches a decoder that inflates everything and then
// checks the size, without flaking on a slow CI runner.
const QUICK_MS = 250;

// Buffer memory that one decode may add. A GC between the two readings could only hide an
// allocation, never invent one, so this cannot fail spuriously.
const MEMORY_BUDGET = 64 * MiB;

function decodeMeasured(bytes: Uint8Array, opts: DecodeOptions) {
  const memoryBefore = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  const result = decodeValue(bytes, opts);
  const elapsed = performance.now() - started;
  return { result, elapsed, allocated: process.memoryUsage().arrayBuffers - memoryBefore };
}

const OVERSIZED = { ok: false, reason: 'oversized', detail: `decompressed size exceeds ${MiB} bytes` };

describe('decompression bombs (200 MiB of zeros, maxBytes 1 MiB)', () => {
  let singleMemberGzip: Uint8Array;

  beforeAll(async () => {
    // One gzip member streamed from a reused 1 MiB chunk, so the test itself never holds 200 MiB.
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    const zeros = Buffer.alloc(MiB);
    for (let i = 0; i < 200; i++) if (!gzip.write(zeros)) await once(gzip, 'drain');
    gzip.end();
    await once(gzip, 'end');
    singleMemberGzip = Buffer.concat(parts);
  });

  it('reports a gzip bomb as oversized without inflating it', () => {
    expect(singleMemberGzip.length).toBeLessThan(MiB);
    const { result, elapsed, allocated } = decodeMeasured(singleMemberGzip, options());
    expect(result).toEqual({ ...OVERSIZED, format: 'auto' });
    expect(elapsed).toBeLessThan(QUICK_MS);
    expect(allocated).toBeLessThan(MEMORY_BUDGET);
  });

  it('reports a bomb of 200 concatenated gzip members as oversized', () => {
    const member = gzipSync(Buffer.alloc(MiB));
    const { result, elapsed, allocated } = decodeMeasured(Buffer.concat(Array<Buffer>(200).fill(member)), options({ compression: 'gzip' }));
    expect(result).toMatchObject(OVERSIZED);
    expect(elapsed).toBeLessThan(QUICK_MS);
    expect(allocated).toBeLessThan(MEMORY_BUDGET);
  });

  it('reports a zstd bomb made by the zstd CLI as oversized', () => {
    const { result, elapsed, allocated } = decodeMeasured(fixture('zeros-200m.zst'), options());
    expect(result).toMatchObject(OVERSIZED);
    expect(elapsed).toBeLessThan(QUICK_MS);
    expect(allocated).toBeLessThan(MEMORY_BUDGET);
  });

  it('reports a 1 GiB zstd bomb of RLE blocks behind a 1 GiB window as oversized, without allocating the window', () => {
    // fzstd allocates a frame's whole window up front, and this header claims 1 GiB.
    const { result, elapsed, allocated } = decodeMeasured(zstdZeroBomb(8192, 30), options({ compression: 'zstd' }));
    expect(result).toMatchObject(OVERSIZED);
    expect(elapsed).toBeLessThan(QUICK_MS);
    expect(allocated).toBeLessThan(MEMORY_BUDGET);
  });

  it('reports an lz4 bomb as oversized', () => {
    const bomb = lz4ZeroBomb(50);
    expect(bomb.length).toBeLessThan(MiB);
    const { result, elapsed, allocated } = decodeMeasured(bomb, options());
    expect(result).toMatchObject(OVERSIZED);
    expect(elapsed).toBeLessThan(QUICK_MS);
    expect(allocated).toBeLessThan(MEMORY_BUDGET);
  });

  it('reports an xz bomb written by Python lzma as oversized', () => {
    const bomb = new Uint8Array(readFileSync(new URL('../../fixtures/decode/xz/zeros-200m.xz', import.meta.url)));
    expect(bomb.length).toBeLessThan(MiB);
    const { result, elapsed, allocated } = decodeMeasured(bomb, options());
    expect(result).toMatchObject(OVERSIZED);
    expect(elapsed).toBeLessThan(QUICK_MS);
    expect(allocated).toBeLessThan(MEMORY_BUDGET);
  });

  it('reports a bomb hidden under a second compression layer as oversized', () => {
    const member = gzipSync(Buffer.alloc(MiB));
    const inner = Buffer.concat(Array<Buffer>(100).fill(member)); // ~100 KB inflating to 100 MiB
    expect(inner.length).toBeLessThan(MiB);
    const { result } = decodeMeasured(deflateSync(inner), options());
    expect(result).toMatchObject(OVERSIZED);
  });

  it('accepts output of exactly maxBytes and refuses one byte more', () => {
    const limit = 4096;
    const exact = gzipSync(Buffer.alloc(limit, 0x31)); // "111…1", a JSON number
    expect(decodeValue(exact, options({ maxBytes: limit }))).toMatchObject({ ok: true, format: 'json' });
    const over = gzipSync(Buffer.alloc(limit + 1, 0x31));
    expect(decodeValue(over, options({ maxBytes: limit }))).toMatchObject({ ok: false, reason: 'oversized' });
  });

  it('reports a value already larger than maxBytes as oversized before decompressing it', () => {
    expect(decodeValue(Buffer.alloc(2048, 0x20), options({ maxBytes: 1024 }))).toMatchObject({
      ok: false,
      reason: 'oversized',
      detail: 'value size exceeds 1024 bytes',
    });
  });
});
