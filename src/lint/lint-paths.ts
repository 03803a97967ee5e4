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

/** A message to a lint job: a batch of files to lint (with the options, the first time), or none to end. */
export interface LintJob {
  options?: LintOptions;
  files: FoundFile[];
}

// Starting a process and loading the grammars costs about a fifth of a second: below this many
// files per job, one process finishes first.
const FILES_PER_JOB = 200;
const JOB_PATH = fileURLToPath(new URL('./lint-job.js', import.meta.url));
// A job spends most of its time in ast-grep's native parse and queries. V8's optimizing compiler
// worked on a thread of its own that competed with the other job for the cores and saved less
// than it cost: capped at the baseline tier, a job runs about 12 % fewer instructions
// (callgrind, BENCHMARKS.md). The parent's own flags (--inspect) are not passed on: two
// processes cannot debug on one port.
const JOB_EXEC_ARGV = ['--max-opt=1'];
// Files per batch: a job asks again after each (about 50 ms of work).
const BATCH_FILES = 50;

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
 * native code, and those crossings slow each other down about fourfold when two threads of one
 * process make them at once (BENCHMARKS.md, bench:lint 2026-11-29). Files are handed out a batch
 * at a time, so a job on a core that a neighbour slows takes fewer instead of holding up the
 * end of the run.
 */
async function inProcesses(files: readonly FoundFile[], options: LintOptions, jobs: number): Promise<LintResult[]> {
  const queue = new BatchQueue(files);
  // One job failing ends the others: the run has failed, and they would go on taking batches.
  const abort = new AbortController();
  const parts = await Promise.all(
    Array.from({ length: jobs }, () =>
      runJob(options, queue, abort.signal).catch((err: unknown) => {
        abort.abort();
        throw err;
      }),
    ),
  );
  return parts.flat();
}

/** The files still to lint, a batch at a time. */
class BatchQueue {
  private next = 0;
  constructor(private readonly files: readonly FoundFile[]) {}

  take(): FoundFile[] {
    const batch = this.files.slice(this.next, this.next + BATCH_FILES);
    this.next += batch.length;
    return batch;
  }
}

/** One lint job process: sent a batch whenever it has sent back the last one's results, then an empty one to end. */
function runJob(options: LintOptions, queue: BatchQueue, signal: AbortSignal): Promise<LintResult[]> {
  return new Promise((resolve, reject) => {
    const child = fork(JOB_PATH, [], { execArgv: JOB_EXEC_ARGV, serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], signal });
    const results: LintResult[] = [];
    let done = false;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    const sendBatch = (withOptions: boolean): void => {
      const files = queue.take();
      done = files.length === 0;
      child.send((withOptions ? { options, files } : { files }) satisfies LintJob);
    };
    child.on('message', (message) => {
      results.push(...(message as LintResult[]));
      sendBatch(false);
    });
    // An abort (another job failed) is reported by that job, not here.
    child.once('error', (err) => reject(new Error(`lint job failed: ${err.message}`, { cause: err })));
    child.once('exit', (code, killedBy) => {
      if (code === 0 && done) resolve(results);
      else {
        const cause = stderr.split('\n').find((line) => /\b(?:Error|error)\b/.test(line))?.trim();
        reject(new Error(`lint job ${killedBy !== null ? `killed by ${killedBy}` : `exited with code ${code}`}${cause ? `: ${cause}` : ''}`));
      }
    });
    sendBatch(true);
  });
}

function byPlace(a: LintResult, b: LintResult): number {
  return cmp(a.root, b.root) || cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.call, b.call);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
