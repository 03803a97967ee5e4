import type { SgNode } from '@ast-grep/napi';
import type { CallShape, ExprShape, LanguageAdapter } from '../lint-types.js';
import { argumentNodes, assigned, captures, enclosingBlock, escapeRegex, kindOf, literalText } from './syntax-helpers.js';

// Go's blocks: braces, and the implicit ones of if/for/switch/select statements and their
// clauses (`if k := …; ok {`'s k lives in the whole if statement).
const GO_BLOCKS: ReadonlySet<string> = new Set(['block', 'if_statement', 'for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement', 'expression_case', 'default_case', 'type_case', 'communication_case', 'source_file']);

/** The names an expression list assigns, `_` left out. */
function namedIdentifiers(list: SgNode): SgNode[] {
  return list.namedChildren().filter((n) => kindOf(n) === 'identifier' && n.text() !== '_');
}

const CONTENT = new Set(['interpreted_string_literal_content', 'raw_string_literal_content']);
const ESCAPE = new Set(['escape_sequence']);

function readCall(node: SgNode): CallShape | undefined {
  const fn = node.field('function');
  const list = node.field('arguments');
  if (fn === null || list === null) return undefined;
  const selector = kindOf(fn) === 'selector_expression';
  const receiverNode = selector ? fn.field('operand') : null;
  const method = selector ? fn.field('field')?.text() : fn.text();
  if (method === undefined) return undefined;
  return { node, receiver: receiverNode?.text() ?? '', receiverNode, method, args: argumentNodes(list), named: new Map(), hasBlock: false, calleeEnd: list.range().start.index };
}

function shape(node: SgNode): ExprShape {
  switch (kindOf(node)) {
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return { kind: 'literal', text: literalText(node, CONTENT, ESCAPE) };
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
    case 'call_expression': {
      const call = readCall(node);
      const [first, ...rest] = call?.args ?? [];
      if (call === undefined || first === undefined) return { kind: 'other' };
      if (call.receiver === 'fmt' && call.method === 'Sprintf') return { kind: 'printf', format: first, args: rest };
      // strings.Join([]string{"project", id}, ":")
      if (call.receiver === 'strings' && call.method === 'Join' && kindOf(first) === 'composite_literal' && rest[0]) {
        const sep = shape(rest[0]);
        const items = first.field('body')?.namedChildren().flatMap((e) => e.namedChildren().slice(0, 1)) ?? [];
        if (sep.kind === 'literal') return { kind: 'join', separator: sep.text, items };
      }
      return { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/** Go: go-redis. */
export const GO: LanguageAdapter = {
  id: 'go',
  grammar: 'go',
  callKinds: ['call_expression'],
  readCall,
  shape,
  functionKinds: ['function_declaration', 'method_declaration', 'func_literal'],
  assignmentKinds: ['short_var_declaration', 'assignment_statement', 'var_spec', 'const_spec', 'range_clause', 'type_switch_statement', 'receive_statement'],
  readAssignment(node) {
    const kind = kindOf(node);
    if (kind === 'type_switch_statement') {
      // `switch key := v.(type)`: a new key in every case, holding a value the linter cannot read.
      const alias = node.field('alias');
      if (alias === null) return [];
      return namedIdentifiers(alias).map((n) => ({ name: n.text(), value: null, at: alias, block: node }));
    }
    if (kind === 'receive_statement') {
      // `case key := <-ch:` (a new key in the case) or `case key = <-ch:`: a channel's value.
      const left = node.field('left');
      if (left === null) return [];
      const block = node.children().some((c) => c.text() === ':=') ? enclosingBlock(node, GO_BLOCKS) : null;
      return namedIdentifiers(left).map((n) => (block === null ? { name: n.text(), value: null } : { name: n.text(), value: null, block }));
    }
    if (kind === 'range_clause') {
      // `for _, key := range keys`: values the linter cannot read, taken at the loop's head.
      const left = node.field('left');
      if (left === null) return [];
      return namedIdentifiers(left).map((n) => ({ name: n.text(), value: null, at: left }));
    }
    const spec = kind === 'var_spec' || kind === 'const_spec';
    const names = spec ? node.fieldChildren('name') : (node.field('left')?.namedChildren() ?? []);
    const values = (spec ? node.field('value') : node.field('right'))?.namedChildren() ?? [];
    const operator = spec ? '=' : (node.field('operator')?.text() ?? '=');
    // `:=`, `var` and `const` declare in their block (a `:=` naming a variable already declared in the
    // same block assigns it: the resolver treats declarations sharing a block as one variable).
    const block = spec || kind === 'short_var_declaration' ? enclosingBlock(node, GO_BLOCKS) : null;
    // A package-level declaration applies to the whole file, whatever its place in it.
    const scoped = <T extends object>(a: T) => (block === null ? a : { ...a, block, ...(kindOf(block) === 'source_file' ? { wholeBlock: true } : {}) });
    return names.flatMap((name, i) => {
      const value = values[i];
      if (kindOf(name) !== 'identifier') return [];
      // `a, key := f()`: one call, several names: unreadable.
      if (value === undefined || values.length !== names.length) return [scoped({ name: name.text(), value: null })];
      return [scoped(assigned(name.text(), value, operator === ':=' ? '=' : operator))];
    });
  },
  assignmentHead: (node) => (kindOf(node) === 'type_switch_statement' ? node.field('alias') : node),
  fileScopeUnordered: true,
  mapKeys: () => undefined,
  declaredNames(source, type) {
    if (!source.includes(type)) return [];
    const t = escapeRegex(type);
    return [...captures(source, new RegExp(`\\b([A-Za-z_]\\w*)\\s+\\*?${t}\\b`, 'g')), ...captures(source, new RegExp(`\\b([A-Za-z_]\\w*)\\s*:?=\\s*${t}\\(`, 'g'))];
  },
};
