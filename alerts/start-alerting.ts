import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TenantwatchConfig } from '../src/config/validate-config.js';
import { describeError } from '../src/errors.js';
import type { Channel, DeliveryJob } from './alert-types.js';
import { configuredChannels, dispatchAlerts, type DispatchContext } from './dispatch-alerts.js';
import { deliverNotification, type DeliveryOutcome } from './deliver-notification.js';
import { DeliveryFailure } from './post-json.js';

/** BullMQ queues of alert delivery (under the service's prefix). */
export const ALERT_QUEUES = {
  dispatch: 'alert-dispatch',
  pagerduty: 'alert-pagerduty',
  slack: 'alert-slack',
  webhook: 'alert-webhook',
} as const;

/**
 * Provider rate limits, per queue (one routing key / webhook URL each): Slack allows about one
 * message per second per webhook; PagerDuty about 120 events a minute per routing key.
 */
const LIMITS: Record<Channel, { max: number; duration: number }> = {
  slack: { max: 1, duration: 1000 },
  pagerduty: { max: 120, duration: 60_000 },
  webhook: { max: 10, duration: 1000 },
};
/** Slack one at a time (its limit is 1/s anyway, and trigger/resolve stay in order). */
const CONCURRENCY: Record<Channel, number> = { slack: 1, pagerduty: 4, webhook: 4 };

/** Tuning knobs; the defaults suit production, tests shorten them. */
export interface AlertingOptions {
  /** How often the dispatcher runs (default 1000 ms). */
  dispatchEveryMs?: number;
  /** First retry delay (default 1000 ms), doubled each attempt up to `retryMaxMs` (default 10 min), with jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts per notification (default 25: about 3 hours of retries at the defaults). */
  attempts?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** An unsent notification's job is looked for this long after queueing, and queued again if lost (default 60 s). */
  requeueAfterMs?: number;
}

export interface AlertingDeps {
  config: TenantwatchConfig;
  /** The state pool (search_path = the state schema, migrated). */
  pool: pg.Pool;
  /** The queue Redis (maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  prefix: string;
  log: Logger;
  /** Called once per delivery attempt, e.g. to count `alert_deliveries_total{channel,outcome}`. */
  onDelivery?: (channel: Channel, outcome: DeliveryOutcome) => void;
  options?: AlertingOptions;
}

export interface Alerting {
  /** Stop dispatching and delivering; queued jobs stay in Redis for the next start. */
  close(): Promise<void>;
}

/**
 * Start alert delivery in this process: a job scheduler runs the dispatcher every second (each
 * process upserts the same one; the dispatcher itself takes a Postgres try-lock), and one
 * rate-limited worker per configured channel sends the queued notifications.
 */
