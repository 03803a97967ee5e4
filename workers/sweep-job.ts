import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { CacheShard } from '../src/cache/connect-cache.js';
import { scanKeys } from '../src/cache/scan-keys.js';
import { checkpoint, claimSweep, failSweep, finishSweep, pendingBatches, type SweepState } from '../src/state/sweeps.js';
import { encodeKeys, type CheckJob } from './check-job.js';
import { RETRIED } from './queues.js';
import type { ServiceDeps } from './service-deps.js';
import { tryLockSweep, type SweepLock } from './sweep-lock.js';

export interface SweepJob {
  reason: string;
  /** Resume the unfinished sweep if there is one; never start a new one. */
  resumeOnly?: boolean;
  /** The sweep this job claimed: a retry of the job resumes that sweep or, if it ended, stops. */
  sweepId?: number;
}

export type SweepResult = { sweepId: number; state: 'done' | 'interrupted' | 'failed'; scanned: number } | { state: 'skipped'; why: string };

// SCAN runs ahead of the checks by at most this many queued batches per worker slot: the queue
// Redis holds a bounded window of keys, never the keyspace.
const QUEUE_AHEAD = 8;
const POLL_MS = 250;
// The walk queues and checkpoints this many SCAN pages at a time. Each step costs sequential
// round trips (queue room, add, checkpoint) resumed through an event loop shared with this
// process's check jobs; paid per page, they capped a sweep at ~50 pages/s here, leaving a
// second worker process idle (npm run bench:watch, BENCHMARKS.md).
const PAGES_PER_STEP = 4;
const PROGRESS_LOG_MS = 10_000;
/** How long a sweep request waits before trying again while another sweep runs. */
const REQUEST_RETRY_MS = 30_000;
/** The check queue empty this long while batches are pending means they were lost. */
const LOST_AFTER_MS = 5_000;

/**
 * One sweep: a SCAN walk per shard from its checkpointed cursor, each page queued as a check
 * batch (deterministic job id, so a resumed walk re-queues nothing twice), the cursor saved
 * after the batches of its pages are queued; then wait for the batches and close the sweep.
 */
export async function processSweepJob(deps: ServiceDeps, job: Job<SweepJob>): Promise<SweepResult> {
  const lock = await tryLockSweep(deps.state.pool, deps.state.schema);
  if (!lock) {
    // A request (a lost real-time subscription, say) is about keys the running sweep may have
    // passed already: it waits for its turn instead of vanishing.
    if (job.data.reason !== 'scheduled' && !job.data.resumeOnly) {
      await deps.queues.sweep.add('sweep', job.data, { delay: REQUEST_RETRY_MS, jobId: 'requested-again', removeOnComplete: true, removeOnFail: true });
    }
    return { state: 'skipped', why: 'another sweep is running' };
  }
  try {
    const covered = await alreadyCovered(deps, job);
    if (covered) return { state: 'skipped', why: covered };
    return await deps.session.use(async (s) => {
      const shards = s.cache.shards;
      const total = await countKeys(shards);
      const topology = topologyOf(shards);
      const sweep = job.data.resumeOnly
        ? await claimSweep(deps.state.pool, job.data.reason, shards.map((x) => x.name), { total, topology, resumeOnly: true })
        : await claimSweep(deps.state.pool, job.data.reason, shards.map((x) => x.name), { total, topology });
      if (!sweep) return { state: 'skipped', why: 'no unfinished sweep to resume' };
      if (job.data.sweepId !== sweep.id) await job.updateData({ ...job.data, sweepId: sweep.id });
      const log = deps.log.child({ sweepId: sweep.id });
      log.info({ reason: job.data.reason, resumed: sweep.resumed, shards: shards.length, total }, sweep.resumed ? 'sweep resumed' : 'sweep started');
      const progress = setInterval(() => void logProgress(deps, sweep, log), PROGRESS_LOG_MS);
      try {
        await Promise.all(
          sweep.shards.map(async (st) => {
            if (st.done) return;
            await walkShard(deps, sweep, shards.find((x) => x.name === st.shard)!, st.cursor, lock);
          }),
        );
        if (deps.shutdown.aborted) return interrupted(deps, sweep, log);
        let idleSince: number | undefined;
        while ((await pendingBatches(deps.state.pool, sweep.id)) > 0) {
          if (deps.shutdown.aborted) return interrupted(deps, sweep, log);
          lock.assertHeld();
          // Batches pending in the state but absent from the queue were lost with it (a queue
          // Redis restarted without persistence): this sweep cannot complete, so it fails and a
          // new one starts from scratch. Nothing is resolved on the strength of a partial sweep.
          idleSince = (await checkQueueIdle(deps)) ? (idleSince ?? Date.now()) : undefined;
          if (idleSince !== undefined && Date.now() - idleSince > LOST_AFTER_MS) {
            await failSweep(deps.state.pool, sweep.id, 'check batches were lost from the queue (queue Redis restarted?)');
            deps.metrics.sweeps.inc({ outcome: 'failed' });
            log.error('sweep failed: its check batches were lost from the queue; starting a new sweep');
            await deps.queues.sweep.add('sweep', { reason: `restart after sweep ${sweep.id} lost its batches` } satisfies SweepJob, { jobId: `restart-${sweep.id}`, removeOnComplete: true, removeOnFail: true });
            return { sweepId: sweep.id, state: 'failed', scanned: await scannedBy(deps, sweep.id) };
          }
          await sleep(POLL_MS);
        }
        lock.assertHeld();
        // Keys that moved between shards under the sweep were never seen, not gone.
        const now = await deps.session.use(async (cur) => topologyOf(cur.cache.shards));
        const stable = sweep.topology === undefined || sweep.topology === now;
        if (!stable) log.warn('the cache topology changed during the sweep; keys it did not reach are not resolved as gone');
        const closed = await finishSweep(deps.state.pool, sweep, { resolveGone: stable });
        const scanned = await scannedBy(deps, sweep.id);
        deps.metrics.sweeps.inc({ outcome: 'done' });
        deps.metrics.sweepKeysScanned.set(scanned);
        deps.metrics.sweepProgress.set(1);
        deps.metrics.lastSweepFinished.set(Date.now() / 1000);
        deps.metrics.sweepDuration.set((Date.now() - sweep.startedAt.getTime()) / 1000);
        deps.metrics.incidentsResolved.inc(closed.resolvedIncidents.length);
        log.info({ scanned, resolvedFindings: closed.resolvedFindings, resolvedIncidents: closed.resolvedIncidents.length }, 'sweep finished');
        return { sweepId: sweep.id, state: 'done', scanned };
      } finally {
        clearInterval(progress);
      }
    });
  } finally {
    await lock.release();
  }
}

