import type { KeySegment, PatternConfig } from '../types.js';
import { isMoreSpecific, type Specificity } from './specificity.js';

/** A pattern that ends at a trie node, with the names of its placeholders in key order. */
export interface TrieTerminal extends Specificity {
  readonly names: readonly string[];
}

/**
 * One state of the compiled registry. Patterns share nodes for as long as their literal text
 * and placeholder positions agree, so a key walks every pattern's common prefix once.
 */
export interface TrieNode {
  /** Next literal code unit → child. */
  readonly literals: Map<string, TrieNode>;
  /**
   * Placeholders followed by a literal, keyed by that literal's first code point (the
   * terminator). The child is the state at the terminator, whose literal edges follow.
   */
  readonly placeholders: Map<string, TrieNode>;
  /** A placeholder that takes the rest of the key; its node only ever holds a terminal. */
  tail: TrieNode | undefined;
  /** The most specific pattern ending exactly here. */
  terminal: TrieTerminal | undefined;
}

/** The compiled registry trie and its size (for tests and the audit). */
export interface KeyTrie {
  readonly root: TrieNode;
  readonly nodeCount: number;
}

/** Builds one trie from already-parsed patterns (see parseKeyPattern). */
export function buildKeyTrie(parsed: readonly { pattern: PatternConfig; segments: readonly KeySegment[] }[]): KeyTrie {
  let nodeCount = 1;
  const newNode = (): TrieNode => {
    nodeCount += 1;
    return { literals: new Map(), placeholders: new Map(), tail: undefined, terminal: undefined };
  };
  const root: TrieNode = { literals: new Map(), placeholders: new Map(), tail: undefined, terminal: undefined };

  for (const { pattern, segments } of parsed) {
    let node = root;
    let literalChars = 0;
    const names: string[] = [];
    for (const [i, segment] of segments.entries()) {
      if (segment.kind === 'literal') {
        literalChars += [...segment.text].length;
        for (let u = 0; u < segment.text.length; u += 1) node = child(node.literals, segment.text.charAt(u), newNode);
        continue;
      }
      names.push(segment.name);
      const next = segments[i + 1];
      if (next === undefined) {
        node.tail ??= newNode();
        node = node.tail;
      } else if (next.kind === 'literal') {
        // codePointAt keeps an emoji terminator whole, so a placeholder stops at 😀, not at
        // any character sharing its high surrogate.
        const terminator = String.fromCodePoint(next.text.codePointAt(0) ?? 0);
        node = child(node.placeholders, terminator, newNode);
      }
    }
    const candidate: TrieTerminal = { pattern, names, literalChars, placeholderCount: names.length };
    if (node.terminal === undefined || isMoreSpecific(candidate, node.terminal)) node.terminal = candidate;
  }
  return { root, nodeCount };
}

function child(map: Map<string, TrieNode>, key: string, newNode: () => TrieNode): TrieNode {
  let next = map.get(key);
  if (next === undefined) {
    next = newNode();
    map.set(key, next);
  }
  return next;
}
