import { Queue, type ConnectionOptions } from 'bullmq';
import type { TenantwatchConfig } from '../src/config/validate-config.js';
import { QUEUE_KEY_PREFIX } from '../src/cache/own-keys.js';
import { StateUnavailable } from '../src/errors.js';

/** Every BullMQ key lives under `tenantwatch:`, which sweeps of a shared Redis skip. */
export const QUEUE_PREFIX = QUEUE_KEY_PREFIX.slice(0, -1);

export const QUEUE_NAMES = {
  sweep: 'sweep',
  check: 'check',
  confirm: 'confirm',
  sample: 'sample',
} as const;

/** SPEC §2: `state.redis` defaults to `cache.url`; a clustered cache needs its own queue Redis. */
export function queueRedisUrl(config: TenantwatchConfig): string {
  const url = config.state.redis ?? config.cache.url;
  if (!url) throw new StateUnavailable('state.redis: required when the cache is a cluster (BullMQ needs one Redis)');
  return url;
}

/** BullMQ's workers block on the queue Redis and must never give up a command (BullMQ 6). */
export function queueConnection(config: TenantwatchConfig): ConnectionOptions {
  return { url: queueRedisUrl(config), maxRetriesPerRequest: null, enableOfflineQueue: true };
}

/** Check batches and confirmations are retried with backoff: a Postgres restart loses nothing. */
export const RETRIED = {
  attempts: 25,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: 1000,
} as const;

export interface Queues {
  sweep: Queue;
  check: Queue;
  confirm: Queue;
  sample: Queue;
  close(): Promise<void>;
}

export function openQueues(config: TenantwatchConfig): Queues {
  const connection = queueConnection(config);
  const make = (name: string) => new Queue(name, { connection, prefix: QUEUE_PREFIX });
  const q = { sweep: make(QUEUE_NAMES.sweep), check: make(QUEUE_NAMES.check), confirm: make(QUEUE_NAMES.confirm), sample: make(QUEUE_NAMES.sample) };
  return { ...q, close: async () => void (await Promise.all(Object.values(q).map((x) => x.close()))) };
}
