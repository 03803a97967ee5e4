import type { Redis } from 'ioredis';
import type { RateLimiter } from '../src/cache/shared-token-bucket.js';
import type { Logger } from 'pino';
import type { TenantwatchConfig } from '../src/config/validate-config.js';
import type { Metrics } from '../src/metrics/metrics.js';
import type { StateDb } from '../src/state/connect-state.js';
import type { MasterShards } from './master-shards.js';
import type { Queues } from './queues.js';
import type { SessionHolder } from './session-holder.js';

/** What every job processor of one service process shares; built once in start-service.ts. */
export interface ServiceDeps {
  config: TenantwatchConfig;
  state: StateDb;
  /** A plain client of the queue Redis for locks, the shared rate limit and status keys. */
  queueRedis: Redis;
  queues: Queues;
  session: SessionHolder;
  /**
   * The shared sweep.rate bucket's priority lane, for real-time checks and confirmations: they
   * count against the rate but do not queue behind a running sweep's batches.
   */
  priorityBucket: RateLimiter;
  /** Masters of replica shards, for real-time checks and confirmations (master-shards.ts). */
  masters: MasterShards;
  metrics: Metrics;
  log: Logger;
  /** Aborted when the process begins a graceful shutdown. */
  shutdown: AbortSignal;
}
