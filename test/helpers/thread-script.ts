import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../dist/src/decode/threads/decompress-thread.js', import.meta.url));
const DECODE_SOURCES = fileURLToPath(new URL('../../src/decode', import.meta.url));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : entry.name.endsWith('.ts') ? statSync(path).mtimeMs : 0);
  }
  return newest;
}

/**
 * The compiled decompression thread: vitest runs the .ts sources, which cannot start as a
 * worker thread, and `npm test` builds dist/ before it runs the tests. A build older than the
 * decode sources would test old code, so it is refused.
 */
export function compiledThreadScript(): string {
  if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} is missing: run npm run build first (npm test does)`);
  if (statSync(SCRIPT).mtimeMs < newestSource(DECODE_SOURCES)) throw new Error(`${SCRIPT} is older than src/decode: run npm run build first (npm test does)`);
  return SCRIPT;
}
