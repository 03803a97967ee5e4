import type { SgNode } from '@ast-grep/napi';
import type { CallShape, ExprShape, LanguageAdapter } from '../lint-types.js';
import { argumentNodes, assigned, captures, enclosingBlock, escapeRegex, kindOf, unescapeSequence } from './syntax-helpers.js';

/** The names a binding pattern declares: not those in its default values (`{ a = b }` binds a). */
function boundNames(pattern: SgNode): SgNode[] {
  switch (kindOf(pattern)) {
    case 'identifier':
    case 'shorthand_property_identifier_pattern':
      return [pattern];
    case 'assignment_pattern':
    case 'object_assignment_pattern': {
      const left = pattern.field('left');
      return left === null ? [] : boundNames(left);
    }
    case 'pair_pattern': {
      const value = pattern.field('value');
      return value === null ? [] : boundNames(value);
    }
    default:
      return pattern.namedChildren().flatMap(boundNames);
  }
}

// Where a `let`/`const` lives: its nearest enclosing block (a `for (let …)` head's is the loop).
const JS_BLOCKS: ReadonlySet<string> = new Set(['statement_block', 'program', 'for_statement', 'for_in_statement', 'switch_body', 'class_static_block']);
const FUNCTION_KINDS = ['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function', 'function'];
// Where a `var` lives: its function, or the file.
const JS_FUNCTIONS: ReadonlySet<string> = new Set([...FUNCTION_KINDS, 'class_static_block', 'program']);

const PATTERN_KINDS = new Set(['array_pattern', 'object_pattern']);

// TypeScript wrappers that do not change the value: `key as string`, `key!`, `key satisfies K`.
const TRANSPARENT = new Set(['parenthesized_expression', 'as_expression', 'non_null_expression', 'satisfies_expression', 'type_assertion']);

function readCall(node: SgNode): CallShape | undefined {
  const fn = node.field('function');
  const list = node.field('arguments');
  if (fn === null || list === null || kindOf(list) !== 'arguments') return undefined;
  const member = kindOf(fn) === 'member_expression';
  const receiverNode = member ? fn.field('object') : null;
  const method = member ? fn.field('property')?.text() : fn.text();
  if (method === undefined) return undefined;
  return { node, receiver: receiverNode?.text() ?? '', receiverNode, method, args: argumentNodes(list), named: new Map(), hasBlock: false, calleeEnd: list.range().start.index };
}

function stringPieces(node: SgNode): Array<string | SgNode> {
  const pieces: Array<string | SgNode> = [];
  for (const child of node.children()) {
    const kind = kindOf(child);
    if (kind === 'string_fragment') pieces.push(child.text());
    else if (kind === 'escape_sequence') pieces.push(unescapeSequence(child.text()));
    else if (kind === 'template_substitution') {
      const expr = child.namedChildren()[0];
      if (expr) pieces.push(expr);
    }
  }
  return pieces;
}

function shape(node: SgNode): ExprShape {
  const kind = kindOf(node);
  if (TRANSPARENT.has(kind)) {
    const inner = node.namedChildren()[0];
    return inner ? shape(inner) : { kind: 'other' };
  }
  switch (kind) {
    case 'string':
      return { kind: 'literal', text: stringPieces(node).join('') };
    case 'template_string': {
      const pieces = stringPieces(node);
      return pieces.every((p) => typeof p === 'string') ? { kind: 'literal', text: pieces.join('') } : { kind: 'interpolated', pieces };
    }
    case 'identifier':
      return { kind: 'name', name: node.text() };
    case 'property_identifier': // an object literal's key (mset({ name: v }))
      return { kind: 'literal', text: node.text() };
    case 'binary_expression': {
      const left = node.field('left');
      const right = node.field('right');
      return node.field('operator')?.text() === '+' && left !== null && right !== null ? { kind: 'concat', operands: [left, right] } : { kind: 'other' };
    }
    case 'call_expression': {
      // ['project', id].join(':')
      const call = readCall(node);
      const array = call?.receiverNode;
      const sep = call?.args[0];
      if (call?.method !== 'join' || !array || kindOf(array) !== 'array') return { kind: 'other' };
      const separator = sep === undefined ? ',' : kindOf(sep) === 'string' ? stringPieces(sep).join('') : undefined;
      return separator === undefined ? { kind: 'other' } : { kind: 'join', separator, items: array.namedChildren() };
    }
    default:
      return { kind: 'other' };
  }
}