/**
 * Why this job needs no sweep, if it does not. A retried job whose sweep was finished by another
 * process (which took over after this one stalled or failed) must not start a second sweep. A
 * scheduled tick is redundant while the last sweep started within the period: every process
 * registers the scheduler at start and on a queue reconnect, and BullMQ then queues a tick due
 * at once, so without this each deploy or restart would sweep the whole cache again.
 */
async function alreadyCovered(deps: ServiceDeps, job: Job<SweepJob>): Promise<string | undefined> {
  if (job.data.sweepId !== undefined) {
    const res = await deps.state.pool.query<{ status: string }>('select status from sweeps where id = $1', [job.data.sweepId]);
    const status = res.rows[0]?.status;
    return status === 'running' ? undefined : `its sweep ${job.data.sweepId} has ended (${status ?? 'removed'})`;
  }
  if (job.data.reason !== 'scheduled' || job.data.resumeOnly) return undefined;
  // A tick a little early (timer jitter) still sweeps: within 90 % of the period is a repeat.
  const res = await deps.state.pool.query<{ id: string; ago: number }>(
    `select id::text, extract(epoch from now() - started_at)::float8 as ago from sweeps
      where status <> 'failed' and not exists (select 1 from sweeps where status = 'running')
        and started_at > now() - make_interval(secs => $1)
      order by id desc limit 1`,
    [(deps.config.sweep.everyMs * 0.9) / 1000],
  );
  const last = res.rows[0];
  return last ? `sweep ${last.id} started ${last.ago.toFixed(1)} s ago, within sweep.every` : undefined;
}

async function walkShard(deps: ServiceDeps, sweep: SweepState, shard: CacheShard, from: string, lock: SweepLock): Promise<void> {
  const shardIndex = deps.config.cache.cluster ? `${shard.name}` : 'n';
  let before = from;
  const pages = scanKeys(shard.redis, { count: deps.config.sweep.count, cursor: from, signal: deps.shutdown });
  let jobs: { name: string; data: CheckJob; opts: typeof RETRIED & { jobId: string } }[] = [];
  let pagesInStep = 0;
  for await (const page of pages) {
    if (page.keys.length > 0) {
      const jobId = batchId(sweep.id, shardIndex, before, page.keys);
      jobs.push({ name: 'batch', data: { sweepId: sweep.id, shard: shard.name, keys: encodeKeys(page.keys) }, opts: { ...RETRIED, jobId } });
    }
    before = page.cursor;
    if (++pagesInStep < PAGES_PER_STEP && page.cursor !== '0' && !deps.shutdown.aborted) continue;
    // Without the lock another process may be walking this shard too: stop, and let the retry
    // take the lock again or find the sweep finished.
    lock.assertHeld();
    if (jobs.length > 0) {
      await waitForRoom(deps);
      await deps.queues.check.addBulk(jobs);
    }
    // The cursor moves past these pages only once their batches are queued.
    await checkpoint(deps.state.pool, sweep.id, shard.name, page.cursor, jobs.map((j) => j.opts.jobId), pagesInStep);
    jobs = [];
    pagesInStep = 0;
    if (deps.shutdown.aborted) return;
  }
}

