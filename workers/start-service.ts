import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { SharedTokenBucket } from '../src/cache/shared-token-bucket.js';
import type { TenantwatchConfig } from '../src/config/validate-config.js';
import { describeError } from '../src/errors.js';
import { createMetrics, type Metrics } from '../src/metrics/metrics.js';
import { openScanSession } from '../src/scan/open-scan-context.js';
import { connectState } from '../src/state/connect-state.js';
import { migrate } from '../src/state/migrate.js';
import { startStateFigures } from '../src/metrics/state-figures.js';
import { abandonBatch } from '../src/state/sweeps.js';
import { decodeKeys, processCheckJob, type CheckJob } from './check-job.js';
import { processConfirmJob } from './confirm-job.js';
import { openQueues, QUEUE_NAMES, QUEUE_PREFIX, queueConnection, queueRedisUrl } from './queues.js';
import { startRealtime, type RealtimeHandle } from './realtime.js';
import type { ConfirmJob } from './record-outcome.js';
import { processSampleJob } from './sample-job.js';
import { processScanJob } from './scan-job.js';
import { startAlerting } from '../alerts/start-alerting.js';
import { cappedBackoff } from '../src/queue/queue-config.js';
import type { ScanJobData } from '../src/queue/queue-config.js';
import type { ServiceDeps } from './service-deps.js';
import { MasterShards } from './master-shards.js';
import { SessionHolder } from './session-holder.js';
import { processSweepJob, type SweepJob } from './sweep-job.js';

export interface ServiceOptions {
  /** Check jobs this process runs at once (default 4). */
  concurrency?: number;
  /**
   * How long a job's lock lasts before another process may take over a job whose worker died
   * (BullMQ lockDuration; stalled jobs are looked for at the same interval). Default 30 s.
   */
  lockDurationMs?: number;
  metrics?: Metrics;
  /** Decompression threads of this process's scan session ($TENANTWATCH_DECODE_THREADS). */
  decodeThreads?: number;
}

export interface Service {
  deps: ServiceDeps;
  realtime?: RealtimeHandle;
  /** Graceful stop: no new jobs, running ones finish or go back to the queue, then disconnect. */
  close(): Promise<void>;
}

const SAMPLE_EVERY_MS = 60_000;
// A sweep job that fails (e.g. Postgres restarting under its checkpoint) is retried and resumes
// from its checkpoint; without retries the sweep would wait for the next sweep.every tick.
const SWEEP_RETRIED = { attempts: 10, backoff: { type: 'capped' } } as const;
/** A deleted tenant's ids become unknown_tenant within this long (see TenantDirectory). */
const FORGET_TENANTS_MS = 5 * 60_000;

/**
 * The always-on watchdog of one process: migrate the state, register the job schedulers
 * (idempotent: every process upserts the same ones), and run the sweep, check, confirmation
 * and sample workers, plus real-time checks when configured.
 */
