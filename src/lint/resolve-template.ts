import type { SgNode } from '@ast-grep/napi';
import { extentOf, type Extent, type FileIndex } from './file-index.js';
import { parseBraceFormat, parsePrintf, type FormatPiece } from './format-string.js';
import type { ExprShape, LanguageAdapter, TemplatePart } from './lint-types.js';
import type { TenantExpressions } from './tenant-expressions.js';

// A variable assigned from a variable assigned from …: deep chains are rare and a cycle
// (`k = k + "x"`) must end.
const MAX_DEPTH = 8;
// Templates one key expression may have (a variable set in two branches has two). Past this the
// first ones are judged, and the key is unresolved if none of them is reported.
const MAX_ALTERNATIVES = 16;

/** One template a key expression may evaluate to. */
type Alt = TemplatePart[];

/** One way a key can be built: its template, or undefined where the linter cannot read it. */
export type KeyAlternative = TemplatePart[] | undefined;

interface Assignment {
  name: string;
  /** null: assigned in a way that cannot be read (destructuring, `-=`). */
  value: SgNode | null;
  append: boolean;
  node: SgNode;
  start: number;
  end: number;
  /** The innermost function around it (index into `functions`), -1 for file level. */
  scope: number;
  /** A block-scoped declaration's block (JS `let`/`const`, Go `:=`): where its variable lives. */
  block?: Extent;
  /** Where in the block the declared variable begins to be seen (the block's start in JS). */
  visibleFrom?: number;
  /** A declaration without a value (`let key;`): it opens the variable and holds no template. */
  bare?: boolean;
}

/** An assignment node of the file, read (into the names it assigns) only when a lookup needs it. */
interface AssignmentSite {
  node: SgNode;
  start: number;
  end: number;
  scope: number;
  read?: Assignment[];
}

interface Scope extends Extent {
  node: SgNode | undefined;
}

const FILE_SCOPE: Scope = { start: 0, end: Infinity, node: undefined };
const NONE: Assignment[] = [];
const NOTHING: Reaching = { assignments: NONE, unknown: false };
const NO_LOOP = { later: NONE, start: Infinity };

/** What a variable may hold where it is used: the assignments that reach it, and whether an unknown value (a parameter) may too. */
interface Reaching {
  assignments: Assignment[];
  unknown: boolean;
}

// Syntax that runs its body maybe, or more than once: an assignment inside it (below the point
// where it and the use meet) does not replace the variable's earlier values. Kind names of every
// grammar lint-keys reads, short-circuit operators included (`a || (k = …)`); a false match only
// keeps more values.
const BRANCH_KIND = /(?:^|_)(?:if|elif|else|unless|for|foreach|while|do|until|loop|try|catch|except|finally|rescue|ensure|switch|case|when|select|match|conditional|ternary)(?:_|$)|^(?:boolean_operator|binary_expression|binary)$/;
const LOOP_KIND = /(?:^|_)(?:for|foreach|while|do|until|loop)(?:_|$)/;

/**
 * Resolves key expressions of one parsed file into templates. A variable is looked up in the
 * function that uses it (then the functions around it, then file level) as the code runs: the
 * assignments that can reach the use — the last one that always runs before it and any made in
 * branches after that, or later in a loop around the use — each give a template, and a
 * parameter that may still hold its argument makes the key unresolved. Assignments in other
 * functions never count. Scopes are worked out from text offsets: walking the tree node by node
 * from JavaScript cost more than parsing the file.
 */
export class TemplateResolver {
  private sites?: AssignmentSite[];
  private readonly byName = new Map<string, Assignment[]>();
  private scopes?: Scope[];
  private readonly reached = new Map<string, Reaching>();
  private readonly assigned = new Map<Assignment, Alt[] | undefined>();
  private readonly parameterText = new Map<number, string>();
  private readonly shapes = new WeakMap<SgNode, ExprShape>();
  private readonly texts = new WeakMap<SgNode, string>();
  private readonly variables = new WeakMap<Assignment[], { declarations: Assignment[]; of: string[] }>();

  constructor(
    private readonly adapter: LanguageAdapter,
    private readonly tenants: TenantExpressions,
    private readonly file: FileIndex,
    private readonly source: string,
  ) {}

