import { describe, expect, it } from 'vitest';
import { isNegativeValue } from '../../src/decode/negative-value.js';

describe('isNegativeValue', () => {
  it('treats null, undefined, the empty string, [] and {} as negative', () => {
    const negatives: unknown[] = [null, undefined, '', [], {}, Object.create(null), new Map()];
    negatives.forEach((value, index) => expect(isNegativeValue(value), `negatives[${index}]`).toBe(true));
  });

  it('treats values with content as not negative', () => {
    const positives: unknown[] = [0, false, ' ', 'null', [null], { a: undefined }, new Map([['a', 1]]), Uint8Array.of(0), new Date(0), NaN];
    positives.forEach((value, index) => expect(isNegativeValue(value), `positives[${index}]`).toBe(false));
  });

  it('counts a "__proto__" own key as content', () => {
    expect(isNegativeValue(JSON.parse('{"__proto__":null}'))).toBe(false);
  });

  it('does not count an object with only symbol keys as empty', () => {
    expect(isNegativeValue({ [Symbol('x')]: 1 })).toBe(false);
  });
});
