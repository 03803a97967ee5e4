import { createHash } from 'node:crypto';
import type { LintReason, LintResult } from '../lint-types.js';
import { describe } from './render-github.js';
import { repoPath } from './repo-path.js';

const LEVEL = { critical: 'error', warning: 'warning', info: 'note' } as const;

const RULES: Record<LintReason, { name: string; short: string; full: string; level: 'error' | 'warning' | 'note' }> = {
  no_tenant_scope: {
    name: 'NoTenantScope',
    short: 'Cache key without tenant scope',
    full: 'The key matches a registered pattern without {tenant}: an id that collides across tenants serves one tenant the other’s cached data.',
    level: 'error',
  },
  non_tenant_expression: {
    name: 'NonTenantExpression',
    short: 'Tenant slot fed by a non-tenant expression',
    full: 'The {tenant} part of the key is a literal or an expression that is not a configured tenant expression (lint.tenantExpressions).',
    level: 'error',
  },
  unregistered: {
    name: 'UnregisteredKey',
    short: 'Cache key matches no registered pattern',
    full: 'Register the key shape in tenantwatch.yaml (tenantwatch lint-keys --suggest prints entries) so the watchdog can check it.',
    level: 'warning',
  },
  unresolved: {
    name: 'UnresolvedKey',
    short: 'Cache key could not be resolved',
    full: 'The key is built somewhere the linter cannot follow (another module, a helper function, dynamic dispatch); it is not counted as passing.',
    level: 'note',
  },
  parse_error: { name: 'ParseError', short: 'File could not be parsed', full: 'The cache writes of this file were not checked.', level: 'warning' },
};

/** A SARIF 2.1.0 log of the run, for GitHub code scanning (github/codeql-action/upload-sarif). */
export function renderSarif(results: readonly LintResult[], version: string): object {
  const ids = Object.keys(RULES) as LintReason[];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tenantwatch lint-keys',
            version,
            informationUri: 'https://github.com/tenantwatch/tenantwatch#lint-keys',
            rules: ids.map((id) => ({
              id,
              name: RULES[id].name,
              shortDescription: { text: RULES[id].short },
              fullDescription: { text: RULES[id].full },
              defaultConfiguration: { level: RULES[id].level },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: results.map((r) => {
          const uri = repoPath(r);
          return {
            ruleId: r.reason,
            ruleIndex: ids.indexOf(r.reason),
            level: LEVEL[r.severity],
            message: { text: describe(r) },
            locations: [{ physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: { startLine: r.line, startColumn: r.column } } }],
            // Stable across unrelated edits above the write: the file, the call and the template.
            partialFingerprints: { tenantwatchKey: createHash('sha256').update(`${uri}\0${r.reason}\0${r.call}\0${r.template ?? ''}`).digest('hex').slice(0, 32) },
            ...(r.suppressed ? { suppressions: [{ kind: 'inSource', justification: r.suppressionReason ?? '' }] } : {}),
          };
        }),
      },
    ],
  };
}
