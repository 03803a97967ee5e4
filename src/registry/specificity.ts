import type { PatternConfig } from '../types.js';

/** What decides between two patterns that both match a key (SPEC §2). */
export interface Specificity {
  readonly pattern: PatternConfig;
  /** Literal characters of the pattern, counted in code points. */
  readonly literalChars: number;
  readonly placeholderCount: number;
}

/**
 * True when `a` beats `b`: most literal characters, then fewest placeholders, then the earliest
 * in the config file. Equal on all three (a duplicated index) keeps `b`, the one seen first.
 */
export function isMoreSpecific(a: Specificity, b: Specificity): boolean {
  if (a.literalChars !== b.literalChars) return a.literalChars > b.literalChars;
  if (a.placeholderCount !== b.placeholderCount) return a.placeholderCount < b.placeholderCount;
  return a.pattern.index < b.pattern.index;
}
