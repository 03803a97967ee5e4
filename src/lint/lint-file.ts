import { readFileSync } from 'node:fs';
import type { FoundFile } from './collect-files.js';
import { adapterFor } from './languages/index.js';
import type { LintResult } from './lint-types.js';
import type { LintSettings } from './lint-settings.js';
import { lintSource } from './lint-source.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Reads and lints one file; a file that cannot be read or decoded is a parse_error, not a crash. */
export function lintFile(found: FoundFile, settings: LintSettings): LintResult[] {
  const adapter = adapterFor(found.path);
  if (adapter === undefined) return [];
  let source: string;
  try {
    const bytes = readFileSync(found.path);
    if (bytes.includes(0)) throw new Error('binary content');
    source = decoder.decode(bytes);
  } catch {
    return [{ file: found.file, root: found.root, line: 1, column: 1, language: adapter.id, call: '', reason: 'parse_error', severity: 'warning' }];
  }
  return lintSource(source, { file: found.file, root: found.root, adapter }, settings);
}