  /** Each template the key may have; an undefined entry where one cannot be read. */
  resolveKey(node: SgNode): KeyAlternative[] {
    truncated = false;
    this.assigned.clear();
    const alts = this.partsOf(node, 0);
    if (alts === undefined) return [undefined];
    const out: KeyAlternative[] = alts.map((parts) => (parts.some((p) => p.kind === 'text' && p.text !== '') ? mergeText(parts) : undefined));
    // More templates than were judged: the ones judged may report the write; if none does, it
    // is unresolved, never clean.
    if (truncated) out.push(undefined);
    return out;
  }

  /** The templates of a string-building expression; undefined when it does not build a string. */
  private partsOf(node: SgNode, depth: number): Alt[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const shape = this.shapeOf(node);
    switch (shape.kind) {
      case 'literal':
        return [[{ kind: 'text', text: shape.text }]];
      case 'interpolated':
        return product(shape.pieces.map((p) => (typeof p === 'string' ? [[{ kind: 'text' as const, text: p }]] : this.holeOrInline(p, depth))));
      case 'concat': {
        const operands = shape.operands.map((op) => this.partsOf(op, depth + 1));
        // `a + b` with no string operand is arithmetic, not a key.
        if (operands.every((p) => p === undefined)) return undefined;
        return product(operands.map((p, i) => p ?? [[this.hole(shape.operands[i] as SgNode, depth)]]));
      }
      case 'printf':
      case 'brace-format':
        return this.format(shape, depth);
      case 'join':
        return product(shape.items.flatMap((item, i) => [...(i > 0 ? [[[{ kind: 'text' as const, text: shape.separator }]]] : []), this.holeOrInline(item, depth)]));
      case 'name':
        return this.valuesOf(node, shape.name, depth);
      default:
        return undefined;
    }
  }

  // A hole's node is read three times (its shape, its text, whether it is the tenant): each read
  // crosses into native code, so each is made once.
  private shapeOf(node: SgNode): ExprShape {
    let shape = this.shapes.get(node);
    if (shape === undefined) {
      shape = this.adapter.shape(node);
      this.shapes.set(node, shape);
    }
    return shape;
  }

  private textOf(node: SgNode): string {
    let text = this.texts.get(node);
    if (text === undefined) {
      text = node.text();
      this.texts.set(node, text);
    }
    return text;
  }

  /** True when the expression is a tenant expression, directly or through a local variable. */
  isTenant(node: SgNode, depth = 0): boolean {
    if (this.tenants.matches(this.textOf(node))) return true;
    if (depth > MAX_DEPTH) return false;
    const shape = this.shapeOf(node);
    if (shape.kind !== 'name' || this.assignmentsOf(shape.name).length === 0) return false;
    const { start, end } = extentOf(node);
    const reaching = this.reaching(node, shape.name, start, end);
    // Every value that can reach the use must be the tenant.
    return (
      !reaching.unknown &&
      reaching.assignments.length > 0 &&
      reaching.assignments.every((a) => a.value !== null && !a.append && this.isTenant(a.value, depth + 1))
    );
  }

  /** The templates a variable may hold at `use`; undefined when none of its values builds a string. */
  private valuesOf(use: SgNode, name: string, depth: number): Alt[] | undefined {
    if (this.assignmentsOf(name).length === 0) return undefined;
    const { start, end } = extentOf(use);
    const reaching = this.reaching(use, name, start, end);
    if (reaching.assignments.length === 0) return undefined;
    // Past MAX_ALTERNATIVES distinct templates the key is judged by the first ones anyway: stop
    // there (as a cut union would) instead of working out every other value — a file whose
    // thousands of closures each assign one outer variable would cost each key all of them.
    const each: (Alt[] | undefined)[] = [];
    const distinct = new Set<string>();
    for (const a of reaching.assignments) {
      const alts = this.assignedParts(a, depth);
      each.push(alts);
      for (const alt of alts ?? []) distinct.add(altKey(alt));
      if (distinct.size > MAX_ALTERNATIVES) {
        truncated = true;
        break;
      }
    }
    if (each.every((alts) => alts === undefined) && !reaching.unknown) return undefined;
    const hole = (): Alt[] => [[this.hole(use, depth)]];
    return union([...each.map((alts) => alts ?? hole()), ...(reaching.unknown ? [hole()] : [])]);
  }

