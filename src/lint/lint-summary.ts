import { SEVERITY_RANK, type Severity } from '../types.js';
import type { LintFinding, LintReason, LintResult } from './lint-types.js';

/** Counts of a run; suppressed findings are counted apart and never fail the build. */
export interface LintSummary {
  findings: number;
  suppressed: number;
  bySeverity: Record<Severity, number>;
  byReason: Partial<Record<LintReason, number>>;
  /** How often each suppression reason was used. */
  suppressions: Record<string, number>;
}

export function summarize(results: readonly LintResult[]): LintSummary {
  const summary: LintSummary = { findings: 0, suppressed: 0, bySeverity: { critical: 0, warning: 0, info: 0 }, byReason: {}, suppressions: {} };
  for (const r of results) {
    if (r.suppressed) {
      summary.suppressed += 1;
      const why = r.suppressionReason ?? '';
      summary.suppressions[why] = (summary.suppressions[why] ?? 0) + 1;
      continue;
    }
    summary.findings += 1;
    summary.bySeverity[r.severity] += 1;
    summary.byReason[r.reason] = (summary.byReason[r.reason] ?? 0) + 1;
  }
  return summary;
}

/**
 * The exit code (SPEC §4a, as `scan`): 1 when an unsuppressed finding is at or above `failOn`,
 * else 2 when a file could not be parsed (the gate must not pass on code it did not read), else 0.
 */
export function lintExitCode(results: readonly LintResult[], failOn: Severity | 'never'): number {
  const live = results.filter((r) => !r.suppressed);
  if (failOn !== 'never' && live.some((r) => SEVERITY_RANK[r.severity] >= SEVERITY_RANK[failOn])) return 1;
  return live.some((r) => r.reason === 'parse_error') ? 2 : 0;
}

/** A finding in exactly SPEC §4a's JSON shape. */
export function toJsonFinding(r: LintResult): LintFinding {
  const f: LintFinding = { file: r.file, line: r.line, column: r.column, language: r.language, call: r.call, reason: r.reason, severity: r.severity };
  if (r.template !== undefined) f.template = r.template;
  if (r.pattern !== undefined) f.pattern = r.pattern;
  if (r.suppressed) f.suppressed = true;
  return f;
}