export async function startService(config: TenantwatchConfig, log: Logger, opts: ServiceOptions = {}): Promise<Service> {
  // Every check slot, the sweep lock, confirmations, sampling, scans, real time and status
  // queries may each hold a connection at once.
  const state = await connectState(config, { max: (opts.concurrency ?? 4) + 8 });
  const cleanup: (() => Promise<unknown>)[] = [() => state.close()];
  try {
    await migrate(state.pool, state.schema);
    const queueRedis = new Redis(queueRedisUrl(config), { maxRetriesPerRequest: null, lazyConnect: true });
    queueRedis.on('error', () => undefined);
    cleanup.push(() => queueRedis.quit().catch(() => queueRedis.disconnect()));
    await queueRedis.connect();
    const queues = openQueues(config);
    cleanup.push(() => queues.close());
    const abort = new AbortController();
    const bucket = new SharedTokenBucket(queueRedis, `${QUEUE_PREFIX}:rate:${state.schema}`, config.sweep.rate);
    const metrics = opts.metrics ?? createMetrics();
    const session = new SessionHolder(() => openScanSession(config, { bucket, decodeThreads: opts.decodeThreads, onDecodeThreadFailure: (err) => log.warn({ err: describeError(err) }, 'decompression thread failed; its values are decoded on the event loop'), forgetTenantsAfterMs: FORGET_TENANTS_MS, observeOwnerQuery: (sec) => metrics.ownerQueryDuration.observe(sec) }));
    cleanup.push(() => session.close());
    const masters = new MasterShards();
    cleanup.push(() => masters.close());
    const deps: ServiceDeps = { config, state, queueRedis, queues, session, priorityBucket: bucket.priority, masters, metrics, log, shutdown: abort.signal };

    const schedule = async () => {
      await queues.sweep.upsertJobScheduler('sweep', { every: config.sweep.everyMs }, { name: 'sweep', data: { reason: 'scheduled' } satisfies SweepJob, opts: SWEEP_RETRIED });
      if (config.sweep.sample > 0) await queues.sample.upsertJobScheduler('sample', { every: SAMPLE_EVERY_MS }, { name: 'sample', data: {} });
      else await queues.sample.removeJobScheduler('sample');
    };
    await schedule();
    // A queue Redis restarted without persistence comes back empty, schedulers included: register
    // them again on every reconnect ('ready' after the first connect), or no sweep ever runs again.
    queueRedis.on('ready', () => {
      log.info('queue Redis reconnected; registering the job schedulers again');
      schedule().catch((err: unknown) => log.error({ err: describeError(err) }, 'could not register the job schedulers after a reconnect'));
    });
    // A sweep left unfinished by a stopped or killed process resumes now, not at the next tick.
    const unfinished = await state.pool.query(`select 1 from sweeps where status = 'running'`);
    if ((unfinished.rowCount ?? 0) > 0) await requestSweep(deps, 'resume after restart', true);

    const alerting = await startAlerting({
      config,
      pool: state.pool,
      connection: queueConnection(config),
      prefix: QUEUE_PREFIX,
      log,
      onDelivery: (channel, outcome) => deps.metrics.alertDeliveries.inc({ channel, outcome }),
    });
    cleanup.push(() => alerting.close());

    const lockDuration = opts.lockDurationMs ?? 30_000;
    const common = { connection: queueConnection(config), prefix: QUEUE_PREFIX, lockDuration, stalledInterval: lockDuration, maxStalledCount: 5, settings: { backoffStrategy: cappedBackoff } };
    const workers = [
      new Worker<SweepJob>(QUEUE_NAMES.sweep, (job: Job<SweepJob>) => processSweepJob(deps, job), { ...common, concurrency: 1 }),
      new Worker<CheckJob>(QUEUE_NAMES.check, (job: Job<CheckJob>) => processCheckJob(deps, job), { ...common, concurrency: opts.concurrency ?? 4 }),
      new Worker<ConfirmJob>(QUEUE_NAMES.confirm, (job: Job<ConfirmJob>) => processConfirmJob(deps, job), { ...common, concurrency: 2 }),
      new Worker(QUEUE_NAMES.sample, () => processSampleJob(deps), { ...common, concurrency: 1 }),
      new Worker<ScanJobData>(QUEUE_NAMES.scan, (job: Job<ScanJobData>) => processScanJob(deps, job), { ...common, concurrency: 1 }),
    ];
    for (const w of workers) {
      w.on('failed', (job, err) => {
        const final = job !== undefined && (err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1));
        log[final ? 'error' : 'warn']({ queue: w.name, jobId: job?.id, attempt: job?.attemptsMade, err: describeError(err) }, final ? 'job failed for good' : 'job failed; it is retried with backoff');
        if (final && w.name === QUEUE_NAMES.check) void giveUpBatch(deps, job as Job<CheckJob>);
      });
      w.on('error', (err) => log.error({ queue: w.name, err: describeError(err) }, 'worker error'));
    }
    const realtime = config.realtime.keyspaceEvents ? startRealtime(deps, (reason) => requestSweep(deps, reason)) : undefined;
    if (!realtime) deps.metrics.realtimeEnabled.set(0);
    deps.metrics.realtimeConfigured.set(realtime ? 1 : 0);
    metrics.roles.set({ role: 'worker' }, 1);
    const stopFigures = startStateFigures(state.pool, config, metrics, log);
    cleanup.push(() => stopFigures());
    log.info({ concurrency: opts.concurrency ?? 4, realtime: config.realtime.keyspaceEvents, sweepEveryMs: config.sweep.everyMs, rate: config.sweep.rate }, 'watchdog started');

    let closing: Promise<void> | undefined;
    return {
      deps,
      realtime,
      close: () =>
        (closing ??= (async () => {
          log.info('shutting down: finishing running jobs');
          // Workers stop taking jobs first, then running ones are told to wrap up: a sweep stops at
          // a page boundary and its resume request goes to another process, not back to us.
          const draining = Promise.all(workers.map((w) => w.close()));
          abort.abort();
          await realtime?.close();
          await draining;
          for (const c of cleanup.reverse()) await c().catch(() => undefined);
          log.info('stopped');
        })()),
    };
  } catch (err) {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    throw err;
  }
}

/** The sweep must not wait forever for a batch the queue gave up on; its keys go unchecked. */
async function giveUpBatch(deps: ServiceDeps, job: Job<CheckJob>): Promise<void> {
  try {
    const keys = decodeKeys(job.data.keys).map((k) => k.toString('utf8'));
    await abandonBatch(deps.state.pool, job.data.sweepId, job.id!, keys);
    deps.metrics.keysUnchecked.inc({ path: 'sweep' }, keys.length);
  } catch (err) {
    deps.log.error({ jobId: job.id, err: describeError(err) }, 'could not record an abandoned batch; its sweep waits until a restart');
  }
}

/** Ask for a sweep now (deduplicated while one such request is waiting). */
export async function requestSweep(deps: ServiceDeps, reason: string, resumeOnly = false): Promise<void> {
  await deps.queues.sweep.add('sweep', { reason, resumeOnly } satisfies SweepJob, { ...SWEEP_RETRIED, jobId: resumeOnly ? 'resume' : 'requested', removeOnComplete: true, removeOnFail: true });
}
