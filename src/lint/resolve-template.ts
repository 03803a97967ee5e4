import type { SgNode } from '@ast-grep/napi';
import { extentOf, type Extent, type FileIndex } from './file-index.js';
import { parseBraceFormat, parsePrintf, type FormatPiece } from './format-string.js';
import type { ExprShape, LanguageAdapter, TemplatePart } from './lint-types.js';
import type { TenantExpressions } from './tenant-expressions.js';

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
 * nearest before the use wins. Scopes are worked out from the text offsets of the file's index:
 * walking the tree node by node from JavaScript cost more than parsing the file.
 */
export class TemplateResolver {
  private assignments?: Assignment[];
  private functions?: Extent[];

  constructor(
    private readonly adapter: LanguageAdapter,
    private readonly tenants: TenantExpressions,
    private readonly file: FileIndex,
  ) {}

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

  /**
   * The value last assigned to `name` before the use, in the innermost function around it that
   * has one, else further out, else anywhere earlier in the file. A function's assignments
   * include those of functions nested in it.
   */
  private lookup(use: SgNode, name: string): SgNode | undefined {
    const assignments = this.namedAssignments();
    const { start, end } = use.range();
    const at = start.index;
    this.functions ??= this.file.functions.map(extentOf);
    const around = this.functions.filter((f) => f.start <= at && end.index <= f.end && !(f.start === at && f.end === end.index));
    // Innermost first: the enclosing functions nest, so the latest start is the innermost.
    around.sort((a, b) => b.start - a.start);
    for (const scope of [...around, { start: 0, end: Infinity }]) {
      let found: Assignment | undefined;
      for (const a of assignments) {
        if (a.start >= at) break;
        if (a.start >= scope.start && a.start < scope.end && a.name === name) found = a;
      }
      if (found) return found.value;
    }
    return undefined;
  }

  private namedAssignments(): Assignment[] {
    this.assignments ??= this.file.assignments.flatMap((node) => {
      const { start } = extentOf(node);
      return this.adapter.readAssignment(node).map((a) => ({ ...a, start }));
    });
    return this.assignments;
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