/**
 * A batch's job id: the cursor before its page and a digest of the page's keys. A walk resumed
 * from a checkpoint re-reads pages it had queued; the same page dedupes against its first batch.
 * The same cursor does not always give the same page: the cache's hash table may have resized
 * between the reads (the queue's own keys come and go in a shared Redis), and a page named by
 * its cursor alone was then taken for its first batch, its new keys never checked or counted.
 * No ':' in BullMQ job ids.
 */
export function batchId(sweepId: number, shard: string, cursor: string, keys: readonly Buffer[]): string {
  const digest = createHash('sha256');
  for (const k of keys) digest.update(`${k.length}:`).update(k);
  return `s${sweepId}-${shard.replace(/:/g, '_')}-${cursor}-${digest.digest('hex').slice(0, 16)}`;
}

async function checkQueueIdle(deps: ServiceDeps): Promise<boolean> {
  const counts = await deps.queues.check.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
  return Object.values(counts).every((n) => n === 0);
}

async function waitForRoom(deps: ServiceDeps): Promise<void> {
  let waiting = await deps.queues.check.getWaitingCount();
  // Below one worker's share there is room whatever the worker count: no CLIENT LIST then.
  if (waiting < QUEUE_AHEAD) return;
  const limit = QUEUE_AHEAD * Math.max(1, await deps.queues.check.getWorkersCount().catch(() => 1));
  while (!deps.shutdown.aborted && waiting >= limit) {
    await sleep(POLL_MS);
    waiting = await deps.queues.check.getWaitingCount();
  }
}

async function interrupted(deps: ServiceDeps, sweep: SweepState, log: ServiceDeps['log']): Promise<SweepResult> {
  // The sweep stays 'running' with its cursors saved. Another running process (a rolling
  // deploy) picks this request up as soon as our lock is released; with none, the next start does.
  await deps.queues.sweep
    .add('sweep', { reason: 'resume after shutdown', resumeOnly: true } satisfies SweepJob, { jobId: `resume-${sweep.id}-${Date.now()}`, removeOnComplete: true, removeOnFail: true })
    .catch((err: unknown) => log.warn({ err: String(err) }, 'could not queue the resume; the next start or scheduled sweep resumes it'));
  log.info('sweep interrupted by shutdown; it resumes from its checkpoint');
  return { sweepId: sweep.id, state: 'interrupted', scanned: 0 };
}

/** Shards and their slot ranges, in a stable textual form. */
function topologyOf(shards: readonly CacheShard[]): string {
  return shards
    .map((s) => `${s.name}=${(s.slots ?? []).map(([a, b]) => `${a}-${b}`).join(',')}`)
    .sort()
    .join(' ');
}

async function countKeys(shards: readonly CacheShard[]): Promise<number | undefined> {
  try {
    return (await Promise.all(shards.map((s) => s.redis.dbsize()))).reduce((a, b) => a + b, 0);
  } catch {
    // DBSIZE only feeds the progress figure; SCAN reports real failures.
    return undefined;
  }
}

async function scannedBy(deps: ServiceDeps, sweepId: number): Promise<number> {
  const res = await deps.state.pool.query<{ scanned: string }>('select scanned::text from sweeps where id = $1', [sweepId]);
  return Number(res.rows[0]?.scanned ?? 0);
}

async function logProgress(deps: ServiceDeps, sweep: SweepState, log: ServiceDeps['log']): Promise<void> {
  try {
    const res = await deps.state.pool.query<{ scanned: string; total: string | null; secs: number }>(
      'select scanned::text, total::text, extract(epoch from now() - started_at)::float8 as secs from sweeps where id = $1',
      [sweep.id],
    );
    const r = res.rows[0];
    if (!r) return;
    const scanned = Number(r.scanned);
    deps.metrics.sweepKeysScanned.set(scanned);
    if (r.total !== null && Number(r.total) > 0) deps.metrics.sweepProgress.set(Math.min(1, scanned / Number(r.total)));
    log.info({ scanned, total: r.total === null ? undefined : Number(r.total), keysPerSecond: Math.round(scanned / Math.max(1, r.secs)) }, 'sweep progress');
  } catch {
    // Progress is informational; the sweep's own queries surface real failures.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
