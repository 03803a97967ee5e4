import type { SgNode } from '@ast-grep/napi';
import type { AnnotationWrite, CallShape, ExprShape, LanguageAdapter, TemplatePart } from '../lint-types.js';
import { argumentNodes, assigned, kindOf, literalText, typedNames } from './syntax-helpers.js';

const CONTENT = new Set(['string_fragment', 'multiline_string_fragment']);
const ESCAPE = new Set(['escape_sequence']);
const WRITE_ANNOTATIONS = new Set(['Cacheable', 'CachePut']);

function readCall(node: SgNode): CallShape | undefined {
  const method = node.field('name')?.text();
  const list = node.field('arguments');
  if (method === undefined || list === null) return undefined;
  const receiverNode = node.field('object');
  return { node, receiver: receiverNode?.text() ?? '', receiverNode, method, args: argumentNodes(list), named: new Map(), hasBlock: false, calleeEnd: list.range().start.index };
}

function shape(node: SgNode): ExprShape {
  switch (kindOf(node)) {
    case 'string_literal':
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
    case 'method_invocation': {
      const call = readCall(node);
      if (call === undefined) return { kind: 'other' };
      const [first, ...rest] = call.args;
      if (call.receiver === 'String' && call.method === 'format' && first) return { kind: 'printf', format: first, args: rest };
      if (call.method === 'formatted' && call.receiverNode) return { kind: 'printf', format: call.receiverNode, args: call.args };
      if (call.receiver === 'String' && call.method === 'join' && first && kindOf(first) === 'string_literal') {
        return { kind: 'join', separator: literalText(first, CONTENT, ESCAPE), items: rest };
      }
      return { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

/** `getCache("projects").put(k, v)`: RedisCache stores it under `projects::k`. */
function receiverPrefix(call: CallShape): string | undefined {
  const receiver = call.receiverNode;
  if (!receiver || kindOf(receiver) !== 'method_invocation' || receiver.field('name')?.text() !== 'getCache') return undefined;
  const name = argumentNodes(receiver.field('arguments'))[0];
  return name && kindOf(name) === 'string_literal' ? `${literalText(name, CONTENT, ESCAPE)}::` : undefined;
}

/**
 * `@Cacheable(value = "projects", key = "#tenantId + ':' + #id")` on a method: Spring stores the
 * entry under `projects::` plus the SpEL key; without `key`, a one-parameter method's argument.
 */
function annotationWrites(root: SgNode): AnnotationWrite[] {
  const writes: AnnotationWrite[] = [];
  for (const annotation of root.findAll({ rule: { kind: 'annotation' } })) {
    const name = annotation.field('name')?.text().split('.').at(-1);
    if (name === undefined || !WRITE_ANNOTATIONS.has(name)) continue;
    const method = annotatedMethod(annotation);
    if (method === undefined) continue;
    const values = new Map<string, SgNode>();
    const list = annotation.field('arguments');
    for (const pair of list?.namedChildren() ?? []) {
      if (kindOf(pair) === 'element_value_pair') {
        const key = pair.field('key')?.text();
        const value = pair.field('value');
        if (key !== undefined && value !== null) values.set(key, value);
      } else values.set('value', pair);
    }
    const cacheNames = values.get('cacheNames') ?? values.get('value');
    const names = cacheNames ? strings(cacheNames) : [];
    // A keyGenerator bean builds the key in code the linter does not read.
    const key = values.has('keyGenerator') && !values.has('key') ? undefined : keyParts(values.get('key'), method);
    for (const cache of names.length > 0 ? names : [undefined]) {
      writes.push({
        node: annotation,
        call: `@${name}`,
        framework: 'spring',
        parts: cache === undefined || key === undefined ? undefined : [{ kind: 'text', text: `${cache}::` }, ...key],
      });
    }
  }
  return writes;
}

/**
 * The method an annotation is on, directly (`@CachePut` in its modifiers) or nested in another
 * annotation's arguments (`@Caching(put = { @CachePut(…) })`); undefined on a class or field.
 */
function annotatedMethod(annotation: SgNode): SgNode | undefined {
  // The usual place first: @CachePut in a method's modifiers.
  const owner = annotation.parent()?.parent();
  if (owner && kindOf(owner) === 'method_declaration') return owner;
  for (let n = annotation.parent(); n !== null; n = n.parent()) {
    const kind = kindOf(n);
    if (kind === 'method_declaration') return n;
    if (kind !== 'modifiers' && kind !== 'annotation' && kind !== 'annotation_argument_list' && kind !== 'element_value_pair' && kind !== 'element_value_array_initializer') return undefined;
  }
  return undefined;
}

function strings(node: SgNode): string[] {
  if (kindOf(node) === 'string_literal') return [literalText(node, CONTENT, ESCAPE)];
  if (kindOf(node) === 'element_value_array_initializer') return node.namedChildren().flatMap(strings);
  return [];
}

function keyParts(key: SgNode | undefined, method: SgNode): TemplatePart[] | undefined {
  if (key === undefined) {
    const params = method.field('parameters')?.namedChildren().filter((p) => kindOf(p) === 'formal_parameter') ?? [];
    const only = params.length === 1 ? params[0]?.field('name')?.text() : undefined;
    return only === undefined ? undefined : [{ kind: 'hole', text: `#${only}`, tenant: false }];
  }
  if (kindOf(key) !== 'string_literal') return undefined;
  return spelConcat(literalText(key, CONTENT, ESCAPE));
}

/** A SpEL key: `'literal'` operands and expressions joined by top-level `+`. */
function spelConcat(spel: string): TemplatePart[] | undefined {
  const operands: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < spel.length; i++) {
    const c = spel[i];
    if (c === "'") quoted = !quoted;
    else if (!quoted && (c === '(' || c === '[')) depth += 1;
    else if (!quoted && (c === ')' || c === ']')) depth -= 1;
    else if (!quoted && depth === 0 && c === '+') {
      operands.push(spel.slice(start, i).trim());
      start = i + 1;
    }
  }
  operands.push(spel.slice(start).trim());
  if (operands.some((o) => o === '')) return undefined;
  return operands.map((o) => (/^'[^']*'$/.test(o) ? { kind: 'text', text: o.slice(1, -1) } : { kind: 'hole', text: o, tenant: false }));
}

/** Java: Spring Data Redis, Spring Cache (calls and annotations), Jedis, Lettuce. */
export const JAVA: LanguageAdapter = {
  id: 'java',
  grammar: 'java',
  callKinds: ['method_invocation'],
  readCall,
  shape,
  functionKinds: ['method_declaration', 'constructor_declaration', 'lambda_expression'],
  assignmentKinds: ['variable_declarator', 'assignment_expression'],
  readAssignment(node) {
    const declarator = kindOf(node) === 'variable_declarator';
    const name = node.field(declarator ? 'name' : 'left');
    const value = node.field(declarator ? 'value' : 'right');
    if (name === null || kindOf(name) !== 'identifier' || value === null) return [];
    return [assigned(name.text(), value, declarator ? '=' : node.field('operator')?.text())];
  },
  mapKeys: () => undefined,
  declaredNames: typedNames,
  receiverPrefix,
  annotationWrites,
};
