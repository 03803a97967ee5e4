import { JsonPathLimitError } from './json-path-limit-error.js';
import { JsonPathSyntaxError } from './json-path-syntax-error.js';

/** One step of a compiled path: an object member, an array index, or every child. */
export type PathStep =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

/** A compiled `marker` or `items` path (SPEC §2's JSONPath subset); `$` alone is []. */
export type JsonPath = readonly PathStep[];

// Above what any sane marker or items path yields from a payload under `maxValueBytes`
// (a 1 MiB array holds at most ~500k elements), far below what exhausts memory.
const DEFAULT_MAX_RESULTS = 1_000_000;

// RFC 9535's member-name-shorthand: anything else needs the bracket form ($['@attributes']).
const SHORTHAND_NAME = /[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*/y;
const INDEX = /-?[0-9]+/y;
type Fail = (reason: string, at: number) => never;

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Compiles `$`, `.name`, `['name']`, `["name"]`, `[N]` (negative counts from the end), `[*]`
 * and `.*`. Anything else (recursive descent, filters, slices, unions) throws a
 * JsonPathSyntaxError saying what is not supported and where.
 */
export function compileJsonPath(path: string): JsonPath {
  // Annotated so the compiler knows code after a call to it is unreachable.
  const fail: Fail = (reason, at) => {
    throw new JsonPathSyntaxError(reason, path, at);
  };
  const skipSpace = (at: number): number => {
    while (at < path.length && /\s/.test(path.charAt(at))) at += 1;
    return at;
  };
  const end = path.trimEnd().length;
  let i = skipSpace(0);
  if (path.charAt(i) !== '$') fail("a JSONPath must start with '$'", i);
  i += 1;

  const steps: PathStep[] = [];
  while (i < end) {
    const ch = path.charAt(i);
    if (ch === '.') {
      const after = path.charAt(i + 1);
      if (after === '.') fail("recursive descent '..' is not supported", i);
      if (after === '*') {
        steps.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      SHORTHAND_NAME.lastIndex = i + 1;
      const name = SHORTHAND_NAME.exec(path)?.[0];
      if (name === undefined) fail("expected a name after '.' (write ['name'] for names with other characters)", i + 1);
      steps.push({ kind: 'name', name });
      i += 1 + name.length;
    } else if (ch === '[') {
      const [step, next] = parseBracket(path, skipSpace(i + 1), fail);
      steps.push(step);
      const close = skipSpace(next);
      const found = path.charAt(close);
      if (found === ':') fail('slices are not supported', close);
      if (found === ',') fail('unions are not supported', close);
      if (found !== ']') fail("expected ']'", close);
      i = close + 1;
    } else {
      fail(`unexpected ${JSON.stringify(ch)} (expected '.' or '[')`, i);
    }
  }
  return steps;
}

function parseBracket(path: string, at: number, fail: Fail): [PathStep, number] {
  const ch = path.charAt(at);
  if (ch === '*') return [{ kind: 'wildcard' }, at + 1];
  if (ch === "'" || ch === '"') return parseQuoted(path, at, fail);
  if (ch === '?') fail('filter expressions are not supported', at);
  INDEX.lastIndex = at;
  const digits = INDEX.exec(path)?.[0];
  if (digits === undefined) fail("expected '*', an index or a quoted name after '['", at);
  const index = Number(digits);
  if (!Number.isSafeInteger(index)) fail('index out of range', at);
  return [{ kind: 'index', index }, at + digits.length];
}

function parseQuoted(path: string, at: number, fail: Fail): [PathStep, number] {
  const quote = path.charAt(at);
  let name = '';
  let i = at + 1;
  for (;;) {
    if (i >= path.length) fail('unterminated quoted name', at);
    const ch = path.charAt(i);
    if (ch === quote) return [{ kind: 'name', name }, i + 1];
    if (ch !== '\\') {
      name += ch;
      i += 1;
      continue;
    }
    const escaped = path.charAt(i + 1);
    const simple = Object.hasOwn(ESCAPES, escaped) ? ESCAPES[escaped] : undefined;
    if (simple !== undefined) {
      name += simple;
      i += 2;
    } else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(path.slice(i + 2, i + 6))) {
      name += String.fromCharCode(parseInt(path.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      fail(`unknown escape ${JSON.stringify(`\\${escaped}`)} in quoted name`, i);
    }
  }
}

/**
 * All values the path selects in `value`, in document order ([] when none).
 *
 * Prototype-safe: a plain or null-prototype object yields only its own data properties (an own
 * `__proto__` is an ordinary member; inherited members and getters never match), a Map its
 * string-keyed entries, an array its elements; anything else has no children. Work is bounded by
 * the path: each step looks at the previous step's results only, never deeper into the value.
 * Throws JsonPathLimitError when more than `maxResults` values would be collected.
 */
export function evaluateJsonPath(value: unknown, path: JsonPath, maxResults = DEFAULT_MAX_RESULTS): unknown[] {
  let current: unknown[] = [value];
  for (const step of path) {
    const next: unknown[] = [];
    const push = (child: unknown): void => {
      if (next.length >= maxResults) throw new JsonPathLimitError(maxResults);
      next.push(child);
    };
    for (const node of current) selectChildren(node, step, push);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

function selectChildren(node: unknown, step: PathStep, push: (child: unknown) => void): void {
  if (Array.isArray(node)) {
    if (step.kind === 'wildcard') {
      for (const element of node as unknown[]) push(element);
    } else if (step.kind === 'index') {
      const index = step.index < 0 ? node.length + step.index : step.index;
      if (index >= 0 && index < node.length) push(node[index]);
    }
  } else if (node instanceof Map) {
    if (step.kind === 'wildcard') {
      for (const [key, child] of node as Map<unknown, unknown>) if (typeof key === 'string') push(child);
    } else if (step.kind === 'name' && node.has(step.name)) {
      push(node.get(step.name));
    }
  } else if (isPlainObject(node)) {
    if (step.kind === 'wildcard') {
      for (const name of Object.keys(node)) ownData(node, name, push);
    } else if (step.kind === 'name') {
      ownData(node, step.name, push);
    }
  }
}

function ownData(node: object, name: string, push: (child: unknown) => void): void {
  const descriptor = Object.getOwnPropertyDescriptor(node, name);
  if (descriptor !== undefined && 'value' in descriptor) push(descriptor.value);
}

// Class instances (Date, Buffer, a decoder's wrapper) are leaves: their members are not the
// application's data, and reading them could run getters.
function isPlainObject(node: unknown): node is object {
  if (typeof node !== 'object' || node === null) return false;
  const proto: unknown = Object.getPrototypeOf(node);
  return proto === Object.prototype || proto === null;
}
