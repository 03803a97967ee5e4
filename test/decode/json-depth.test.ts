import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth } from '../../src/decode/json-depth.js';
import { utf8 } from './helpers/fixtures.js';

describe('exceedsJsonDepth', () => {
  it('counts nested objects and arrays', () => {
    expect(exceedsJsonDepth(utf8('{"a":[{"b":[]}]}'), 4)).toBe(false);
    expect(exceedsJsonDepth(utf8('{"a":[{"b":[[]]}]}'), 4)).toBe(true);
    expect(exceedsJsonDepth(utf8('[][][][][]'), 1)).toBe(false);
    expect(exceedsJsonDepth(utf8('1'), 1)).toBe(false);
  });

  it('ignores brackets inside strings, after escaped quotes and escaped backslashes', () => {
    expect(exceedsJsonDepth(utf8(String.raw`["[[[", "\"[[[", "\\", "{{{"]`), 1)).toBe(false);
    expect(exceedsJsonDepth(utf8(String.raw`["\\"[[]]`), 2)).toBe(true); // the string ends after \\
  });

  it('stops at an unterminated string without reporting depth', () => {
    expect(exceedsJsonDepth(utf8('["[[[[[[[[[[[['), 2)).toBe(false);
  });

  it('scans a 1 MiB payload quickly', () => {
    const big = utf8(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ id: i, tenant_id: 't-a', name: `n${i}` }))));
    const started = performance.now();
    for (let i = 0; i < 10; i++) expect(exceedsJsonDepth(big, 256)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
