import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { adapterFor } from './languages/index.js';

/**
 * Directories that hold dependencies, build output or VCS data, never the application's own
 * writes: a bundle in dist/ would repeat every finding of the source it was built from. A PATH
 * argument naming one of them is still read; only directories found while walking are skipped.
 */
const SKIPPED_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', 'vendor', '.venv', 'venv', '__pycache__', '.tox',
  'bin', 'obj', 'target', '.gradle', 'dist', 'build', '.next', '.nuxt', 'coverage',
]);

/** A source file to lint: its path on disk, relative to its PATH argument, and that argument. */
export interface FoundFile {
  path: string;
  file: string;
  root: string;
}

/** Every file of a language lint-keys reads under the given paths, in a stable order. */
export function collectFiles(paths: readonly string[]): FoundFile[] {
  const found: FoundFile[] = [];
  for (const root of paths) {
    let stat;
    try {
      stat = statSync(root);
    } catch {
      throw new UsageError(`${root}: no such file or directory`);
    }
    if (stat.isFile()) {
      const name = root.split(/[\\/]/).at(-1) ?? root;
      if (adapterFor(root)) found.push({ path: root, file: name, root: rootOf(root, name) });
      else throw new UsageError(`${root}: not a source file lint-keys reads (.py .js .ts .rb .php .java .go .cs …)`);
      continue;
    }
    walk(root, root, found);
  }
  return found;
}

function rootOf(path: string, name: string): string {
  return path.slice(0, path.length - name.length) || '.';
}

function walk(root: string, dir: string, found: FoundFile[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(root, path, found);
    } else if (entry.isFile() && adapterFor(entry.name)) {
      found.push({ path, file: relative(root, path).split(sep).join('/'), root });
    }
  }
}
