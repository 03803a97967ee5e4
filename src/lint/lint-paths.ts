import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { collectFiles, type FoundFile } from './collect-files.js';
import { lintFiles } from './lint-file.js';
import type { LintResult } from './lint-types.js';
import { compileLintSettings, type LintOptions } from './lint-settings.js';

/** What one lint-keys run found. */
export interface LintRun {
  files: number;
  results: LintResult[];
}

export interface LintPathsOptions {
  /** Processes linting in parallel; default one per core. 1 lints in this process. */
  jobs?: number;
}

/** The message a lint job receives: its share of the files. */
export interface LintJob {
  options: LintOptions;
  files: FoundFile[];
}

// Starting a process and loading the grammars costs about a tenth of a second: below this many
// files per job, one process finishes first.
const FILES_PER_JOB = 200;
const JOB_PATH = fileURLToPath(new URL('./lint-job.js', import.meta.url));
// A job spends most of its time in ast-grep's native parse and queries. V8's optimizing compiler
// worked on a thread of its own that competed with the other job for the cores and saved less
// than it cost: capped at the baseline tier, a job runs about 12 % fewer instructions (callgrind) and
// the two-job benchmark ~10 % faster (BENCHMARKS.md). The parent's own flags (--inspect) are not
// passed on: two processes cannot debug on one port.
const JOB_EXEC_ARGV = ['--max-opt=1'];

/** Lints every source file under the paths; results sorted by path, line and column. */
export async function lintPaths(paths: readonly string[], options: LintOptions, run: LintPathsOptions = {}): Promise<LintRun> {
  const files = collectFiles(paths);
  const jobs = Math.min(run.jobs ?? availableParallelism(), Math.floor(files.length / FILES_PER_JOB));
  // Under vitest the sources are .ts and there is no compiled job to start: lint here.
  const results = jobs > 1 && existsSync(JOB_PATH) ? await inProcesses(files, options, jobs) : await lintFiles(files, compileLintSettings(options));
  results.sort(byPlace);
  return { files: files.length, results };
}

/**
 * Child processes, not worker threads: every read of a syntax node crosses into ast-grep's
 * native code, and those crossings slow each other down about threefold when two threads of
 * one process make them at once (BENCHMARKS.md, bench:lint 2026-11-29).
 */
async function inProcesses(files: readonly FoundFile[], options: LintOptions, jobs: number): Promise<LintResult[]> {
  const shares = Array.from({ length: jobs }, (_, i) => files.filter((_, j) => j % jobs === i));
  const parts = await Promise.all(shares.map((share) => runJob({ options, files: share })));
  return parts.flat();
}

function runJob(job: LintJob): Promise<LintResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(JOB_PATH, [], { execArgv: JOB_EXEC_ARGV, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let results: LintResult[] | undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.once('message', (message) => {
      results = message as LintResult[];
    });
    child.once('error', (err) => reject(new Error(`lint job failed to start: ${err.message}`, { cause: err })));
    child.once('exit', (code, signal) => {
      if (code === 0 && results !== undefined) resolve(results);
      else {
        const cause = stderr.split('\n').find((line) => /\b(?:Error|error)\b/.test(line))?.trim();
        reject(new Error(`lint job ${signal !== null ? `killed by ${signal}` : `exited with code ${code}`}${cause ? `: ${cause}` : ''}`));
      }
    });
    child.send(job);
  });
}

function byPlace(a: LintResult, b: LintResult): number {
  return cmp(a.root, b.root) || cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.call, b.call);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
