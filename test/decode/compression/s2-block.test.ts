import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeS2Block } from '../../../src/decode/compression/s2-block.js';
import { DecodeError } from '../../../src/decode/decode-error.js';
import { MiB } from '../helpers/fixtures.js';

/** One element of an S2 block, as s2/encode_go.go emits them (emitLiteral, emitCopy, emitRepeat). */
type Element =
  | { literal: number[] }
  | { copy: 1 | 2 | 4; offset: number; length: number }
  | { repeat: number };

function uvarint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function le(value: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => Math.floor(value / 256 ** i) & 0xff);
}

/** Encodes elements by the block format's rules; returns the block and what it decodes to. */
function encode(elements: Element[], declared?: number): { block: Uint8Array; plain: Uint8Array } {
  const plain: number[] = [];
  const body: number[] = [];
  let last = 0;
  const copy = (offset: number, length: number) => {
    for (let i = 0; i < length; i++) plain.push(plain[plain.length - offset] ?? -1);
  };
  for (const e of elements) {
    if ('literal' in e) {
      const n = e.literal.length - 1;
      if (n < 60) body.push(n << 2);
      else {
        const extra = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
        body.push((59 + extra) << 2, ...le(n, extra));
      }
      body.push(...e.literal);
      plain.push(...e.literal);
    } else if ('copy' in e) {
      if (e.copy === 1) body.push(0x01 | ((e.length - 4) << 2) | ((e.offset >> 8) << 5), e.offset & 0xff);
      else if (e.copy === 2) body.push(0x02 | ((e.length - 1) << 2), ...le(e.offset, 2));
      else body.push(0x03 | ((e.length - 1) << 2), ...le(e.offset, 4));
      last = e.offset;
      copy(e.offset, e.length);
    } else {
      const n = e.repeat - 4;
      if (n < 5) body.push(0x01 | (n << 2), 0);
      else if (n < 0x104) body.push(0x01 | (5 << 2), 0, n - 4);
      else if (n < 0x10100) body.push(0x01 | (6 << 2), 0, ...le(n - 0x100, 2));
      else body.push(0x01 | (7 << 2), 0, ...le(n - 0x10000, 3));
      copy(last, e.repeat);
    }
  }
  return { block: Uint8Array.from([...uvarint(declared ?? plain.length), ...body]), plain: Uint8Array.from(plain) };
}

function failureOf(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

const text = (s: string) => Array.from(Buffer.from(s));

describe('S2 block format', () => {
  it('decodes literals of every length form (1 byte, then 1–4 extra length bytes)', () => {
    for (const size of [1, 60, 61, 256, 257, 70_000]) {
      const literal = Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
      const { block, plain } = encode([{ literal }]);
      expect(decodeS2Block(block, MiB)).toEqual(plain);
    }
  });

  it('decodes 1-, 2- and 4-byte-offset copies, overlapping ones included', () => {
    const { block, plain } = encode([
      { literal: text('tenant_id=acme;') },
      { copy: 1, offset: 15, length: 11 },
      { copy: 2, offset: 26, length: 64 },
      { literal: text('x') },
      { copy: 4, offset: 1, length: 40 }, // run of "x": the copy overlaps itself
      { copy: 1, offset: 3, length: 4 },
    ]);
    expect(decodeS2Block(block, MiB)).toEqual(plain);
    expect(Buffer.from(plain.subarray(0, 26)).toString()).toBe('tenant_id=acme;tenant_id=a');
  });

  it("decodes S2's repeat element in each of its length forms, reusing the last offset", () => {
    const { block, plain } = encode([
      { literal: text('abcdefgh') },
      { copy: 1, offset: 8, length: 8 },
      { repeat: 4 },
      { repeat: 8 },
      { repeat: 200 },
      { repeat: 5_000 },
      { repeat: 100_000 },
    ]);
    expect(decodeS2Block(block, MiB)).toEqual(plain);
    expect(plain.length).toBe(16 + 4 + 8 + 200 + 5_000 + 100_000);
  });

  it('round-trips any sequence of valid elements', () => {
    const element: fc.Arbitrary<Element> = fc.oneof(
      fc.array(fc.nat({ max: 255 }), { minLength: 1, maxLength: 300 }).map((literal) => ({ literal })),
      fc.record({ copy: fc.constantFrom(1 as const, 2 as const, 4 as const), offset: fc.integer({ min: 1, max: 2047 }), length: fc.integer({ min: 4, max: 11 }) }),
      fc.integer({ min: 4, max: 70_000 }).map((repeat) => ({ repeat })),
    );
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 20 }), (raw) => {
        // Keep only elements that are valid where they stand: copies within the output so far,
        // repeats after a copy.
        const elements: Element[] = [{ literal: [1, 2, 3] }];
        let size = 3;
        let copied = false;
        for (const e of raw) {
          if ('copy' in e && e.offset > size) continue;
          if ('repeat' in e && !copied) continue;
          elements.push(e);
          if ('copy' in e) copied = true;
          size += 'literal' in e ? e.literal.length : 'copy' in e ? e.length : e.repeat;
        }
        const { block, plain } = encode(elements);
        expect(Buffer.from(decodeS2Block(block, 4 * MiB)).equals(Buffer.from(plain))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a stated length past the cap before allocating it', () => {
    const { block } = encode([{ literal: [0] }], 200 * MiB);
    expect(failureOf(() => decodeS2Block(block, MiB))).toMatchObject({ reason: 'oversized', message: `decompressed size exceeds ${MiB} bytes` });
  });

  it.each([
    ['a repeat before any copy', encode([{ literal: [1, 2, 3, 4] }, { repeat: 4 }]).block],
    ['a copy reaching before the start', encode([{ literal: [1, 2, 3, 4] }, { copy: 2, offset: 5, length: 4 }]).block],
    ['a copy running past the stated length', encode([{ literal: [1, 2, 3, 4] }, { copy: 1, offset: 4, length: 8 }], 10).block],
    ['output shorter than stated', encode([{ literal: [1, 2, 3, 4] }], 5).block],
    ['a literal cut short', encode([{ literal: text('abcdefgh') }]).block.subarray(0, 6)],
    ['a copy element cut short', encode([{ literal: [1, 2, 3, 4] }, { copy: 4, offset: 4, length: 4 }]).block.subarray(0, 8)],
    ['an unterminated length', Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a length above 2^32 - 1', Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x10])],
    ['an empty block', new Uint8Array(0)],
  ])('reports %s as a corrupt S2 block', (_name, block) => {
    expect(failureOf(() => decodeS2Block(block, MiB))).toMatchObject({ reason: 'undecodable', message: 'corrupt S2 block' });
  });

  it('ends any bytes in a DecodeError or an output of the stated length, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const out = decodeS2Block(Uint8Array.from([0x40, ...bytes]), MiB);
          expect(out.length).toBe(0x40);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
