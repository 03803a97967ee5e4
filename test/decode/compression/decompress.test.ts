import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { MAX_COMPRESSION_LAYERS } from '../../../src/decode/compression/decompress.js';
import { encodeLz4Frame } from '../helpers/lz4-encode.js';
import { encodeZstdRaw } from '../helpers/zstd-encode.js';
import { SAMPLE, SAMPLE_JSON, fixture, options, utf8 } from '../helpers/fixtures.js';

const json = utf8(SAMPLE_JSON);

describe('compression: auto', () => {
  it.each([
    ['gzip', gzipSync(json)],
    ['zlib at the default level (78 9c)', deflateSync(json)],
    ['zlib at level 1 (78 01)', deflateSync(json, { level: 1 })],
    ['zlib at level 5 (78 5e)', deflateSync(json, { level: 5 })],
    ['zlib at level 9 (78 da)', deflateSync(json, { level: 9 })],
    ['zstd (CLI, content size known)', fixture('sample.json.zst')],
    ['zstd (CLI from a pipe, 2 MiB window)', fixture('sample-stdin.json.zst')],
    ['zstd (raw blocks)', encodeZstdRaw(json)],
    ['lz4 frame (CLI)', fixture('sample.json.lz4')],
    ['lz4 frame (linked blocks)', encodeLz4Frame(json, { independent: false })],
  ])('peels %s by its magic bytes', (_name, bytes) => {
    expect(decodeValue(bytes, options())).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });

  it.each([
    ['zlib', deflateSync(json)],
    ['deflate', deflateRawSync(json)],
  ] as const)('calls a %s stream followed by bytes it did not read undecodable, never clean', (kind, bytes) => {
    const tailed = Buffer.concat([bytes, Buffer.from('GARBAGE')]);
    expect(decodeValue(tailed, options({ compression: kind }))).toMatchObject({ ok: false, reason: 'undecodable', detail: `bytes after the end of the ${kind} stream` });
    expect(decodeValue(tailed, options())).toMatchObject({ ok: false, reason: 'undecodable' });
  });

  it('leaves uncompressed bytes as they are', () => {
    expect(decodeValue(json, options())).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });

  it('peels nested layers, outermost first', () => {
    const nested = gzipSync(encodeLz4Frame(deflateSync(encodeZstdRaw(json))));
    expect(decodeValue(nested, options())).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });

  it(`refuses more than ${MAX_COMPRESSION_LAYERS} layers`, () => {
    let bytes: Uint8Array = json;
    for (let i = 0; i <= MAX_COMPRESSION_LAYERS; i++) bytes = gzipSync(bytes);
    expect(decodeValue(bytes, options())).toMatchObject({ ok: false, reason: 'undecodable', detail: `more than ${MAX_COMPRESSION_LAYERS} compression layers` });
  });

  it('decodes multi-block zstd and lz4 fixtures written by the real tools', () => {
    for (const [name, compression] of [
      ['page.json.zst', 'auto'],
      ['page-independent.json.lz4', 'auto'],
      ['page-linked.json.lz4', 'lz4'],
    ] as const) {
      const result = decodeValue(fixture(name), options({ compression }));
      expect(result.ok, name).toBe(true);
      const page = (result as { value: { items: Array<{ id: number; tenant_id: string }> } }).value;
      expect(page.items).toHaveLength(3000);
      expect(page.items[2999]).toMatchObject({ id: 2999, tenant_id: 't-a' });
    }
  });

  it('reads "x^" at the start of text as text, not as a broken zlib header', () => {
    expect(decodeValue(utf8('x^2 + y^2'), options({ format: 'text' }))).toEqual({ ok: true, value: 'x^2 + y^2', format: 'text' });
  });

  it('reports a truncated zlib stream as undecodable', () => {
    const truncated = deflateSync(json).subarray(0, 12);
    expect(decodeValue(truncated, options())).toMatchObject({ ok: false, reason: 'undecodable' });
  });

  it('peels xz written by the xz tool, and applies it when named', () => {
    expect(decodeValue(fixture('sample.json.xz'), options())).toEqual({ ok: true, value: SAMPLE, format: 'json' });
    expect(decodeValue(fixture('sample.json.xz'), options({ compression: 'xz' }))).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });
});

describe('compression: named', () => {
  it.each([
    ['gzip', gzipSync(json)],
    ['zlib', deflateSync(json)],
    ['deflate', deflateRawSync(json)],
    ['brotli', brotliCompressSync(json)],
    ['zstd', fixture('sample.json.zst')],
    ['lz4', encodeLz4Frame(json)],
  ] as const)('applies %s as named', (compression, bytes) => {
    expect(decodeValue(bytes, options({ compression }))).toEqual({ ok: true, value: SAMPLE, format: 'json' });
  });

  it('applies a named compression once and does not peel what is under it', () => {
    const twice = gzipSync(gzipSync(json));
    expect(decodeValue(twice, options({ compression: 'gzip' }))).toMatchObject({ ok: false, reason: 'undecodable' });
  });

  it('takes compressed-looking bytes literally under "none"', () => {
    expect(decodeValue(gzipSync(json), options({ compression: 'none' }))).toMatchObject({ ok: false, reason: 'undecodable' });
  });

  it('reports bytes that are not the named compression as undecodable', () => {
    for (const compression of ['gzip', 'zlib', 'deflate', 'brotli', 'zstd', 'lz4'] as const) {
      const result = decodeValue(utf8('plainly not compressed at all, not even a little'), options({ compression }));
      expect(result, compression).toMatchObject({ ok: false, reason: 'undecodable' });
    }
  });

  it('names the compression and the problem in the detail', () => {
    const gzip = gzipSync(json);
    expect(decodeValue(gzip.subarray(0, gzip.length - 6), options())).toMatchObject({ detail: 'truncated gzip stream' });
    const corrupt = Uint8Array.from(gzip);
    corrupt[3] = 0xff; // reserved FLG bits
    expect(decodeValue(corrupt, options())).toMatchObject({ detail: 'corrupt gzip stream' });
  });

  it('reports truncated zstd and lz4 streams as undecodable', () => {
    const zstd = fixture('page.json.zst');
    const lz4 = fixture('page-linked.json.lz4');
    for (const bytes of [zstd.subarray(0, zstd.length - 100), zstd.subarray(0, 7), lz4.subarray(0, lz4.length - 3000), lz4.subarray(0, 6)]) {
      expect(decodeValue(bytes, options())).toMatchObject({ ok: false, reason: 'undecodable' });
    }
  });

  it('reports an empty value under a named compression as undecodable', () => {
    for (const compression of ['gzip', 'zlib', 'deflate', 'brotli', 'zstd', 'lz4'] as const) {
      expect(decodeValue(new Uint8Array(0), options({ compression })), compression).toMatchObject({ ok: false, reason: 'undecodable' });
    }
  });
});
