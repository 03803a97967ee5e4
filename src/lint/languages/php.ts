import type { SgNode } from '@ast-grep/napi';
import type { CallShape, ExprShape, LanguageAdapter } from '../lint-types.js';
import { ESCAPE_SEQUENCE, assigned, captures, escapeRegex, kindOf, unescapeSequence } from './syntax-helpers.js';

const CALLS: Record<string, [receiver: string | null, name: string]> = {
  member_call_expression: ['object', 'name'],
  nullsafe_member_call_expression: ['object', 'name'],
  scoped_call_expression: ['scope', 'name'],
  function_call_expression: [null, 'function'],
};
const HOLE_KINDS = new Set(['variable_name', 'member_access_expression', 'subscript_expression', 'nullsafe_member_access_expression', 'member_call_expression', 'function_call_expression']);

function readCall(node: SgNode): CallShape | undefined {
  const fields = CALLS[kindOf(node)];
  const list = node.field('arguments');
  if (fields === undefined || list === null) return undefined;
  const receiverNode = fields[0] === null ? null : node.field(fields[0]);
  const method = node.field(fields[1])?.text();
  if (method === undefined) return undefined;
  const args: SgNode[] = [];
  const named = new Map<string, SgNode>();
  for (const arg of list.namedChildren()) {
    if (kindOf(arg) !== 'argument') continue;
    const children = arg.namedChildren();
    const value = children.at(-1);
    if (value === undefined) continue;
    // PHP 8 named argument: `key: $k`
    if (children.length > 1 && kindOf(children[0]) === 'name') named.set(children[0]?.text() ?? '', value);
    else args.push(value);
  }
  return { node, receiver: receiverNode?.text() ?? '', receiverNode, method, args, named, hasBlock: false, calleeEnd: list.range().start.index };
}

function shape(node: SgNode): ExprShape {
  switch (kindOf(node)) {
    case 'string': {
      // Single quotes: only \' and \\ are escapes.
      const text = node.text();
      return { kind: 'literal', text: text.slice(1, -1).replace(/\\(['\\])/g, '$1') };
    }
    case 'encapsed_string': {
      const pieces: Array<string | SgNode> = [];
      for (const child of node.children()) {
        const kind = kindOf(child);
        if (kind === 'string_content' || kind === 'string_value') pieces.push(child.text());
        else if (kind === 'escape_sequence') pieces.push(child.text().replace(ESCAPE_SEQUENCE, (s) => unescapeSequence(s)));
        // Anything else named is an interpolation (`${id}`, `{$a->b}`, kinds of newer grammars):
        // a hole, never dropped from the template.
        else if (HOLE_KINDS.has(kind) || child.isNamed()) pieces.push(child);
      }
      return pieces.every((p) => typeof p === 'string') ? { kind: 'literal', text: pieces.join('') } : { kind: 'interpolated', pieces };
    }
    case 'variable_name':
      return { kind: 'name', name: node.text() };
    case 'dynamic_variable_name': {
      // "${id}" in a string is $id.
      const inner = node.namedChildren()[0];
      return inner && kindOf(inner) === 'name' && node.namedChildren().length === 1 ? { kind: 'name', name: `$${inner.text()}` } : { kind: 'other' };
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren()[0];
      return inner ? shape(inner) : { kind: 'other' };
    }
    case 'binary_expression': {
      const left = node.field('left');
      const right = node.field('right');
      return node.field('operator')?.text() === '.' && left !== null && right !== null ? { kind: 'concat', operands: [left, right] } : { kind: 'other' };
    }
    case 'function_call_expression': {
      const call = readCall(node);
      const [first, ...rest] = call?.args ?? [];
      if (call === undefined || first === undefined) return { kind: 'other' };
      if (call.method === 'sprintf') return { kind: 'printf', format: first, args: rest };
      if (call.method === 'implode' && rest[0] && kindOf(rest[0]) === 'array_creation_expression') {
        const sep = shape(first);
        const items = rest[0].namedChildren().flatMap((e) => e.namedChildren().slice(-1));
        if (sep.kind === 'literal') return { kind: 'join', separator: sep.text, items };
      }
      return { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/** PHP: Laravel, PSR-16, phpredis, Predis. */
export const PHP: LanguageAdapter = {
  id: 'php',
  grammar: 'php',
  callKinds: Object.keys(CALLS),
  readCall,
  shape,
  functionKinds: ['function_definition', 'method_declaration', 'anonymous_function', 'anonymous_function_creation_expression', 'arrow_function'],
  assignmentKinds: ['assignment_expression', 'augmented_assignment_expression', 'foreach_statement'],
  readAssignment(node) {
    if (kindOf(node) === 'foreach_statement') {
      // `foreach ($keys as $key)` / `as $k => $key`: values the linter cannot read, taken at the
      // loop's head.
      const target = node.namedChildren()[1];
      if (target === undefined) return [];
      const names = kindOf(target) === 'variable_name' ? [target] : target.findAll({ rule: { kind: 'variable_name' } });
      return names.map((n) => ({ name: n.text(), value: null, at: target }));
    }
    const left = node.field('left');
    const right = node.field('right');
    // `[$a, $key] = …` / `list(…) = …`: values the linter does not pair up.
    if (left !== null && kindOf(left) === 'list_literal') return left.findAll({ rule: { kind: 'variable_name' } }).map((n) => ({ name: n.text(), value: null }));
    if (left === null || kindOf(left) !== 'variable_name' || right === null) return [];
    return [assigned(left.text(), right, kindOf(node) === 'augmented_assignment_expression' ? node.field('operator')?.text() : '=', '.=')];
  },
  mapKeys(node) {
    if (kindOf(node) !== 'array_creation_expression') return undefined;
    // ['key' => $value]: the element's first child is the key.
    return node.namedChildren().flatMap((e) => (e.namedChildren().length === 2 ? e.namedChildren().slice(0, 1) : []));
  },
  declaredNames(source, type) {
    if (!source.includes(type)) return [];
    const t = escapeRegex(type);
    return [...captures(source, new RegExp(`(?<![\\w\\\\])${t}\\s+\\$(\\w+)`, 'g')), ...captures(source, new RegExp(`\\$(\\w+)\\s*=\\s*new\\s+\\\\?${t}\\b`, 'g'))];
  },
};
