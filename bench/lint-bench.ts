/**
 * `npm run bench:lint`: lint-keys throughput over a generated source tree of 5,000 files
 * (bench/lint-tree.ts: every language, each file with cache writes among ordinary code).
 * Target (issue 6): at least 2,000 files/s on a 2-core machine. Runs the whole command path —
 * walk, read, parse, resolve, judge — in one process per core and in one process;
 * each configuration keeps its best of three rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { lintPaths } from '../src/lint/lint-paths.js';
import { loadLintConfig } from '../src/lint/load-lint-config.js';
import { generateLintTree } from './lint-tree.js';

const FILES = 5_000;
const ROUNDS = 3;
const TARGET_FILES_PER_SEC = 2_000;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'tw-lint-bench-'));
  try {
    const bytes = generateLintTree(root, FILES);
    const options = loadLintConfig('test/fixtures/lint/tenantwatch.yaml', {});
    console.log(`lint-keys over ${FILES} generated files (${(bytes / 1024 / 1024).toFixed(1)} MiB), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`);
    let findings = 0;
    const rows: [string, number][] = [];
    for (const jobs of [availableParallelism(), 1]) {
      let best = Infinity;
      for (let round = 0; round < ROUNDS; round++) {
        const started = performance.now();
        const run = await lintPaths([root], options, { jobs });
        best = Math.min(best, performance.now() - started);
        findings = run.results.length;
        if (run.files !== FILES) throw new Error(`linted ${run.files} files, expected ${FILES}`);
      }
      rows.push([jobs === 1 ? '1 process' : `${jobs} processes`, (FILES / best) * 1000]);
    }
    for (const [label, rate] of rows) console.log(`  ${label.padEnd(18)} ${Math.round(rate).toLocaleString('en-US').padStart(7)} files/s`);
    console.log(`  findings per run: ${findings}`);
    const best = Math.max(...rows.map(([, rate]) => rate));
    console.log(best >= TARGET_FILES_PER_SEC ? `target met: ≥ ${TARGET_FILES_PER_SEC} files/s` : `TARGET MISSED: ${Math.round(best)} < ${TARGET_FILES_PER_SEC} files/s`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
