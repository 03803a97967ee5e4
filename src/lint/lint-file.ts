import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FoundFile } from './collect-files.js';
import { adapterFor } from './languages/index.js';
import type { LintResult } from './lint-types.js';
import type { LintSettings } from './lint-settings.js';
import { lintSource } from './lint-source.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

// Files linted between two turns of the event loop. ast-grep releases a parsed file's syntax
// tree in a finalizer that runs only when the loop turns: linting thousands of files in one
// synchronous pass kept every tree to the end.
const FILES_PER_TURN = 25;

/** Lints files in order, letting the event loop turn between batches. */
export async function lintFiles(files: readonly FoundFile[], settings: LintSettings): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i > 0 && i % FILES_PER_TURN === 0) await nextTurn();
    results.push(...lintFile(files[i] as FoundFile, settings));
  }
  return results;
}

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
