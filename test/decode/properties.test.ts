import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { JAVA_DETAIL } from './formats/java-stream-builder.js';
import { RAILS_DETAIL } from './formats/rails-helpers.js';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressLz4Frame } from '../../src/decode/compression/lz4-frame.js';
import { decodeValue } from '../../src/decode/decode-value.js';
import type { CompressionName } from '../../src/types.js';
import { encodeLz4Frame } from './helpers/lz4-encode.js';
import { encodeZstdRaw } from './helpers/zstd-encode.js';
import { fixture, options, utf8 } from './helpers/fixtures.js';

const FORMAT_NAMES = ['auto', 'json', 'msgpack', 'keyv', 'text', 'go-cache', 'dotnet', 'php', 'rails', 'pickle', 'java'] as const;
const COMPRESSIONS: CompressionName[] = ['auto', 'none', 'gzip', 'zlib', 'deflate', 'brotli', 'zstd', 'lz4', 'xz'];
const MAGICS = [[0x1f, 0x8b, 0x08], [0x78, 0x9c], [0x78, 0x01], [0x28, 0xb5, 0x2f, 0xfd], [0x04, 0x22, 0x4d, 0x18], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]];

// Every detail decodeValue can produce: fixed words and numbers, so never payload content.
/** Every fixed failure reason, per format: a detail outside these could carry payload text. */
const KNOWN_DETAILS: Record<string, string[]> = {
  core: [
    String.raw`invalid (JSON|UTF-8|msgpack|base64)`,
    'not a Keyv envelope',
    'no known format',
    'empty value',
    String.raw`(truncated|corrupt|empty) (gzip|zlib|deflate|brotli|zstd) stream`,
    String.raw`bytes after the end of the (gzip|zlib|deflate|brotli) stream`,
    String.raw`(truncated|corrupt) lz4 frame`,
    'corrupt lz4 block',
    'lz4 dictionaries are not supported',
    String.raw`(truncated|corrupt) xz stream`,
    'xz integrity check failed',
    String.raw`xz value too large to decode \(4 GiB\)`,
    String.raw`unsupported xz (filter|integrity check)`,
    String.raw`more than \d+ compression layers`,
    String.raw`(JSON|msgpack) nesting deeper than \d+`,
    String.raw`(decompressed size|value size) exceeds \d+ bytes`,
    String.raw`payloads nested deeper than \d+`,
  ],
  'go-cache': [String.raw`no go-redis/cache compression marker byte`, 'corrupt S2 block'],
  php: [
    'truncated PHP value',
    'invalid PHP serialize syntax',
    String.raw`invalid PHP (float|enum|array key)`,
    'trailing bytes after the PHP value',
    String.raw`PHP (string|array) longer than the value`,
    String.raw`PHP (length|integer) out of range`,
    String.raw`PHP nesting deeper than \d+`,
    'PHP back-reference out of range',
    String.raw`more than \d+ PHP back-references`,
    'cyclic PHP array reference is not supported',
    String.raw`PHP custom-serialized objects \(C:\) are not supported`,
    String.raw`PHP escaped strings \(S:\) are not supported`,
    'igbinary serialization is not supported',
  ],
  pickle: [
    String.raw`truncated pickle|not a pickle|trailing bytes after pickle|invalid pickle( number| memo index| string| bytes| memo reference)?|invalid UTF-8 in pickle string|unknown pickle opcode|unsupported pickle protocol`,
    String.raw`pickle (integer too long|work budget exceeded|references a code-execution callable|calls a computed callable|value refers to itself|persistent ids are not supported|extension codes are not supported)`,
    String.raw`pickle (stack|nesting) deeper than \d+|pickle memo larger than \d+|out-of-band pickle buffers are not supported`,
  ],
  java: [JAVA_DETAIL.source.slice(4, -2)],
  // rails: its reasons are listed beside its tests (the outer ^( … )$ is dropped here).
  rails: [RAILS_DETAIL.source.slice(2, -2)],
};
const KNOWN_DETAIL = new RegExp(`^(Keyv value: )?(${Object.values(KNOWN_DETAILS).flat().join('|')})$`);

/** Valid streams with some bytes overwritten: reaches deeper into the decoders than noise does. */
function corrupted(source: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat({ max: source.length }))
    .map(([edits, cut]) => {
      const bytes = Uint8Array.from(source.subarray(0, Math.max(1, cut)));
      for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
      return bytes;
    });
}

const sampleStreams = [
  gzipSync('{"id":1041,"tenant_id":"t-a","name":"x"}'),
  fixture('sample.json.zst'),
  fixture('page.json.zst').subarray(0, 3000),
  fixture('sample.json.lz4'),
  fixture('sample.json.xz'),
  fixture('xz/page-two-chunks.xz').subarray(0, 600),
  encodeLz4Frame(utf8('{"id":1041,"tenant_id":"t-a","name":"x","list":[1,2,3,1,2,3,1,2,3]}'), { independent: false }),
  utf8('{"value":":base64:H4sIAAAAAAAAA6tWSk1JSSxJVbIyNDAw1FFKLCrKTM5QsgIAm1e2GhwAAAA=","expires":null}'),
  encode({ id: 1041, tenant_id: 't-a', items: [1, 2, { a: null }] }),
];

const hostileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.tuple(fc.constantFrom(...MAGICS), fc.uint8Array({ maxLength: 512 })).map(([magic, rest]) => Uint8Array.from([...magic, ...rest])),
  ...sampleStreams.map(corrupted),
);

/** JSON values as JSON.parse returns them (no -0, which JSON cannot carry). */
const jsonValue = fc.jsonValue({ maxDepth: 8 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);

/** Every reason written in src/decode as a literal (numbers stand in for limits), with its file. */
function reasonsInSource(): { file: string; reason: string }[] {
  const root = new URL('../../src/decode/', import.meta.url);
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const call = /\b(?:undecodable|javaError|pickleError|railsError|fail)\(\s*(['`])((?:(?!\1).)*)\1/g;
  const found: { file: string; reason: string }[] = [];
  for (const file of files) {
    for (const [, , text] of readFileSync(new URL(file, root), 'utf8').matchAll(call)) {
      const reason = text!.replace(/\$\{[^}]*\b(?:max\w*|MAX_\w+|\w*Nesting|\w*Depth)\b[^}]*\}/g, '7');
      // Other interpolations name a fixed word of the decoder itself (a codec, a known class).
      if (!reason.includes('${')) found.push({ file, reason });
    }
  }
  return found;
}

describe('fixed reasons', () => {
  it('lists every reason written in the decoders, so the property below covers each format', () => {
    const reasons = reasonsInSource();
    expect(reasons.length).toBeGreaterThan(100);
    const unlisted = reasons.filter(({ reason }) => !KNOWN_DETAIL.test(reason));
    expect(unlisted).toEqual([]);
  });
});

describe('properties', () => {
  it('never throws, and reports only fixed details, for any bytes under any format and compression', () => {
    fc.assert(
      fc.property(hostileBytes, fc.constantFrom(...FORMAT_NAMES), fc.constantFrom(...COMPRESSIONS), fc.boolean(), (bytes, format, compression, base64) => {
        const result = decodeValue(bytes, options({ format, compression, base64, maxBytes: 64 * 1024, maxDepth: 32 }));
        if (!result.ok) expect(result.detail).toMatch(KNOWN_DETAIL);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips any JSON value under json and auto', () => {
    fc.assert(
      fc.property(jsonValue, fc.constantFrom('json', 'auto'), (value, format) => {
        expect(decodeValue(utf8(JSON.stringify(value)), options({ format }))).toEqual({ ok: true, value, format: 'json' });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any JSON value wrapped in gzip, zstd, lz4 or base64', () => {
    const wrappers: Array<[string, (bytes: Uint8Array) => Uint8Array, Partial<Parameters<typeof options>[0]>]> = [
      ['gzip', (bytes) => gzipSync(bytes), {}],
      ['zstd', (bytes) => encodeZstdRaw(bytes), {}],
      ['zstd named', (bytes) => encodeZstdRaw(bytes, 25), { compression: 'zstd' }],
      ['lz4', (bytes) => encodeLz4Frame(bytes, { independent: false }), {}],
      ['base64 of gzip', (bytes) => utf8(gzipSync(bytes).toString('base64')), { base64: true }],
    ];
    fc.assert(
      fc.property(jsonValue, fc.constantFrom(...wrappers), (value, [, wrap, overrides]) => {
        const stored = wrap(utf8(JSON.stringify(value)));
        expect(decodeValue(stored, options({ format: 'json', ...overrides }))).toEqual({ ok: true, value, format: 'json' });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any JSON value through msgpack', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(decodeValue(encode(value), options({ format: 'msgpack' }))).toEqual({ ok: true, value, format: 'msgpack' });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any JSON value inside a keyv envelope', () => {
    fc.assert(
      fc.property(jsonValue, fc.option(fc.nat(), { nil: null }), (value, expires) => {
        // What Keyv's serializer writes: strings starting with ":" get one more.
        const escaped = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.startsWith(':') ? `:${v}` : v));
        const stored = utf8(`{"value":${escaped},"expires":${JSON.stringify(expires)}}`);
        const stringified = typeof value === 'string' && /^\s*[[{"]/.test(value);
        fc.pre(!stringified); // such strings are parsed as double-stringified JSON, on purpose
        expect(decodeValue(stored, options({ format: 'keyv' }))).toEqual({ ok: true, value, format: 'keyv' });
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any bytes through the lz4 frame decoder, linked or independent', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 70_000 }), fc.array(fc.constantFrom(0, 1, 2), { maxLength: 200_000 }).map((a) => Uint8Array.from(a))),
        fc.record({ independent: fc.boolean(), blockSizeId: fc.constantFrom(4, 5) as fc.Arbitrary<4 | 5>, contentSize: fc.boolean() }),
        (data, frameOptions) => {
          const out = decompressLz4Frame(encodeLz4Frame(data, frameOptions), 1024 * 1024);
          expect(Buffer.from(out).equals(Buffer.from(data))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