  /** The templates one assignment gives its variable (for `k += x`: k's earlier values, then x). */
  private assignedParts(a: Assignment, depth: number): Alt[] | undefined {
    // Each assignment's templates once per key: a chain of optional `+=` would otherwise be
    // worked out again for every path through it. Not across keys: a value met while a cycle
    // is open is cut short, and keeping it would make a write's result depend on the writes
    // before it.
    if (this.assigned.has(a)) return this.assigned.get(a);
    // In progress: a value that reads itself (`k = k + "x"` in a loop) sees a hole there.
    this.assigned.set(a, undefined);
    const parts = this.assignedPartsUncached(a, depth);
    this.assigned.set(a, parts);
    return parts;
  }

  private assignedPartsUncached(a: Assignment, depth: number): Alt[] | undefined {
    if (a.value === null) return undefined;
    if (!a.append) return this.partsOf(a.value, depth + 1);
    const before = this.reaching(a.node, a.name, a.start, a.start);
    const unread: Alt[] = [[hole(a.name, false)]];
    const earlier = union([
      // Earlier assignments come strictly before this one: the chain ends without spending depth.
      ...before.assignments.map((b) => this.assignedParts(b, depth) ?? unread),
      ...(before.unknown || before.assignments.length === 0 ? [unread] : []),
    ]);
    const added = this.partsOf(a.value, depth + 1) ?? [[this.hole(a.value, depth)]];
    return product([earlier, added]);
  }

  private holeOrInline(node: SgNode, depth: number): Alt[] {
    return this.partsOf(node, depth + 1) ?? [[this.hole(node, depth)]];
  }

  private hole(node: SgNode, depth: number): TemplatePart {
    return hole(this.textOf(node).replace(/\s+/g, ' '), this.isTenant(node, depth));
  }

  private format(shape: Extract<ExprShape, { kind: 'printf' | 'brace-format' }>, depth: number): Alt[] | undefined {
    const formats = this.partsOf(shape.format, depth + 1);
    if (formats === undefined) return undefined;
    const out: Alt[] = [];
    for (const format of formats) {
      if (format.some((p) => p.kind === 'hole')) return undefined;
      const text = format.map((p) => (p.kind === 'text' ? p.text : '')).join('');
      const pieces: FormatPiece[] | undefined = shape.kind === 'printf' ? parsePrintf(text) : parseBraceFormat(text);
      // A format the parser cannot follow (argument indexes, `*` widths): do not guess.
      if (pieces === undefined) return undefined;
      const slots: Alt[][] = [];
      for (const piece of pieces) {
        if (typeof piece === 'string') {
          slots.push([[{ kind: 'text', text: piece }]]);
          continue;
        }
        const arg = 'index' in piece ? shape.args[piece.index] : shape.named?.get(piece.name);
        // A slot without its argument: the format is not what it seems; do not guess.
        if (arg === undefined) return undefined;
        slots.push(this.holeOrInline(arg, depth));
      }
      const alts = product(slots);
      if (alts === undefined) return undefined;
      out.push(...alts);
    }
    return union([out]);
  }

  /**
   * The assignments of `name` that can reach the point [at, end) (a use, or an assignment that
   * reads the variable's earlier value), in the innermost function that assigns it or declares
   * it a parameter, else further out.
   */
  private reaching(use: SgNode, name: string, at: number, end: number): Reaching {
    // A hole asks twice (its template, then whether it is the tenant): read the tree once.
    const memo = `${at}:${end}:${name}`;
    let found = this.reached.get(memo);
    if (found === undefined) {
      found = this.reachingUncached(use, name, at, end);
      this.reached.set(memo, found);
    }
    return found;
  }

