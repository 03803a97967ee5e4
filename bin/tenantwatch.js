#!/usr/bin/env node
// Runs the compiled CLI (dist/ is built by `npm ci` through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/workers/run-cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('tenantwatch: not built yet; run `npm ci` (or `npm run build`) in the repository first\n');
  process.exit(2);
}
await import(entry.href);
