import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRegistry } from '../../src/registry/classify-key.js';
import { parseKeyPattern } from '../../src/registry/compile-patterns.js';
import type { KeySegment, PatternConfig } from '../../src/types.js';
import { makePattern } from './make-pattern.js';
import { referenceClassify } from './reference-matcher.js';

// Delimiters, a digit, letters, emoji (two of them share a high surrogate), newline, space and a
// stray '}': small enough that random patterns and keys collide often.
const LITERAL_CHARS = ['a', 'b', '1', ':', '/', '.', '|', '-', ' ', '\n', '😀', '😁', '}'];
// Keys also get characters no pattern has, and lone surrogate halves.
const KEY_CHARS = [...LITERAL_CHARS, 'x', 'é', '\uD83D', '\uDE00', '{'];

// Few characters: patterns overlap, so most keys fit several and specificity decides.
const NARROW_CHARS = ['a', ':', '😀'];

/** A pattern's segments: literals and placeholders alternate, either may come first. */
const segmentsOf = (chars: readonly string[]): fc.Arbitrary<KeySegment[]> => {
  const literal = fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: 4 });
  return fc
    .tuple(fc.boolean(), fc.array(literal, { minLength: 1, maxLength: 4 }), fc.boolean())
    .map(([leadingPlaceholder, literals, trailingPlaceholder]) => {
      const segments: KeySegment[] = [];
      let holes = 0;
      const hole = (): KeySegment => ({ kind: 'placeholder', name: `p${holes++}` });
      if (leadingPlaceholder) segments.push(hole());
      literals.forEach((text, i) => {
        segments.push({ kind: 'literal', text });
        if (i < literals.length - 1 || trailingPlaceholder) segments.push(hole());
      });
      return segments;
    });
};

const render = (segments: readonly KeySegment[]): string =>
  segments.map((s) => (s.kind === 'literal' ? s.text : `{${s.name}}`)).join('');

const segmentsArb = segmentsOf(LITERAL_CHARS);

const patternsOf = (chars: readonly string[]): fc.Arbitrary<PatternConfig[]> =>
  fc
    .array(segmentsOf(chars), { minLength: 1, maxLength: 12 })
    .map((list) => list.map((segments, i) => makePattern(`p${i}`, render(segments), i)));

const fill = fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: 4 });

/** Keys: random text, or one of the patterns with random (often delimiter-holding) fillings. */
function keysFor(patterns: readonly PatternConfig[]): fc.Arbitrary<string> {
  const instance = fc
    .tuple(fc.constantFrom(...patterns), fc.array(fill, { minLength: 8, maxLength: 8 }))
    .map(([pattern, fills]) => pattern.key.replace(/\{p(\d)\}/g, (_, n: string) => fills[Number(n)] ?? 'z'));
  return fc.oneof(instance, fc.string({ unit: fc.constantFrom(...KEY_CHARS), maxLength: 12 }));
}

describe('classifyKey against the naive regex-per-pattern reference', () => {
  const agreesWithReference = ([patterns, keys]: [PatternConfig[], string[]]): void => {
    const registry = compileRegistry(patterns);
    for (const key of keys) {
      const expected = referenceClassify(patterns, key);
      const actual = registry.classify(key);
      if (expected === undefined) {
        expect(actual.kind, JSON.stringify(key)).toBe('unregistered');
      } else {
        expect(actual, JSON.stringify(key)).toEqual({ kind: 'registered', ...expected });
      }
    }
  };
  const setsWithKeys = (chars: readonly string[]) =>
    patternsOf(chars).chain((patterns) => fc.tuple(fc.constant(patterns), fc.array(keysFor(patterns), { maxLength: 20 })));

  it('picks the same pattern and values for random pattern sets and random keys', () => {
    fc.assert(fc.property(setsWithKeys(LITERAL_CHARS), agreesWithReference), { numRuns: 1_000 });
  });

  it('picks the same winner when overlapping patterns all fit a key', () => {
    fc.assert(fc.property(setsWithKeys(NARROW_CHARS), agreesWithReference), { numRuns: 1_000 });
  });

  it('registers every key built from a lone pattern whose fillings avoid its terminators', () => {
    fc.assert(
      fc.property(segmentsArb, fc.array(fc.constantFrom('x', 'é', '7'), { minLength: 1, maxLength: 3 }), (segments, fillChars) => {
        const key = segments.map((s) => (s.kind === 'literal' ? s.text : fillChars.join(''))).join('');
        const result = compileRegistry([makePattern('only', render(segments), 0)]).classify(key);
        expect(result.kind).toBe('registered');
      }),
    );
  });

  it('parses back every rendered pattern to the same segments, merging nothing', () => {
    fc.assert(
      fc.property(segmentsArb, (segments) => {
        expect(parseKeyPattern(render(segments))).toEqual(segments);
      }),
    );
  });
});
