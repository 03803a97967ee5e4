/**
 * `node dist/bench/lint-once.js [FILES]`: lints a generated tree of FILES files (default 2,500,
 * one job's share of bench:lint) once, in this process, and prints the time and peak memory.
 * The unit to run under callgrind, whose instruction counts do not move with the load of a
 * shared machine, or with --cpu-prof:
 *
 *   valgrind --tool=callgrind --smc-check=all-non-file node --max-opt=1 dist/bench/lint-once.js
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintPaths } from '../src/lint/lint-paths.js';
import { loadLintConfig } from '../src/lint/load-lint-config.js';
import { generateLintTree } from './lint-tree.js';

const files = Number(process.argv[2] ?? 2_500);
const root = mkdtempSync(join(tmpdir(), 'tw-lint-once-'));
try {
  generateLintTree(root, files);
  const options = loadLintConfig('test/fixtures/lint/tenantwatch.yaml', {});
  const started = performance.now();
  const run = await lintPaths([root], options, { jobs: 1 });
  const ms = performance.now() - started;
  console.log(`${run.files} files in ${Math.round(ms)} ms (${Math.round((run.files / ms) * 1000)} files/s), ${run.results.length} findings, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