export async function startAlerting(deps: AlertingDeps): Promise<Alerting> {
  const { config, pool, connection, prefix } = deps;
  const log = deps.log.child({ component: 'alerts' });
  const channels = configuredChannels(config.alerts);
  if (channels.length === 0) {
    log.info('no alert channel configured (alerts.pagerduty, alerts.slack, alerts.webhook): incidents are recorded, not delivered');
    return { close: async () => undefined };
  }
  const o = deps.options ?? {};
  const retryBase = o.retryBaseMs ?? 1000;
  const retryMax = o.retryMaxMs ?? 600_000;
  const queues: Partial<Record<Channel, Queue<DeliveryJob>>> = {};
  for (const c of channels) queues[c] = new Queue<DeliveryJob>(ALERT_QUEUES[c], { connection, prefix });
  const dispatchQueue = new Queue(ALERT_QUEUES.dispatch, { connection, prefix });
  const closeQueues = () => Promise.all([dispatchQueue, ...Object.values(queues)].map((q) => q.close().catch(() => undefined)));

  const ctx: DispatchContext = {
    pool,
    config: config.alerts,
    queues,
    log,
    requeueAfterMs: o.requeueAfterMs,
    jobOptions: {
      attempts: o.attempts ?? 25,
      backoff: { type: 'alert' },
      // Completed jobs are kept a day: their ids deduplicate a notification queued twice.
      removeOnComplete: { age: 86_400 },
      removeOnFail: { age: 7 * 86_400 },
    },
  };
  const workers: Worker[] = [];
  try {
    const schedule = () =>
      dispatchQueue.upsertJobScheduler('alert-dispatch', { every: o.dispatchEveryMs ?? 1000 }, { name: 'dispatch', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
    await schedule();
    // A queue Redis restarted without persistence forgets the scheduler: register it again.
    const client = await dispatchQueue.backend.client;
    client.on('ready', () => void schedule().catch((err: unknown) => log.error({ err: describeError(err) }, 'could not register the alert dispatcher again')));

    const common = { connection, prefix };
    workers.push(
      new Worker(ALERT_QUEUES.dispatch, async () => {
        const r = await dispatchAlerts(ctx);
        if (r.triggered.length + r.reminded.length + r.resolved.length + r.silenceNotices.length > 0) {
          log.info({ triggered: r.triggered, reminded: r.reminded, resolved: r.resolved, silenceNotices: r.silenceNotices, queued: r.queued }, 'alerts dispatched');
        }
      }, { ...common, concurrency: 1 }),
    );
    const source = cacheSource(config);
    // A 429 pauses the channel's whole queue (every process's worker of it) for the Retry-After.
    const onThrottled = async (channel: Channel, ms: number) => {
      await queues[channel]?.rateLimit(ms);
      log.warn({ channel, pauseMs: ms }, 'provider rate limit hit; the channel pauses as long as it asked');
    };
    for (const c of channels) {
      workers.push(
        new Worker<DeliveryJob>(ALERT_QUEUES[c], (job: Job<DeliveryJob>) => deliverNotification({ pool, config: config.alerts, log, source, timeoutMs: o.timeoutMs, onDelivery: deps.onDelivery, onThrottled }, job), {
          ...common,
          concurrency: CONCURRENCY[c],
          limiter: LIMITS[c],
          settings: { backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => retryDelayMs(attemptsMade, err, retryBase, retryMax) },
        }),
      );
    }
    for (const w of workers) {
      w.on('error', (err) => log.error({ queue: w.name, err: describeError(err) }, 'alert worker error'));
      if (w.name === ALERT_QUEUES.dispatch) w.on('failed', (_job, err) => log.warn({ err: describeError(err) }, 'alert dispatch failed; the next tick tries again'));
    }
    log.info({ channels, groupWaitMs: config.alerts.groupWaitMs, repeatIntervalMs: config.alerts.repeatIntervalMs }, 'alerting started');
  } catch (err) {
    await Promise.all(workers.map((w) => w.close()));
    await closeQueues();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    close: () =>
      (closing ??= (async () => {
        await Promise.all(workers.map((w) => w.close()));
        await closeQueues();
      })()),
  };
}

/**
 * Delay before retry `attemptsMade` (1-based): the provider's Retry-After when it sent one (plus
 * up to 10 % so several waiting jobs do not return at the same instant), else exponential backoff
 * with jitter between half and the whole of base·2^(n-1), capped at `maxMs`.
 */
export function retryDelayMs(attemptsMade: number, err: Error | undefined, baseMs: number, maxMs: number): number {
  const after = err instanceof DeliveryFailure ? err.retryAfterMs : undefined;
  if (after !== undefined) return Math.round(after + Math.random() * Math.min(after * 0.1, 5000));
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(full / 2 + Math.random() * (full / 2));
}

/** PagerDuty's `source`: the watched cache's host:port (credentials never leave the process). */
function cacheSource(config: TenantwatchConfig): string {
  const url = config.cache.url ?? config.cache.cluster?.nodes[0];
  try {
    return url ? `tenantwatch@${new URL(url).host}` : 'tenantwatch';
  } catch {
    return 'tenantwatch';
  }
}
