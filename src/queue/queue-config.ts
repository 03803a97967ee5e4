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

/** Check batches and confirmations are retried with backoff: a Postgres restart loses nothing. */
export const RETRIED = {
  attempts: 25,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: true,
  removeOnFail: 1000,
} as const;

/** The real-time leader publishes its status here (JSON {enabled, reason, at}); readiness reads it. */
export const REALTIME_STATUS_KEY = 'tenantwatch:realtime-status';

/** Data of an on-demand scan job (POST /api/v1/scans). */
export interface ScanJobData {
  match?: string;
  patterns?: string[];
  keys?: string[];
  limit?: number;
}
