import type { KeySegment } from '../types.js';
import { PatternSyntaxError } from './pattern-syntax-error.js';

// Names are referenced from `owner.match` and from findings; a strict shape catches
// `{ tenant }` (spaces), which would otherwise silently lose the tenant scope.
const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// Config files are UTF-8, so an unpaired surrogate can only come from a broken escape; the
// matcher's "first character" of a literal is a code point and needs a well-formed one.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Splits a key pattern (`project:{tenant}:{project_id}`) into literal and placeholder segments.
 * A `}` outside a placeholder is literal text. Throws PatternSyntaxError for an empty pattern,
 * an empty or malformed placeholder name, an unclosed `{`, two adjacent placeholders (`{a}{b}`
 * has no literal to tell where `a` ends) and duplicate placeholder names.
 */
export function parseKeyPattern(key: string): KeySegment[] {
  if (key.length === 0) throw new PatternSyntaxError('empty key pattern', key, 0);
  const lone = LONE_SURROGATE.exec(key);
  if (lone !== null) throw new PatternSyntaxError('unpaired UTF-16 surrogate', key, lone.index);

  const segments: KeySegment[] = [];
  const names = new Set<string>();
  let literal = '';
  let i = 0;
  while (i < key.length) {
    const open = key.indexOf('{', i);
    if (open === -1) {
      literal += key.slice(i);
      break;
    }
    literal += key.slice(i, open);
    const close = key.indexOf('}', open + 1);
    const nested = key.indexOf('{', open + 1);
    if (close === -1 || (nested !== -1 && nested < close)) {
      throw new PatternSyntaxError("unclosed '{'", key, open);
    }
    const name = key.slice(open + 1, close);
    if (name === '') throw new PatternSyntaxError('empty placeholder name', key, open);
    if (!PLACEHOLDER_NAME.test(name)) {
      throw new PatternSyntaxError(
        `placeholder name ${JSON.stringify(name)} must be letters, digits, '_' or '-' (not starting with a digit or '-')`,
        key,
        open,
      );
    }
    if (literal !== '') {
      segments.push({ kind: 'literal', text: literal });
      literal = '';
    } else if (segments.at(-1)?.kind === 'placeholder') {
      throw new PatternSyntaxError(
        `placeholder {${name}} directly follows another placeholder, so where one ends is ambiguous`,
        key,
        open,
      );
    }
    if (names.has(name)) throw new PatternSyntaxError(`duplicate placeholder name {${name}}`, key, open);
    names.add(name);
    segments.push({ kind: 'placeholder', name });
    i = close + 1;
  }
  if (literal !== '') segments.push({ kind: 'literal', text: literal });
  return segments;
}
