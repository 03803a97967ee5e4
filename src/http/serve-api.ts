import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TenantwatchConfig } from '../config/validate-config.js';
import type { Metrics } from '../metrics/metrics.js';
import { startStateFigures } from '../metrics/state-figures.js';
import { QUEUE_NAMES, QUEUE_PREFIX, queueConnection, queueRedisUrl } from '../queue/queue-config.js';
import { connectSource } from '../source/connect-source.js';
import { connectState } from '../state/connect-state.js';
import { migrate } from '../state/migrate.js';
import type { ApiDeps } from './api-deps.js';
import { buildApp, type AppOptions } from './build-app.js';
import { cacheAccess } from './cache-access.js';

export interface RunningApi {
  /** `http://host:port` it listens on. */
  url: string;
  close(): Promise<void>;
}

/**
 * The API process: its own connections (state, queue, cache for readiness and evict, source for
 * readiness), the app, and a listening socket on api.host:api.port.
 */
export async function serveApi(config: TenantwatchConfig, log: Logger, metrics: Metrics, opts: AppOptions & { port?: number; stateFigures?: boolean } = {}): Promise<RunningApi> {
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const state = await connectState(config, { max: 4 });
    closers.push(() => state.close());
    await migrate(state.pool, state.schema);
    const queueRedis = new Redis(queueRedisUrl(config), { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    queueRedis.on('error', () => undefined);
    closers.push(() => queueRedis.quit().catch(() => queueRedis.disconnect()));
    await queueRedis.connect().catch(() => undefined);
    const connection = queueConnection(config);
    const scans = new Queue(QUEUE_NAMES.scan, { connection, prefix: QUEUE_PREFIX });
    const checks = new Queue(QUEUE_NAMES.check, { connection, prefix: QUEUE_PREFIX });
    closers.push(() => scans.close(), () => checks.close());
    const cache = cacheAccess(config);
    closers.push(() => cache.close());
    let source: pg.Pool | undefined;
    if (config.source) {
      // Readiness only; a source that is down makes /readyz say so rather than stopping the API.
      source = await connectSource(config.source.url, config.source.statementTimeoutMs, 1).catch((err: unknown) => {
        log.warn({ err: String(err) }, 'source database not reachable yet; /readyz reports it');
        return undefined;
      });
      if (source) closers.push(() => source!.end());
    }
    // The figures read from the state (last sweep, correctness, open incidents), so an API process
    // alone exports them; a worker in the same process already publishes them into `metrics`.
    if (opts.stateFigures !== false) {
      const stopFigures = startStateFigures(state.pool, config, metrics, log);
      closers.push(() => stopFigures());
    }
    metrics.roles.set({ role: 'api' }, 1);
    const deps: ApiDeps = { config, state: state.pool, queueRedis, scans, checks, cache, source, metrics, log };
    const app = await buildApp(deps, opts);
    closers.push(() => app.close());
    const host = config.api?.host ?? '0.0.0.0';
    const port = opts.port ?? config.api?.port ?? 8080;
    const address = await app.listen({ host, port });
    log.info({ url: address }, 'API listening');
    return { url: address, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
