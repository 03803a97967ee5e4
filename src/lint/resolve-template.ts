import type { SgNode } from '@ast-grep/napi';
import { parseBraceFormat, parsePrintf, type FormatPiece } from './format-string.js';
import type { ExprShape, LanguageAdapter, TemplatePart } from './lint-types.js';
import type { TenantExpressions } from './tenant-expressions.js';
import { kindOf } from './languages/syntax-helpers.js';

// A variable assigned from a variable assigned from …: deep chains are rare and a cycle
// (`k = k + "x"`) must end.
const MAX_DEPTH = 8;

interface Assignment {
  name: string;
  value: SgNode;
  start: number;
}

/**
 * Resolves key expressions of one parsed file into templates. Variables are looked up in the
 * enclosing function, then in the functions around it, then in the whole file: the assignment
 * nearest before the use wins.
 */
export class TemplateResolver {
  private readonly scopes = new Map<number, Assignment[]>();
  private readonly functionKinds: ReadonlySet<string>;
  private readonly assignmentRule: { rule: { any: Array<{ kind: string }> } };

  constructor(
    private readonly adapter: LanguageAdapter,
    private readonly tenants: TenantExpressions,
  ) {
    this.functionKinds = new Set(adapter.functionKinds);
    this.assignmentRule = { rule: { any: adapter.assignmentKinds.map((kind) => ({ kind })) } };
  }

  /** The template of a key argument, or undefined when it has no literal text to go by. */
  resolveKey(node: SgNode): TemplatePart[] | undefined {
    const parts = this.partsOf(node, 0);
    if (parts === undefined || !parts.some((p) => p.kind === 'text' && p.text !== '')) return undefined;
    return mergeText(parts);
  }

  /** The parts of a string-building expression; undefined when it does not build a string. */
  partsOf(node: SgNode, depth: number): TemplatePart[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const shape = this.adapter.shape(node);
    switch (shape.kind) {
      case 'literal':
        return [{ kind: 'text', text: shape.text }];
      case 'interpolated':
        return shape.pieces.flatMap((p) => (typeof p === 'string' ? [{ kind: 'text' as const, text: p }] : this.holeOrInline(p, depth)));
      case 'concat': {
        const operands = shape.operands.map((op) => this.partsOf(op, depth + 1));
        // `a + b` with no string operand is arithmetic, not a key.
        if (operands.every((p) => p === undefined)) return undefined;
        return operands.flatMap((p, i) => p ?? [this.hole(shape.operands[i] as SgNode, depth)]);
      }
      case 'printf':
      case 'brace-format':
        return this.format(shape, depth);
      case 'join':
        return shape.items.flatMap((item, i) => [...(i > 0 ? [{ kind: 'text' as const, text: shape.separator }] : []), ...this.holeOrInline(item, depth)]);
      case 'name': {
        const value = this.lookup(node, shape.name);
        return value === undefined ? undefined : this.partsOf(value, depth + 1);
      }
      default:
        return undefined;
    }
  }

  /** True when the expression is a tenant expression, directly or through a local variable. */
  isTenant(node: SgNode, depth = 0): boolean {
    if (this.tenants.matches(node.text())) return true;
    if (depth > MAX_DEPTH) return false;
    const shape = this.adapter.shape(node);
    if (shape.kind !== 'name') return false;
    const value = this.lookup(node, shape.name);
    return value !== undefined && this.isTenant(value, depth + 1);
  }

  private holeOrInline(node: SgNode, depth: number): TemplatePart[] {
    return this.partsOf(node, depth + 1) ?? [this.hole(node, depth)];
  }

  private hole(node: SgNode, depth: number): TemplatePart {
    return { kind: 'hole', text: node.text().replace(/\s+/g, ' '), tenant: this.isTenant(node, depth) };
  }

  private format(shape: Extract<ExprShape, { kind: 'printf' | 'brace-format' }>, depth: number): TemplatePart[] | undefined {
    const format = this.partsOf(shape.format, depth + 1);
    if (format === undefined || format.some((p) => p.kind === 'hole')) return undefined;
    const text = format.map((p) => (p.kind === 'text' ? p.text : '')).join('');
    const pieces: FormatPiece[] = shape.kind === 'printf' ? parsePrintf(text) : parseBraceFormat(text);
    const out: TemplatePart[] = [];
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        out.push({ kind: 'text', text: piece });
        continue;
      }
      const arg = 'index' in piece ? shape.args[piece.index] : shape.named?.get(piece.name);
      // A slot without its argument: the format is not what it seems; do not guess.
      if (arg === undefined) return undefined;
      out.push(...this.holeOrInline(arg, depth));
    }
    return out;
  }

  private lookup(use: SgNode, name: string): SgNode | undefined {
    const at = use.range().start.index;
    let scope = this.scopeOf(use);
    for (;;) {
      const found = this.assignmentsOf(scope)
        .filter((a) => a.name === name && a.start < at)
        .at(-1);
      if (found) return found.value;
      if (scope.parent() === null) break;
      scope = this.scopeOf(scope);
    }
    return undefined;
  }

  /** The innermost function around a node, or the file's root. */
  private scopeOf(node: SgNode): SgNode {
    let current = node.parent();
    let last = node;
    while (current !== null) {
      if (this.functionKinds.has(kindOf(current))) return current;
      last = current;
      current = current.parent();
    }
    return last;
  }

  private assignmentsOf(scope: SgNode): Assignment[] {
    const id = scope.id();
    let list = this.scopes.get(id);
    if (list === undefined) {
      // Assignments in nested functions are included: telling them apart costs a parent walk per
      // assignment (most of the linter's time), and the nearest assignment before the use is
      // almost always in the use's own function anyway.
      list = scope
        .findAll(this.assignmentRule)
        .flatMap((node) => this.adapter.readAssignment(node).map((a) => ({ ...a, start: node.range().start.index })));
      this.scopes.set(id, list);
    }
    return list;
  }
}

function mergeText(parts: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const part of parts) {
    const last = out.at(-1);
    if (part.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + part.text };
    else if (part.kind !== 'text' || part.text !== '') out.push(part);
  }
  return out;
}

/** `project:{project_id}`: literal text with each hole shown as the expression that fills it. */
export function renderTemplate(parts: readonly TemplatePart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : `{${p.text}}`)).join('');
}
