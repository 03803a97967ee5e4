import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressXz } from '../../../src/decode/compression/xz.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { MiB, SAMPLE, options } from '../helpers/fixtures.js';

interface XzFixture {
  file: string;
  size?: number;
  sha256?: string;
  reason?: 'undecodable' | 'oversized';
  detail?: string;
}

const dir = new URL('../../fixtures/decode/xz/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { fixtures: XzFixture[] };
const xz = (file: string): Uint8Array => new Uint8Array(readFileSync(new URL(file, dir)));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function failureOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

/** Rewrites the 4-byte little-endian CRC32 after bytes[from, to). */
function fixCrc32(bytes: Uint8Array, from: number, to: number): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(to, crc32(bytes.subarray(from, to)) >>> 0, true);
}

describe('xz: streams written by Python lzma (liblzma)', () => {
  const decodable = manifest.fixtures.filter((f) => f.sha256 !== undefined);
  const refused = manifest.fixtures.filter((f) => f.sha256 === undefined);

  it.each(decodable)('decompresses $file byte for byte', ({ file, size, sha256: expected }) => {
    const out = decompressXz(xz(file), 4 * MiB);
    expect(out.length).toBe(size);
    expect(sha256(out)).toBe(expected);
  });

  it.each(refused)('refuses $file: $reason, $detail', ({ file, reason, detail }) => {
    const error = failureOf(() => decompressXz(xz(file), MiB));
    expect(error.reason).toBe(reason);
    expect(error.message).toMatch(new RegExp(`^${detail ?? ''}$`));
  });

  it('decodes a multi-chunk stream only up to the cap, then reports it oversized', () => {
    const page = xz('page-two-chunks.xz'); // 2.4 MB of JSON
    expect(failureOf(() => decompressXz(page, 2 * MiB)).reason).toBe('oversized');
  });

});

describe('xz: crafted headers', () => {
  const sample = () => xz('sample-crc64.xz');

  it('refuses a block that declares an uncompressed size past the cap before decoding it', () => {
    // sample-crc64.xz's block header is 12 bytes: size, flags 00, filter 21 01 <dict>, padding, CRC32.
    // Replace it by a 16-byte one with "uncompressed size present" (flags 80) saying 2^40.
    const original = sample();
    expect(Array.from(original.subarray(12, 16))).toEqual([0x02, 0x00, 0x21, 0x01]);
    const header = Uint8Array.from([0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x21, 0x01, original[16] ?? 0, 0, 0, 0, 0, 0]);
    fixCrc32(header, 0, 12);
    const bytes = Uint8Array.from([...original.subarray(0, 12), ...header, ...original.subarray(24)]);
    expect(failureOf(() => decompressXz(bytes, MiB))).toMatchObject({ reason: 'oversized' });
    // The same header declaring the true 40 bytes gets past that check, and the stream is then
    // refused only because its index still records the old 12-byte header.
    const honest = Uint8Array.from([0x03, 0x80, 0x28, 0x21, 0x01, original[16] ?? 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    fixCrc32(honest, 0, 12);
    const declared = Uint8Array.from([...original.subarray(0, 12), ...honest, ...original.subarray(24)]);
    expect(failureOf(() => decompressXz(declared, MiB)).message).toBe('corrupt xz stream');
  });

  it('refuses a reserved check type, and a stream header whose CRC32 does not match', () => {
    const reserved = sample();
    reserved[7] = 0x02;
    fixCrc32(reserved, 6, 8);
    expect(failureOf(() => decompressXz(reserved, MiB)).message).toBe('unsupported xz integrity check');
    const flipped = sample();
    flipped[7] = 0x01;
    expect(failureOf(() => decompressXz(flipped, MiB)).message).toBe('xz integrity check failed');
  });

  it('refuses stream padding that is not a multiple of four bytes', () => {
    const bytes = Uint8Array.from([...sample(), 0, 0, 0]);
    expect(failureOf(() => decompressXz(bytes, MiB)).message).toBe('corrupt xz stream');
  });

  it('refuses trailing garbage after the stream', () => {
    const bytes = Uint8Array.from([...sample(), 1, 2, 3, 4]);
    expect(failureOf(() => decompressXz(bytes, MiB))).toMatchObject({ reason: 'undecodable' });
  });
});

describe('xz through the decode pipeline', () => {
  it('peels xz by its magic bytes and reads the JSON beneath', () => {
    expect(decodeValue(xz('sample-crc32.xz'), options())).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });

  it('reports a bomb as oversized quickly, without inflating it', () => {
    const started = performance.now();
    const result = decodeValue(xz('zeros-200m.xz'), options());
    expect(result).toEqual({ ok: false, reason: 'oversized', format: 'auto', detail: `decompressed size exceeds ${MiB} bytes` });
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe('xz: corrupted streams', () => {
  it('ends every corrupted or cut copy of a real stream in a DecodeError, never another exception', () => {
    const sources = ['page-two-chunks.xz', 'mixed-uncompressed-chunks.xz', 'lc0-lp2-pb0.xz', 'sample-sha256.xz'].map(xz);
    fc.assert(
      fc.property(fc.constantFrom(...sources), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(), (source, edits, cut) => {
        const bytes = source.slice(0, Math.max(1, cut % (source.length + 1)));
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        try {
          decompressXz(bytes, 4 * MiB);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 400 },
    );
  });
});
