import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../workers/start-service.js';
import { REALTIME_STATUS_KEY } from '../../src/queue/queue-config.js';
import { freePort } from '../helpers/private-redis.js';
import { usePgSchema, type PgSchema } from '../helpers/pg-schema.js';
import { seedOwners } from '../helpers/scan-fixture.js';
import { quietLog, serviceConfig, waitFor, type ServiceConfigOptions } from '../helpers/service-fixture.js';
import { useStateSchema, type StateSchema } from '../helpers/state-schema.js';

// Real-time checks need notify-keyspace-events on the cache: each test runs its own
// redis-server, so no other test file's Redis sees a CONFIG change.
interface Server {
  url: string;
  admin: Redis;
  stop(): Promise<void>;
}

const servers: Server[] = [];
let source: PgSchema;
let state: StateSchema;
let service: Service | undefined;

beforeAll(async () => {
  source = await usePgSchema();
  await seedOwners(source.pool, source.schema);
  state = await useStateSchema();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await state.pool.query('truncate findings, incidents, incident_events, sweeps, sweep_shards, sweep_batches, sweep_patterns, pattern_minutes restart identity cascade');
});
afterAll(async () => {
  await source?.cleanup();
  await state?.cleanup();
});


async function redisServer(notify: string): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--notify-keyspace-events', notify], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const admin = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, maxRetriesPerRequest: 0 });
  admin.on('error', () => undefined);
  await waitFor('redis-server', async () => admin.ping().then(() => true, () => false), 10_000);
  const server = {
    url: `redis://127.0.0.1:${port}/0`,
    admin,
    async stop() {
      admin.disconnect();
      child.kill('SIGKILL');
      await exited;
    },
  };
  servers.push(server);
  return server;
}

async function start(cacheUrl: string, opts: Partial<ServiceConfigOptions> = {}): Promise<Service> {
  const config = serviceConfig({ cacheUrl, pgUrl: source.url, sourceSchema: source.schema, stateSchema: state.schema, realtime: true, confirmAfter: '200ms', ...opts });
  service = await startService(config, quietLog, { concurrency: 2 });
  return service;
}

const confirmed = async (key: string) =>
  (await state.pool.query<{ confirmed: boolean }>(`select confirmed from findings where key = $1 and kind = 'cross_tenant_payload'`, [key])).rows[0]?.confirmed;