  private reachingUncached(use: SgNode, name: string, at: number, end: number): Reaching {
    const { assignments, declaredIn } = this.sameVariable(this.assignmentsOf(name), at);
    // Never assigned in this file (a parameter, a global, an attribute): nothing to follow, and
    // whether it is a parameter changes nothing — no value can be read for it either way.
    if (assignments.length === 0) return NOTHING;
    const scopes = this.scopeList();
    const around: number[] = [];
    for (let i = 0; i < scopes.length; i++) {
      const s = scopes[i]!;
      if (s.start <= at && end <= s.end && !(s.start === at && s.end === end)) around.push(i);
    }
    // Innermost first: the enclosing functions nest, so the latest start is the innermost.
    around.sort((a, b) => scopes[b]!.start - scopes[a]!.start);
    around.push(-1);
    // Values assigned in closures and blocks inside an enclosing function (a Ruby block, a JS
    // arrow, a Go func literal) may be the variable's too: they add to what reaches the use,
    // never replace it. Those of the outermost function looked at hold those of every one
    // inside it, so they are gathered once, for the scope the lookup ends in.
    let outermost = -1;
    const innerOf = () => (outermost < 0 ? NONE : this.nestedAssignments(assignments, outermost, at, end));
    // A variable declared outside the function being looked at (a Go package var, a JS `let`
    // around a closure) may still hold its outer value where the function's own assignments
    // do not always run: those are carried out to the scope of the declaration.
    const carried: Assignment[] = [];
    for (const i of around) {
      const s = i < 0 ? FILE_SCOPE : scopes[i]!;
      // Before the point and not around it (`k = "x:" + k` reads k's earlier value); Go's
      // package-level declarations wherever they are written.
      const unordered = i < 0 && this.adapter.fileScopeUnordered === true;
      const own = assignments.filter((a) => a.scope === i && (a.end <= at || (unordered && !(a.start <= at && end <= a.end))));
      if (i >= 0) outermost = i;
      const param = s.node !== undefined && this.declaresParameter(i, s.node, name);
      const declaredOutside = declaredIn !== undefined && declaredIn !== i && !param;
      // Assignments written after the use reach it too where the use is in a function nested
      // in this scope (called after them), or where the variable outlives this function's
      // calls: another call may leave its value even after this one assigned it (async
      // functions, goroutines and recursion interleave, and an unscoped value there is a leak).
      const after = (i !== around[0] || declaredOutside) && !unordered ? assignments.filter((a) => a.scope === i && a.start >= end) : NONE;
      if (own.length === 0) {
        if (param) return { assignments: [...carried, ...innerOf()], unknown: true };
        carried.push(...after);
        continue;
      }
      const loop = this.loopCarried(use, assignments, i, at, s);
      // One assignment, nothing carried round a loop, no argument to compete with: it reaches
      // the use whether or not it always runs, so no tree walk is needed.
      if (own.length === 1 && !param && !declaredOutside && loop.later.length === 0) return { assignments: [...carried, ...own, ...after, ...innerOf()], unknown: false };
      for (let k = own.length - 1; k >= 0; k--) {
        const d = own[k]!;
        if (!dominates(d.node, use)) continue;
        // Assigned again inside the loop before the use: the previous turn's values end there.
        const later = d.start > loop.start ? [] : loop.later;
        return { assignments: [...carried, ...own.slice(k), ...later, ...after, ...innerOf()], unknown: false };
      }
      if (declaredOutside) {
        carried.push(...own, ...loop.later, ...after);
        continue;
      }
      // No assignment always runs before the use: the value it had before them may reach it too.
      return { assignments: [...carried, ...own, ...loop.later, ...after, ...innerOf()], unknown: param };
    }
    return { assignments: [...carried, ...innerOf()], unknown: false };
  }

  /**
   * The assignments of the variable a use at `at` sees, where block-scoped declarations of its
   * name make several: each assignment belongs to the innermost declaration whose block holds
   * it and which came before it (or is itself), and so does the use. Declarations sharing one
   * block are one variable (Go's `a, err := …` after an earlier `err`).
   */
  private sameVariable(assignments: Assignment[], at: number): { assignments: Assignment[]; declaredIn?: number } {
    let variables = this.variables.get(assignments);
    if (variables === undefined) {
      // Worked out once per name: each lookup then costs one pass over the declarations.
      const declarations = assignments.filter((a) => a.block !== undefined);
      variables = { declarations, of: declarations.length === 0 ? [] : assignments.map((a) => declaredBy(declarations, a.start, a)) };
      this.variables.set(assignments, variables);
    }
    if (variables.declarations.length === 0) return { assignments };
    const variable = declaredBy(variables.declarations, at);
    const of = variables.of;
    // The function the use's declaration is in (declarations sharing a block share it).
    const declaration = variable === '' ? undefined : variables.declarations.find((d) => `${d.block!.start}:${d.block!.end}` === variable);
    return { assignments: assignments.filter((a, i) => of[i] === variable && a.bare !== true), declaredIn: declaration?.scope };
  }

  /** Assignments in functions inside function scope `i` that do not hold the point [at, end). */
  private nestedAssignments(assignments: Assignment[], i: number, at: number, end: number): Assignment[] {
    const scopes = this.scopeList();
    const s = scopes[i]!;
    return assignments.filter((a) => {
      if (a.scope < 0 || a.scope === i) return false;
      const f = scopes[a.scope]!;
      return s.start <= f.start && f.end <= s.end && !(f.start <= at && end <= f.end);
    });
  }

