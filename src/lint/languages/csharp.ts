import type { SgNode } from '@ast-grep/napi';
import type { CallShape, ExprShape, LanguageAdapter } from '../lint-types.js';
import { assigned, kindOf, literalText, typedNames, unescapeSequence } from './syntax-helpers.js';

const CONTENT = new Set(['string_literal_content', 'string_content']);
const ESCAPE = new Set(['escape_sequence']);
const INTERPOLATION_EXTRAS = new Set(['interpolation_brace', 'interpolation_format_clause', 'interpolation_alignment_clause']);

function readCall(node: SgNode): CallShape | undefined {
  const fn = node.field('function');
  const list = node.field('arguments');
  if (fn === null || list === null) return undefined;
  const member = kindOf(fn) === 'member_access_expression';
  const receiverNode = member ? fn.field('expression') : null;
  // Set<T>(…) is a generic_name: the method is its identifier.
  const name = member ? fn.field('name') : fn;
  const method = name?.text().replace(/<.*$/s, '');
  if (method === undefined) return undefined;
  const args: SgNode[] = [];
  const named = new Map<string, SgNode>();
  for (const arg of list.namedChildren()) {
    if (kindOf(arg) !== 'argument') continue;
    const children = arg.namedChildren();
    const value = children.at(-1);
    if (value === undefined) continue;
    if (arg.children().some((c) => c.text() === ':') && children.length > 1) named.set(children[0]?.text() ?? '', value);
    else args.push(value);
  }
  return { node, receiver: receiverNode?.text() ?? '', receiverNode, method, args, named, hasBlock: false, calleeEnd: list.range().start.index };
}

function shape(node: SgNode): ExprShape {
  switch (kindOf(node)) {
    case 'string_literal':
      return { kind: 'literal', text: literalText(node, CONTENT, ESCAPE) };
    case 'verbatim_string_literal':
      return { kind: 'literal', text: node.text().slice(2, -1).replace(/""/g, '"') };
    case 'interpolated_string_expression': {
      const pieces: Array<string | SgNode> = [];
      for (const child of node.children()) {
        const kind = kindOf(child);
        if (CONTENT.has(kind)) pieces.push(child.text());
        else if (ESCAPE.has(kind)) pieces.push(unescapeSequence(child.text()));
        else if (kind === 'interpolation') {
          const expr = child.namedChildren().find((c) => !INTERPOLATION_EXTRAS.has(kindOf(c)));
          if (expr) pieces.push(expr);
        }
      }
      return pieces.every((p) => typeof p === 'string') ? { kind: 'literal', text: pieces.join('') } : { kind: 'interpolated', pieces };
    }
    case 'identifier':
      return { kind: 'name', name: node.text() };
    case 'parenthesized_expression': {
      const inner = node.namedChildren()[0];
      return inner ? shape(inner) : { kind: 'other' };
    }
    case 'binary_expression': {
      const left = node.field('left');
      const right = node.field('right');
      return node.field('operator')?.text() === '+' && left !== null && right !== null ? { kind: 'concat', operands: [left, right] } : { kind: 'other' };
    }
    case 'invocation_expression': {
      const call = readCall(node);
      if (call === undefined || !/^[sS]tring$/.test(call.receiver)) return { kind: 'other' };
      const [first, ...rest] = call.args;
      if (call.method === 'Format' && first) return { kind: 'brace-format', format: first, args: rest, named: new Map() };
      if (call.method === 'Concat') return { kind: 'concat', operands: call.args };
      if (call.method === 'Join' && first && kindOf(first) === 'string_literal') return { kind: 'join', separator: literalText(first, CONTENT, ESCAPE), items: rest };
      return { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/** C#: StackExchange.Redis and IDistributedCache. */
export const CSHARP: LanguageAdapter = {
  id: 'csharp',
  grammar: 'csharp',
  callKinds: ['invocation_expression'],
  readCall,
  shape,
  functionKinds: ['method_declaration', 'constructor_declaration', 'local_function_statement', 'lambda_expression', 'anonymous_method_expression'],
  assignmentKinds: ['variable_declarator', 'assignment_expression'],
  readAssignment(node) {
    if (kindOf(node) === 'variable_declarator') {
      const children = node.namedChildren();
      const name = children[0];
      const value = children.length > 1 ? children.at(-1) : undefined;
      return name && kindOf(name) === 'identifier' && value ? [{ name: name.text(), value: kindOf(value) === 'equals_value_clause' ? (value.namedChildren()[0] ?? value) : value }] : [];
    }
    const left = node.field('left');
    const right = node.field('right');
    return left !== null && kindOf(left) === 'identifier' && right !== null ? [assigned(left.text(), right, node.field('operator')?.text())] : [];
  },
  mapKeys: () => undefined,
  declaredNames: typedNames,
};
