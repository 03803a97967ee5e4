import type { PatternConfig } from '../../src/types.js';

/** What the naive matcher found: the winning pattern and its placeholder values. */
export interface ReferenceMatch {
  pattern: PatternConfig;
  values: Record<string, string>;
}

/**
 * SPEC §2 read literally, one regex per pattern: the executable definition the trie matcher is
 * checked against. Slow on purpose; tests only.
 */
export function referenceClassify(patterns: readonly PatternConfig[], key: string): ReferenceMatch | undefined {
  let best: { match: ReferenceMatch; literalChars: number; placeholders: number } | undefined;
  for (const pattern of patterns) {
    const parts = pattern.key.split(/(\{[^{}]*\})/).filter((part) => part !== '');
    const names: string[] = [];
    let source = '^';
    let literalChars = 0;
    parts.forEach((part, i) => {
      if (!part.startsWith('{') || !part.endsWith('}') || part.length < 3) {
        source += escapeRegExp(part);
        literalChars += [...part].length;
        return;
      }
      names.push(part.slice(1, -1));
      const next = parts[i + 1];
      // One or more characters, none of them the first character of the following literal.
      const firstOfNext = next === undefined ? undefined : [...next][0];
      source += firstOfNext === undefined ? '([^]+)' : `((?:(?!${escapeRegExp(firstOfNext)})[^])+)`;
    });
    const found = new RegExp(`${source}$`, 'u').exec(key);
    if (found === null) continue;
    const candidate = {
      match: { pattern, values: Object.fromEntries(names.map((name, i) => [name, found[i + 1] ?? ''])) },
      literalChars,
      placeholders: names.length,
    };
    if (best === undefined || beats(candidate, best)) best = candidate;
  }
  return best?.match;
}

function beats(
  a: { match: ReferenceMatch; literalChars: number; placeholders: number },
  b: { match: ReferenceMatch; literalChars: number; placeholders: number },
): boolean {
  if (a.literalChars !== b.literalChars) return a.literalChars > b.literalChars;
  if (a.placeholders !== b.placeholders) return a.placeholders < b.placeholders;
  return a.match.pattern.index < b.match.pattern.index;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
