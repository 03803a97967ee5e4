import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DecodeError } from '../decode-error.js';
import type { CompressionName } from '../../types.js';
import { DecompressThreadFailed } from './decompress-thread-failed.js';
import type { PeelRequest, PeelResponse } from './peel-messages.js';

/** One value for a thread to decompress, with its pattern's compression and byte cap. */
export interface PeelItem {
  bytes: Uint8Array;
  compression: CompressionName;
  maxBytes: number;
}

/** A value's plain bytes, or the DecodeError its decompression ended in. */
export type Peeled = { ok: true; bytes: Uint8Array } | { ok: false; error: DecodeError };

export interface DecompressPoolOptions {
  /** Threads to start (lazily, on the first job). */
  threads: number;
  /** Told of each thread failure (the service logs it); the caller still gets the error. */
  onThreadFailure?: (err: DecompressThreadFailed) => void;
  /** The compiled thread script; tests name dist's, since vitest runs the .ts sources. */
  script?: string;
}

/** The compiled thread beside this module (absent when the sources run under vitest). */
export const THREAD_SCRIPT = fileURLToPath(new URL('./decompress-thread.js', import.meta.url));

// A job is one message each way, and each costs both threads a wake-up: in bench:format-sweep
// (--decode-threads 1) jobs of 256 small values cost the process less CPU a key than jobs of 64.
// The input cap bounds one job's copy (the output has its own cap, OUTPUT_BYTES_PER_JOB).
const VALUES_PER_JOB = 256;
const INPUT_BYTES_PER_JOB = 4 * 1024 * 1024;
// Two jobs per thread: it starts the next while this thread decodes the last one's answer.
// More would only hold more decompressed bytes in messages nobody is reading yet.
const JOBS_PER_THREAD = 2;
const MAX_FAILED_STARTS = 3;

interface Job {
  items: readonly PeelItem[];
  resolve(res: Extract<PeelResponse, { output: ArrayBuffer }>): void;
  reject(err: DecompressThreadFailed): void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
  /** It has answered a job: its script loads and runs. */
  answered: boolean;
}

/**
 * Decompression on worker threads, so that a sweep of compressed values (django-redis's xz
 * pickles) decodes on more than the one core its event loop runs on. Only the peel moves: the
 * format decode and everything after it stay on the caller's thread.
 */
export class DecompressPool {
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly script: string;
  /** Jobs, and values in them, sent to the threads so far (a resent rest counts again). */
  jobsSent = 0;
  valuesSent = 0;
  /** Values the threads answered for. */
  valuesPeeled = 0;
  /** Threads in a row that ended before answering anything; at MAX_FAILED_STARTS the pool gives up. */
  private failedStarts = 0;
  private brokenBy?: DecompressThreadFailed;

  constructor(private readonly options: DecompressPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError('DecompressPool: threads must be a positive integer');
    this.script = options.script ?? THREAD_SCRIPT;
  }

