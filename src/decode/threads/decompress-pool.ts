import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DecodeError } from '../decode-error.js';
import type { CompressionName } from '../../types.js';
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
  /** The compiled thread script; tests name dist's, since vitest runs the .ts sources. */
  script?: string;
}

/** The compiled thread beside this module (absent when the sources run under vitest). */
export const THREAD_SCRIPT = fileURLToPath(new URL('./decompress-thread.js', import.meta.url));

// A job is one message each way, and each costs both threads a wake-up: in bench:format-sweep
// (--decode-threads 1) jobs of 256 small values cost the process less CPU a key than jobs of 64.
// The input cap keeps a batch of large values from becoming one huge copy (the output has its
// own cap, OUTPUT_BYTES_PER_JOB).
const VALUES_PER_JOB = 256;
const INPUT_BYTES_PER_JOB = 4 * 1024 * 1024;
// Two jobs per thread: it starts the next while this thread decodes the last one's answer.
// More would only hold more decompressed bytes in messages nobody is reading yet.
const JOBS_PER_THREAD = 2;

interface Job {
  request: PeelRequest;
  resolve(res: PeelResponse): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
}

/**
 * Decompression on worker threads, so that a sweep of compressed values (django-redis's xz
 * pickles) decodes on more than the one core its event loop runs on. Only the peel moves: the
 * format decode and everything after it stay on the caller's thread, in the caller's order.
 */
export class DecompressPool {
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  /** Jobs sent to the threads so far. */
  jobsSent = 0;
  private closed = false;
  private readonly script: string;

  constructor(private readonly options: DecompressPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError('DecompressPool: threads must be a positive integer');
    this.script = options.script ?? THREAD_SCRIPT;
  }

  /**
   * Decompresses the values and calls `onPeeled` once for each as its job's answer arrives
   * (a job's values in order; jobs in the order threads finish them): the caller decodes them
   * and lets the plain bytes go before more pile up.
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
    await Promise.all(jobs);
  }

  /** One job; a thread that stopped at its output cap gets the values it did not reach again. */
  private async peelRange(items: readonly PeelItem[], first: number, last: number, onPeeled: (index: number, peeled: Peeled) => void): Promise<void> {
    while (first < last) first += deliver(await this.submit(items.slice(first, last)), first, onPeeled);
  }

  /** Ends the threads; jobs not yet answered fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('decompression pool closed'));
    const threads = this.threads.splice(0);
    for (const t of threads) {
      for (const job of t.jobs.values()) job.reject(new Error('decompression pool closed'));
      t.jobs.clear();
    }
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private submit(items: readonly PeelItem[]): Promise<PeelResponse> {
    if (this.closed) return Promise.reject(new Error('decompression pool closed'));
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
    const request: PeelRequest = { id: this.nextId++, input, ends, compressions: items.map((i) => i.compression), maxBytes: items.map((i) => i.maxBytes) };
    return new Promise<PeelResponse>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idlest();
      if (!thread) return;
      const job = this.queue.shift()!;
      thread.jobs.set(job.request.id, job);
      this.jobsSent++;
      thread.worker.ref();
      thread.worker.postMessage(job.request, [job.request.input]);
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
    const thread: Thread = { worker, jobs: new Map() };
    worker.on('message', (res: PeelResponse) => {
      const job = thread.jobs.get(res.id);
      thread.jobs.delete(res.id);
      // An idle thread must not keep a finished CLI alive; a busy one must, or the process
      // could exit while a batch waits for its answer.
      if (thread.jobs.size === 0) worker.unref();
      job?.resolve(res);
      this.dispatch();
    });
    const fail = (err: Error) => {
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      for (const job of thread.jobs.values()) job.reject(err);
      thread.jobs.clear();
      // The next job starts a fresh thread.
      if (!this.closed) this.dispatch();
    };
    worker.on('error', (err) => fail(new Error(`decompression thread failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => fail(new Error(`decompression thread exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }
}

/** Hands a job's answers to `onPeeled`; returns how many values it answered for. */
function deliver(res: PeelResponse, offset: number, onPeeled: (index: number, peeled: Peeled) => void): number {
  if ('bug' in res) throw new Error(`decompression thread: ${res.bug}`);
  const output = new Uint8Array(res.output);
  let start = 0;
  res.ends.forEach((end, i) => {
    const failure = res.failures[i];
    onPeeled(offset + i, failure ? { ok: false, error: new DecodeError(failure.reason, failure.message, { format: failure.format }) } : { ok: true, bytes: output.subarray(start, end) });
    start = end;
  });
  if (res.ends.length === 0) throw new Error('decompression thread answered for no values');
  return res.ends.length;
}

/**
 * Threads for a scan's decompression: one fewer than the cores (the event loop keeps one), at
 * most four, none on one core or when the compiled thread script is not there (vitest).
 */
export function defaultDecompressPool(): DecompressPool | undefined {
  const threads = Math.min(4, availableParallelism() - 1);
  return threads >= 1 && existsSync(THREAD_SCRIPT) ? new DecompressPool({ threads }) : undefined;
}
