import type { RawLint } from '../config/config-schema.js';
import { compileRegistry, type KeyRegistry } from '../registry/classify-key.js';
import type { PatternConfig, SeverityOrIgnore } from '../types.js';
import { buildCallSiteTables, type CallSite, type ExtraCallSite } from './call-sites/index.js';
import type { LanguageId } from './lint-types.js';
import { compileTenantExpressions, type TenantExpressions } from './tenant-expressions.js';

/** What lint-keys needs from the config, as plain data (it is sent to the lint job processes). */
export interface LintOptions {
  patterns: readonly PatternConfig[];
  unregistered: SeverityOrIgnore;
  lint: RawLint;
}

/** LintOptions compiled once per thread: the registry trie, the call-site tables, the tenant matcher. */
export interface LintSettings {
  registry: KeyRegistry;
  tenants: TenantExpressions;
  tables: Record<LanguageId, readonly CallSite[]>;
  prefixes: Readonly<Record<string, string>>;
  unregistered: SeverityOrIgnore;
}

export const EMPTY_LINT: RawLint = { tenantExpressions: [], callSites: [], prefixes: {} };

export function compileLintSettings(options: LintOptions): LintSettings {
  return {
    registry: compileRegistry(options.patterns),
    tenants: compileTenantExpressions(options.lint.tenantExpressions),
    tables: buildCallSiteTables(options.lint.callSites as ExtraCallSite[]),
    prefixes: options.lint.prefixes,
    unregistered: options.unregistered,
  };
}
