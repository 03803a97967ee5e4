import { Cluster, Redis } from 'ioredis';
import type { TenantwatchConfig } from '../config/validate-config.js';
import { CacheUnavailable, describeError } from '../errors.js';
import { EVICT_MAX_BYTES, EVICT_SCRIPT } from './evict-script.js';

/** The API's only uses of the cache: a readiness ping and the opt-in, compare-and-delete evict. */
export interface CacheAccess {
  ping(): Promise<void>;
  evict(key: string, payloadSha256: string, field?: string): Promise<{ evicted: boolean; reason: string }>;
  close(): Promise<void>;
}

/**
 * A lazily connected client: a plain Redis, or an ioredis Cluster so an evict reaches the master
 * of the key's slot even when sweeps read from replicas.
 */
export function cacheAccess(config: TenantwatchConfig): CacheAccess {
  let client: Redis | Cluster | undefined;
  const get = (): Redis | Cluster => {
    if (client) return client;
    const opts = { lazyConnect: false, maxRetriesPerRequest: 1, connectTimeout: 5000, commandTimeout: 5000, enableOfflineQueue: true };
    if (config.cache.cluster) {
      client = new Cluster(config.cache.cluster.nodes.map((u) => ({ host: new URL(u).hostname, port: Number(new URL(u).port || 6379) })), { redisOptions: opts });
    } else {
      client = new Redis(config.cache.url!, opts);
    }
    client.on('error', () => undefined);
    return client;
  };
  const fail = (what: string, err: unknown) => new CacheUnavailable(`cache ${what}: ${describeError(err)}`, { cause: err });
  return {
    async ping() {
      try {
        await get().ping();
      } catch (err) {
        throw fail('ping', err);
      }
    },
    async evict(key, payloadSha256, field) {
      let reply: unknown;
      try {
        reply = await get().eval(EVICT_SCRIPT, 1, key, payloadSha256, field ?? '', EVICT_MAX_BYTES);
      } catch (err) {
        throw fail('evict', err);
      }
      const [done, reason] = reply as [number, string];
      return { evicted: done === 1, reason };
    },
    async close() {
      const c = client;
      client = undefined;
      await c?.quit().catch(() => c.disconnect());
    },
  };
}
