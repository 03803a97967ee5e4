import type { SgNode } from '@ast-grep/napi';
import type { CallShape, ExprShape, LanguageAdapter } from '../lint-types.js';
import { ESCAPE_SEQUENCE, argumentNodes, assigned, captures, escapeRegex, kindOf, unescapeSequence } from './syntax-helpers.js';

const COMPREHENSIONS = ['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression'];

const INTERPOLATION_EXTRAS = new Set(['type_conversion', 'format_specifier']);

function readCall(node: SgNode): CallShape | undefined {
  const fn = node.field('function');
  const list = node.field('arguments');
  if (fn === null || list === null || kindOf(list) !== 'argument_list') return undefined;
  const isAttribute = kindOf(fn) === 'attribute';
  const receiverNode = isAttribute ? fn.field('object') : null;
  const method = isAttribute ? fn.field('attribute')?.text() : fn.text();
  if (method === undefined) return undefined;
  const args: SgNode[] = [];
  const named = new Map<string, SgNode>();
  for (const arg of argumentNodes(list)) {
    if (kindOf(arg) === 'keyword_argument') {
      const name = arg.field('name')?.text();
      const value = arg.field('value');
      if (name !== undefined && value !== null) named.set(name, value);
    } else args.push(arg);
  }
  return { node, receiver: receiverNode?.text() ?? '', receiverNode, method, args, named, hasBlock: false, calleeEnd: list.range().start.index };
}

function stringShape(node: SgNode): ExprShape {
  const prefix = node.child(0)?.text() ?? '';
  const raw = /r/i.test(prefix);
  const fstring = /f/i.test(prefix);
  const pieces: Array<string | SgNode> = [];
  for (const child of node.children()) {
    const kind = kindOf(child);
    if (kind === 'string_content') pieces.push(contentText(child.text(), raw, fstring));
    else if (kind === 'interpolation') {
      const expr = child.namedChildren().find((c) => !INTERPOLATION_EXTRAS.has(kindOf(c)));
      if (expr) pieces.push(expr);
    }
  }
  if (pieces.every((p) => typeof p === 'string')) return { kind: 'literal', text: pieces.join('') };
  return { kind: 'interpolated', pieces };
}

function contentText(text: string, raw: boolean, fstring: boolean): string {
  let out = raw ? text : text.replace(ESCAPE_SEQUENCE, (seq) => unescapeSequence(seq));
  // `{{` in an f-string is one literal brace.
  if (fstring) out = out.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  return out;
}

function pythonLiteral(node: SgNode): string {
  const s = stringShape(node);
  return s.kind === 'literal' ? s.text : node.text();
}

function shape(node: SgNode): ExprShape {
  switch (kindOf(node)) {
    case 'string':
      return stringShape(node);
    case 'concatenated_string':
      return { kind: 'concat', operands: node.namedChildren() };
    case 'parenthesized_expression': {
      const inner = node.namedChildren()[0];
      return inner ? shape(inner) : { kind: 'other' };
    }
    case 'identifier':
      return { kind: 'name', name: node.text() };
    case 'binary_operator': {
      const op = node.field('operator')?.text();
      const left = node.field('left');
      const right = node.field('right');
      if (left === null || right === null) return { kind: 'other' };
      if (op === '+') return { kind: 'concat', operands: [left, right] };
      if (op === '%') {
        if (kindOf(right) === 'dictionary') return { kind: 'printf', format: left, args: [], named: dictionary(right) };
        return { kind: 'printf', format: left, args: kindOf(right) === 'tuple' ? right.namedChildren() : [right] };
      }
      return { kind: 'other' };
    }
    case 'call': {
      const fn = node.field('function');
      if (fn === null || kindOf(fn) !== 'attribute') return { kind: 'other' };
      const object = fn.field('object');
      const method = fn.field('attribute')?.text();
      const call = readCall(node);
      if (object === null || call === undefined || !['string', 'concatenated_string'].includes(kindOf(object))) return { kind: 'other' };
      if (method === 'format') return { kind: 'brace-format', format: object, args: call.args, named: call.named };
      const items = call.args[0];
      if (method === 'join' && items && ['list', 'tuple'].includes(kindOf(items))) {
        const sep = shape(object);
        if (sep.kind === 'literal') return { kind: 'join', separator: sep.text, items: items.namedChildren() };
      }
      return { kind: 'other' };
    }
    default:
      return { kind: 'other' };
  }
}

