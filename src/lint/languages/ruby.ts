import type { SgNode } from '@ast-grep/napi';
import type { CallShape, ExprShape, LanguageAdapter } from '../lint-types.js';
import { argumentNodes, assigned, captures, escapeRegex, kindOf, unescapeSequence } from './syntax-helpers.js';

function readCall(node: SgNode): CallShape | undefined {
  const method = node.field('method')?.text();
  if (method === undefined) return undefined;
  const receiverNode = node.field('receiver');
  const list = node.field('arguments');
  const args: SgNode[] = [];
  const named = new Map<string, SgNode>();
  for (const arg of argumentNodes(list)) {
    if (kindOf(arg) === 'pair') {
      const key = arg.field('key');
      const value = arg.field('value');
      if (key !== null && value !== null) named.set(key.text().replace(/^:|:$/g, ''), value);
    } else args.push(arg);
  }
  const end = (list ?? node.field('block') ?? node).range();
  return { node, receiver: receiverNode?.text() ?? '', receiverNode, method, args, named, hasBlock: node.field('block') !== null, calleeEnd: list ? end.start.index : end.end.index };
}

function stringShape(node: SgNode): ExprShape {
  const pieces: Array<string | SgNode> = [];
  for (const child of node.children()) {
    const kind = kindOf(child);
    if (kind === 'string_content') pieces.push(child.text());
    else if (kind === 'escape_sequence') pieces.push(unescapeSequence(child.text()));
    else if (kind === 'interpolation') {
      const expr = child.namedChildren()[0];
      if (expr) pieces.push(expr);
    }
  }
  return pieces.every((p) => typeof p === 'string') ? { kind: 'literal', text: pieces.join('') } : { kind: 'interpolated', pieces };
}

function shape(node: SgNode): ExprShape {
  switch (kindOf(node)) {
    case 'string':
      return stringShape(node);
    case 'simple_symbol':
      return { kind: 'literal', text: node.text().slice(1) };
    case 'hash_key_symbol':
      return { kind: 'literal', text: node.text() };
    case 'identifier':
      return { kind: 'name', name: node.text() };
    case 'parenthesized_statements': {
      const inner = node.namedChildren()[0];
      return inner ? shape(inner) : { kind: 'other' };
    }
    case 'array':
      // Rails expands an array key by joining its elements with '/'.
      return { kind: 'join', separator: '/', items: node.namedChildren() };
    case 'binary': {
      const op = node.field('operator')?.text();
      const left = node.field('left');
      const right = node.field('right');
      if (left === null || right === null) return { kind: 'other' };
      if (op === '+') return { kind: 'concat', operands: [left, right] };
      if (op === '%') {
        if (kindOf(right) === 'hash') return { kind: 'printf', format: left, args: [], named: namedPairs(right.namedChildren()) };
        return { kind: 'printf', format: left, args: kindOf(right) === 'array' ? right.namedChildren() : [right] };
      }
      return { kind: 'other' };
    }
    case 'call': {
      const call = readCall(node);
      if (call === undefined) return { kind: 'other' };
      const receiver = call.receiverNode;
      if (call.method === 'join' && receiver && kindOf(receiver) === 'array') {
        const sep = call.args[0];
        const separator = sep === undefined ? '' : shape(sep);
        if (typeof separator === 'string') return { kind: 'join', separator, items: receiver.namedChildren() };
        if (separator.kind === 'literal') return { kind: 'join', separator: separator.text, items: receiver.namedChildren() };
      }
      if (!receiver && (call.method === 'format' || call.method === 'sprintf') && call.args[0]) {
        const rest = call.args.slice(1);
        // format("p:%<id>s", id: x): keyword pairs (read into `named`) or a hash name the slots.
        const last = rest.at(-1);
        const named = last !== undefined && kindOf(last) === 'hash' ? namedPairs(last.namedChildren()) : call.named;
        return { kind: 'printf', format: call.args[0], args: rest, named };
      }
      return { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/** `{id: x}`, `{:id => x}`, `{"id" => x}`: the value of each pair by its key's name. */
function namedPairs(pairs: SgNode[]): Map<string, SgNode> {
  const named = new Map<string, SgNode>();
  for (const pair of pairs) {
    if (kindOf(pair) !== 'pair') continue;
    const key = pair.field('key') ?? pair.namedChildren()[0];
    const value = pair.field('value');
    if (!key || value === null) continue;
    const k = kindOf(key);
    const name = k === 'hash_key_symbol' ? key.text() : k === 'simple_symbol' ? key.text().slice(1) : k === 'string' ? key.text().slice(1, -1) : undefined;
    if (name !== undefined) named.set(name, value);
  }
  return named;
}

/** Ruby: Rails.cache and redis-rb. */
export const RUBY: LanguageAdapter = {
  id: 'ruby',
  grammar: 'ruby',
  callKinds: ['call'],
  readCall,
  shape,
  functionKinds: ['method', 'singleton_method', 'block', 'do_block', 'lambda'],
  assignmentKinds: ['assignment', 'operator_assignment'],
  readAssignment(node) {
    const left = node.field('left');
    const right = node.field('right');
    // `a, key = x, y`: values the linter does not pair up.
    if (left !== null && kindOf(left) === 'left_assignment_list') return left.namedChildren().filter((n) => kindOf(n) === 'identifier').map((n) => ({ name: n.text(), value: null }));
    if (left === null || kindOf(left) !== 'identifier' || right === null) return [];
    return [assigned(left.text(), right, kindOf(node) === 'operator_assignment' ? node.field('operator')?.text() : '=')];
  },
  mapKeys(node) {
    if (kindOf(node) !== 'hash') return undefined;
    return node.namedChildren().flatMap((p) => (kindOf(p) === 'pair' && p.field('key') ? [p.field('key') as SgNode] : []));
  },
  declaredNames(source, type) {
    if (!source.includes(type)) return [];
    return captures(source, new RegExp(`([A-Za-z_]\\w*)\\s*=\\s*${escapeRegex(type)}\\b`, 'g'));
  },
};
