import { escapeText } from '../../cli/escape-text.js';
import type { LintResult } from '../lint-types.js';
import type { LintSummary } from '../lint-summary.js';

const REASON_TEXT: Record<string, string> = {
  unregistered: 'unregistered',
  no_tenant_scope: 'no tenant scope',
  non_tenant_expression: 'tenant fed by non-tenant expression',
  unresolved: 'unresolved',
  parse_error: 'parse error',
};

/** The human table: one row per finding, suppressed ones marked, then the counts. */
export function renderLintTable(files: number, results: readonly LintResult[], summary: LintSummary): string {
  const lines: string[] = [];
  const rows = results.map((r) => [
    r.suppressed ? 'suppressed' : r.severity,
    REASON_TEXT[r.reason] ?? r.reason,
    `${r.file}:${r.line}:${r.column}`,
    escapeText(r.call),
    escapeText(r.template ?? '-'),
    r.pattern ?? '-',
  ]);
  const header = ['severity', 'reason', 'location', 'call', 'template', 'pattern'];
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length))));
  const format = (row: string[]): string => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  if (rows.length > 0) {
    lines.push(format(header));
    for (const row of rows) lines.push(format(row));
    lines.push('');
  }
  const { critical, warning, info } = summary.bySeverity;
  lines.push(`${files} files, ${summary.findings} findings (${critical} critical, ${warning} warning, ${info} info), ${summary.suppressed} suppressed`);
  for (const [reason, count] of Object.entries(summary.suppressions)) lines.push(`  suppressed ${count}× : ${escapeText(reason)}`);
  return lines.join('\n');
}
