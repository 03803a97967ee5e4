import { parse, type SgNode } from '@ast-grep/napi';
import type { Severity } from '../types.js';
import { lookAlikesOf, type CallSite } from './call-sites/index.js';
import { judgeTemplate } from './judge-template.js';
import { registerGrammars } from './languages/index.js';
import type { CallShape, LanguageAdapter, LintReason, LintResult, TemplatePart } from './lint-types.js';
import type { LintSettings } from './lint-settings.js';
import { CallSiteMatcher } from './match-call-site.js';
import { TemplateResolver, renderTemplate, type KeyAlternative } from './resolve-template.js';
import { findSuppressions, type Suppressions } from './suppressions.js';
import { indexFile } from './file-index.js';

/** Where a file sits: its path relative to the PATH argument, and that argument as given. */
export interface SourceFile {
  file: string;
  root: string;
  adapter: LanguageAdapter;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

const FIXED_SEVERITY: Record<Exclude<LintReason, 'unregistered'>, Severity> = {
  no_tenant_scope: 'critical',
  non_tenant_expression: 'critical',
  unresolved: 'info',
  parse_error: 'warning',
};

/** Lints one source file's text: every cache write it finds, judged against the registry. */
export function lintSource(source: string, where: SourceFile, settings: LintSettings): LintResult[] {
  registerGrammars();
  const { adapter } = where;
  const root = parse(adapter.grammar, source).root();
  const results: LintResult[] = [];
  const suppressions = findSuppressions(source);
  const severityOf = (reason: LintReason): Severity | 'ignore' => (reason === 'unregistered' ? settings.unregistered : FIXED_SEVERITY[reason]);
  // `callLine`: where the write's call starts, when the key sits on a later line of it.
  const report = (node: SgNode, call: string, reason: LintReason, parts?: TemplatePart[], pattern?: string, callLine?: number): void => {
    const severity = severityOf(reason);
    if (severity === 'ignore') return;
    const { line, column } = node.range().start;
    results.push(finding(where, suppressions, { line: line + 1, column: column + 1, call, reason, severity, parts, pattern, callLine }));
  };

  const file = indexFile(root, adapter);
  if (file.error !== undefined) report(file.error, '', 'parse_error');

  const resolver = new TemplateResolver(adapter, settings.tenants, file, source);
  const matcher = new CallSiteMatcher(settings.tables[adapter.id], lookAlikesOf(adapter.id), adapter, source);
  // A key with several possible templates (a variable set in two branches) is reported by its
  // worst one: any of them may be what the cache receives.
  const judge = (node: SgNode, call: string, alternatives: readonly KeyAlternative[], framework: string, callLine?: number): void => {
    let worst: { reason: LintReason; parts?: TemplatePart[]; pattern?: string; rank: number } | undefined;
    for (const parts of alternatives) {
      let verdict: { reason?: LintReason; parts?: TemplatePart[]; pattern?: string };
      if (parts === undefined) verdict = { reason: 'unresolved' };
      else {
        const prefix = settings.prefixes[framework];
        const full = prefix ? [{ kind: 'text' as const, text: prefix }, ...parts] : parts;
        verdict = { ...judgeTemplate(full, settings.registry), parts: full };
      }
      if (verdict.reason === undefined) continue;
      const severity = severityOf(verdict.reason);
      const rank = severity === 'ignore' ? 0 : SEVERITY_RANK[severity];
      if (rank > (worst?.rank ?? 0)) worst = { reason: verdict.reason, parts: verdict.reason === 'unresolved' ? undefined : verdict.parts, pattern: verdict.pattern, rank };
    }
    if (worst) report(node, call, worst.reason, worst.parts, worst.pattern, callLine);
  };

  const names = methodNames(settings.tables[adapter.id]);
  for (const node of names.test(source) ? file.calls.filter((c) => names.test(c.text())) : []) {
    const call = adapter.readCall(node);
    if (call === undefined || !matcher.hasMethod(call.method)) continue;
    const site = matcher.match(call);
    if (site === undefined) continue;
    const start = node.range().start;
    const callee = source.slice(start.index, call.calleeEnd).replace(/\s+/g, ' ').trim().slice(0, 120);
    const receiverPrefix = adapter.receiverPrefix?.(call);
    const keys = keyNodes(call, site, adapter);
    if (keys === undefined) {
      report(node, callee, 'unresolved');
      continue;
    }
    for (const key of keys) {
      const alternatives = resolver.resolveKey(key).map((parts) => (parts && receiverPrefix ? [{ kind: 'text' as const, text: receiverPrefix }, ...parts] : parts));
      judge(key, callee, alternatives, site.framework, start.line + 1);
    }
  }
  for (const write of adapter.annotationWrites?.(root) ?? []) {
    // Annotation keys are expressions of their own language (SpEL): tenant-ness is read from the text.
    const parts = write.parts?.map((p) => (p.kind === 'hole' ? { ...p, tenant: settings.tenants.matches(p.text) } : p));
    judge(write.node, write.call, [parts], write.framework);
  }
  return results;
}

const METHOD_NAMES = new WeakMap<readonly CallSite[], RegExp>();

/**
 * The table's method names as whole identifiers. A call can be a write only if its text holds
 * one, and reading a call's parts from the tree costs more than parsing it, while most calls of
 * a file are not cache writes.
 */
function methodNames(table: readonly CallSite[]): RegExp {
  let regex = METHOD_NAMES.get(table);
  if (regex === undefined) {
    const names = [...new Set(table.flatMap((site) => site.methods))].map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    regex = new RegExp(`(?<![\\w$])(?:${names.join('|')})(?![\\w$])`);
    METHOD_NAMES.set(table, regex);
  }
  return regex;
}

/** The key expressions of a write: one, or several for mset-like calls; undefined when absent. */
function keyNodes(call: CallShape, site: CallSite, adapter: LanguageAdapter): SgNode[] | undefined {
  const index = site.key ?? 0;
  if (site.form !== 'multi') {
    const key = (site.keyName !== undefined ? call.named.get(site.keyName) : undefined) ?? call.args[index];
    return key === undefined ? undefined : [key];
  }
  const first = call.args[index];
  if (first === undefined) return undefined;
  const mapped = adapter.mapKeys(first);
  if (mapped !== undefined) return mapped.length > 0 ? mapped : undefined;
  // mset(k1, v1, k2, v2): a lone argument that is no literal map cannot be read.
  if (call.args.length - index < 2) return undefined;
  return call.args.slice(index).filter((_, i) => i % 2 === 0);
}

interface Reported {
  line: number;
  column: number;
  call: string;
  reason: LintReason;
  severity: Severity;
  parts: TemplatePart[] | undefined;
  pattern: string | undefined;
  callLine?: number;
}

function finding(where: SourceFile, suppressions: Suppressions, r: Reported): LintResult {
  const result: LintResult = {
    file: where.file,
    line: r.line,
    column: r.column,
    language: where.adapter.id,
    call: r.call,
    reason: r.reason,
    severity: r.severity,
    root: where.root,
  };
  if (r.parts) {
    result.template = renderTemplate(r.parts);
    result.parts = r.parts;
  }
  if (r.pattern !== undefined) result.pattern = r.pattern;
  const because = suppressions.reasonFor(r.line, r.callLine);
  if (because !== undefined) {
    result.suppressed = true;
    result.suppressionReason = because;
  }
  return result;
}
