import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileLzmaChunk, moduleText, repoRoot, TARGET } from '../../../scripts/build-wasm.js';
import { LzmaChunkDecoder, lzmaMemoryBytes } from '../../../src/decode/compression/lzma-chunk.js';
import { decompressXz } from '../../../src/decode/compression/xz.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { MiB } from '../helpers/fixtures.js';

const xz = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(`../../fixtures/decode/xz/${file}`, import.meta.url)));

describe('the WebAssembly LZMA decoder', () => {
  it('is committed as exactly what wasm/lzma-chunk.ts compiles to', async () => {
    const committed = readFileSync(`${repoRoot()}/${TARGET}`, 'utf8');
    expect(committed).toBe(moduleText(await compileLzmaChunk()));
  }, 60_000);

  it('gives back the memory a large value made it grow, and keeps a small one', () => {
    // 200 MB of zeros, stopped at a 32 MiB cap: the decoder's memory grows to about the cap.
    expect(() => decompressXz(xz('zeros-200m.xz'), 32 * MiB)).toThrow(DecodeError);
    expect(lzmaMemoryBytes()).toBe(0);
    expect(decompressXz(xz('sample-crc64.xz'), MiB).length).toBe(40);
    const small = lzmaMemoryBytes();
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThanOrEqual(256 * 1024);
    expect(decompressXz(xz('page-two-chunks.xz'), 4 * MiB).length).toBe(2389441);
    // 2.4 MB decoded in place is under the 8 MiB kept between values: the instance stays.
    expect(lzmaMemoryBytes()).toBeGreaterThan(2389441);
  });

  it('refuses a chunk that would take its 32-bit memory past 4 GiB, before growing it', () => {
    // Reachable only with a cap near 4 GiB; the addresses would otherwise wrap around.
    const decoder = new LzmaChunkDecoder(xz('sample-crc64.xz'));
    const before = lzmaMemoryBytes();
    expect(() => decoder.decodeChunk(0, 5, 2 ** 32 - 1, 0)).toThrow(new DecodeError('undecodable', 'xz value too large to decode (4 GiB)'));
    expect(lzmaMemoryBytes()).toBe(before);
    decoder.release();
  });

  it('computes CRC-64/XZ as xz does, over a block in its memory', () => {
    // The standard check value of CRC-64/XZ over "123456789" is 0x995dc9bbdf1939fa, stored
    // little-endian after the block. Nine bytes: one slice of eight and one byte on its own.
    const input = Buffer.concat([Buffer.from('123456789'), Buffer.from('fa3919dfbbc95d99', 'hex')]);
    const decoder = new LzmaChunkDecoder(input);
    decoder.startBlock();
    decoder.copyStored(0, 9);
    expect(decoder.crc64Matches(9)).toBe(true);
    input[0] = 0x30; // a different block, the same stored check
    const other = new LzmaChunkDecoder(input);
    other.startBlock();
    other.copyStored(0, 9);
    expect(other.crc64Matches(9)).toBe(false);
    other.release();
  });
});
