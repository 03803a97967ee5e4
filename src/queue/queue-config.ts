import type { ConnectionOptions } from 'bullmq';
import type { TenantwatchConfig } from '../config/validate-config.js';
import { QUEUE_KEY_PREFIX } from '../cache/own-keys.js';
import { StateUnavailable } from '../errors.js';

/** Every BullMQ key lives under `tenantwatch:`, which sweeps of a shared Redis skip. */
export const QUEUE_PREFIX = QUEUE_KEY_PREFIX.slice(0, -1);

/** The queues the service and the API share (the API only adds on-demand scans). */
export const QUEUE_NAMES = {
  sweep: 'sweep',
  check: 'check',
  confirm: 'confirm',
  sample: 'sample',
  scan: 'scan',
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

/**
 * Check batches and confirmations are retried with backoff: a Postgres restart loses nothing.
 * Plain exponential backoff over many attempts grows to days (500 ms · 2^24); `capped` doubles
 * from 500 ms up to 30 s with jitter, so 40 attempts span about 17 minutes, after which the
 * batch is given up and its keys count as unchecked.
 */
export const RETRIED = {
  attempts: 40,
  backoff: { type: 'capped' },
  removeOnComplete: true,
  removeOnFail: 1000,
} as const;

/** The `capped` backoff of RETRIED, for every worker's `settings.backoffStrategy`. */
export function cappedBackoff(attemptsMade: number): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The real-time leader publishes its status here (JSON {enabled, reason, at}); readiness reads it. */
export const REALTIME_STATUS_KEY = 'tenantwatch:realtime-status';

/** Data of an on-demand scan job (POST /api/v1/scans). */
export interface ScanJobData {
  match?: string;
  patterns?: string[];
  keys?: string[];
  limit?: number;
}
