import type { KeyClass, KeySegment, PatternConfig } from '../types.js';
import { parseKeyPattern } from './compile-patterns.js';
import { inferShape } from './infer-shape.js';
import { buildKeyTrie, type KeyTrie, type TrieNode, type TrieTerminal } from './key-trie.js';
import { PatternSyntaxError } from './pattern-syntax-error.js';
import { isMoreSpecific } from './specificity.js';

/** The registry of SPEC §2, compiled once so every key is classified in a single trie walk. */
export interface KeyRegistry {
  /** The pattern a key belongs to and its placeholder values, or the shape of an unregistered key. */
  classify(key: string, meter?: VisitMeter): KeyClass;
  readonly patterns: readonly PatternConfig[];
  /** Trie nodes built: what a meter's visit count compares against. */
  readonly nodeCount: number;
}

/** Counts the work of classifications; pass one to see how many trie nodes a key visited. */
export interface VisitMeter {
  visitedNodes: number;
}

/** One placeholder's matched span; a linked list so branches share their common captures. */
interface Capture {
  readonly start: number;
  readonly end: number;
  readonly previous: Capture | undefined;
}

interface Branch {
  readonly node: TrieNode;
  readonly pos: number;
  readonly captures: Capture | undefined;
}

interface Match {
  readonly terminal: TrieTerminal;
  readonly captures: Capture | undefined;
}

/**
 * Compiles the config's patterns into one registry. Throws PatternSyntaxError naming the
 * pattern (`patterns[2].key (project): …`) when a key pattern cannot be parsed.
 */
export function compileRegistry(patterns: readonly PatternConfig[]): KeyRegistry {
  const trie = buildKeyTrie(patterns.map((pattern) => ({ pattern, segments: parseWithContext(pattern) })));
  return {
    classify: (key, meter) => classifyKey(trie, key, meter),
    patterns,
    nodeCount: trie.nodeCount,
  };
}

function parseWithContext(pattern: PatternConfig): KeySegment[] {
  try {
    return parseKeyPattern(pattern.key);
  } catch (err) {
    if (!(err instanceof PatternSyntaxError)) throw err;
    throw new PatternSyntaxError(err.reason, err.pattern, err.offset, {
      cause: err,
      context: `patterns[${pattern.index}].key (${pattern.name})`,
    });
  }
}

/**
 * Classifies a key against the compiled trie in one walk.
 *
 * Every edge is deterministic: a literal edge needs the next code unit, and a placeholder edge
 * jumps to the first occurrence of its terminator (SPEC §2: a placeholder never contains the
 * first character of the literal after it). So each trie node is reached at most once, at one
 * position, and the work is the key's length times the few placeholder edges on its path, not
 * the number of patterns. Among the patterns that match the whole key the most specific wins.
 */
function classifyKey(trie: KeyTrie, key: string, meter?: VisitMeter): KeyClass {
  let best: Match | undefined;
  const consider = (terminal: TrieTerminal | undefined, captures: Capture | undefined): void => {
    if (terminal !== undefined && (best === undefined || isMoreSpecific(terminal, best.terminal))) {
      best = { terminal, captures };
    }
  };

  const pending: Branch[] = [{ node: trie.root, pos: 0, captures: undefined }];
  let visited = 0;
  for (let branch = pending.pop(); branch !== undefined; branch = pending.pop()) {
    let { node, pos } = branch;
    const { captures } = branch;
    for (;;) {
      visited += 1;
      if (pos === key.length) {
        consider(node.terminal, captures);
        break;
      }
      if (node.tail !== undefined) {
        visited += 1;
        consider(node.tail.terminal, { start: pos, end: key.length, previous: captures });
      }
      for (const [terminator, next] of node.placeholders) {
        const end = key.indexOf(terminator, pos);
        // end === pos would be an empty placeholder: one or more characters are required.
        if (end > pos) pending.push({ node: next, pos: end, captures: { start: pos, end, previous: captures } });
      }
      const next = node.literals.get(key.charAt(pos));
      if (next === undefined) break;
      node = next;
      pos += 1;
    }
  }
  if (meter !== undefined) meter.visitedNodes += visited;

  if (best === undefined) return { kind: 'unregistered', shape: inferShape(key) };
  const spans: Capture[] = [];
  for (let c = best.captures; c !== undefined; c = c.previous) spans.push(c);
  spans.reverse();
  const { names, pattern } = best.terminal;
  // fromEntries defines own properties, so a placeholder named like an Object.prototype member
  // is an ordinary entry.
  const values = Object.fromEntries(names.map((name, i) => [name, key.slice(spans[i]?.start, spans[i]?.end)]));
  return { kind: 'registered', pattern, values };
}
