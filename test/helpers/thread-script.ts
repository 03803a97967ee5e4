import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The compiled decompression thread: vitest runs the .ts sources, which cannot start as a
 * worker thread, and `npm test` builds dist/ before it runs the tests.
 */
export function compiledThreadScript(): string {
  const script = fileURLToPath(new URL('../../dist/src/decode/threads/decompress-thread.js', import.meta.url));
  if (!existsSync(script)) throw new Error(`${script} is missing: run npm run build first (npm test does)`);
  return script;
}
