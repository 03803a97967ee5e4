import type { LanguageId } from '../lint-types.js';
import type { CallSite, LookAlikes } from './call-site.js';
import { CSHARP_CALL_SITES, CSHARP_LOOK_ALIKES } from './csharp.js';
import { GO_CALL_SITES } from './go.js';
import { JAVA_CALL_SITES, JAVA_LOOK_ALIKES } from './java.js';
import { JAVASCRIPT_CALL_SITES, JAVASCRIPT_LOOK_ALIKES } from './javascript.js';
import { PHP_CALL_SITES } from './php.js';
import { PYTHON_CALL_SITES } from './python.js';
import { RUBY_CALL_SITES } from './ruby.js';

export type { CallSite, LookAlikes } from './call-site.js';

const DEFAULTS: Record<LanguageId, readonly CallSite[]> = {
  python: PYTHON_CALL_SITES,
  javascript: JAVASCRIPT_CALL_SITES,
  typescript: JAVASCRIPT_CALL_SITES,
  ruby: RUBY_CALL_SITES,
  php: PHP_CALL_SITES,
  java: JAVA_CALL_SITES,
  go: GO_CALL_SITES,
  csharp: CSHARP_CALL_SITES,
};

const NO_LOOK_ALIKES: LookAlikes = { types: [] };

const LOOK_ALIKES: Record<LanguageId, LookAlikes> = {
  python: NO_LOOK_ALIKES,
  javascript: JAVASCRIPT_LOOK_ALIKES,
  typescript: JAVASCRIPT_LOOK_ALIKES,
  ruby: NO_LOOK_ALIKES,
  php: NO_LOOK_ALIKES,
  java: JAVA_LOOK_ALIKES,
  go: NO_LOOK_ALIKES,
  csharp: CSHARP_LOOK_ALIKES,
};

/** A `lint.callSites` entry: a call-site row for one language (`javascript` also covers TypeScript). */
export interface ExtraCallSite extends CallSite {
  language: LanguageId;
}

/**
 * The call-site table of each language: the configured rows first, so a project's own client
 * wrapper (or a framework it names in `imports`) wins over the defaults.
 */
export function buildCallSiteTables(extra: readonly ExtraCallSite[]): Record<LanguageId, readonly CallSite[]> {
  const tables = { ...DEFAULTS };
  for (const id of Object.keys(tables) as LanguageId[]) {
    const own = extra.filter((e) => e.language === id || (id === 'typescript' && e.language === 'javascript'));
    if (own.length > 0) tables[id] = [...own.map(({ language: _language, ...site }) => site), ...DEFAULTS[id]];
  }
  return tables;
}

export function lookAlikesOf(language: LanguageId): LookAlikes {
  return LOOK_ALIKES[language];
}
