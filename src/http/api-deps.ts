import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TenantwatchConfig } from '../config/validate-config.js';
import type { Metrics } from '../metrics/metrics.js';
import type { CacheAccess } from './cache-access.js';

/** What the HTTP layer needs; built by serve-api.ts (or a test) and passed to buildApp. */
export interface ApiDeps {
  config: TenantwatchConfig;
  /** The state database (search_path = the state schema). */
  state: pg.Pool;
  /** The queue Redis: readiness, the real-time status key, worker counts. */
  queueRedis: Redis;
  /** On-demand scans go through this queue; the workers run them. */
  scans: Queue;
  /** Workers consume this queue; its worker count is the service's. */
  checks: Queue;
  cache: CacheAccess;
  /** The source database, for readiness (absent when no pattern needs it). */
  source?: pg.Pool;
  metrics: Metrics;
  log: Logger;
}
