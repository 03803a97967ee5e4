import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { collectFiles, type FoundFile } from './collect-files.js';
import { lintFile } from './lint-file.js';
import type { LintResult } from './lint-types.js';
import { compileLintSettings, type LintOptions } from './lint-settings.js';

/** What one lint-keys run found. */
export interface LintRun {
  files: number;
  results: LintResult[];
}

export interface LintPathsOptions {
  /** Worker threads; default one per core. 1 lints in this thread. */
  threads?: number;
}

// Starting a worker and loading the grammars costs tens of milliseconds: below this many files
// per worker, one thread finishes first.
const FILES_PER_WORKER = 200;
const WORKER_URL = new URL('./lint-worker.js', import.meta.url);

/** Lints every source file under the paths; results sorted by path, line and column. */
export async function lintPaths(paths: readonly string[], options: LintOptions, run: LintPathsOptions = {}): Promise<LintRun> {
  const files = collectFiles(paths);
  const threads = Math.min(run.threads ?? availableParallelism(), Math.floor(files.length / FILES_PER_WORKER));
  // Under vitest the sources are .ts and there is no compiled worker to start: lint in-thread.
  const results = threads > 1 && existsSync(fileURLToPath(WORKER_URL)) ? await inWorkers(files, options, threads) : inThread(files, options);
  results.sort(byPlace);
  return { files: files.length, results };
}

function inThread(files: readonly FoundFile[], options: LintOptions): LintResult[] {
  const settings = compileLintSettings(options);
  return files.flatMap((f) => lintFile(f, settings));
}

async function inWorkers(files: readonly FoundFile[], options: LintOptions, threads: number): Promise<LintResult[]> {
  const shares = Array.from({ length: threads }, (_, i) => files.filter((_, j) => j % threads === i));
  const parts = await Promise.all(
    shares.map(
      (share) =>
        new Promise<LintResult[]>((resolve, reject) => {
          const worker = new Worker(WORKER_URL, { workerData: { options, files: share } });
          worker.once('message', (results: LintResult[]) => resolve(results));
          worker.once('error', (err) => reject(new Error(`lint worker failed: ${err.message}`, { cause: err })));
          worker.once('exit', (code) => {
            if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
          });
        }),
    ),
  );
  return parts.flat();
}

function byPlace(a: LintResult, b: LintResult): number {
  return cmp(a.root, b.root) || cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.call, b.call);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
