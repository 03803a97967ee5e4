import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { CacheShard } from '../src/cache/connect-cache.js';
import { describeError } from '../src/errors.js';
import { checkBatch } from '../src/scan/check-batch.js';
import { REALTIME_STATUS_KEY } from '../src/queue/queue-config.js';
import { keyEventChannels, missingNotifyFlags, withNeededFlags } from './keyspace-events.js';
import { recordOutcome } from './record-outcome.js';
import type { ServiceDeps } from './service-deps.js';

/** Whether written keys are checked as they are written, and if not, why. */
export interface RealtimeStatus {
  enabled: boolean;
  reason: string;
}

export interface RealtimeHandle {
  status(): RealtimeStatus;
  close(): Promise<void>;
}

const LEADER_KEY = 'tenantwatch:realtime-leader';
const LEADER_TTL_MS = 10_000;
const LEADER_RENEW_MS = 3_000;
// A key is checked once it has been quiet this long, or this long after its first write at the
// latest: bursts of writes cost one check, and a write is checked well within a second.
const QUIET_MS = 100;
const MAX_WAIT_MS = 400;
const FLUSH_MS = 50;
/** Keys waiting at once; beyond this, events are dropped and a sweep is requested instead. */
const MAX_PENDING = 10_000;

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Real-time checks (issue: realtime.keyspaceEvents). One process at a time is the leader
 * (a lease in the queue Redis) and subscribes to the key-event channels of every shard, so
 * each write is checked once however many workers run. Pub/sub drops messages while
 * disconnected: every reconnect requests a sweep.
 */
export function startRealtime(deps: ServiceDeps, requestSweep: (reason: string) => Promise<void>): RealtimeHandle {
  const id = randomUUID();
  const log = deps.log.child({ component: 'realtime' });
  let status: RealtimeStatus = { enabled: false, reason: 'waiting to become the subscribing process' };
  let subscribers: Redis[] = [];
  let leader = false;
  let closed = false;
  const pending = new Map<string, { shard: CacheShard; first: number; last: number; buf: Buffer }>();
  let flushing = false;

  // The subscriber's word, shared through the queue Redis for /readyz and the status. It lives
  // twice the lease and is written again at every renewal: a subscriber that dies stops
  // renewing, and its word expires with it.
  const publish = () => {
    if (leader) void deps.queueRedis.set(REALTIME_STATUS_KEY, JSON.stringify({ ...status, at: new Date().toISOString() }), 'PX', LEADER_TTL_MS * 2).catch(() => undefined);
  };
  const setStatus = (s: RealtimeStatus) => {
    status = s;
    // Only the subscriber says whether events arrive: max() over processes is then the truth.
    deps.metrics.realtimeEnabled.set(leader && s.enabled ? 1 : 0);
    publish();
  };

  const lost = (why: string) => {
    log.warn({ why }, 'real-time events may have been lost; requesting a sweep');
    void requestSweep(`realtime: ${why}`).catch((err: unknown) => log.error({ err: describeError(err) }, 'could not request a sweep'));
  };

  const subscribe = async () => {
    const shards = await deps.session.use(async (s) => s.cache.shards);
    const problems: string[] = [];
    subscribers = shards.map((shard) => {
      // Events come from the node that ran the write: a replica shard's master, not the replica.
      const sub = new Redis({ ...notifyingNode(shard), lazyConnect: true, maxRetriesPerRequest: null, commandTimeout: undefined, retryStrategy: (n: number) => Math.min(n * 250, 2000) });
      const db = shard.redis.options.db ?? 0;
      let connections = 0;
      sub.on('error', () => undefined);
      sub.on('ready', () => {
        connections++;
        void checkFlags(deps, shard, log).then((missing) => {
          if (missing) problems.push(`${shard.name}: ${missing}`);
          else problems.splice(0, problems.length, ...problems.filter((p) => !p.startsWith(`${shard.name}:`)));
          setStatus(problems.length === 0 ? { enabled: true, reason: 'subscribed to key-event notifications' } : { enabled: false, reason: problems.join('; ') });
        });
        if (connections > 1) lost(`reconnected to ${shard.name}`);
      });
      sub.on('messageBuffer', (_channel: Buffer, key: Buffer) => onKey(shard, key));
      // Issued at once: ioredis holds it until the connection is up (however many attempts that
      // takes) and subscribes again after every reconnect.
      sub.subscribe(...keyEventChannels(db)).catch((err: unknown) => log.warn({ shard: shard.name, err: describeError(err) }, 'subscribing to key events failed'));
      return sub;
    });
  };

  let overflowing = false;
  const onKey = (shard: CacheShard, buf: Buffer) => {
    deps.metrics.realtimeEvents.inc();
    const k = `${shard.name}\u0000${buf.toString('latin1')}`;
    const now = Date.now();
    const cur = pending.get(k);
    if (cur) cur.last = now;
    else if (pending.size < MAX_PENDING) pending.set(k, { shard, first: now, last: now, buf });
    else if (!overflowing) {
      // Once per burst, not per dropped event: the sweep it requests covers them all.
      overflowing = true;
      lost('too many written keys waiting for a check');
    }
  };

  const flush = async () => {
    if (pending.size < MAX_PENDING / 2) overflowing = false;
    if (flushing || pending.size === 0) return;
    flushing = true;
    try {
      const now = Date.now();
      const due = new Map<CacheShard, Buffer[]>();
      for (const [k, p] of pending) {
        if (now - p.last < QUIET_MS && now - p.first < MAX_WAIT_MS) continue;
        pending.delete(k);
        const list = due.get(p.shard) ?? [];
        list.push(p.buf);
        due.set(p.shard, list);
      }
      for (const [shard, keys] of due) {
        try {
          await deps.session.use(async (s) => {
            // The session may have been reopened: check on its shard of the same name.
            const current = s.cache.shards.find((x) => x.name === shard.name) ?? shard;
            // A replica may not have the write yet (it would show the old, perhaps clean, value):
            // a replica shard's written keys are read on its master.
            const target = await deps.masters.fresh(current);
            const stop = deps.metrics.checkBatchDuration.startTimer({ path: 'realtime' });
            // The priority lane: a written key must not wait behind a running sweep's batches.
            const outcome = await checkBatch({ ...s.ctx, bucket: deps.priorityBucket }, target, keys);
            stop();
            await recordOutcome(deps, outcome, { path: 'realtime' });
          });
        } catch (err) {
          log.error({ err: describeError(err), keys: keys.length }, 'real-time check failed');
          // A broken master connection is opened again for the next check.
          await deps.masters.drop(shard.name);
          lost('a real-time check failed');
        }
      }
    } finally {
      flushing = false;
    }
  };
  const flushTimer = setInterval(() => void flush(), FLUSH_MS);

  const unsubscribe = async () => {
    const subs = subscribers;
    subscribers = [];
    await Promise.all(subs.map((s) => s.quit().catch(() => s.disconnect())));
  };

  const elect = async () => {
    if (closed) return;
    try {
      if (leader) {
        if (Number(await deps.queueRedis.eval(RENEW, 1, LEADER_KEY, id, LEADER_TTL_MS)) === 1) {
          publish();
          return;
        }
        leader = false;
        await unsubscribe();
        setStatus({ enabled: false, reason: 'lost the subscribing lease to another process' });
      }
      if ((await deps.queueRedis.set(LEADER_KEY, id, 'PX', LEADER_TTL_MS, 'NX')) === 'OK') {
        leader = true;
        // A status left by an earlier subscriber means a hand-over: events in the gap are lost.
        const takeover = (await deps.queueRedis.exists(REALTIME_STATUS_KEY)) === 1;
        log.info('subscribing to key-event notifications');
        try {
          await subscribe();
        } catch (err) {
          // Give the lease up so another process can try, rather than hold it without listening.
          leader = false;
          await unsubscribe();
          await deps.queueRedis.eval(RELEASE, 1, LEADER_KEY, id).catch(() => undefined);
          throw err;
        }
        if (closed) {
          await unsubscribe();
          return;
        }
        if (takeover) lost('took over the key-event subscription from another process');
      } else {
        setStatus({ enabled: true, reason: 'another tenantwatch process subscribes to key events' });
      }
    } catch (err) {
      log.warn({ err: describeError(err) }, 'real-time leader election failed; retrying');
    }
  };
  void elect();
  const electTimer = setInterval(() => void elect(), LEADER_RENEW_MS);

  return {
    status: () => status,
    async close() {
      closed = true;
      clearInterval(electTimer);
      clearInterval(flushTimer);
      await unsubscribe();
      // Keys already written are checked before the process leaves; later ones fall to sweeps.
      while (flushing) await new Promise((r) => setTimeout(r, 20));
      pending.forEach((p) => (p.first = 0));
      await flush();
      if (leader) await deps.queueRedis.eval(RELEASE, 1, LEADER_KEY, id).catch(() => undefined);
    },
  };
}

