import type { LintResult } from '../lint-types.js';
import { repoPath } from './repo-path.js';

const LEVEL = { critical: 'error', warning: 'warning', info: 'notice' } as const;

// Workflow commands: data escapes %, CR, LF; property values also ':' and ','.
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const property = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions annotations, one per unsuppressed finding, with repository-relative paths. */
export function renderGithub(results: readonly LintResult[]): string {
  return results
    .filter((r) => !r.suppressed)
    .map((r) => {
      const props = `file=${property(repoPath(r))},line=${r.line},col=${r.column},title=${property(`tenantwatch ${r.reason}`)}`;
      return `::${LEVEL[r.severity]} ${props}::${data(describe(r))}`;
    })
    .join('\n');
}

/** One sentence about a finding, for annotations and SARIF messages. */
export function describe(r: LintResult): string {
  const template = r.template === undefined ? '' : ` "${r.template}"`;
  switch (r.reason) {
    case 'unregistered':
      return `cache key${template} (${r.call}) matches no pattern in tenantwatch.yaml`;
    case 'no_tenant_scope':
      return `cache key${template} (${r.call}) matches pattern ${r.pattern}, which has no {tenant}: tenants can read each other's entries`;
    case 'non_tenant_expression':
      return `cache key${template} (${r.call}) fills {tenant} of pattern ${r.pattern} with something that is not a tenant expression`;
    case 'unresolved':
      return `cache key of ${r.call} could not be resolved to a template; check it by hand or build it in the same function`;
    case 'parse_error':
      return 'file could not be parsed; its cache writes were not checked';
  }
}