  /**
   * Assignments after the use inside the outermost loop around it (in the same function): the
   * next turn sees them. `start` is where the innermost loop around the use starts (Infinity
   * when there is none): an assignment after it and before the use ends the carried values.
   */
  private loopCarried(use: SgNode, assignments: Assignment[], scope: number, at: number, s: Scope): { later: Assignment[]; start: number } {
    const after = assignments.filter((a) => a.scope === scope && a.start > at);
    // Nothing assigned after the use: no loop can carry a value back (and no tree walk is needed).
    if (after.length === 0) return NO_LOOP;
    let outermost: Extent | undefined;
    let innermost: Extent | undefined;
    for (let n = use.parent(); n !== null; n = n.parent()) {
      const e = extentOf(n);
      if (e.start < s.start || (s.node !== undefined && e.start === s.start && e.end === s.end)) break;
      if (LOOP_KIND.test(String(n.kind()))) {
        innermost ??= e;
        outermost = e;
      }
    }
    if (outermost === undefined || innermost === undefined) return NO_LOOP;
    const end = outermost.end;
    return { later: after.filter((a) => a.start < end), start: innermost.start };
  }

  /** True when the function's parameter list names `name` (the use may hold an argument). */
  private declaresParameter(scope: number, fn: SgNode, name: string): boolean {
    let text = this.parameterText.get(scope);
    if (text === undefined) {
      text = this.adapter.parameterText?.(fn) ?? parametersOf(this.adapter.grammar, fn);
      this.parameterText.set(scope, text);
    }
    if (!text.includes(name)) return false;
    const word = new RegExp(`(?<![\\w$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w$])`);
    return word.test(text);
  }

  private scopeList(): Scope[] {
    this.scopes ??= this.file.functions.map((node) => ({ ...extentOf(node), node }));
    return this.scopes;
  }

  /**
   * The file's assignments of one name, in document order. An assignment spells the name it
   * assigns in its own text, so only those whose text holds the name are read from the tree.
   */
  private assignmentsOf(name: string): Assignment[] {
    let list = this.byName.get(name);
    if (list === undefined) {
      list = [];
      for (const site of this.assignmentSites()) {
        if (!this.source.slice(site.start, site.end).includes(name)) continue;
        const { node, start, end, scope } = site;
        site.read ??= this.adapter.readAssignment(node).map((a) => ({
          name: a.name,
          value: a.value,
          append: a.append === true,
          scope,
          ...(a.at ? { node: a.at, ...extentOf(a.at) } : { node, start, end }),
          ...(a.block ? { block: extentOf(a.block), visibleFrom: a.wholeBlock ? extentOf(a.block).start : extentOf(a.at ?? node).end } : {}),
          ...(a.bare ? { bare: true } : {}),
        }));
        for (const a of site.read) if (a.name === name) list.push(a);
      }
      if (list.length === 0) list = NONE;
      this.byName.set(name, list);
    }
    return list;
  }

  /** Where each assignment of the file is, and the function it is in. */
  private assignmentSites(): AssignmentSite[] {
    if (this.sites) return this.sites;
    const scopes = this.scopeList();
    const sites: AssignmentSite[] = this.file.assignments.map((node) => ({ node, ...extentOf(this.adapter.assignmentHead?.(node) ?? node), scope: -1 }));
    // Innermost function around each: one sweep in order of start, with the functions open at
    // that point on a stack (functions nest or are apart, so the innermost is near its top).
    // Testing every function for every assignment cost a file of 3,000 closures over a second.
    const byStart = scopes.map((_, i) => i).sort((a, b) => scopes[a]!.start - scopes[b]!.start || scopes[b]!.end - scopes[a]!.end);
    const open: number[] = [];
    let next = 0;
    for (const site of [...sites].sort((a, b) => a.start - b.start)) {
      while (next < byStart.length && scopes[byStart[next]!]!.start <= site.start) open.push(byStart[next++]!);
      while (open.length > 0 && scopes[open.at(-1)!]!.end <= site.start) open.pop();
      for (let k = open.length - 1; k >= 0; k--) {
        const f = scopes[open[k]!]!;
        if (f.start <= site.start && site.end <= f.end && !(f.start === site.start && f.end === site.end)) {
          if (f.node !== undefined && this.adapter.bindsOutside?.(f.node, site.node) === true) continue;
          site.scope = open[k]!;
          break;
        }
      }
    }
    this.sites = sites;
    return sites;
  }
}