/**
 * Read the shard's notify-keyspace-events; with `realtime.configure`, add what is missing.
 * Returns why notifications are off, or undefined when they are on.
 */
async function checkFlags(deps: ServiceDeps, shard: CacheShard, log: ServiceDeps['log']): Promise<string | undefined> {
  // A replica shard's flags are read and set on its master, whose events we subscribe to.
  const admin = shard.master ? new Redis({ ...notifyingNode(shard), lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null }) : shard.redis;
  if (admin !== shard.redis) admin.on('error', () => undefined);
  try {
    return await checkFlagsOn(deps, admin, shard.master?.name ?? shard.name, log);
  } finally {
    if (admin !== shard.redis) admin.disconnect();
  }
}

/** The connection options of the node whose key events describe this shard's writes. */
function notifyingNode(shard: CacheShard): RedisOptions {
  return shard.master ? { ...shard.redis.options, host: shard.master.host, port: shard.master.port, readOnly: false } : shard.redis.options;
}

async function checkFlagsOn(deps: ServiceDeps, node: Redis, name: string, log: ServiceDeps['log']): Promise<string | undefined> {
  let flags: string;
  try {
    const reply = (await node.config('GET', 'notify-keyspace-events')) as string[];
    flags = reply[1] ?? '';
  } catch (err) {
    return `cannot read notify-keyspace-events (${describeError(err)}); set it to include "E$hg" (and "d" for RedisJSON) on the server`;
  }
  const needs = { json: deps.config.patterns.some((p) => p.type === 'json') };
  const missing = missingNotifyFlags(flags, needs);
  if (missing.length === 0) return undefined;
  if (deps.config.realtime.configure) {
    try {
      await node.config('SET', 'notify-keyspace-events', withNeededFlags(flags, needs));
      log.warn({ shard: name, before: flags, after: withNeededFlags(flags, needs) }, 'changed notify-keyspace-events (realtime.configure: true)');
      return undefined;
    } catch (err) {
      return `cannot set notify-keyspace-events (${describeError(err)})`;
    }
  }
  log.warn({ shard: name, flags, missing: missing.join('') }, 'key-event notifications are off on the cache; sweeps remain the only check (set notify-keyspace-events or realtime.configure: true)');
  return `notify-keyspace-events is "${flags}", lacking "${missing.join('')}"`;
}
