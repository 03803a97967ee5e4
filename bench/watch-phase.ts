import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { QUEUE_KEY_PREFIX } from '../src/cache/own-keys.js';
import { benchAbort, sleep, startRedisServer, type BenchRedis } from './watch-env.js';
import { spawnWorker, writeWatchConfig, type WatchConfig, type WorkerProcess } from './watch-service.js';

// The service's BullMQ prefix and queue names, as an operator's tooling would address them.
const QUEUE_PREFIX = QUEUE_KEY_PREFIX.slice(0, -1);
const QUEUE_NAMES = { sweep: 'sweep', check: 'check' } as const;

// Per run: two benchmarks at once (or a failed one's cleanup) never touch each other's schemas.
export const STATE_SCHEMA = `tw_watch_bench_state_${process.pid}`;
export const SOURCE_SCHEMA = `tw_watch_bench_src_${process.pid}`;

export interface PhaseOptions {
  databaseUrl: string;
  /** The cache Redis listens here, the queue Redis on port + 1. */
  port: number;
  /** Extra redis-server arguments for the cache (e.g. notify-keyspace-events). */
  cacheArgs?: string[];
}

/**
 * One phase's world: a private cache Redis and a separate queue Redis (so the queue's traffic
 * does not count against the cache), the state and source schemas, and the workers it spawned.
 */
export interface Phase {
  cache: BenchRedis;
  queue: BenchRedis;
  cacheRedis: Redis;
  queueRedis: Redis;
  pool: pg.Pool;
  workers: WorkerProcess[];
  /** Write a config for this phase (every other setting fixed by the benchmark). */
  config(name: string, c: Pick<WatchConfig, 'every' | 'realtime' | 'confirmAfter' | 'count' | 'rate'>): string;
  /** Spawn `n` worker processes and wait until each has started. */
  spawn(configPath: string, n: number, concurrency: number): Promise<WorkerProcess[]>;
  /** Stop every worker gracefully, drop the state schema and empty the queue Redis. */
  reset(): Promise<void>;
  /** Queue a sweep now, as `requestSweep` does. */
  requestSweep(jobId: string): Promise<void>;
  /** The check queue the sweeps fan out to (for its counts). */
  checkQueue: Queue;
  /** Sweep jobs waiting or running. */
  sweepJobs(): Promise<number>;
}

export async function withPhase<T>(opts: PhaseOptions, fn: (p: Phase) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-watch-bench-'));
  const started: BenchRedis[] = [];
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 3 });
  pool.on('error', () => undefined);
  let cacheRedis: Redis | undefined;
  let queueRedis: Redis | undefined;
  let sweepQueue: Queue | undefined;
  let checkQueue: Queue | undefined;
  const workers: WorkerProcess[] = [];
  try {
    const cache = await startRedisServer(opts.port, opts.cacheArgs);
    started.push(cache);
    const queue = await startRedisServer(opts.port + 1);
    started.push(queue);
    cacheRedis = new Redis(cache.url, { maxRetriesPerRequest: 2 });
    queueRedis = new Redis(queue.url, { maxRetriesPerRequest: 2 });
    // A failed command reports the problem; the connection's own error events would only repeat it.
    cacheRedis.on('error', () => undefined);
    queueRedis.on('error', () => undefined);
    const q = queueRedis;
    const sq = (sweepQueue = new Queue(QUEUE_NAMES.sweep, { connection: { url: queue.url }, prefix: QUEUE_PREFIX }));
    checkQueue = new Queue(QUEUE_NAMES.check, { connection: { url: queue.url }, prefix: QUEUE_PREFIX });
    const stopWorkers = async () => {
      const codes = await Promise.all(workers.map((w) => w.stop()));
      workers.length = 0;
      const bad = codes.filter((c) => c !== 0);
      if (bad.length > 0) throw new Error(`a worker exited with ${bad.join(', ')} after SIGTERM (graceful stop expected)`);
    };
    const phase: Phase = {
      cache,
      queue,
      cacheRedis,
      queueRedis,
      pool,
      workers,
      checkQueue,
      config: (name, c) => writeWatchConfig(dir, name, { ...c, cacheUrl: cache.url, queueUrl: queue.url, databaseUrl: opts.databaseUrl, stateSchema: STATE_SCHEMA, sourceSchema: SOURCE_SCHEMA }),
      async spawn(configPath, n, concurrency) {
        const spawned: WorkerProcess[] = [];
        for (let i = 0; i < n; i++) {
          const w = spawnWorker(configPath, concurrency);
          workers.push(w);
          spawned.push(w);
        }
        await Promise.all(spawned.map((w) => w.ready));
        return spawned;
      },
      async reset() {
        await stopWorkers();
        await pool.query(`drop schema if exists ${STATE_SCHEMA} cascade`);
        await q.flushall();
      },
      async requestSweep(jobId) {
        await sq.add('sweep', { reason: 'benchmark' }, { jobId, removeOnComplete: true, removeOnFail: true });
      },
      async sweepJobs() {
        const c = await sq.getJobCounts('waiting', 'active', 'prioritized');
        return Object.values(c).reduce((a, b) => a + b, 0);
      },
    };
    await pool.query(`drop schema if exists ${STATE_SCHEMA} cascade`);
    const result = await fn(phase);
    await stopWorkers();
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.stop().catch(() => null)));
    await sweepQueue?.close().catch(() => undefined);
    await checkQueue?.close().catch(() => undefined);
    cacheRedis?.disconnect();
    queueRedis?.disconnect();
    for (const s of started) await s.stop();
    await pool.query(`drop schema if exists ${STATE_SCHEMA} cascade`).catch(() => undefined);
    await pool.query(`drop schema if exists ${SOURCE_SCHEMA} cascade`).catch(() => undefined);
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A sweep row of the state schema. */
export interface SweepRow {
  id: number;
  status: string;
  scanned: number;
  seconds: number | null;
  finishedAtMs: number | null;
}

export async function sweepRows(pool: pg.Pool): Promise<SweepRow[]> {
  // Ordered by the bigint column, not by the text alias (which puts sweep 10 before 2).
  const res = await pool.query<{ id: string; status: string; scanned: string; secs: number | null; fin: number | null }>(
    `select id::text, status, scanned::text, extract(epoch from finished_at - started_at)::float8 as secs,
            (extract(epoch from finished_at) * 1000)::float8 as fin
       from ${STATE_SCHEMA}.sweeps s order by s.id`,
  );
  return res.rows.map((r) => ({ id: Number(r.id), status: r.status, scanned: Number(r.scanned), seconds: r.secs, finishedAtMs: r.fin }));
}

/** Poll until `done` answers a value, or fail after `timeoutMs` naming what was awaited. */
export async function waitFor<T>(what: string, timeoutMs: number, done: () => Promise<T | undefined>, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (benchAbort.signal.aborted) throw new Error('interrupted');
    const v = await done().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Wait until the sweeps the workers started on their own are finished and none is queued. */
export async function waitQuiet(p: Phase, minDone: number, timeoutMs: number): Promise<SweepRow[]> {
  return waitFor('the start-up sweep to finish', timeoutMs, async () => {
    const rows = await sweepRows(p.pool);
    if (rows.filter((r) => r.status === 'done').length < minDone || rows.some((r) => r.status === 'running')) return undefined;
    return (await p.sweepJobs()) === 0 ? rows : undefined;
  }, 250);
}