/** JavaScript and TypeScript (ioredis, node-redis, Keyv, cache-manager). */
function adapter(id: 'javascript' | 'typescript', grammar: string): LanguageAdapter {
  return {
    id,
    grammar,
    callKinds: ['call_expression'],
    readCall,
    shape,
    functionKinds: FUNCTION_KINDS,
    assignmentKinds: ['variable_declarator', 'assignment_expression', 'augmented_assignment_expression', 'for_in_statement', 'catch_clause'],
    readAssignment(node) {
      const kind = kindOf(node);
      if (kind === 'catch_clause') {
        // `catch (key)`: a new key in the clause, holding the thrown value.
        const param = node.field('parameter');
        if (param === null) return [];
        return boundNames(param).map((n) => ({ name: n.text(), value: null, at: param, block: node, wholeBlock: true }));
      }
      // Destructuring and `for (key of …)` assign values the linter cannot read.
      const target = node.field(kind === 'variable_declarator' ? 'name' : 'left');
      // `let`/`const` live in their block, `var` in its whole function (hoisted).
      const declaration = kind === 'variable_declarator' ? node.parent() : null;
      const declared = declaration === null ? undefined : kindOf(declaration);
      const block = declared === 'lexical_declaration' ? enclosingBlock(declaration!, JS_BLOCKS) : declared === 'variable_declaration' ? enclosingBlock(declaration!, JS_FUNCTIONS) : null;
      const scoped = <T extends object>(a: T) => (block === null ? a : { ...a, block, wholeBlock: true });
      if (kind === 'for_in_statement' || (target !== null && PATTERN_KINDS.has(kindOf(target)))) {
        if (target === null) return [];
        const names = kindOf(target) === 'identifier' ? [target] : target.findAll({ rule: { any: [{ kind: 'identifier' }, { kind: 'shorthand_property_identifier_pattern' }] } });
        // A loop's variable takes its values at the loop's head, before each turn of its body.
        return names.map((n) => scoped({ name: n.text(), value: null, ...(kind === 'for_in_statement' ? { at: target } : {}) }));
      }
      const value = node.field(kind === 'variable_declarator' ? 'value' : 'right');
      if (target === null || kindOf(target) !== 'identifier') return [];
      // `let key;` declares the block's key without a value: later assignments give it one.
      if (value === null) return block === null ? [] : [{ name: target.text(), value: null, block, wholeBlock: true, bare: true }];
      return [scoped(assigned(target.text(), value, kind === 'augmented_assignment_expression' ? node.field('operator')?.text() : '='))];
    },
    assignmentHead: (node) => (kindOf(node) === 'catch_clause' ? node.field('parameter') : node),
    mapKeys(node) {
      if (kindOf(node) === 'object') {
        return node.namedChildren().flatMap((p) => {
          const key = kindOf(p) === 'pair' ? p.field('key') : null;
          if (key === null) return [];
          // { [key]: v } computes the key; { project: v } is the literal name.
          return [kindOf(key) === 'computed_property_name' ? (key.namedChildren()[0] ?? key) : key];
        });
      }
      // node-redis mSet([[key, value], …])
      if (kindOf(node) === 'array' && node.namedChildren().every((c) => kindOf(c) === 'array')) {
        return node.namedChildren().flatMap((pair) => pair.namedChildren().slice(0, 1));
      }
      return undefined;
    },
    declaredNames(source, type) {
      if (!source.includes(type)) return [];
      const t = escapeRegex(type);
      return captures(source, new RegExp(`([A-Za-z_$][\\w$]*)\\??\\s*(?::\\s*${t}\\b|=\\s*(?:await\\s+)?(?:new\\s+)?${t}\\s*[(<])`, 'g'));
    },
  };
}

export const JAVASCRIPT = adapter('javascript', 'JavaScript');
export const TYPESCRIPT = adapter('typescript', 'TypeScript');
export const TSX = adapter('typescript', 'Tsx');
