import { extname } from 'node:path';
import { registerDynamicLanguage } from '@ast-grep/napi';
import csharp from '@ast-grep/lang-csharp';
import go from '@ast-grep/lang-go';
import java from '@ast-grep/lang-java';
import php from '@ast-grep/lang-php';
import python from '@ast-grep/lang-python';
import ruby from '@ast-grep/lang-ruby';
import type { LanguageAdapter } from '../lint-types.js';
import { CSHARP } from './csharp.js';
import { GO } from './go.js';
import { JAVA } from './java.js';
import { JAVASCRIPT, TSX, TYPESCRIPT } from './javascript.js';
import { PHP } from './php.js';
import { PYTHON } from './python.js';
import { RUBY } from './ruby.js';

const BY_EXTENSION: Record<string, LanguageAdapter> = {
  '.py': PYTHON,
  '.js': JAVASCRIPT,
  '.mjs': JAVASCRIPT,
  '.cjs': JAVASCRIPT,
  '.jsx': JAVASCRIPT,
  '.ts': TYPESCRIPT,
  '.mts': TYPESCRIPT,
  '.cts': TYPESCRIPT,
  '.tsx': TSX,
  '.rb': RUBY,
  '.php': PHP,
  '.java': JAVA,
  '.go': GO,
  '.cs': CSHARP,
};

/** The adapter for a source file, by extension; undefined for files lint-keys does not read. */
export function adapterFor(path: string): LanguageAdapter | undefined {
  if (path.endsWith('.d.ts')) return undefined;
  return BY_EXTENSION[extname(path).toLowerCase()];
}

let registered = false;

/**
 * Loads the prebuilt tree-sitter grammars shipped in the @ast-grep/lang-* packages (JavaScript
 * and TypeScript are built into @ast-grep/napi). Once per process or worker thread.
 */
export function registerGrammars(): void {
  if (registered) return;
  registerDynamicLanguage({ python, ruby, php, java, go, csharp });
  registered = true;
}
