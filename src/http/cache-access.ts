import { Cluster, Redis, type RedisOptions } from 'ioredis';
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
 * How long a ping or an evict may wait. A Cluster client queues commands while it cannot reach
 * any node (wrong password, every node down) and its commandTimeout only starts once a command
 * is sent, so without a deadline /readyz and evict would hang instead of answering.
 */
const ANSWER_MS = 5000;

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
      const nodes = config.cache.cluster.nodes.map((u) => ({ host: new URL(u).hostname, port: Number(new URL(u).port || 6379) }));
      client = new Cluster(nodes, { redisOptions: { ...opts, ...credentialsOf(config.cache.cluster.nodes[0]!) } });
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
        await within(ANSWER_MS, get().ping());
      } catch (err) {
        throw fail('ping', err);
      }
    },
    async evict(key, payloadSha256, field) {
      let reply: unknown;
      try {
        reply = await within(ANSWER_MS, get().eval(EVICT_SCRIPT, 1, key, payloadSha256, field ?? '', EVICT_MAX_BYTES));
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

/**
 * What a cluster's seed URL says about every node: user, password, TLS. ioredis's Cluster takes
 * hosts and ports only, so without this a password-protected or TLS cluster refuses each node.
 */
export function credentialsOf(seed: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const url = new URL(seed);
  const out: Pick<RedisOptions, 'username' | 'password' | 'tls'> = {};
  if (url.username !== '') out.username = decodeURIComponent(url.username);
  if (url.password !== '') out.password = decodeURIComponent(url.password);
  // Each node is checked against its own name (ioredis's default), not the seed's.
  if (url.protocol === 'rediss:') out.tls = {};
  return out;
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