describe('real-time checks', () => {
  it('confirms a poisoned key written while the service runs, without waiting for a sweep', async () => {
    const redis = await redisServer('E$hg');
    const s = await start(redis.url);
    await waitFor('the first sweep', async () => (await state.pool.query(`select 1 from sweeps where status = 'done'`)).rowCount === 1);
    await waitFor('the subscription', async () => s.realtime?.status().enabled && (await redis.admin.pubsub('NUMSUB', '__keyevent@0__:set'))[1] === 1);
    await redis.admin.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    // sweep.every is 1h: only the real-time path can find it.
    await waitFor('the confirmed finding', async () => confirmed('project:globex:1043'), 10_000);
    const sweeps = await state.pool.query(`select id from sweeps`);
    expect(sweeps.rowCount).toBe(1);
    const published = JSON.parse((await redis.admin.get(REALTIME_STATUS_KEY)) ?? '{}') as { enabled?: boolean };
    expect(published.enabled).toBe(true);
    expect(await s.deps.metrics.registry.getSingleMetricAsString('tenantwatch_realtime_enabled')).toMatch(/tenantwatch_realtime_enabled 1/);
    expect(await s.deps.metrics.registry.getSingleMetricAsString('tenantwatch_realtime_configured')).toMatch(/tenantwatch_realtime_configured 1/);
  });

  it('keeps its published status alive while it holds the lease, past the status key’s own lifetime', async () => {
    const redis = await redisServer('E$hg');
    const s = await start(redis.url);
    await waitFor('the subscription', async () => s.realtime?.status().enabled);
    await waitFor('the published status', async () => (await redis.admin.get(REALTIME_STATUS_KEY)) !== null);
    const first = JSON.parse((await redis.admin.get(REALTIME_STATUS_KEY))!) as { at: string };
    // The lease renews every 3 s; each renewal writes the status again with a fresh expiry.
    await waitFor('a renewal', async () => (JSON.parse((await redis.admin.get(REALTIME_STATUS_KEY)) ?? '{"at":""}') as { at: string }).at > first.at, 10_000);
    expect(await redis.admin.pttl(REALTIME_STATUS_KEY)).toBeGreaterThan(17_000);
  });

  it('checks a hash written with HSET through the same path', async () => {
    const redis = await redisServer('E$hg');
    const s = await start(redis.url);
    await waitFor('the subscription', async () => s.realtime?.status().enabled);
    await waitFor('subscribers', async () => (await redis.admin.pubsub('NUMSUB', '__keyevent@0__:hset'))[1] === 1);
    await redis.admin.hset('project:globex:1041', { id: '1041', tenant_id: 'acme' });
    await waitFor('the confirmed finding', async () => confirmed('project:globex:1041'), 10_000);
  });

  it('checks a written key at once while a slow sweep is running, not after the sweep\'s borrowed reads', async () => {
    const redis = await redisServer('E$hg');
    const keys = Array.from({ length: 400 }, (_, i) => [`project:acme:${5000 + i}`, JSON.stringify({ id: 5000 + i, tenant_id: 'acme' })]);
    await redis.admin.mset(Object.fromEntries(keys));
    // 20 keys/s with batches of 100 and two check slots: the sweep runs for 20 s, and the
    // batches in flight have borrowed 4-9 s of reads from the shared bucket.
    const s = await start(redis.url, { rate: 20 });
    await waitFor('the sweep under way', async () => (await state.pool.query(`select 1 from sweeps where status = 'running'`)).rowCount === 1);
    await waitFor('the subscription', async () => s.realtime?.status().enabled && (await redis.admin.pubsub('NUMSUB', '__keyevent@0__:set'))[1] === 1);
    await redis.admin.set('project:globex:1043', JSON.stringify({ id: 1043, tenant_id: 'acme' }));
    await waitFor('the confirmed finding', async () => confirmed('project:globex:1043'), 3_000);
    expect((await state.pool.query(`select 1 from sweeps where status = 'running'`)).rowCount).toBe(1);
  });

  it('requires the module-event flag d when a pattern reads RedisJSON values, whose json.set events need it', async () => {
    const redis = await redisServer('E$hg');
    const s = await start(redis.url, { jsonPattern: true });
    await waitFor('the flag check', async () => s.realtime?.status().reason.includes('notify-keyspace-events'));
    expect(s.realtime?.status()).toEqual({ enabled: false, reason: `${redis.url}: notify-keyspace-events is "g$hE", lacking "d"` });
  });

  it('says real-time checks are off when the cache does not notify, and leaves its CONFIG alone', async () => {
    const redis = await redisServer('');
    const s = await start(redis.url);
    await waitFor('the flag check', async () => s.realtime?.status().reason.includes('notify-keyspace-events'));
    expect(s.realtime?.status()).toEqual({ enabled: false, reason: `${redis.url}: notify-keyspace-events is "", lacking "E$hg"` });
    expect(await redis.admin.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', '']);
    expect(await s.deps.metrics.registry.getSingleMetricAsString('tenantwatch_realtime_enabled')).toMatch(/tenantwatch_realtime_enabled 0/);
  });

  it('turns notifications on only when realtime.configure says so, keeping the flags already set', async () => {
    const redis = await redisServer('Kx');
    const s = await start(redis.url, { configure: true });
    await waitFor('notifications on', async () => s.realtime?.status().enabled);
    const [, flags] = (await redis.admin.config('GET', 'notify-keyspace-events')) as [string, string];
    for (const c of ['K', 'x', 'E', '$', 'h', 'g']) expect(flags).toContain(c);
  });

  it('requests a sweep after its subscription reconnects, since pub/sub lost what was sent meanwhile', async () => {
    const redis = await redisServer('E$hg');
    const s = await start(redis.url);
    await waitFor('the first sweep', async () => (await state.pool.query(`select 1 from sweeps where status = 'done'`)).rowCount === 1);
    await waitFor('the subscription', async () => s.realtime?.status().enabled && (await redis.admin.pubsub('NUMSUB', '__keyevent@0__:set'))[1] === 1);
    await redis.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await waitFor('a second sweep', async () => (await state.pool.query<{ reason: string }>(`select reason from sweeps where reason like 'realtime:%'`)).rows[0]?.reason, 15_000);
  });
});
