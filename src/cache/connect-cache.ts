import { Redis, type RedisOptions } from 'ioredis';
import { CacheUnavailable, describeError } from '../errors.js';
import { redactUrl } from './redact-url.js';
import { RespConnection } from './resp-connection.js';

/** One node whose keyspace is scanned: the standalone server, or one shard of a cluster. */
export interface CacheShard {
  /** `host:port` (or the redacted URL) for messages. */
  name: string;
  role: 'standalone' | 'master' | 'replica';
  /** ioredis for SCAN, TTLs and everything but the value reads. */
  redis: Redis;
  /** The raw batch connection for the value-read hot path (see resp-connection.ts). */
  reader: RespConnection;
  /** Hash-slot ranges served (cluster only), to route named keys (`check KEY…`). */
  slots?: [number, number][];
  /**
   * The master of a replica shard (`cluster.readFrom: replica`). Key-event notifications are
   * published only by the node that ran the write, never by its replicas, and a replica may not
   * have the write yet when its event arrives: real-time checks subscribe, check
   * notify-keyspace-events and read here (openMasterShard).
   */
  master?: { host: string; port: number; name: string; url: string };
}

/** The cache as tenantwatch reads it: the shards to scan, each read directly. */
export interface CacheConnection {
  shards: CacheShard[];
  close(): Promise<void>;
}

export interface CacheTarget {
  url?: string;
  cluster?: { nodes: string[]; readFrom: 'master' | 'replica' };
}

/**
 * Fail fast instead of ioredis's retry-forever default: a CLI scan must end with one clear line,
 * and a long-running worker reconnects through its own supervision.
 */
const CLIENT_OPTIONS: RedisOptions = {
  lazyConnect: true,
  connectTimeout: 5000,
  maxRetriesPerRequest: 2,
  // A frozen server must not hang a scan: a command unanswered this long fails.
  commandTimeout: 10_000,
  retryStrategy: (attempt) => (attempt > 3 ? null : attempt * 250),
  enableOfflineQueue: true,
};

/** Connect to the cache; for a cluster, one direct connection per master (or one replica each). */
export async function connectCache(target: CacheTarget): Promise<CacheConnection> {
  if (target.cluster) return connectCluster(target.cluster.nodes, target.cluster.readFrom);
  if (!target.url) throw new CacheUnavailable('cache: no url configured');
  const redis = await openRedis(target.url, {});
  let reader: RespConnection;
  try {
    reader = await openReader(target.url, false);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const shards: CacheShard[] = [{ name: redactUrl(target.url), role: 'standalone', redis, reader }];
  return { shards, close: () => closeShards(shards) };
}

/** Open one connection and prove it answers, or throw CacheUnavailable naming the URL. */
export async function openRedis(url: string, extra: RedisOptions): Promise<Redis> {
  const redis = new Redis(url, { ...CLIENT_OPTIONS, ...extra });
  // Swallowing here is deliberate only for the 'error' event: failures surface through the
  // rejected commands below and in the caller, which has the context to report them.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new CacheUnavailable(`cannot reach the cache at ${redactUrl(url)}: ${describeError(err)}`, { cause: err });
  }
}

interface ClusterNodeLine {
  id: string;
  address: string;
  flags: string[];
  masterId: string;
  slots: [number, number][];
}

/** Parse CLUSTER NODES (works on Redis 3+; CLUSTER SHARDS needs 7). */
export function parseClusterNodes(text: string): ClusterNodeLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const parts = line.trim().split(' ');
      return {
        id: parts[0] ?? '',
        address: (parts[1] ?? '').split('@')[0]!.split(',')[0]!,
        flags: (parts[2] ?? '').split(','),
        masterId: parts[3] ?? '-',
        slots: parts.slice(8).flatMap((r): [number, number][] => {
          if (r.startsWith('[')) return []; // a slot being migrated or imported
          const [a, b] = r.split('-');
          return [[Number(a), Number(b ?? a)]];
        }),
      };
    });
}

