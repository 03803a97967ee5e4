import type { SgNode } from '@ast-grep/napi';
import type { Severity } from '../types.js';

/**
 * Words of the static side (SPEC §4a):
 * - write:    a call (or annotation) that stores a value in the cache under a key.
 * - call site: a row of a language's table saying which receiver/method pairs are writes and
 *             which argument holds the key.
 * - template: the key a write uses, as literal text and holes (`project:{project_id}`); each hole
 *             is an expression of the application's code.
 * - tenant expression: an expression that yields the current tenant (`g.tenant_id`).
 */

/** Languages lint-keys reads. JS and TS share a call-site table. */
export type LanguageId = 'python' | 'javascript' | 'typescript' | 'ruby' | 'php' | 'java' | 'go' | 'csharp';

export const LANGUAGE_IDS: readonly LanguageId[] = ['python', 'javascript', 'typescript', 'ruby', 'php', 'java', 'go', 'csharp'];

/** Why a write is reported (SPEC §4a outcomes, plus files the parser could not read). */
export type LintReason = 'unregistered' | 'no_tenant_scope' | 'non_tenant_expression' | 'unresolved' | 'parse_error';

/** One reported write, in the shape of SPEC §4a's `--json` findings. */
export interface LintFinding {
  /** Relative to the PATH argument it was found under, with `/` separators. */
  file: string;
  /** 1-based line of the key argument (of the annotation for `@Cacheable`). */
  line: number;
  /** 1-based column in UTF-16 code units (SARIF's default column kind). */
  column: number;
  language: LanguageId;
  /** The callee as written (`cache.set`, `Rails.cache.write`, `@Cacheable`). */
  call: string;
  template?: string;
  pattern?: string;
  reason: LintReason;
  severity: Severity;
  suppressed?: true;
}

/** A finding plus what the renderers need beyond the JSON shape. */
export interface LintResult extends LintFinding {
  /** The reason given in `tenantwatch: ignore[reason]`, when suppressed. */
  suppressionReason?: string;
  /** The PATH argument this file was found under, as given (SARIF and annotations need repo paths). */
  root: string;
  /** Holes of the template, for --suggest. */
  parts?: readonly TemplatePart[];
}

/** Literal text or a hole filled by an application expression. */
export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'hole'; text: string; tenant: boolean };

/** A call as the language shows it: who is called, on what, with which arguments. */
export interface CallShape {
  node: SgNode;
  /** Receiver text, or '' for a bare function call. */
  receiver: string;
  receiverNode?: SgNode | null;
  method: string;
  /** Positional arguments (keyword/named ones are in `named`). */
  args: SgNode[];
  named: Map<string, SgNode>;
  hasBlock: boolean;
  /** Source offset (UTF-16) where the arguments start: the callee is the text before it. */
  calleeEnd: number;
}

/** How an expression builds a string, as far as the generic resolver needs to know. */
export type ExprShape =
  | { kind: 'literal'; text: string }
  | { kind: 'interpolated'; pieces: Array<string | SgNode> }
  | { kind: 'concat'; operands: SgNode[] }
  | { kind: 'printf'; format: SgNode; args: SgNode[]; named?: Map<string, SgNode> }
  | { kind: 'brace-format'; format: SgNode; args: SgNode[]; named: Map<string, SgNode> }
  | { kind: 'join'; separator: string; items: SgNode[] }
  | { kind: 'name'; name: string }
  | { kind: 'other' };

/** A write the language adapter found outside call syntax (Spring's `@Cacheable`). */
export interface AnnotationWrite {
  node: SgNode;
  call: string;
  framework: string;
  /** The composed template, or undefined when it cannot be read. */
  parts: TemplatePart[] | undefined;
}

/** What lint-keys needs to know about one language's syntax. */
export interface LanguageAdapter {
  id: LanguageId;
  /** ast-grep language name. */
  grammar: string;
  /** Node kinds that are calls. */
  callKinds: readonly string[];
  readCall(node: SgNode): CallShape | undefined;
  shape(node: SgNode): ExprShape;
  /** Kinds that open a function scope (for same-function variables). */
  functionKinds: readonly string[];
  /** Kinds that assign a variable, and how to read them. */
  assignmentKinds: readonly string[];
  /**
   * The variables a node assigns: `value` null when the value cannot be read (destructuring,
   * `-=`), `append` for `k += x` / `$k .= $x` (the variable's earlier value, then x), `at`
   * where the value takes effect when that is not the node itself (a loop's or `with`'s target,
   * which a use inside the loop's body follows), `block` for a block-scoped declaration (JS
   * `let`/`const`, Go `:=` and `var`): the node whose extent the new variable lives in, from
   * the end of the declaration on (Go), or across the whole block with `wholeBlock` (JS: a
   * closure written above a `let` assigns the `let`'s variable); `bare` for a declaration
   * without a value (`let key;`), which opens the variable and gives it no template.
   */
  readAssignment(node: SgNode): Array<{ name: string; value: SgNode | null; append?: boolean; at?: SgNode; block?: SgNode; wholeBlock?: boolean; bare?: boolean }>;
  /**
   * For assignment kinds that span far more than the names they assign (a catch clause, a
   * type switch): the part that names them. Lookups search each assignment's text for a name,
   * and a nested catch's whole text would be searched for every name around it.
   */
  assignmentHead?(node: SgNode): SgNode | null;
  /** An assignment that binds in the scope around this function-like one (a walrus in a comprehension). */
  bindsOutside?(fn: SgNode, assignment: SgNode): boolean;
  /** The names a function-like scope binds where it has no parameter list (a comprehension's `for`). */
  parameterText?(fn: SgNode): string | undefined;
  /** File-level declarations apply wherever they are written (Go's package scope). */
  fileScopeUnordered?: boolean;
  /** Key expressions of a map/dict/hash literal (`mset({...})`), undefined for anything else. */
  mapKeys(node: SgNode): SgNode[] | undefined;
  /** Names declared (parameter, field, variable) with the given type or constructor in this source. */
  declaredNames(source: string, type: string): string[];
  /** Key text a call's receiver adds (Spring's `getCache("projects")` → `projects::`). */
  receiverPrefix?(call: CallShape): string | undefined;
  /** Writes that are not calls (annotations). */
  annotationWrites?(root: SgNode): AnnotationWrite[];
}