  /**
   * Decompresses the values and calls `onPeeled` once for each as its job's answer arrives
   * (a job's values in order; jobs in the order threads finish them): the caller decodes them
   * and lets the plain bytes go before more pile up. Settles only when every job has: on
   * DecompressThreadFailed, the values never passed to `onPeeled` were not peeled.
   */
  async peel(items: readonly PeelItem[], onPeeled: (index: number, peeled: Peeled) => void): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (let first = 0; first < items.length; ) {
      let last = first;
      let bytes = 0;
      while (last < items.length && last - first < VALUES_PER_JOB && (last === first || bytes + items[last]!.bytes.length <= INPUT_BYTES_PER_JOB)) {
        bytes += items[last]!.bytes.length;
        last++;
      }
      jobs.push(this.peelRange(items, first, last, onPeeled));
      first = last;
    }
    const reasons = (await Promise.allSettled(jobs)).flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // A caller's own error (its decode of an answer threw) outranks a thread's failure: the
    // caller recovers from the one and must never lose the other.
    if (reasons.length > 0) throw reasons.find((r) => !(r instanceof DecompressThreadFailed)) ?? reasons[0];
  }

  /** Ends the threads; jobs not yet answered fail. */
  async close(): Promise<void> {
    this.closed = true;
    const closed = () => new DecompressThreadFailed('decompression pool closed');
    for (const job of this.queue.splice(0)) job.reject(closed());
    const threads = this.threads.splice(0);
    for (const t of threads) {
      for (const job of t.jobs.values()) job.reject(closed());
      t.jobs.clear();
    }
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  /** One job; a thread that stopped at its output cap gets the values it did not reach again. */
  private async peelRange(items: readonly PeelItem[], first: number, last: number, onPeeled: (index: number, peeled: Peeled) => void): Promise<void> {
    while (first < last) first += deliver(await this.submit(items.slice(first, last)), first, onPeeled);
  }

  private submit(items: readonly PeelItem[]): Promise<Extract<PeelResponse, { output: ArrayBuffer }>> {
    if (this.closed) return Promise.reject(new DecompressThreadFailed('decompression pool closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.brokenBy) {
      for (const job of this.queue.splice(0)) job.reject(this.brokenBy);
      return;
    }
    while (this.queue.length > 0) {
      let thread: Thread | undefined;
      try {
        thread = this.idlest();
      } catch (err) {
        // No thread could start: fail what waits, rather than throw out of an event handler.
        const failure = new DecompressThreadFailed(`decompression thread could not start: ${(err as Error).message}`, { cause: err });
        this.brokenBy = failure;
        this.options.onThreadFailure?.(failure);
        this.dispatch();
        return;
      }
      if (!thread) return;
      const job = this.queue.shift()!;
      const request = requestOf(this.nextId++, job.items);
      thread.jobs.set(request.id, job);
      this.jobsSent++;
      this.valuesSent += job.items.length;
      thread.worker.ref();
      thread.worker.postMessage(request, [request.input]);
    }
  }

  /** The thread with the fewest jobs and room for another, starting one if the pool is not full. */
  private idlest(): Thread | undefined {
    let best: Thread | undefined;
    for (const t of this.threads) if (t.jobs.size < JOBS_PER_THREAD && (!best || t.jobs.size < best.jobs.size)) best = t;
    if (best?.jobs.size === 0 || this.threads.length >= this.options.threads) return best;
    return this.start();
  }

  private start(): Thread {
    const worker = new Worker(this.script);
    const thread: Thread = { worker, jobs: new Map(), answered: false };
    worker.on('message', (res: PeelResponse) => {
      thread.answered = true;
      this.failedStarts = 0;
      const job = thread.jobs.get(res.id);
      thread.jobs.delete(res.id);
      // An idle thread must not keep a finished CLI alive; a busy one must, or the process
      // could exit while a batch waits for its answer.
      if (thread.jobs.size === 0) worker.unref();
      if ('bug' in res) job?.reject(new DecompressThreadFailed(`decompression thread: ${res.bug.split('\n')[0]}`, { bug: true, cause: res.bug }));
      else if (job) {
        this.valuesPeeled += res.ends.length;
        job.resolve(res);
      }
      this.dispatch();
    });
    const fail = (err: DecompressThreadFailed) => {
      const at = this.threads.indexOf(thread);
      if (at < 0) return;
      this.threads.splice(at, 1);
      if (this.closed) return;
      this.options.onThreadFailure?.(err);
      // A thread that cannot even answer once (a missing or broken script) would fail the same
      // way each time: after a few in a row the pool stops starting them, and every batch
      // decompresses on its own thread.
      if (!thread.answered && ++this.failedStarts >= MAX_FAILED_STARTS) this.brokenBy = new DecompressThreadFailed(`decompression threads disabled after ${MAX_FAILED_STARTS} failed to start; last: ${err.message}`, { cause: err });
      for (const job of thread.jobs.values()) job.reject(err);
      thread.jobs.clear();
      // The next job starts a fresh thread (or, given up, fails at once).
      this.dispatch();
    };
    worker.on('messageerror', (err) => {
      fail(new DecompressThreadFailed(`decompression thread's answer could not be read: ${err.message}`, { cause: err }));
      void worker.terminate();
    });
    worker.on('error', (err) => fail(new DecompressThreadFailed(`decompression thread failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => fail(new DecompressThreadFailed(`decompression thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }
}

/**
 * A job's values end to end in one fresh buffer, made as the job is sent: copying a batch's
 * values as it queued them would hold every compressed byte twice until the queue drained.
 */
function requestOf(id: number, items: readonly PeelItem[]): PeelRequest {
  let total = 0;
  for (const item of items) total += item.bytes.length;
  const input = new ArrayBuffer(total);
  const view = new Uint8Array(input);
  const ends: number[] = [];
  let at = 0;
  for (const item of items) {
    view.set(item.bytes, at);
    at += item.bytes.length;
    ends.push(at);
  }
  return { id, input, ends, compressions: items.map((i) => i.compression), maxBytes: items.map((i) => i.maxBytes) };
}

/** Hands a job's answers to `onPeeled`; returns how many values it answered for. */
function deliver(res: Extract<PeelResponse, { output: ArrayBuffer }>, offset: number, onPeeled: (index: number, peeled: Peeled) => void): number {
  if (res.ends.length === 0) throw new DecompressThreadFailed('decompression thread answered for no values');
  const output = new Uint8Array(res.output);
  let start = 0;
  res.ends.forEach((end, i) => {
    const failure = res.failures[i];
    onPeeled(offset + i, failure ? { ok: false, error: new DecodeError(failure.reason, failure.message, { format: failure.format }) } : { ok: true, bytes: output.subarray(start, end) });
    start = end;
  });
  return res.ends.length;
}

/**
 * The cores this process may use: os.availableParallelism() (CPU affinity), capped by a
 * cgroup v2 CPU quota (a container's `cpus:` limit), which Node 20 does not read.
 */
export function cpuBudget(cpuMax = '/sys/fs/cgroup/cpu.max'): number {
  const cores = availableParallelism();
  try {
    const [quota, period] = readFileSync(cpuMax, 'utf8').trim().split(/\s+/);
    const allowed = Math.ceil(Number(quota) / Number(period));
    return Number.isFinite(allowed) && allowed >= 1 ? Math.min(cores, allowed) : cores;
  } catch {
    // No cgroup v2 CPU controller here (another OS, cgroup v1): affinity is all there is.
    return cores;
  }
}

/**
 * Threads for a scan's decompression: `threads` if given (0: none), else one fewer than the
 * cores (the event loop keeps one), at most four; none when the compiled thread script is not
 * there (the sources under vitest).
 */
export function decompressPoolFor(threads?: number, onThreadFailure?: (err: DecompressThreadFailed) => void): DecompressPool | undefined {
  const n = threads ?? Math.min(4, cpuBudget() - 1);
  return n >= 1 && existsSync(THREAD_SCRIPT) ? new DecompressPool({ threads: n, onThreadFailure }) : undefined;
}