/**
 * The block (as "start:end") of the innermost declaration in scope at `p`, '' for none. A
 * declaration is in scope at itself and from its `visibleFrom` on: after its own statement in
 * Go (`k := k + "x"` reads the outer k), across its whole block in JS.
 */
function declaredBy(declarations: readonly Assignment[], p: number, self?: Assignment): string {
  let best: Extent | undefined;
  for (const d of declarations) {
    const b = d.block!;
    if (!(b.start <= p && p < b.end) || !(d === self || d.visibleFrom! <= p)) continue;
    if (best === undefined || b.start > best.start || (b.start === best.start && b.end < best.end)) best = b;
  }
  return best === undefined ? '' : `${best.start}:${best.end}`;
}

function hole(text: string, tenant: boolean): TemplatePart {
  return { kind: 'hole', text, tenant };
}

// Set when a combination or union was cut at MAX_ALTERNATIVES: the key's templates were not all
// judged. Read and reset by resolveKey (resolution is synchronous, one key at a time).
let truncated = false;

/** Every combination of one alternative per slot, in order, at most MAX_ALTERNATIVES of them. */
function product(slots: readonly (Alt[] | undefined)[]): Alt[] | undefined {
  // The common case, one template per slot: one array, no combinations.
  if (slots.every((slot) => slot?.length === 1)) return [slots.flatMap((slot) => (slot as Alt[])[0] as Alt)];
  let out: Alt[] = [[]];
  for (const slot of slots) {
    if (slot === undefined) return undefined;
    const next: Alt[] = [];
    for (const head of out) {
      for (const tail of slot) {
        if (next.length === MAX_ALTERNATIVES) {
          truncated = true;
          break;
        }
        next.push([...head, ...tail]);
      }
    }
    out = next;
  }
  return out;
}

// An assignment's templates come back for every path of a key that reads it: each is spelled once.
const altKeys = new WeakMap<Alt, string>();

function altKey(alt: Alt): string {
  let key = altKeys.get(alt);
  if (key === undefined) {
    key = JSON.stringify(mergeText(alt));
    altKeys.set(alt, key);
  }
  return key;
}

/** The alternatives of several sources, each template once, at most MAX_ALTERNATIVES of them. */
function union(sources: readonly (Alt[] | undefined)[]): Alt[] | undefined {
  if (sources.length === 1) {
    const only = sources[0];
    if (only === undefined || only.length <= 1) return only;
  }
  const seen = new Map<string, Alt>();
  for (const source of sources) {
    if (source === undefined) return undefined;
    for (const alt of source) {
      const key = altKey(alt);
      if (seen.has(key)) continue;
      if (seen.size === MAX_ALTERNATIVES) {
        truncated = true;
        break;
      }
      seen.set(key, alt);
    }
  }
  return [...seen.values()];
}

/**
 * True when the assignment always runs before the use: between it and the point where their
 * ancestors meet, no branch or loop.
 */
function dominates(assignment: SgNode, use: SgNode): boolean {
  const u = extentOf(use);
  for (let n = assignment.parent(); n !== null; n = n.parent()) {
    const e = extentOf(n);
    // Where the two meet: a branch there puts them in different arms.
    if (e.start <= u.start && u.end <= e.end) return !BRANCH_KIND.test(String(n.kind()));
    if (BRANCH_KIND.test(String(n.kind()))) return false;
  }
  return true;
}

/** The text of a function's parameter lists (and Go's receiver), '' when it has none. */
function parametersOf(grammar: string, fn: SgNode): string {
  return ['parameters', 'parameter', 'receiver']
    .map((f) => fieldOf(grammar, fn, f)?.text() ?? '')
    .join(' ');
}

// `kind.field` pairs a grammar lacks: asking throws, and a throw costs more than the lookup.
const NO_SUCH_FIELD = new Set<string>();

/** A field of the node, or null where its grammar has no such field. */
function fieldOf(grammar: string, node: SgNode, field: string): SgNode | null {
  const key = `${grammar}:${String(node.kind())}.${field}`;
  if (NO_SUCH_FIELD.has(key)) return null;
  try {
    return node.field(field as never);
  } catch {
    NO_SUCH_FIELD.add(key);
    return null;
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
