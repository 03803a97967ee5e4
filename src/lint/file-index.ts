import { parse, type SgNode } from '@ast-grep/napi';
import type { LanguageAdapter } from './lint-types.js';

/** A node's extent in the file's text (UTF-16 offsets). */
export interface Extent {
  start: number;
  end: number;
}

/**
 * What lint-keys reads of one parsed file, in document order. Only kinds are read up front:
 * every other read of a node crosses into native code, so extents and names wait until a
 * lookup needs them.
 */
export interface FileIndex {
  /** The first syntax error, if the parse had one. */
  error?: SgNode;
  calls: SgNode[];
  functions: SgNode[];
  assignments: SgNode[];
}

interface KindSets {
  rule: { rule: { any: { kind: string }[] } };
  calls: ReadonlySet<string>;
  functions: ReadonlySet<string>;
  assignments: ReadonlySet<string>;
}

const KIND_SETS = new WeakMap<LanguageAdapter, KindSets>();

/**
 * Every node lint-keys looks at, found in one native query: each `findAll` walks the whole
 * tree, and four of them (errors, calls, functions, assignments) cost more than the parse.
 */
export function indexFile(root: SgNode, adapter: LanguageAdapter): FileIndex {
  const sets = kindSets(adapter);
  const index: FileIndex = { calls: [], functions: [], assignments: [] };
  for (const node of root.findAll(sets.rule)) {
    const kind = String(node.kind());
    if (kind === 'ERROR') {
      index.error ??= node;
      continue;
    }
    if (sets.calls.has(kind)) index.calls.push(node);
    if (sets.functions.has(kind)) index.functions.push(node);
    if (sets.assignments.has(kind)) index.assignments.push(node);
  }
  return index;
}

export function extentOf(node: SgNode): Extent {
  const { start, end } = node.range();
  return { start: start.index, end: end.index };
}

function kindSets(adapter: LanguageAdapter): KindSets {
  let sets = KIND_SETS.get(adapter);
  if (sets === undefined) {
    const calls = knownKinds(adapter, adapter.callKinds);
    const functions = knownKinds(adapter, adapter.functionKinds);
    const assignments = knownKinds(adapter, adapter.assignmentKinds);
    // ERROR last: ast-grep unions the kinds' bit sets in order, and ERROR's id is 65535, so
    // every union after it would span 65,536 bits (a fifth of the query's cost, per file).
    const all = [...new Set([...calls, ...functions, ...assignments]), 'ERROR'];
    sets = { rule: { rule: { any: all.map((kind) => ({ kind })) } }, calls: new Set(calls), functions: new Set(functions), assignments: new Set(assignments) };
    KIND_SETS.set(adapter, sets);
  }
  return sets;
}

/**
 * The kinds the adapter's grammar has: a kind list may name kinds of several grammar versions
 * (or of TypeScript and JavaScript alike), and ast-grep refuses a rule with an unknown kind.
 */
function knownKinds(adapter: LanguageAdapter, kinds: readonly string[]): string[] {
  const empty = parse(adapter.grammar, '').root();
  return kinds.filter((kind) => {
    try {
      empty.find({ rule: { kind } });
      return true;
    } catch {
      return false;
    }
  });
}