async function connectCluster(seeds: string[], readFrom: 'master' | 'replica'): Promise<CacheConnection> {
  let topology: ClusterNodeLine[] | undefined;
  const failures: string[] = [];
  for (const seed of seeds) {
    let probe: Redis | undefined;
    try {
      probe = await openRedis(seed, {});
      topology = parseClusterNodes(String(await probe.call('CLUSTER', 'NODES')));
      break;
    } catch (err) {
      failures.push(`${redactUrl(seed)}: ${describeError(err)}`);
    } finally {
      probe?.disconnect();
    }
  }
  if (!topology) throw new CacheUnavailable(`cannot reach any cluster seed node (${failures.join('; ')})`);
  const healthy = (n: ClusterNodeLine) => !n.flags.some((f) => f === 'fail' || f === 'handshake' || f === 'noaddr');
  const masters = topology.filter((n) => n.flags.includes('master') && n.slots.length > 0 && healthy(n));
  const covered = masters.flatMap((m) => m.slots).sort((a, b) => a[0] - b[0]);
  const gaps: string[] = [];
  let next = 0;
  for (const [a, b] of covered) {
    if (a > next) gaps.push(`${next}-${a - 1}`);
    next = Math.max(next, b + 1);
  }
  if (next <= 16383) gaps.push(`${next}-16383`);
  // A shard we cannot scan must fail the run, not shrink it: a partial pass looks clean.
  if (gaps.length > 0) throw new CacheUnavailable(`cluster slots ${gaps.join(', ')} have no healthy master to scan`);
  const template = new URL(seeds[0]!);
  const shards: CacheShard[] = [];
  try {
    for (const master of masters) {
      const replica = topology.find((n) => n.masterId === master.id && n.flags.includes('slave') && healthy(n));
      if (readFrom === 'replica' && !replica) {
        throw new CacheUnavailable(`cluster shard ${master.address} has no healthy replica (readFrom: replica)`);
      }
      const node = readFrom === 'replica' ? replica! : master;
      const url = withAddress(template, node.address);
      const redis = await openRedis(url, { readOnly: readFrom === 'replica' });
      let reader: RespConnection;
      try {
        reader = await openReader(url, readFrom === 'replica');
      } catch (err) {
        redis.disconnect();
        throw err;
      }
      const [masterHost, masterPort] = splitAddress(master.address);
      shards.push({
        name: node.address,
        role: readFrom === 'replica' ? 'replica' : 'master',
        redis,
        reader,
        slots: master.slots,
        ...(readFrom === 'replica' ? { master: { host: masterHost, port: Number(masterPort), name: master.address, url: withAddress(template, master.address) } } : {}),
      });
    }
  } catch (err) {
    await closeShards(shards);
    throw err;
  }
  return { shards, close: () => closeShards(shards) };
}

/** The seed URL (scheme, credentials, options) pointed at another node. */
function withAddress(template: URL, address: string): string {
  const url = new URL(template.toString());
  const [host, port] = splitAddress(address);
  url.hostname = host;
  url.port = port;
  url.pathname = '';
  return url.toString();
}

/**
 * Direct connections to a replica shard's master (the shard itself when it is no replica), for
 * the few reads that must see a write as soon as it happened. The caller closes it.
 */
export async function openMasterShard(shard: CacheShard): Promise<{ shard: CacheShard; close(): Promise<void> }> {
  if (!shard.master) return { shard, close: async () => undefined };
  const redis = await openRedis(shard.master.url, {});
  let reader: RespConnection;
  try {
    reader = await openReader(shard.master.url, false);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const master: CacheShard = { name: shard.master.name, role: 'master', redis, reader, slots: shard.slots };
  return { shard: master, close: () => closeShards([master]) };
}

function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), address.slice(i + 1)];
}

async function openReader(url: string, readOnly: boolean): Promise<RespConnection> {
  try {
    return await RespConnection.open(url, { readOnly });
  } catch (err) {
    throw new CacheUnavailable(`cannot reach the cache at ${redactUrl(url)}: ${describeError(err)}`, { cause: err });
  }
}

async function closeShards(shards: readonly CacheShard[]): Promise<void> {
  for (const s of shards) s.reader.close();
  await Promise.all(shards.map((s) => s.redis.quit().catch(() => s.redis.disconnect())));
}
