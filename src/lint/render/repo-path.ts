import { isAbsolute, posix, relative, sep } from 'node:path';
import type { LintResult } from '../lint-types.js';

/**
 * The finding's path from the working directory (the repository root in CI): the PATH argument
 * joined with the file, so `lint-keys src` reports `src/app/views.py` where JSON says `app/views.py`.
 */
export function repoPath(r: Pick<LintResult, 'root' | 'file'>): string {
  const root = isAbsolute(r.root) ? relative(process.cwd(), r.root) : r.root;
  return posix.normalize(posix.join(root.split(sep).join('/') || '.', r.file));
}
