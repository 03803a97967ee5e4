import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsMsgpackDepth } from '../../src/decode/msgpack-depth.js';

/** Nesting depth of a JSON-like value, as maxDepth counts it ({} is 1). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('exceedsMsgpackDepth', () => {
  it('counts maps and arrays nested in map values and array elements', () => {
    const value = { a: [1, { b: [[], { c: 'x' }] }], d: 'y' }; // depth 5
    expect(exceedsMsgpackDepth(encode(value), 5)).toBe(false);
    expect(exceedsMsgpackDepth(encode(value), 4)).toBe(true);
  });

  it('skips strings, binaries and extensions whose bytes look like containers', () => {
    const lookalike = String.fromCharCode(0x91).repeat(40);
    const value = { s: lookalike, b: new Uint8Array(300).fill(0x91), big: 2 ** 40, f: 1.5, neg: -100_000, list: [] };
    expect(exceedsMsgpackDepth(encode(value), 2)).toBe(false);
    const ext = Uint8Array.from([0x92, 0xc7, 3, 1, 0x91, 0x91, 0x91, 0xd4, 1, 0x91]); // [ext8, fixext1]
    expect(exceedsMsgpackDepth(ext, 1)).toBe(false);
  });

  it('refuses a million nested arrays without decoding them', () => {
    const deep = new Uint8Array(1 << 20).fill(0x91);
    const started = performance.now();
    expect(exceedsMsgpackDepth(deep, 256)).toBe(true);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('leaves truncated and invalid input to the decoder', () => {
    expect(exceedsMsgpackDepth(Uint8Array.from([0x92, 0x91]), 5)).toBe(false);
    expect(exceedsMsgpackDepth(Uint8Array.from([0xc1, 0x91, 0x91]), 1)).toBe(false);
  });

  it('agrees with the depth of any encoded JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 8 }), (value, maxDepth) => {
        expect(exceedsMsgpackDepth(encode(value), maxDepth)).toBe(depthOf(value) > maxDepth);
      }),
      { numRuns: 1000 },
    );
  });
});
