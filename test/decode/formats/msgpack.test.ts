import { Decoder, encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../../src/decode/decode-value.js';
import { msgpackFormat } from '../../../src/decode/formats/msgpack.js';
import { SAMPLE, options, utf8 } from '../helpers/fixtures.js';

/** msgpack fixstr: length in the head byte. */
const str = (text: string) => [0xa0 | text.length, ...utf8(text)];

describe('format: msgpack', () => {
  it('decodes the bytes go-redis and django-redis write for a record, under auto', () => {
    const bytes = encode(SAMPLE);
    expect([...bytes.subarray(0, 7)]).toEqual([0x83, 0xa2, 0x69, 0x64, 0xcd, 0x04, 0x11]); // cache-formats.md
    expect(decodeValue(bytes, options())).toEqual({ ok: true, value: SAMPLE, format: 'msgpack' });
  });

  it('decodes arrays, nested values, binary and scalars when msgpack is named', () => {
    const value = { items: [{ id: 1, tenant_id: 't-a' }, { id: 2, tenant_id: 't-a' }], blob: Uint8Array.from([1, 2, 3]) };
    expect(decodeValue(encode(value), options({ format: 'msgpack' }))).toEqual({ ok: true, value, format: 'msgpack' });
    expect(decodeValue(encode(42), options({ format: 'msgpack' }))).toEqual({ ok: true, value: 42, format: 'msgpack' });
    expect(decodeValue(encode('t-a'), options({ format: 'msgpack' }))).toEqual({ ok: true, value: 't-a', format: 'msgpack' });
  });

  it('sniffs maps and arrays only', () => {
    for (const head of [0x80, 0x8f, 0x90, 0x9f, 0xdc, 0xdd, 0xde, 0xdf]) expect(msgpackFormat.sniff(Uint8Array.of(head)), head.toString(16)).toBe(true);
    for (const head of [0x00, 0x7b, 0xa1, 0xc0, 0xcd, 0xd9, 0xff]) expect(msgpackFormat.sniff(Uint8Array.of(head)), head.toString(16)).toBe(false);
    expect(msgpackFormat.sniff(new Uint8Array(0))).toBe(false);
  });

  it('turns map keys that are not strings into strings', () => {
    const bytes = Uint8Array.from([0x85, 0x01, ...str('int'), 0xc0, ...str('nil'), 0xc3, ...str('bool'), 0xc4, 0x03, ...utf8('bin'), 0x01, 0x91, 0x07, ...str('array')]);
    expect(decodeValue(bytes, options())).toEqual({ ok: true, value: { 1: 'int', null: 'nil', true: 'bool', bin: 1, 7: 'array' }, format: 'msgpack' });
  });

  it('keeps 64-bit integers exact: safe ones as numbers, larger ones as bigints', () => {
    const int64 = (value: bigint) => {
      const bytes = new Uint8Array(9);
      bytes[0] = 0xd3;
      new DataView(bytes.buffer).setBigInt64(1, value);
      return bytes;
    };
    const big = 9_007_199_254_740_993n; // 2^53 + 1: a double would round it
    expect(decodeValue(Uint8Array.from([0x91, ...int64(big)]), options())).toEqual({ ok: true, value: [big], format: 'msgpack' });
    expect(decodeValue(Uint8Array.from([0x91, ...int64(1041n)]), options())).toEqual({ ok: true, value: [1041], format: 'msgpack' });
    expect(decodeValue(int64(-5n), options({ format: 'msgpack' }))).toEqual({ ok: true, value: -5, format: 'msgpack' });
  });

  it('reports trailing bytes after the value as undecodable', () => {
    const bytes = Uint8Array.from([...encode(SAMPLE), 0x07]);
    expect(decodeValue(bytes, options())).toEqual({ ok: false, reason: 'undecodable', format: 'msgpack', detail: 'invalid msgpack' });
    // One trailing 0x00 is go-redis/cache's marker byte: under auto that is the go-cache format.
    const goCache = Uint8Array.from([...encode(SAMPLE), 0x00]);
    expect(decodeValue(goCache, options({ format: 'msgpack' }))).toMatchObject({ ok: false, reason: 'undecodable' });
    expect(decodeValue(goCache, options())).toMatchObject({ ok: true, format: 'go-cache' });
  });

  it('reports a truncated value as undecodable', () => {
    const bytes = encode(SAMPLE);
    expect(decodeValue(bytes.subarray(0, bytes.length - 2), options())).toMatchObject({ ok: false, reason: 'undecodable', format: 'msgpack' });
  });

  it('reports an array claiming 4 billion elements as undecodable', () => {
    expect(decodeValue(Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]), options())).toMatchObject({ ok: false, reason: 'undecodable' });
  });

  it('refuses a 10,000-deep msgpack', () => {
    const deep = new Uint8Array(10_001).fill(0x91);
    deep[10_000] = 0xc0;
    expect(decodeValue(deep, options())).toEqual({ ok: false, reason: 'undecodable', format: 'msgpack', detail: 'msgpack nesting deeper than 256' });
  });

  it('accepts nesting up to maxDepth and refuses one level more', () => {
    const nested = (depth: number) => Uint8Array.from([...new Array<number>(depth - 1).fill(0x91), 0x80]);
    expect(decodeValue(nested(8), options({ maxDepth: 8 })).ok).toBe(true);
    expect(decodeValue(nested(9), options({ maxDepth: 8 }))).toMatchObject({ ok: false, detail: 'msgpack nesting deeper than 8' });
  });
});

describe('format: msgpack, against @msgpack/msgpack', () => {
  // The reader replaced @msgpack/msgpack's Decoder for speed; it must read what that one read.
  // Configured to name map keys as the reader does (non-string keys become strings, binary keys
  // text), so a map with an array or nil key is compared rather than refused by one side only.
  const reference = new Decoder({
    useBigInt64: true,
    mapKeyConverter: (key: unknown) => (typeof key === 'string' ? key : key instanceof Uint8Array ? new TextDecoder().decode(key) : String(key)),
  });
  const narrow = (value: unknown): unknown => {
    if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
    if (Array.isArray(value)) return value.map(narrow);
    if (value instanceof Uint8Array || value instanceof Date || value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, narrow(v)]));
  };
  const leaf = fc.oneof(
    fc.integer(),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
    fc.double({ noNaN: true }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ maxLength: 300 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.boolean(),
    fc.constant(null),
    fc.date({ noInvalidDate: true }),
  );
  // @msgpack/msgpack refuses a "__proto__" key where tenantwatch keeps it as an own property
  // (prototype-safety.test.ts holds that contract), so the comparison leaves that one key out.
  const key = fc.string({ maxLength: 12 }).filter((k) => k !== '__proto__');
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 5 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
  })).node;

  it('decodes any encoded value exactly as @msgpack/msgpack does', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = encode(v, { useBigInt64: true });
        expect(decodeValue(bytes, options({ format: 'msgpack' }))).toEqual({ ok: true, value: narrow(reference.decode(bytes)), format: 'msgpack' });
      }),
      { numRuns: 500 },
    );
  });

  it('fails exactly where @msgpack/msgpack fails, on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let expected: boolean;
        try {
          reference.decode(bytes);
          expected = true;
        } catch {
          expected = false;
        }
        expect(decodeValue(bytes, options({ format: 'msgpack', maxDepth: 1000 })).ok).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