function dictionary(node: SgNode): Map<string, SgNode> {
  const named = new Map<string, SgNode>();
  for (const pair of node.namedChildren()) {
    const key = pair.field('key');
    const value = pair.field('value');
    if (key !== null && kindOf(key) === 'string' && value !== null) named.set(pythonLiteral(key), value);
  }
  return named;
}

/** Python: redis-py, Django, Flask-Caching. */
export const PYTHON: LanguageAdapter = {
  id: 'python',
  grammar: 'python',
  callKinds: ['call'],
  readCall,
  shape,
  // A comprehension is a scope of its own in Python 3: its `for` variables, read as its
  // parameters, hold values the linter cannot read and never leak into the function around it.
  functionKinds: ['function_definition', 'lambda', ...COMPREHENSIONS],
  // PEP 572: `(key := …)` in a comprehension assigns the variable of the scope around it.
  bindsOutside: (fn, assignment) => COMPREHENSIONS.includes(kindOf(fn)) && kindOf(assignment) === 'named_expression',
  parameterText(fn) {
    if (!COMPREHENSIONS.includes(kindOf(fn))) return undefined;
    return fn
      .children()
      .filter((c) => kindOf(c) === 'for_in_clause')
      .map((c) => c.field('left')?.text() ?? '')
      .join(' ');
  },
  assignmentKinds: ['assignment', 'augmented_assignment', 'named_expression', 'for_statement', 'as_pattern'],
  readAssignment(node) {
    const kind = kindOf(node);
    if (kind === 'for_statement' || kind === 'as_pattern') {
      // `for key in keys:` / `with open_key() as key:`: values the linter cannot read, taken at
      // the target.
      const target = node.field(kind === 'for_statement' ? 'left' : 'alias');
      if (target === null) return [];
      const names = kindOf(target) === 'identifier' ? [target] : target.findAll({ rule: { kind: 'identifier' } });
      return names.map((n) => ({ name: n.text(), value: null, at: target }));
    }
    if (kind === 'named_expression') {
      // `(key := f"…")`
      const name = node.field('name');
      const value = node.field('value');
      return name !== null && value !== null ? [{ name: name.text(), value }] : [];
    }
    const left = node.field('left');
    const right = node.field('right');
    if (left === null || right === null) return [];
    if (kindOf(node) === 'augmented_assignment') {
      return kindOf(left) === 'identifier' ? [assigned(left.text(), right, node.field('operator')?.text())] : [];
    }
    if (kindOf(left) === 'identifier') return [{ name: left.text(), value: right }];
    // `a, key = x, f"…"`: pairs when both sides list as many; otherwise each name is unreadable.
    if (['pattern_list', 'tuple_pattern'].includes(kindOf(left))) {
      const names = left.namedChildren();
      const values = ['expression_list', 'tuple'].includes(kindOf(right)) ? right.namedChildren() : [];
      return names.flatMap((n, i) => (kindOf(n) === 'identifier' ? [{ name: n.text(), value: values.length === names.length ? (values[i] ?? null) : null }] : []));
    }
    return [];
  },
  mapKeys(node) {
    return kindOf(node) === 'dictionary' ? node.namedChildren().flatMap((p) => (kindOf(p) === 'pair' && p.field('key') ? [p.field('key') as SgNode] : [])) : undefined;
  },
  declaredNames(source, type) {
    if (!source.includes(type)) return [];
    const t = escapeRegex(type);
    return captures(source, new RegExp(`([A-Za-z_]\\w*)\\s*(?::\\s*(?:Optional\\[)?${t}\\b|=\\s*${t}\\s*\\()`, 'g'));
  },
};
