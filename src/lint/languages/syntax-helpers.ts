import type { SgNode } from '@ast-grep/napi';

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'", '`': '`', $: '$', '{': '{', '}': '}' };

/** The character an escape sequence (`\n`, `\"`, `\u0041`) stands for; unknown ones stay as written. */
export function unescapeSequence(seq: string): string {
  const body = seq.slice(1);
  const unicode = /^(?:u\{?([0-9a-fA-F]{1,6})\}?|x([0-9a-fA-F]{2}))$/.exec(body);
  if (unicode) {
    const code = parseInt(unicode[1] ?? unicode[2] ?? '', 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : seq;
  }
  return ESCAPES[body] ?? seq;
}

/** Literal text of a string node from its content and escape children. */
export function literalText(node: SgNode, contentKinds: ReadonlySet<string>, escapeKinds: ReadonlySet<string>): string {
  let text = '';
  for (const child of node.children()) {
    const kind = kindOf(child);
    if (contentKinds.has(kind)) text += child.text();
    else if (escapeKinds.has(kind)) text += unescapeSequence(child.text());
  }
  return text;
}

/** Named children minus comments: the arguments of an argument list. */
export function argumentNodes(list: SgNode | null): SgNode[] {
  if (list === null) return [];
  return list.namedChildren().filter((c) => !kindOf(c).includes('comment'));
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** All first capture groups of a global regex over the source. */
export function captures(source: string, regex: RegExp): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(regex)) if (m[1] !== undefined) names.push(m[1]);
  return names;
}

/** Identifier followed by a C-family type (`Jedis jedis`, `IDatabase _db`, `Map<K, V> cache`). */
export function typedNames(source: string, type: string): string[] {
  if (!source.includes(type)) return [];
  return captures(source, new RegExp(`(?<![\\w.])${escapeRegex(type)}(?:<[^;{}()]*?>)?\\??\\s+([A-Za-z_]\\w*)\\s*[;=,)]`, 'g'));
}

/** A call's first argument when it is one. */
export function first<T>(items: readonly T[]): T | undefined {
  return items[0];
}

/** Backslash escapes inside a content node's text. */
export const ESCAPE_SEQUENCE = /\\(?:u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g;

/** A node's kind as a string (ast-grep types kinds of dynamic grammars loosely); '' for none. */
export function kindOf(node: SgNode | null | undefined): string {
  return node ? String(node.kind()) : '';
}

/**
 * One assignment by its operator: `=` replaces, the language's string append (`+=`, PHP's `.=`)
 * appends, any other operator is unreadable.
 */
/**
 * The nearest ancestor of `node` whose kind is one of `kinds` (a block-scoped declaration's
 * scope); null when there is none, and the declaration is then treated as unscoped.
 */
export function enclosingBlock(node: SgNode, kinds: ReadonlySet<string>): SgNode | null {
  for (let n = node.parent(); n !== null; n = n.parent()) if (kinds.has(kindOf(n))) return n;
  return null;
}

export function assigned(name: string, value: SgNode, operator: string | undefined, append = '+='): { name: string; value: SgNode | null; append?: boolean } {
  if (operator === undefined || operator === '=') return { name, value };
  return { name, value: operator === append ? value : null, append: true };
}
